"""Benchmark govsurvey's estimation core against svy on the same data in the same run.

Run: ``python bench/estimation.py`` (add ``--quick`` for a smaller run). Prints the times and
ratios, and asserts that estimates and SEs agree to 1e-6 relative.

1. Taylor: 1,000,000 responses x 22 binary criteria (0/1 with NaN), 40 strata, 4,000 PSUs,
   30 district domains; every criterion rate by district with its SE.
2. Bootstrap: 500 Rao-Wu replicates on 40,000 responses; govsurvey's replicate weights are
   handed to svy, so both apply the replicate-variance formula to identical weights.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import polars as pl
import svy

import govsurvey as gs
from govsurvey.design import Design, ReplicateDesign

RTOL = 1e-6


def make(n: int, n_strata: int, n_psu: int, n_districts: int, k: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, n_psu, n)
    stratum = psu % n_strata  # PSUs nested in strata
    district = rng.integers(0, n_districts, n)
    psu_effect = rng.normal(0, 0.6, n_psu)[psu]
    cols = {
        "stratum": stratum.astype(np.int64),
        "psu": psu.astype(np.int64),
        "district": np.array([f"D{d:02d}" for d in range(n_districts)])[district],
        "w": rng.uniform(20, 200, n),
    }
    base = rng.normal(1.2, 0.5, k)
    for j in range(k):
        p = 1 / (1 + np.exp(-(base[j] + psu_effect)))
        y = (rng.random(n) < p).astype(float)
        y[rng.random(n) < 0.05] = np.nan  # "don't know / not applicable"
        cols[f"C{j + 1:02d}"] = y
    return pd.DataFrame(cols), [f"C{j + 1:02d}" for j in range(k)]


def svy_frame(result_list, by):
    frames = [r.to_polars().to_pandas() for r in result_list]
    out = pd.concat(frames, keys=range(len(frames)), names=["var", "i"]).reset_index()
    return out.sort_values(["var", by]).reset_index(drop=True)


def compare(ours: pd.DataFrame, theirs: pd.DataFrame, names, by):
    ours = ours.assign(var=ours["variable"].map({v: i for i, v in enumerate(names)}))
    ours = ours.sort_values(["var", by]).reset_index(drop=True)
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    np.testing.assert_allclose(ours["estimate"], theirs["est"], rtol=RTOL)
    np.testing.assert_allclose(ours["se"], theirs["se"], rtol=RTOL)
    rel = np.max(np.abs(ours["se"] / theirs["se"] - 1))
    return rel


def best_of(fn, repeat):
    """Run ``fn`` ``repeat`` times; its last result and the shortest wall time (shared box)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, min(times)


def bench_taylor(n, n_strata, n_psu, n_districts, k, repeat):
    df, names = make(n, n_strata, n_psu, n_districts, k)
    print(
        f"\n[1] Taylor: {n:,} responses x {k} criteria, {n_strata} strata, {n_psu:,} PSUs, "
        f"{n_districts} districts (best of {repeat})"
    )

    def ours_run():
        d = Design(df, weights="w", strata="stratum", psu="psu", nest=True)
        return d.mean(names, by="district")

    pdf = pl.from_pandas(df)

    def svy_run():
        s = svy.Sample(pdf, svy.Design(stratum="stratum", psu="psu", wgt="w"))
        res = s.estimation.mean(names, by="district", drop_nulls=True)
        return svy_frame(res if isinstance(res, list) else [res], "district")

    ours, t_ours = best_of(ours_run, repeat)
    theirs, t_svy = best_of(svy_run, repeat)
    rel = compare(ours, theirs, names, "district")
    print(
        f"    govsurvey {t_ours:7.2f} s   svy {t_svy:7.2f} s   svy/govsurvey = "
        f"{t_svy / t_ours:5.1f}x   (max relative SE difference {rel:.1e})"
    )
    bench_index(df, names, theirs, t_svy, repeat)
    return t_ours, t_svy


