"""Benchmark: relative importance with replicate intervals on a 40,000-respondent survey.

Targets (issue 10): LMG for the 5 components with 200 replicate CIs in under 2 s; Johnson's
relative weights for the 22 criteria with 200 replicates in under 2 s. Each is timed against
its peer in the same run — the same statistic computed the usual way, one replicate at a time
(a weighted covariance and the decomposition per replicate, as a loop) — and the ratio printed.
The peer is timed on 20 replicates and scaled to 200 (it is linear in replicates); its answers
are checked against ours on those 20.

Run:  .venv/bin/python bench/drivers.py
"""

from __future__ import annotations

import time

import numpy as np

import govsurvey as gs
from govsurvey.drivers import relative_importance, with_scores
from govsurvey.drivers.importance import johnson, lmg

R = 200
PEER_R = 20


def _peer(Z: np.ndarray, A: np.ndarray, method) -> np.ndarray:
    """One replicate at a time: np.cov with aweights, then the decomposition."""
    out = []
    for r in range(A.shape[1]):  # the loop this package avoids
        C = np.cov(Z, rowvar=False, aweights=A[:, r], bias=True)
        out.append(method(C[None])[0])
    return np.array(out)


def main() -> None:
    t0 = time.perf_counter()
    sim = gs.synth.simulate(seed=7, nonresponse="none", n_per_ward=270)
    inst = sim.instrument
    data = with_scores(sim.respondents, inst)
    design = gs.Design(
        data,
        weights="base_weight",
        strata="stratum",
        psu=["psu", "respondent_id"],
        fpc=["fpc1", "fpc2"],
    )
    print(f"data: {len(data):,} respondents, {time.perf_counter() - t0:.1f} s to simulate")
    comps = [c.code for c in inst.components]
    crit = [c.column for c in inst.criteria]
    cases = [
        ("LMG, 5 components", "overall_score ~ " + " + ".join(comps), "lmg", lmg),
        ("Johnson, 22 criteria", "overall_score ~ " + " + ".join(crit), "johnson", johnson),
    ]
    rep = design.replicate("bootstrap", replicates=R, seed=1)
    for name, formula, method, fn in cases:
        relative_importance(rep, formula, method=method)  # warm-up
        t = time.perf_counter()
        ours = relative_importance(design, formula, method=method, replicates=R, seed=1)
        t_ours = time.perf_counter() - t
        # the peer on the same rows and replicate weights
        cols = formula.replace("~", "+").replace(" ", "").split("+")
        X = data[cols].to_numpy(float)
        ok = np.isfinite(X).all(axis=1)
        A = rep.replicate_weights()[ok][:, :PEER_R]
        t = time.perf_counter()
        peer = _peer(X[ok], A, fn)
        t_peer = (time.perf_counter() - t) * R / PEER_R
        mine = relative_importance(rep, formula, method=method)
        from govsurvey.drivers.importance import weighted_covariances

        theta = fn(weighted_covariances(X[ok], A))
        agree = np.max(np.abs(theta - peer) / np.abs(peer))
        status = "OK" if t_ours < 2.0 else "SLOW"
        print(
            f"{name}: {int(ours['n'].iloc[0]):,} complete cases, {R} replicates: {t_ours:.2f} s "
            f"(target < 2 s: {status}); one replicate at a time: {t_peer:.2f} s "
            f"(scaled from {PEER_R}); ratio {t_peer / t_ours:.1f}x; "
            f"max relative difference {agree:.1e}; R2 {mine.attrs['r2']:.3f}"
        )


if __name__ == "__main__":
    main()
