"""Writing the embedded synthetic data set, and ``python -m govsurvey.synth``."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .over_time import write_over_time_data
from .simulation import simulate

__all__ = ["write_default_data", "main"]

logger = logging.getLogger(__name__)


def write_default_data(
    folder: str | Path, seed: int = 2024, nonresponse: str = "mar"
) -> dict[str, str]:
    """Write the embedded synthetic data set (frame, wards, responses, truth, truth_items CSVs).

    Parameters
    ----------
    folder : str or Path
        Created if missing; existing files are overwritten.
    seed : int, default 2024
    nonresponse : {"none", "mar", "mnar"}, default "mar"

    Returns
    -------
    dict
        File name -> SHA-256 of the file written.

    Examples
    --------
    >>> from govsurvey.synth import write_default_data
    >>> sums = write_default_data("data/synthetic")  # doctest: +SKIP
    """
    from govsurvey.io import file_sha256  # the one checksum of runs and data

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed=seed, nonresponse=nonresponse)
    inst = sim.instrument
    csv = {"index": False, "lineterminator": "\n", "encoding": "utf-8"}
    sim.frame().to_csv(folder / "frame.csv", **csv)
    sim.wards().to_csv(folder / "wards.csv", **csv)
    resp = sim.responses.copy()
    answer_cols = (
        inst.scale_columns + [it["column"] for it in inst.assessment] + inst.expectation_columns
    )
    for col in answer_cols:
        resp[col] = resp[col].astype("Int64")  # written as whole numbers, blank when missing
    resp.to_csv(folder / "responses.csv", **csv)
    parts = []
    for b in (None, "district", "field", "level", "area"):
        t = sim.truth_index(by=b)
        dom_col = t.columns[0] if b else None
        t.insert(0, "breakdown", b or "city")
        t.insert(1, "domain", t.pop(dom_col) if b else "all")
        parts.append(t)
    pd.concat(parts, ignore_index=True).to_csv(folder / "truth.csv", **csv)
    parts = []
    for b in (None, "district", "field", "level", "area"):
        t = sim.truth_assessment(by=b)
        dom_col = t.columns[0] if b else None
        t.insert(0, "breakdown", b or "city")
        t.insert(1, "domain", t.pop(dom_col) if b else "all")
        parts.append(t)
    pd.concat(parts, ignore_index=True).to_csv(folder / "truth_items.csv", **csv)
    names = ["frame.csv", "wards.csv", "responses.csv", "truth.csv", "truth_items.csv"]
    return {n: file_sha256(folder / n) for n in names}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m govsurvey.synth --out data/synthetic``: regenerate the embedded data.

    Examples
    --------
    >>> from govsurvey.synth import main
    >>> main(["--out", "data/synthetic"])  # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m govsurvey.synth", description="Regenerate the embedded synthetic data set."
    )
    parser.add_argument("--out", default="data/synthetic", help="folder to write")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--nonresponse", default="mar", choices=["none", "mar", "mnar"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sums = write_default_data(args.out, seed=args.seed, nonresponse=args.nonresponse)
    sums.update(write_over_time_data(args.out, seed=args.seed))  # notebook 05's waves and desks
    for name, digest in sums.items():
        logger.info("%s  %s", digest, name)
    return 0
