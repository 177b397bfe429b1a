"""Benchmark: Fay–Herriot for 600 wards, against the textbook dense-matrix implementation.

Targets (issue 19): 600 wards, REML plus the Prasad–Rao MSE in under 1 s; a logit model with a
parametric bootstrap MSE of 200 replicates in under 10 s. govsurvey fits with p x p products
only and refits all bootstrap replicates in one vectorised Fisher scoring. The peer, in the same
run, is Rao & Molina's formulas written as they read (the m x m matrices V^-1 and P, as the R
reference script of tests/fixtures/small_area/ does), and for the bootstrap a loop refitting
each replicate with it. The dense loop takes seconds per replicate, so it runs ``--peer-replicates``
(10) of them and its time is scaled to the full count (linear: each replicate is the same
work); govsurvey's bootstrap with that many replicates must give the same MSE (same draws,
1e-6), and sigma2_u, EBLUP and Prasad-Rao MSE must agree to 1e-8. The ratios are printed.

Run:  .venv/bin/python bench/small_area.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import special

import govsurvey as gs
from govsurvey.small_area.transform import back


def dense_reml(y, X, psi, tol=1e-9, maxit=200):
    """REML by Fisher scoring with the m x m matrices of the textbook; EBLUP and PR MSE."""
    s2 = max(np.mean((y - X @ np.linalg.lstsq(X, y, rcond=None)[0]) ** 2) - psi.mean(), 0.1)
    for _ in range(maxit):
        Vi = np.diag(1 / (s2 + psi))
        Q = np.linalg.inv(X.T @ Vi @ X)
        P = Vi - Vi @ X @ Q @ X.T @ Vi
        Py = P @ y
        score = -0.5 * np.trace(P) + 0.5 * Py @ Py
        info = 0.5 * np.sum(P * P)
        new = max(0.0, s2 + score / info)
        done = abs(new - s2) < tol * (1 + s2)
        s2 = new
        if done:
            break
    v = s2 + psi
    Vi = np.diag(1 / v)
    Q = np.linalg.inv(X.T @ Vi @ X)
    beta = Q @ X.T @ Vi @ y
    gamma = s2 / v
    est = gamma * y + (1 - gamma) * (X @ beta)
    g1 = gamma * psi
    g2 = np.array([(1 - gamma[i]) ** 2 * X[i] @ Q @ X[i] for i in range(len(y))])
    g3 = psi**2 / v**3 * (2 / np.sum(1 / v**2))
    return s2, beta, est, g1 + g2 + 2 * g3


def dense_bootstrap(X, psi, s2, beta, B, seed):
    """Parametric bootstrap MSE (logit), refitting each replicate with the dense REML."""
    rng = np.random.default_rng(seed)
    m = len(psi)
    u = rng.standard_normal((B, m)) * np.sqrt(s2)
    e = rng.standard_normal((B, m)) * np.sqrt(psi)
    err = np.zeros(m)
    for b in range(B):  # the peer's way: one replicate at a time
        eta = X @ beta + u[b]
        y = eta + e[b]
        s2b, betab, estb, _ = dense_reml(y, X, psi)
        g1 = s2b * psi / (s2b + psi)
        err += (back(estb, g1, "logit") - special.expit(eta)) ** 2
    return err / B


def best_of(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50 bootstrap replicates, not 200")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--peer-replicates", type=int, default=10, help="replicates the peer runs")
    args = ap.parse_args()
    B = 50 if args.quick else 200
    m = 600
    rng = np.random.default_rng(19)
    cov = pd.DataFrame(
        {
            "ward": [f"W{i:03d}" for i in range(m)],
            "log_N": rng.normal(7, 0.5, m),
            "rural": rng.integers(0, 2, m).astype(float),
            "land": rng.uniform(0, 0.4, m),
            "civil": rng.uniform(0.2, 0.6, m),
        }
    )
    X = np.column_stack([np.ones(m), cov[["log_N", "rural", "land", "civil"]].to_numpy()])
    n = rng.integers(20, 80, m)
    eta = X @ [1.0, 0.1, -0.3, -1.0, 0.8] + rng.normal(0, 0.35, m)
    p = special.expit(eta)
    p_hat = np.clip(p + rng.normal(0, np.sqrt(p * (1 - p) * 1.5 / n)), 0.02, 0.98)
    se = np.sqrt(p_hat * (1 - p_hat) * 1.5 / n)
    direct = pd.DataFrame({"ward": cov["ward"], "estimate": 100 * p_hat, "se": 100 * se, "n": n})
    print(f"data: {m} wards, {X.shape[1] - 1} covariates; {B} bootstrap replicates")

    ours, t_ours = best_of(lambda: gs.fay_herriot(direct, cov, unit="ward"), args.repeat)
    peer, t_peer = best_of(
        lambda: dense_reml(direct["estimate"].to_numpy(), X, direct["se"].to_numpy() ** 2),
        args.repeat,
    )
    np.testing.assert_allclose(ours.attrs["model"]["sigma2_u"], peer[0], rtol=1e-8)
    np.testing.assert_allclose(ours["estimate"], peer[2], rtol=1e-8)
    np.testing.assert_allclose(ours["mse"], peer[3], rtol=1e-8)
    print(
        f"REML + Prasad-Rao MSE:   govsurvey {t_ours * 1e3:8.1f} ms   dense textbook "
        f"{t_peer * 1e3:8.1f} ms   ratio {t_peer / t_ours:6.1f}x   (target < 1 s: "
        f"{'met' if t_ours < 1 else 'NOT met'})"
    )

    kw = {"unit": "ward", "transform": "logit", "replicates": B, "seed": 5}
    boot, t_boot = best_of(lambda: gs.fay_herriot(direct, cov, **kw), args.repeat)
    model = boot.attrs["model"]
    y_l, psi_l = special.logit(p_hat), se**2 / (p_hat * (1 - p_hat)) ** 2
    fitted = gs.small_area.fit(y_l, X, psi_l, "reml")
    s2, beta = float(fitted.sigma2[0]), fitted.beta[0]
    np.testing.assert_allclose(model["sigma2_u"], s2, rtol=1e-12)
    P = min(args.peer_replicates, B)
    t = time.perf_counter()
    peer_mse = dense_bootstrap(X, psi_l, s2, beta, P, seed=5)
    t_pboot = (time.perf_counter() - t) * B / P
    few = gs.fay_herriot(direct, cov, **{**kw, "replicates": P})
    np.testing.assert_allclose(few["mse"].to_numpy() / 1e4, peer_mse, rtol=1e-6)
    print(
        f"logit + bootstrap MSE:   govsurvey {t_boot:8.2f} s    dense loop     {t_pboot:8.2f} s"
        f"    ratio {t_pboot / t_boot:6.1f}x   (target < 10 s: "
        f"{'met' if t_boot < 10 else 'NOT met'}; the peer's time from {P} replicates, scaled)"
    )


if __name__ == "__main__":
    main()
