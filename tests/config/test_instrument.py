"""The instrument as data: the shipped SIPAS 2017 file and the loader's errors."""

from __future__ import annotations

import pytest
import yaml

import govsurvey as gs
from govsurvey.config import Instrument, available_instruments, load_instrument


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


# --------------------------------------------------------------------------- typed and whole


def _labels(inst: Instrument) -> list[tuple[str, str]]:
    """(where, label) for every label of the instrument, in both languages."""
    s = inst.spec
    out = [("title", s.title.vi), ("title", s.title.en)]
    out += [(f"scale {k}", lab.vi) for k, lab in s.scale.labels.items()]
    out += [(f"scale {k}", lab.en) for k, lab in s.scale.labels.items()]
    out += [(f"missing {k}", m.vi) for k, m in s.missing_codes.items()]
    out += [(f"missing {k}", m.en) for k, m in s.missing_codes.items()]
    for c in s.components:
        out += [(c.code, c.vi), (c.code, c.en)]
        out += [(k.code, lab) for k in c.criteria for lab in (k.vi, k.en)]
    out += [("overall", s.overall.vi), ("overall", s.overall.en)]
    for a in s.assessment:
        out += [(a.code, a.vi), (a.code, a.en)]
        out += [(f"{a.code}={k}", lab) for k, v in (a.codes or {}).items() for lab in (v.vi, v.en)]
    out += [(o.code, lab) for o in s.expectations.options for lab in (o.vi, o.en)]
    for name, v in s.variables.items():
        out += [(name, v.vi), (name, v.en)]
        out += [(f"{name}={k}", lab) for k, c in (v.codes or {}).items() for lab in (c.vi, c.en)]
    out += [(f"design {r}", lab) for r, d in s.design.items() for lab in (d.vi, d.en)]
    out += [(f"personal {p.column}", lab) for p in s.personal for lab in (p.vi, p.en)]
    return out


def test_every_label_reads_back_whole_against_the_file_text():
    """issue 6 item 2: no label is cut at a comma; each is in the file exactly as loaded."""
    inst = gs.load_instrument("sipas-2017")
    text = open(inst.path, encoding="utf-8").read()
    labels = _labels(inst)
    assert len(labels) > 200
    for where, label in labels:
        assert isinstance(label, str) and label, where
        assert f'"{label}"' in text or f": {label}\n" in text, (where, label)
    assert inst.label("C5.2", "vi") == "Góp ý, phản ánh, kiến nghị dễ dàng"
    assert inst.label("C5.3", "vi") == "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý tích cực"
    occ = inst.variables["occupation"]["codes"]
    assert occ["retired_other"]["vi"] == "Hưu trí, khác"
    assert occ["business"]["vi"] == "Kinh doanh, buôn bán"
    crit = [c.label_vi for c in inst.criteria]
    assert len(set(crit)) == len(crit)


def test_domain_columns_are_the_declared_coded_variables():
    inst = gs.load_instrument("sipas-2017")
    assert inst.domain_columns == [
        "district", "ward", "field", "level", "mode", "sex", "age_group", "education",
        "occupation", "ethnicity", "area",
    ]  # fmt: skip
    assert not set(inst.domain_columns) & set(inst.personal_columns)
    assert inst.required_columns == ["district"]
    assert inst.dont_know_codes == (8,) and inst.no_answer_codes == (9,)
    assert inst.label("OVERALL", "vi") == "Mức độ hài lòng chung về sự phục vụ hành chính"


def test_a_text_variable_can_be_refused_as_a_domain(tmp_path, raw):
    raw["variables"]["ward"]["domain"] = False
    raw["variables"]["sex"]["domain"] = False
    inst = gs.load_instrument(_write(tmp_path, raw))
    assert "ward" not in inst.domain_columns and "sex" not in inst.domain_columns
    assert "district" in inst.domain_columns


def _text_write(tmp_path, text):
    p = tmp_path / "inst.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda t: t.replace('vi: "Hưu trí, khác"', "vi: Hưu trí, khác"),
            "entry 'variables.occupation.codes.retired_other' has an unknown key 'khác'",
        ),
        (
            lambda t: t.replace("      - {code: C2.1, column: C2_1, ", "      - {code: C2.1, "),
            "entry 'components[1].criteria[0]' lacks the key 'column'",
        ),
        (lambda t: t.replace("  min: 1\n", "  min: one\n"), "'scale.min' is 'one'"),
        (
            lambda t: t.replace('{vi: "Có", en: "Yes"}', "{vi: Có, en: Yes}", 1),
            "'assessment[1].codes[1].en' is True",
        ),
        (
            lambda t: t.replace("id_column: respondent_id\n", "id_column: a\nid_column: b\n"),
            "the key 'id_column' is written twice",
        ),
        (
            lambda t: t.replace("    type: choice\n", "    type: choise\n", 1),
            "'assessment[1].type' is 'choise'",
        ),
        (
            lambda t: t.replace(
                "  weight: {column: base_weight", "  weights: {column: base_weight"
            ),
            "'design.weights'",
        ),
    ],
)
def test_a_wrong_key_or_type_is_an_input_error_naming_file_and_key(tmp_path, edit, message):
    text = open(gs.load_instrument("sipas-2017").path, encoding="utf-8").read()
    changed = edit(text)
    assert changed != text
    path = _text_write(tmp_path, changed)
    with pytest.raises(gs.InputError) as err:
        load_instrument(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "Fix:" in str(err.value)


def test_unquoted_yes_is_explained(tmp_path):
    text = open(gs.load_instrument("sipas-2017").path, encoding="utf-8").read()
    path = _text_write(tmp_path, text.replace('{vi: "Có", en: "Yes"}', "{vi: Có, en: Yes}", 1))
    with pytest.raises(gs.InputError, match=r'quote it, "Yes"'):
        load_instrument(path)


def test_the_public_loader_is_the_config_one():
    import govsurvey as gs

    assert gs.load_instrument is load_instrument
    assert gs.Instrument is Instrument