def bench_index(df, names, theirs, t_svy, repeat):
    """The whole SIPAS index (22 criterion rates, 5 components, overall) on the same data.

    The 0/1/NaN criteria become answers (5 satisfied, 2 not, 8 don't know), so the index's
    criterion rates are svy's means of [1] times 100; svy has no composite to time against, so
    the ratio is svy's 22 means against govsurvey's 28 figures.
    """
    inst = gs.load_instrument("sipas-2017")
    answers = df[["stratum", "psu", "w", "district"]].copy()
    for name, crit in zip(names, inst.criteria, strict=True):
        answers[crit.column] = df[name].map({1.0: 5.0, 0.0: 2.0}).fillna(8.0)
    design = Design(answers, weights="w", strata="stratum", psu="psu", nest=True)
    idx, t_idx = best_of(lambda: gs.sipas_index(design, inst, by="district"), repeat)
    crit = idx[idx["level"] == "criterion"].copy()
    to_name = {c.code: n for c, n in zip(inst.criteria, names, strict=True)}
    crit["variable"] = crit["code"].map(to_name)
    crit[["estimate", "se"]] = crit[["estimate", "se"]] / 100
    rel = compare(crit, theirs, names, "district")
    print(
        f"[1b] SIPAS index by district on the same data: govsurvey {t_idx:5.2f} s for "
        f"{len(idx):,} figures; svy/govsurvey = {t_svy / t_idx:5.1f}x  (criterion rates against "
        f"svy: max relative SE difference {rel:.1e})"
    )


def bench_bootstrap(n, n_strata, n_psu, n_districts, k, R, repeat):
    df, names = make(n, n_strata, n_psu, n_districts, k, seed=2)
    print(
        f"\n[2] Bootstrap: {n:,} responses x {k} criteria, {R} Rao-Wu replicates, "
        f"{n_psu} PSUs, {n_districts} districts (best of {repeat})"
    )
    d = Design(df, weights="w", strata="stratum", psu="psu", nest=True)
    rd = d.replicate("bootstrap", replicates=R, seed=7)
    W = rd.replicate_weights()
    cols = [f"bw{i + 1}" for i in range(R)]
    full = pd.concat([df, pd.DataFrame(W, columns=cols)], axis=1)
    pfull = pl.from_pandas(full)

    def supplied():  # the n x R weight columns as a data producer ships them
        sup = ReplicateDesign(full, weights="w", replicate_weights=cols, type="bootstrap")
        return sup.mean(names, by="district")

    def svy_run():
        rep = svy.BootstrapWgts(prefix="bw", n_reps=R, scale=1 / (R - 1))
        s = svy.Sample(pfull, svy.Design(wgt="w", rep_wgts=rep))
        res = s.estimation.mean(names, by="district", method="replication", drop_nulls=True)
        return svy_frame(res if isinstance(res, list) else [res], "district")

    t0 = time.perf_counter()  # the first estimate by district also ranks each domain's weights
    rd.mean(names, by="district")
    t_first = time.perf_counter() - t0
    ours, t_ours = best_of(lambda: rd.mean(names, by="district"), repeat)  # PSU multipliers
    ours_sup, t_sup = best_of(supplied, repeat)
    theirs, t_svy = best_of(svy_run, repeat)
    pd.testing.assert_frame_equal(ours.drop(columns="df"), ours_sup.drop(columns="df"), rtol=1e-9)
    rel = compare(ours, theirs, names, "district")
    print(
        f"    govsurvey (PSU multipliers) {t_ours:6.2f} s   govsurvey (supplied weights) "
        f"{t_sup:6.2f} s   svy {t_svy:6.2f} s"
    )
    print(
        f"    svy/govsurvey = {t_svy / t_ours:5.1f}x (multipliers), {t_svy / t_sup:5.1f}x "
        f"(supplied)   (max relative SE difference {rel:.1e})"
    )
    print(
        f"    first estimate by district on a new design {t_first:6.2f} s (it computes each "
        f"domain's df, the rank of its replicate weights, as R's degf): {t_svy / t_first:5.1f}x"
    )
    return t_ours, t_sup, t_svy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a tenth of the size")
    ap.add_argument("--repeat", type=int, default=3, help="time the best of this many runs")
    args = ap.parse_args()
    f = 10 if args.quick else 1
    bench_taylor(1_000_000 // f, 40, 4_000 // f, 30, 22, args.repeat)
    bench_bootstrap(40_000 // f, 40, 400, 30, 22, 500 // f, args.repeat)


if __name__ == "__main__":
    main()
