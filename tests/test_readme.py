"""The README's Python examples run as written, and the figures they print are right."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import govsurvey as gs


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.fixture(scope="module")
def namespace(root):
    blocks = _python_blocks((root / "README.md").read_text(encoding="utf-8"))
    assert blocks, "the README has Python examples"
    ns: dict = {}
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for block in blocks:
            exec(compile(block, "README.md", "exec"), ns)  # noqa: S102 - the README's own code
    finally:
        os.chdir(cwd)
    return ns


def test_the_first_estimate_averages_only_valid_answers(namespace, instrument):
    """`d.mean(...)` of criterion columns never averages a don't-know code."""
    d = namespace["d"]
    crit = [c.column for c in instrument.criteria]
    got = d.mean(crit).set_index("variable")["estimate"]
    assert ((got >= 1) & (got <= 5)).all()
    raw = namespace["resp"].respondents
    w = raw["base_weight"].to_numpy()
    for col in crit:
        y = raw[col].to_numpy(dtype=float)
        ok = (y >= 1) & (y <= 5)
        np.testing.assert_allclose(got[col], (w[ok] * y[ok]).sum() / w[ok].sum(), rtol=1e-12)


def test_the_index_example_is_the_index(namespace, instrument):
    idx = namespace["idx"]
    assert set(idx["level"]) == {"criterion", "component", "overall"}
    sipas = idx[idx["code"] == "SIPAS"]
    assert sipas["estimate"].between(0, 100).all() and (sipas["se"] > 0).all()
    assert isinstance(idx, type(gs.sipas_index(namespace["d"], instrument)))


def test_the_three_analyses_examples(namespace):
    assert namespace["gs"].sampling.yamane(1000) == 286  # the figure the README's comment gives
    sample = namespace["sample"]
    assert len(sample) == 300 and {"pi", "weight"} <= set(sample.columns)
    everyone, adjusted = namespace["everyone"], namespace["adjusted"]
    # a nonresponse adjustment moves the nonrespondents' weight onto respondents, keeping the total
    np.testing.assert_allclose(adjusted.weight_values.sum(), everyone.weight_values.sum())
    responded = everyone.data["responded"].to_numpy() == 1
    assert (adjusted.weight_values[~responded] == 0).all()
    ri = namespace["gs"].relative_importance(
        namespace["ds"], "overall_score ~ C1 + C2 + C3 + C4 + C5", method="lmg", replicates=20
    )
    np.testing.assert_allclose(ri["share"].sum(), 1.0)
