"""Benchmark read_responses against pandas.read_csv on the same 1,000,000-row file, same run.

Run: ``python bench/reading.py`` (``--rows 200000`` for a smaller run). Builds the file by tiling
the embedded ``data/synthetic/responses.csv`` (respondent ids renumbered so they stay unique) in a
temporary folder, times ``pandas.read_csv`` (defaults) and ``govsurvey.read_responses`` (the full
validation) best of 3 each, interleaved, prints both times and the ratio (target: at most 2.5),
and the peak resident memory of each measured in a fresh process.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "synthetic" / "responses.csv"
TARGET = 2.5


def build(path: Path, rows: int) -> None:
    """Tile the embedded responses to ``rows`` data rows with ids 1..rows."""
    head, body = SOURCE.read_bytes().split(b"\n", 1)
    lines = body.rstrip(b"\n").split(b"\n")
    rest = [line.split(b",", 1)[1] for line in lines]
    reps = -(-rows // len(rest))
    with open(path, "wb") as f:
        f.write(head + b"\n")
        k = 0
        for _ in range(reps):
            take = rest[: min(len(rest), rows - k)]
            ids = np.arange(k + 1, k + 1 + len(take)).astype(str)
            f.write(b"".join(i.encode() + b"," + r + b"\n" for i, r in zip(ids, take, strict=True)))
            k += len(take)


def _read(kind: str, path: str) -> object:
    if kind == "pandas":
        return pd.read_csv(path)
    import govsurvey as gs

    return gs.read_responses(path)


def _peak(kind: str, path: str, out: mp.Queue) -> None:
    _read(kind, path)
    # VmHWM is this process's own high-water mark (ru_maxrss would carry the parent's over exec)
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next((line for line in status if line.startswith("VmHWM:")), None)
    if hwm is None:  # not Linux
        out.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    else:
        out.put(int(hwm.split()[1]) / 1024)


def peak_mb(kind: str, path: str) -> float:
    """Peak resident memory (MB) of a fresh process that reads the file once."""
    q: mp.Queue = mp.get_context("spawn").Queue()
    p = mp.get_context("spawn").Process(target=_peak, args=(kind, path, q))
    p.start()
    value = q.get()
    p.join()
    return value


def main(argv: list[str] | None = None) -> float:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    import govsurvey as gs

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "responses.csv"
        build(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size:,.0f} MB: {path}")
        gs.read_responses(SOURCE)  # imports and caches outside the timing
        times: dict[str, list[float]] = {"pandas": [], "govsurvey": []}
        for _ in range(args.repeat):
            for kind in times:
                t0 = time.perf_counter()
                r = _read(kind, str(path))
                times[kind].append(time.perf_counter() - t0)
                del r
        best = {k: min(v) for k, v in times.items()}
        ratio = best["govsurvey"] / best["pandas"]
        r = gs.read_responses(path)
        assert r.n_read == args.rows and r.n_kept == args.rows, (r.n_read, r.n_kept)
        print(f"pandas.read_csv        best of {args.repeat}: {best['pandas']:.2f} s")
        print(f"govsurvey.read_responses best of {args.repeat}: {best['govsurvey']:.2f} s")
        print(f"ratio {ratio:.2f} (target <= {TARGET})")
        for kind in times:
            print(f"peak memory, {kind}: {peak_mb(kind, str(path)):,.0f} MB")
    return ratio


if __name__ == "__main__":
    main()
