"""The SIPAS index: estimates and SEs against svy, against known truth, and its comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
import svy

import govsurvey as gs

INST = gs.load_instrument("sipas-2017")
CRIT = [c.column for c in INST.criteria]


def _sample(seed: int = 3, n: int = 1500, dont_know: float = 0.0) -> pd.DataFrame:
    """Stratified cluster sample with 5-point answers (and optional don't-know codes)."""
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, 6, n)
    psu = strata * 100 + rng.integers(0, 7, n)
    quality = rng.normal(size=n) + 0.3 * (psu % 7 - 3) / 3
    df = pd.DataFrame(
        {
            "respondent_id": np.arange(n),
            "stratum": strata,
            "psu": psu,
            "w": rng.uniform(5, 40, n),
            "district": rng.choice(["Ba Đình", "Cầu Giấy", "Sóc Sơn"], n),
        }
    )
    for j, col in enumerate(CRIT + [INST.overall_column]):
        latent = quality + rng.normal(scale=1.0, size=n) + 0.05 * j
        ans = np.clip(np.round(3.6 + latent), 1, 5).astype(float)
        ans[rng.random(n) < dont_know] = 8
        df[col] = ans
    return df


def _svy_sample(df: pd.DataFrame) -> svy.Sample:
    return svy.Sample(pl.from_pandas(df), svy.Design(stratum="stratum", psu="psu", wgt="w"))


def _design(df: pd.DataFrame) -> gs.Design:
    return gs.Design(df, weights="w", strata="stratum", psu="psu")


def test_criterion_rates_match_svy_ratios_with_dont_know():
    df = _sample(dont_know=0.15)
    idx = gs.sipas_index(_design(df), INST)
    crit = idx[idx["level"] == "criterion"].set_index("code")
    for c in INST.criteria[:6] + INST.criteria[-3:]:
        valid = df[c.column].between(1, 5)
        work = df.assign(num=(df[c.column] >= 4) & valid, den=valid).astype(
            {"num": float, "den": float}
        )
        ref = _svy_sample(work).estimation.ratio("num", "den").to_polars()
        assert crit.loc[c.code, "estimate"] == pytest.approx(100 * ref["est"][0], rel=1e-9)
        assert crit.loc[c.code, "se"] == pytest.approx(100 * ref["se"][0], rel=1e-6)
        assert crit.loc[c.code, "n"] == valid.sum()


def test_components_and_overall_match_svy_means_of_row_scores():
    """With no missing answers, a component index is the weighted mean of each row's share of
    satisfied answers in the component: an independent route to the same figure and SE."""
    df = _sample()
    idx = gs.sipas_index(_design(df), INST, by="district").set_index(["district", "code"])
    scores = pd.DataFrame(index=df.index)
    for comp in INST.components:
        cols = [c.column for c in comp.criteria]
        scores[comp.code] = (df[cols] >= 4).mean(axis=1) * 100
    weights = INST.component_weights
    scores["SIPAS"] = sum(scores[c] * w for c, w in weights.items())
    work = pd.concat([df[["stratum", "psu", "w", "district"]], scores], axis=1)
    sample = _svy_sample(work)
    for code in ["C1", "C3", "C5", "SIPAS"]:
        ref = sample.estimation.mean(code, by="district").to_polars().to_pandas()
        for _, r in ref.iterrows():
            got = idx.loc[(r["district"], code)]
            assert got["estimate"] == pytest.approx(r["est"], rel=1e-9)
            assert got["se"] == pytest.approx(r["se"], rel=1e-6)


def test_shape_and_intervals():
    idx = gs.sipas_index(_design(_sample(dont_know=0.1)), INST, by=["district"])
    assert list(idx.columns) == ["district", *gs.index.index_columns]
    assert len(idx) == 3 * (22 + 5 + 1)
    assert set(idx["level"]) == {"criterion", "component", "overall"}
    assert (idx["ci_low"] < idx["estimate"]).all() and (idx["estimate"] < idx["ci_high"]).all()
    assert (idx["ci_low"] > 0).all() and (idx["ci_high"] < 100).all()
    # design df: PSUs minus strata
    d = _sample()
    assert (idx["df"] == d["psu"].nunique() - d["stratum"].nunique()).all()


