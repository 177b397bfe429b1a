"""A province's own survey, as a survey office would hand it over (for the notebook tests).

600 returned forms over 3 districts with their wards, Vietnamese labels in some answer cells, an
empty ``disposition`` column (as the data-entry template leaves it), no ``responded`` column, no
design columns, no expectations (``exp_*``); its own ward frame whose columns are named otherwise
than the survey's (``huyen``, ``ma_xa``, ``ten_xa``, ``so_ho_so``); and a parameters file filled in
as ``params/example-province.yaml``'s comments say.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import govsurvey as gs

# "Đông Hòa" sorts after "Cái Răng" and before "Ninh Kiều" in Vietnamese (by code point it
# would come last): the reports must follow the Vietnamese order.
DISTRICTS = {
    "Ninh Kiều": ["Phường An Hòa", "Phường Cái Khế", "Phường Xuân Khánh", "Phường Hưng Lợi"],
    "Đông Hòa": ["Xã Đông Bình", "Xã Đông Thuận", "Thị trấn Đông Hòa"],
    "Cái Răng": ["Phường Lê Bình", "Phường Hưng Phú", "Phường Ba Láng"],
}


def build(folder: Path, *, n: int = 600, seed: int = 5, language: str = "vi") -> Path:
    """Write the province's files into ``folder`` and return its parameters file."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    inst = gs.load_instrument("sipas-2017")
    wards = [(d, w) for d, ws in DISTRICTS.items() for w in ws]
    pick = rng.integers(0, len(wards), n)
    district = np.array([wards[i][0] for i in pick])
    ward = np.array([wards[i][1] for i in pick])
    shift = pd.Series(district).map({"Ninh Kiều": 0.4, "Đông Hòa": -0.2, "Cái Răng": 0.0})
    person = rng.normal(0, 0.7, n) + shift.to_numpy()
    df = pd.DataFrame({"respondent_id": np.arange(1, n + 1), "district": district, "ward": ward})
    df["field"] = rng.choice(["civil_registration", "land", "certification"], n, p=[0.5, 0.2, 0.3])
    df["level"] = rng.choice(["commune", "district"], n, p=[0.7, 0.3])
    df["mode"] = rng.choice(["handout", "face_to_face"], n)
    df["sex"] = rng.choice(["male", "female"], n)
    df["age_group"] = rng.choice(["18-29", "30-44", "45-59", "60+"], n)
    df["area"] = np.where(np.isin(district, ["Đông Hòa"]), "rural", "urban")
    df["disposition"] = ""  # the template's column, left empty by the clerk
    for k, crit in enumerate(inst.criteria):
        latent = 3.6 + person + 0.25 * np.sin(k) + rng.normal(0, 0.8, n)
        vals = np.clip(np.rint(latent), 1, 5).astype(int).astype(object)
        vals[rng.random(n) < 0.03] = 8
        df[crit.column] = vals
    df["overall"] = np.clip(np.rint(3.7 + person + rng.normal(0, 0.6, n)), 1, 5).astype(int)
    labelled = rng.random(n) < 0.05  # some clerks typed labels
    df.loc[labelled, "C1_1"] = df.loc[labelled, "C1_1"].map(
        {
            1: "Rất không hài lòng",
            2: "Không hài lòng",
            3: "Bình thường",
            4: "Hài lòng",
            5: "Rất hài lòng",
            8: "Không biết / không áp dụng",
        }
    )
    # what clerks type: a label in another case and spacing, a short don't-know, a typo
    for col, rows, value in (
        ("C2_1", [3, 9, 27, 81, 243], " hài lòng "),
        ("C3_2", [5, 50, 500], "Không biết"),
        ("C4_1", [7, 70], "hl?"),
    ):
        df[col] = df[col].astype(object)
        df.loc[rows, col] = value
    df["trips"] = rng.integers(1, 4, n)
    df["late_result"] = rng.choice([1, 2], n, p=[0.1, 0.9])
    df["apology"] = np.where(df["late_result"] == 1, rng.choice([1, 2], n), 0)
    df["harassment"] = rng.choice([1, 2], n, p=[0.03, 0.97])
    df["informal_payment"] = rng.choice([1, 2], n, p=[0.02, 0.98])
    df["full_name"] = [f"Trần Thị Mẫu {i}" for i in range(n)]
    df["phone"] = [f"09{7000000 + 13 * i:08d}" for i in range(n)]
    df.to_csv(folder / "responses.csv", index=False)
    frame = pd.DataFrame(
        {
            "huyen": [d for d, _ in wards],
            "ma_xa": [f"X{i:02d}" for i in range(len(wards))],
            "ten_xa": [w for _, w in wards],
            "so_ho_so": rng.integers(800, 3000, len(wards)),
        }
    )
    frame.to_csv(folder / "wards.csv", index=False)
    # the population by district, sex and age group (census counts), to weight to
    cells = pd.MultiIndex.from_product(
        [list(DISTRICTS), ["male", "female"], ["18-29", "30-44", "45-59", "60+"]],
        names=["district", "sex", "age_group"],
    ).to_frame(index=False)
    cells["N"] = rng.integers(2000, 9000, len(cells))
    cells.to_csv(folder / "frame.csv", index=False)
    params = {
        "run_name": "province",
        "instrument": "sipas-2017",
        "responses": "responses.csv",
        "domains": ["district", "field"],
        "min_cell": 30,
        "confidence": 0.95,
        "seed": 1,
        "language": language,
        "frame": "frame.csv",
        "weighting": "rake",
        "calibration_variables": ["district", "sex", "age_group"],
        "targets": {"SIPAS": 80},
        "ward_frame": "wards.csv",
        "stratum_column": "huyen",
        "ward_column": "ma_xa",
        "ward_label": "ten_xa",
        "size_column": "so_ho_so",
        "margin": 0.05,
        "per_ward": 50,
        "minimum_wards": 3,
        "allocation": "power",
        "plans": ["sipas", "srs"],
        "replications": 10,
        "importance_method": "lmg",
        "importance_by": ["field"],
        "facts_by": ["district"],
    }
    path = folder / f"province-{language}.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), "utf-8")
    return path


if __name__ == "__main__":
    import sys

    print(build(Path(sys.argv[1]), language=sys.argv[2] if len(sys.argv) > 2 else "vi"))
