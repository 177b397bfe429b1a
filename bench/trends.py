"""Benchmark monthly compilation at one-stop desks: stored sums against the row path.

Run: ``python bench/trends.py`` (``--quick`` for 50 desks). 24 months x 500 desks, about one
million dated forms (12 sampled days a desk-month, 7 forms a day). Both paths start from the same
``gs.Design`` of the forms and estimate every index figure with its SE per desk and month and per
desk and rolling 3-month window:

- govsurvey.trends: ``compile_months`` reduces the forms once to (desk, month, day) sums, then
  ``MonthlySums.index(window=1)`` and ``index(window=3)`` work on the sums only;
- the row path: ``gs.sipas_index`` on the forms by (desk, month), and once per window offset by
  (desk, window) — the same engine on every form.

Prints both times and the ratio, and asserts that every estimate and SE agree to 1e-9. The
machine's niceness and load average are printed with the times: on a shared machine (``nice``,
other jobs running) both paths slow down alike, so the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

import govsurvey as gs
from govsurvey.synth.over_time import simulate_desks


def row_path(design, months: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = design.data
    m = data["month"].map({p: i for i, p in enumerate(months)}).to_numpy()
    monthly = gs.sipas_index(design, "sipas-2017", by=["desk", "month"])
    parts = []
    for o in range(3):
        block = (m - o) // 3
        nb = (len(months) - o) // 3
        ok = (m >= o) & (block < nb)
        end = np.array([months[o + 3 * b + 2] for b in range(nb)], dtype=object)
        data["window"] = np.where(ok, end[np.clip(block, 0, nb - 1)], None)
        parts.append(gs.sipas_index(design, "sipas-2017", by=["desk", "window"]))
    return monthly, pd.concat(parts, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    desks = 50 if args.quick else 500
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"niceness {os.nice(0)}, load average {load} on {os.cpu_count()} cores (shared machine)")
    t0 = time.perf_counter()
    sim = simulate_desks(seed=1, desks=desks, months=24, days=12, forms_per_day=7)
    forms = sim.forms.assign(month=sim.forms["date"].str[:7])
    d = gs.Design(forms, weights="weight", strata="stratum", psu="psu")
    print(
        f"{len(forms):,} forms, {desks} desks, 24 months (made in {time.perf_counter() - t0:.1f} s)"
    )

    t0 = time.perf_counter()
    ms = gs.trends.compile_months(d, "sipas-2017", unit="desk", date="date")
    t_compile = time.perf_counter() - t0
    monthly = ms.index(window=1)
    rolling = ms.index(window=3)
    t_ours = time.perf_counter() - t0
    print(
        f"govsurvey.trends: compile {t_compile:.2f} s ({len(ms.sums):,} sums), "
        f"monthly + rolling with SEs {t_ours:.2f} s in all"
    )

    t0 = time.perf_counter()
    r_monthly, r_rolling = row_path(d, ms.periods)
    t_rows = time.perf_counter() - t0
    print(f"row path (sipas_index on the forms, 4 calls): {t_rows:.2f} s")
    print(f"ratio row path / sums: {t_rows / t_ours:.2f}x (same run, same machine load)")

    for ours, theirs, key in ((monthly, r_monthly, "month"), (rolling, r_rolling, "window")):
        theirs = theirs.rename(columns={key: "period"}).sort_values(
            ["desk", "period"], kind="stable"
        )
        ours = ours.sort_values(["desk", "period"], kind="stable")
        for c in ("estimate", "se"):
            np.testing.assert_allclose(
                ours[c].to_numpy(), theirs[c].to_numpy(), rtol=1e-9, atol=1e-9
            )
    print("estimates and SEs agree to 1e-9")
    if not args.quick:
        verdict = "under" if t_ours < 10 else "OVER"
        print(f"{t_ours:.1f} s is {verdict} the 10 s target")


if __name__ == "__main__":
    main()