def test_logit_interval_matches_formula():
    idx = gs.sipas_index(_design(_sample()), INST)
    r = idx[idx["code"] == "SIPAS"].iloc[0]
    p, se, df = r["estimate"] / 100, r["se"] / 100, r["df"]
    from scipy import stats

    q = stats.t.ppf(0.975, df)
    eta = np.log(p / (1 - p))
    half = q * se / (p * (1 - p))
    assert r["ci_low"] == pytest.approx(100 / (1 + np.exp(-(eta - half))), rel=1e-12)
    assert r["ci_high"] == pytest.approx(100 / (1 + np.exp(-(eta + half))), rel=1e-12)


def test_missing_criterion_column_is_named():
    df = _sample().drop(columns=["C2_3"])
    with pytest.raises(ValueError, match=r"lacks criterion column\(s\) \['C2_3'\]"):
        gs.sipas_index(_design(df), INST)


def test_compare_index_gain_verdicts():
    before = pd.DataFrame({"code": ["C5"] * 3, "estimate": [79.73] * 3, "se": [0.0] * 3})
    after = pd.DataFrame(
        {"code": ["C5"] * 3, "estimate": [90.0, 83.5, 80.0], "se": [1.0] * 3, "df": [1e9] * 3}
    )
    # one code, three rows: compare row by row through a unit column
    before["unit"] = after["unit"] = ["a", "b", "c"]
    r = gs.compare_index(before, after, gain=3.0)
    assert r["change"].tolist() == pytest.approx([10.27, 3.77, 0.27])
    assert r["gain_verdict"].tolist() == ["achieved", "not determined", "not achieved"]
    assert r["se"].tolist() == [1.0] * 3
    assert r.loc[0, "ci_low"] == pytest.approx(10.27 - 1.959963984540054, rel=1e-6)
    assert r.loc[1, "p_gain"] == pytest.approx(0.22064994643, rel=1e-6)  # norm.sf(0.77)


def test_compare_index_two_surveys_adds_variances():
    a = pd.DataFrame({"code": ["SIPAS"], "estimate": [80.0], "se": [3.0], "df": [40.0]})
    b = pd.DataFrame({"code": ["SIPAS"], "estimate": [84.0], "se": [4.0], "df": [60.0]})
    r = gs.compare_index(a, b)
    assert r.loc[0, "se"] == 5.0
    # Welch–Satterthwaite: (9 + 16)² / (9²/40 + 16²/60)
    assert r.loc[0, "df"] == pytest.approx(625 / (81 / 40 + 256 / 60), rel=1e-12)
    with pytest.raises(ValueError, match="lacks column"):
        gs.compare_index(a.drop(columns="se"), b)


def test_target_test():
    idx = pd.DataFrame(
        {"code": list("abc"), "estimate": [93.0, 90.5, 85.0], "se": [1.0] * 3, "df": [30.0] * 3}
    )
    r = gs.target_test(idx, 90)
    assert r["verdict"].tolist() == ["met", "not determined", "not met"]
    assert r["gap"].tolist() == [3.0, 0.5, -5.0]
    from scipy import stats

    assert r.loc[0, "p_value"] == pytest.approx(stats.t.sf(3.0, 30), rel=1e-12)


