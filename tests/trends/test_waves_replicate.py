"""Waves of replicate designs against R survey, to 1e-6 relative.

Reference values and the replicate weights themselves from ``tests/fixtures/trends/replicate.R``
(R 4.2, survey 4.1.1): independent waves each with its own replicate design (JKn, bootstrap and
JK1 in one set of waves; BRR in another), and waves sharing their wards with one replicate
design made on the combined sample (JKn, bootstrap, BRR). Figures by period, change in points
and relative, and trend, for the whole city and by district.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsurvey as gs
from govsurvey.errors import InputError

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "trends"
REF = pd.read_csv(HERE / "rep_reference.csv")
META = pd.read_csv(HERE / "rep_meta.csv")
FIGS = ["C1.1", "C5.4", "C2", "C5", "SIPAS"]
TYPES = {"JKn": "jkn", "JK1": "jk1", "bootstrap": "bootstrap", "BRR": "brr"}
SCENARIOS = ["indep_mixed", "indep_brr", "shared_jkn", "shared_bootstrap", "shared_brr"]


def _designs(scenario: str) -> dict:
    case = "shared" if scenario.startswith("shared") else "independent"
    df = pd.read_csv(HERE / f"waves_{case}.csv")
    mult = pd.read_csv(HERE / f"rep_{scenario}.csv")
    out = {}
    for period, g in df.groupby("period"):
        m = META[(META["scenario"] == scenario) & (META["period"] == period)].iloc[0]
        cols = [f"r{j + 1}" for j in range(int(m["replicates"]))]
        data = pd.concat([g, mult.loc[g.index, cols]], axis=1)
        out[int(period)] = gs.ReplicateDesign(
            data,
            weights="w",
            replicate_weights=cols,
            type=TYPES[m["type"]],
            scale=float(m["scale"]),
            rscales=[float(v) for v in str(m["rscales"]).split(";")],
            mse=bool(m["mse"]),
            combined_weights=False,
        )
    return out


def _waves(scenario: str) -> gs.Waves:
    shared = scenario.startswith("shared")
    return gs.Waves(_designs(scenario), shared_psus=shared, psu="psu" if shared else None)


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario(request):
    return request.param, _waves(request.param)


@pytest.mark.parametrize("by", [None, "district"])
def test_replicate_waves_equal_r(scenario, by, instrument):
    name, w = scenario
    ref = REF[REF["scenario"] == name]
    units = ["all"] if by is None else sorted(ref.loc[ref["unit"] != "all", "unit"].unique())
    frames = {
        "change_points": w.change(instrument, 2021, 2023, by=by),
        "change_relative": w.change(instrument, 2021, 2023, by=by, unit="relative"),
        "trend": w.trend(instrument, by=by),
    }
    idx = w.index(instrument, by=by)
    for p in (2021, 2022, 2023):
        frames[f"index_{p}"] = idx[idx["period"] == p]
    for what, frame in frames.items():
        for unit in units:
            f = frame[frame["code"].isin(FIGS)]
            if unit != "all":
                f = f[f["district"] == unit]
            ours = f.set_index("code").loc[FIGS]
            r = ref[(ref["what"] == what) & (ref["unit"] == unit)].set_index("code").loc[FIGS]
            np.testing.assert_allclose(ours["estimate"], r["estimate"], rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(ours["se"], r["se"], rtol=1e-6, err_msg=f"{what} {unit}")


def test_independent_replicate_variance_is_the_sum_of_the_waves(instrument):
    """A change's variance is each wave's own replicate variance, summed."""
    ds = _designs("indep_mixed")
    w = gs.Waves(ds)
    ch = w.change(instrument, 2021, 2023).set_index("code")
    alone = {p: gs.sipas_index(d, instrument).set_index("code") for p, d in ds.items()}
    expect = np.sqrt(alone[2021]["se"] ** 2 + alone[2023]["se"] ** 2)
    np.testing.assert_allclose(ch["se"], expect.loc[ch.index], rtol=1e-10)
    assert "replication" in ch.attrs["method"]
    pred = w.predict(instrument, at=2025)
    assert np.isfinite(pred["se"]).all()


def test_shared_replicates_give_another_se_than_independent(instrument):
    ds = _designs("shared_jkn")
    shared = gs.Waves(ds, shared_psus=True, psu="psu").change(instrument, 2021, 2023)["se"]
    indep = gs.Waves(ds).change(instrument, 2021, 2023)["se"]
    assert not np.allclose(shared, indep, rtol=1e-3)


def test_generated_replicates_align_when_the_wards_are_the_same(instrument):
    """d.replicate('jkn') per wave over the same wards is aligned: same as the combined route."""
    df = pd.read_csv(HERE / "waves_shared.csv")
    ds = {
        int(p): gs.Design(g, weights="w", strata="stratum", psu="psu", fpc="fpc1").replicate("jkn")
        for p, g in df.groupby("period")
    }
    w = gs.Waves(ds, shared_psus=True, psu="psu")
    ref = REF[(REF["scenario"] == "shared_jkn") & (REF["unit"] == "all")]
    r = ref[ref["what"] == "change_points"].set_index("code").loc[FIGS]
    ours = w.change(instrument, 2021, 2023).set_index("code").loc[FIGS]
    np.testing.assert_allclose(ours["se"], r["se"], rtol=1e-6)


def _message(err: InputError) -> tuple[str, str]:
    return err.text("en"), err.text("vi")


def test_replicate_waves_that_cannot_be_aligned_say_why():
    ds = _designs("indep_mixed")  # JKn, bootstrap and JK1: different counts and types
    with pytest.raises(InputError) as e:
        gs.Waves(ds, shared_psus=True, psu="psu")
    en, vi = _message(e.value)
    assert "cannot be aligned" in en and "16 jkn replicates" in en and "20 bootstrap" in en
    assert "shared_psus=False" in en
    assert "không thể ghép trọng số lặp" in vi


def test_replicates_made_per_wave_on_other_wards_are_not_aligned():
    """Same count and type, but 2023's replicate r deletes another ward than 2021's: refused."""
    df = pd.read_csv(HERE / "waves_shared.csv")
    ds = {}
    for p, g in df.groupby("period"):
        true_ids = g["psu"].to_numpy()
        if p == 2023:  # replicate as if two wards of a stratum had each other's ids
            a, b = g.groupby("stratum")["psu"].unique().iloc[0][:2]
            g = g.assign(psu=g["psu"].replace({a: b, b: a}))
        r = gs.Design(g, weights="w", strata="stratum", psu="psu", fpc="fpc1").replicate("jkn")
        A = r.replicate_weights()
        cols = [f"rw{j}" for j in range(A.shape[1])]
        data = g.assign(psu=true_ids, **{c: A[:, j] for j, c in enumerate(cols)})
        ds[int(p)] = gs.ReplicateDesign(
            data, weights="w", replicate_weights=cols, type="jkn", rscales=r.rscales, scale=r.scale
        )
    with pytest.raises(InputError) as e:
        gs.Waves(ds, shared_psus=True, psu="psu")
    en, vi = _message(e.value)
    assert "2 shared PSU(s) are perturbed differently" in en and "not aligned" in en
    assert "không khớp trên các PSU chung" in vi
    gs.Waves(ds)  # as independent waves they are fine


def test_shared_replicate_waves_need_matching_ids_and_the_psu_column():
    df = pd.read_csv(HERE / "waves_independent.csv")
    df["psu"] = df["period"].astype(str) + "-" + df["psu"]  # new ward ids every period
    ds = {
        int(p): gs.Design(g, weights="w", strata="stratum", psu="psu").replicate(
            "bootstrap", 10, seed=1
        )
        for p, g in df.groupby("period")
    }
    with pytest.raises(InputError) as e:
        gs.Waves(ds, shared_psus=True)
    en, vi = _message(e.value)
    assert "psu=" in en and "psu=" in vi and "cột mã" in vi
    with pytest.raises(InputError) as e:
        gs.Waves(ds, shared_psus=True, psu="psu")
    en, vi = _message(e.value)
    assert "no PSU id appears in two periods" in en
    assert "không mã PSU nào" in vi


def test_mixed_kinds_of_design_are_refused():
    df = pd.read_csv(HERE / "waves_shared.csv")
    ds = {
        int(p): gs.Design(g, weights="w", strata="stratum", psu="psu")
        for p, g in df.groupby("period")
    }
    ds[2022] = ds[2022].replicate("jkn")
    with pytest.raises(InputError) as e:
        gs.Waves(ds)
    en, vi = _message(e.value)
    assert "replicate designs and others Taylor" in en and "2022" in en
    assert "trọng số lặp" in vi
