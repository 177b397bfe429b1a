"""Benchmark: 1,000 samples of the default SIPAS plan, each estimated overall and for the 30
districts with design-based SEs (gs.sipas_index), on the synthetic city.

Target (issue 8): under 30 s on a 2-core machine. Prints the time of each part and, as a
peer in the same run, the time of the straightforward loop (one sample at a time: draw, build
the design, two sipas_index calls) on a subset, scaled to 1,000.

    .venv/bin/python bench/sampling.py [--replications 1000] [--batch 50]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import govsurvey as gs
from govsurvey.index import sipas_index
from govsurvey.sampling import simulate_plans, standard_plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--loop", type=int, default=30, help="samples timed one at a time")
    args = ap.parse_args()

    t0 = time.perf_counter()
    sim = gs.synth.simulate(seed=2024, nonresponse="none")
    pop = sim.population
    m = dict(
        zip(
            sim.wards().drop_duplicates("district")["district"],
            sim.params["wards_per_district"],
            strict=True,
        )
    )
    plan = standard_plan("sipas", m, 50, language="en")
    t_city = time.perf_counter() - t0

    t1 = time.perf_counter()
    c1 = time.process_time()
    res = simulate_plans(
        [plan],
        pop,
        sim.instrument,
        replications=args.replications,
        seed=1,
        batch=args.batch,
    )
    t_sim = time.perf_counter() - t1
    c_sim = time.process_time() - c1
    n_est = len(res.replicates)

    # peer: the same work one sample at a time
    prep = plan.prepare(pop)
    t2 = time.perf_counter()
    for r in range(args.loop):
        s = plan.assemble(prep, plan.draw_positions(prep, np.random.default_rng([1, 0, r])))
        d = plan.design(s)
        sipas_index(d, sim.instrument)
        sipas_index(d, sim.instrument, by="district")
    t_loop = (time.perf_counter() - t2) / args.loop * args.replications

    city = res.summary.query("domain == 'all'").iloc[0]
    print(f"synthetic city built in {t_city:.1f} s ({len(pop):,} dossiers)")
    print(
        f"{args.replications} samples x (overall + {res.summary['domain'].nunique() - 1} "
        f"districts) = {n_est:,} index estimates with SEs: {t_sim:.1f} s wall, "
        f"{c_sim:.1f} s CPU (target < 30 s; includes the census truth and the frame "
        "preparation)"
    )
    print(
        f"one sample at a time ({args.loop} timed, scaled to {args.replications}): "
        f"{t_loop:.1f} s  -> ratio {t_loop / t_sim:.1f}x"
    )
    print(
        f"city: bias {city['bias']:+.3f} points, empirical SE {city['empirical_se']:.3f}, "
        f"mean SE {city['mean_se']:.3f}, coverage {city['coverage']:.3f}"
    )


if __name__ == "__main__":
    main()