def test_rank_intervals_use_welch_df():
    """Few df per domain (districts with 4 wards) widen the rank intervals accordingly."""
    idx = pd.DataFrame(
        {"district": list("AB"), "estimate": [90.0, 80.0], "se": [1.0, 1.0], "df": [3.0, 3.0]}
    )
    # difference 10, SE sqrt(2), Welch df 6: t = 7.07 > t_6(0.975) = 2.447 → separated
    r = gs.rank_index(idx, "district")
    assert r["rank_low"].tolist() == [1, 2] and r["rank_high"].tolist() == [1, 2]
    idx["estimate"] = [90.0, 86.0]  # t = 2.83 > 2.447 still; at df 3 each as min() would be 3.18
    assert gs.rank_index(idx, "district")["rank_high"].tolist() == [1, 2]
    idx["estimate"] = [90.0, 86.7]  # t = 2.33 < 2.447
    assert gs.rank_index(idx, "district")["rank_high"].tolist() == [2, 2]


def test_rank_intervals_separate_only_distinct_units():
    idx = pd.DataFrame(
        {
            "district": list("ABCD"),
            "estimate": [95.0, 94.5, 80.0, 79.0],
            "se": [0.5, 0.5, 0.5, 0.5],
            "df": [100.0] * 4,
        }
    )
    r = gs.rank_index(idx, "district")
    assert r["district"].tolist() == list("ABCD")
    assert r["rank_low"].tolist() == [1, 1, 3, 3]
    assert r["rank_high"].tolist() == [2, 2, 4, 4]
    with pytest.raises(ValueError, match="one row per district"):
        gs.rank_index(pd.concat([idx, idx]), "district")


def test_replicate_design_gives_the_same_estimates_and_close_ses():
    df = _sample(dont_know=0.1)
    d = _design(df)
    taylor = gs.sipas_index(d, INST)
    jk = gs.sipas_index(d.replicate("jkn"), INST)
    assert jk["estimate"].to_numpy() == pytest.approx(taylor["estimate"].to_numpy(), rel=1e-12)
    ratio = jk["se"].to_numpy() / taylor["se"].to_numpy()
    assert np.all((ratio > 0.9) & (ratio < 1.1))


def test_an_empty_criterion_leaves_only_its_own_figures_unestimated():
    """All don't-know on C1.1 in one district: C1.1, C1 and SIPAS are NaN there (NaN SE, a note),
    every other figure of that district is estimated exactly as before."""
    df = _sample(dont_know=0.05)
    before = gs.sipas_index(_design(df), INST, by="district").set_index(["district", "code"])
    df.loc[df["district"] == "Sóc Sơn", CRIT[0]] = 9
    idx = gs.sipas_index(_design(df), INST, by="district")
    after = idx.set_index(["district", "code"])
    gone = ["C1.1", "C1", "SIPAS"]
    for code in gone:
        assert np.isnan(after.loc[("Sóc Sơn", code), "estimate"])
        assert np.isnan(after.loc[("Sóc Sơn", code), "se"])
    assert after.loc[("Sóc Sơn", "C1.1"), "n"] == 0
    kept = [c for c in after.loc["Sóc Sơn"].index if c not in gone]
    np.testing.assert_allclose(
        after.loc[[("Sóc Sơn", c) for c in kept], ["estimate", "se"]],
        before.loc[[("Sóc Sơn", c) for c in kept], ["estimate", "se"]],
        rtol=1e-12,
    )
    assert np.isfinite(after.loc[("Ba Đình", "SIPAS"), "se"])
    assert any("C1.1" in note and "Sóc Sơn" in note for note in idx.attrs["notes"])
    assert idx.attrs["level"] == 0.95 and idx.attrs["method"] == "taylor"


def test_proportion_categories_never_overwrite_a_domain_column():
    df = _sample().assign(mode=lambda d: np.where(d["w"] > 20, "online", "post"))
    df["level"] = np.where(df["stratum"] < 3, "commune", "district")
    p = _design(df).proportion("mode", by="level")
    assert list(p.columns[:3]) == ["level_domain", "variable", "category"]
    assert set(p["level_domain"]) == {"commune", "district"}
    assert set(p["category"]) == {"online", "post"}
    assert p.attrs["method"] == "taylor"
