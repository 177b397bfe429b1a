"""The instrument as data: the shipped SIPAS 2017 file and the loader's errors."""

from __future__ import annotations

import pytest
import yaml

import govsurvey as gs
from govsurvey.instrument import available_instruments


def test_sipas_2017_structure():
    inst = gs.load_instrument("sipas-2017")
    assert [c.code for c in inst.components] == ["C1", "C2", "C3", "C4", "C5"]
    assert [len(c.criteria) for c in inst.components] == [4, 5, 6, 3, 4]
    assert len(inst.criteria) == 22
    assert inst.criteria[0].code == "C1.1" and inst.criteria[-1].code == "C5.4"
    assert inst.criterion_columns["C2.3"] == "C2_3"
    assert inst.satisfied == (4, 5)
    assert inst.missing_codes == {8: "dont_know", 9: "no_answer"}
    assert sum(inst.component_weights.values()) == pytest.approx(1.0)
    assert set(inst.personal_columns) == {"full_name", "phone", "address", "id_number"}
    assert inst.label("C3.2", "vi") == "Công chức chú ý lắng nghe ý kiến"
    assert inst.label("C5") == "Feedback and complaints"
    assert "sipas-2017" in available_instruments()


def test_every_label_in_both_languages():
    inst = gs.load_instrument("sipas-2017")
    for c in inst.criteria:
        assert c.label_vi != c.code and c.label_en != c.code
    for name, var in inst.variables.items():
        for code, lab in var.get("codes", {}).items():
            assert {"vi", "en"} <= set(lab), (name, code)


def _write(tmp_path, raw):
    p = tmp_path / "inst.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return p


@pytest.fixture
def raw():
    inst = gs.load_instrument("sipas-2017")
    return yaml.safe_load(open(inst.path, encoding="utf-8"))


def test_loads_from_path(tmp_path, raw):
    assert len(gs.load_instrument(_write(tmp_path, raw)).criteria) == 22


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda r: r.pop("scale"), "entry 'top level' lacks the key 'scale'"),
        (
            lambda r: r["components"][1]["criteria"][0].update(code="C3.9"),
            "criterion code 'C3.9' does not belong to component C2",
        ),
        (
            lambda r: r["components"][0]["criteria"][1].update(column="C1_1"),
            "criterion C1.2 (column C1_1) is defined twice",
        ),
        (lambda r: r["components"][0].update(weight=0), "component C1 has weight 0.0"),
        (lambda r: r["missing_codes"].update({3: {"kind": "dont_know"}}), "missing code 3 lies"),
        (lambda r: r["scale"].update(satisfied=[6]), "scale.satisfied [6] must be non-empty"),
    ],
)
def test_malformed_instrument_is_named(tmp_path, raw, mutate, message):
    mutate(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(gs.InputError) as err:
        gs.load_instrument(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_name_lists_available():
    with pytest.raises(gs.InputError, match="no instrument called 'sipas-1999'.*sipas-2017"):
        gs.load_instrument("sipas-1999")


def test_bad_yaml(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(gs.InputError, match="not a valid UTF-8 YAML file"):
        gs.load_instrument(p)
