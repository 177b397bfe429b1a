"""Validate a CSV file too large for memory, in batches, into a folder of Parquet files.

:func:`stream_responses` cuts the file at record boundaries into batches of about
``chunk_bytes``, checks each batch with :func:`~govsurvey.io.reader.read_responses` (the same
validators, the same messages), writes each batch's analysis frame to ``part-NNNNN.parquet`` and
keeps the row account of the whole file, with every row numbered as in the file. What needs the
whole file — ids unique across batches, one spelling per district or ward label — is checked on
the written parts with DuckDB, never by loading them. The folder is then a table:
``gs.Design(folder, …)`` and ``gs.sipas_index`` work on it without reading it into memory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from ..config.instrument import Instrument, load_instrument
from ..errors import InputError
from .reader import Source, read_responses
from .validate import text_key

__all__ = ["StreamedResponses", "stream_responses"]

log = logging.getLogger(__name__)

#: label columns whose spellings must agree across batches (as the reader unifies them within)
LABEL_COLUMNS = ("district", "ward", "stratum", "psu")


@dataclass
class StreamedResponses:
    """What :func:`stream_responses` wrote, and the account of every row read.

    Attributes
    ----------
    folder : pathlib.Path
        The folder of Parquet parts (give it to ``gs.Design``).
    parts : list of pathlib.Path
        One file per batch.
    n_read, n_kept : int
        Data rows read and kept.
    account, cell_account : pandas.DataFrame
        As :class:`~govsurvey.io.reader.Responses`: excluded rows and answers set missing, each
        with its row number in the file.
    source : Source
        The file's path, format, SHA-256, encoding and header row.
    """

    folder: Path
    parts: list[Path]
    n_read: int
    n_kept: int
    source: Source
    account: pd.DataFrame = field(repr=False)
    cell_account: pd.DataFrame = field(repr=False)

    @property
    def n_excluded(self) -> int:
        return self.n_read - self.n_kept


def _cut(buf: bytes, final: bool) -> int:
    """End (exclusive) of the last whole record in ``buf``: a newline outside quotes."""
    if final:
        return len(buf)
    pos = buf.rfind(b"\n")
    while pos >= 0 and buf.count(b'"', 0, pos) % 2:  # inside a quoted field: go back
        pos = buf.rfind(b"\n", 0, pos)
    return pos + 1


def _offset_rows(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    if len(frame) and "row" in frame:
        frame = frame.assign(row=frame["row"].astype("int64") + offset)
    return frame


def stream_responses(
    path: str | Path,
    folder: str | Path,
    instrument: str | Path | Instrument = "sipas-2017",
    *,
    chunk_bytes: int = 64 * 2**20,
    encoding: str | None = None,
    on_error: Literal["raise", "exclude"] = "raise",
) -> StreamedResponses:
    """Validate a large CSV file batch by batch into Parquet parts, keeping the row account.

    Parameters
    ----------
    path : str or Path
        A CSV file (UTF-8 or Windows-1258; a UTF-16 file must be saved as UTF-8 first).
    folder : str or Path
        Where the parts go (created; must not already hold parts).
    instrument : str, Path or Instrument
        As :func:`~govsurvey.io.reader.read_responses`.
    chunk_bytes : int
        About how many bytes a batch holds (memory grows with it, not with the file).
    encoding : str, optional
        The file's encoding; by default detected on the first batch and kept for the rest.
    on_error : {"raise", "exclude"}
        As :func:`~govsurvey.io.reader.read_responses`: ``"raise"`` stops at the first batch
        with a problem (its message names every problem of that batch, rows numbered as in the
        file); ``"exclude"`` drops and accounts rows. An id repeated across batches, or a label
        spelled two ways in different batches, raises in both modes.

    Returns
    -------
    StreamedResponses

    Examples
    --------
    >>> import tempfile, govsurvey as gs
    >>> from govsurvey.io.stream import stream_responses
    >>> out = stream_responses("data/synthetic/responses.csv", tempfile.mkdtemp() + "/parts",
    ...                        chunk_bytes=400_000)
    >>> out.n_read == out.n_kept, len(out.parts) > 1
    (True, True)
    """
    name = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputError.one("the file does not exist", "check the path", file=name)
    if p.suffix.lower() not in (".csv", ".txt"):
        raise InputError.one(
            "only CSV files are validated in batches",
            "read other formats with gs.read_responses, or save the file as CSV",
            file=name,
        )
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    out = Path(folder)
    if out.exists() and any(out.glob("part-*.parquet")):
        raise InputError.one(
            "the folder already holds Parquet parts",
            "give an empty or new folder, so that no part of another file is mixed in",
            file=str(out),
        )
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".batches"
    work.mkdir(exist_ok=True)
    digest = hashlib.sha256()
    parts: list[Path] = []
    accounts, cells = [], []
    n_read = n_kept = 0
    header = b""
    lines_before = 0  # physical lines of the file before the current batch
    enc, header_row = encoding, None
    ranges: list[tuple[int, int]] = []
    try:
        with p.open("rb") as fh:
            carry = b""
            k = 0
            while True:
                block = fh.read(chunk_bytes)
                digest.update(block)
                final = not block
                buf = carry + block
                end = _cut(buf, final)
                if end == 0 and not final:
                    carry = buf  # a record longer than a batch: read on
                    continue
                chunk, carry = buf[:end], buf[end:]
                if not chunk.strip():
                    if final:
                        break
                    continue
                if k == 0 and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                    raise InputError.one(
                        "a UTF-16 file cannot be validated in batches",
                        "save it as UTF-8 CSV (Excel: CSV UTF-8) and read it again",
                        file=name,
                    )
                batch = work / f"batch-{k:05d}.csv"
                batch.write_bytes(chunk if k == 0 else header + chunk)
                try:
                    res = read_responses(batch, inst, encoding=enc, on_error=on_error)
                except InputError as exc:
                    raise _renamed(exc, batch, name, 0 if k == 0 else lines_before - 1) from None
                shift = 0 if k == 0 else lines_before - 1
                if k == 0:
                    header_row = res.source.header_row or 1
                    enc = res.source.encoding
                    header = chunk.split(b"\n", header_row)[header_row - 1] + b"\n"
                    if header.startswith(b"\xef\xbb\xbf"):
                        header = header[3:]
                part = out / f"part-{k:05d}.parquet"
                res.data.to_parquet(part, index=False)
                parts.append(part)
                accounts.append(_offset_rows(res.account, shift))
                cells.append(_offset_rows(res.cell_account, shift))
                n_read += res.n_read
                n_kept += res.n_kept
                ranges.append((lines_before + 1, lines_before + chunk.count(b"\n")))
                lines_before += chunk.count(b"\n")
                batch.unlink()
                k += 1
                if final:
                    break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not parts:
        raise InputError.one("the file has no data rows", "export the responses again", file=name)
    _check_across(parts, ranges, inst.id_column, name)
    source = Source(name, "csv", digest.hexdigest(), encoding=enc, header_row=header_row)
    account = pd.concat(accounts, ignore_index=True)
    cell_account = pd.concat(cells, ignore_index=True)
    log.info("%s: %d rows read in %d batches, %d kept", name, n_read, len(parts), n_kept)
    return StreamedResponses(out, parts, n_read, n_kept, source, account, cell_account)


def _renamed(exc: InputError, batch: Path, name: str, shift: int) -> InputError:
    """The batch's error as the file's: its name, and rows numbered as in the file."""
    return InputError(
        [
            dataclasses.replace(
                prob,
                file=name if prob.file in (str(batch), None) else prob.file,
                row=None if prob.row is None else int(prob.row) + shift,
            )
            for prob in exc.problems
        ]
    )


def _check_across(parts: list[Path], ranges: list[tuple[int, int]], id_col: str, name: str):
    """An id in two batches, or a label spelled two ways across batches: one clear error."""
    con = duckdb.connect()
    try:
        files = [str(x) for x in parts]
        rel = con.read_parquet(files, union_by_name=True, filename=True)
        cols = rel.columns
        if id_col in cols:
            q = f'"{id_col}"'
            dup = rel.query(
                "_p",
                f"SELECT {q} AS id, list(DISTINCT filename ORDER BY filename) AS f FROM _p "
                f"WHERE {q} IS NOT NULL GROUP BY {q} HAVING COUNT(*) > 1 ORDER BY {q} LIMIT 1",
            ).fetchall()
            if dup:
                value, where = dup[0]
                rows = [ranges[files.index(f)] for f in where]
                spans = ", ".join(f"rows {a:,}–{b:,}" for a, b in rows)
                raise InputError.one(
                    f"respondent id {value!r} appears more than once ({spans})",
                    "each respondent must appear once: remove the repeated form",
                    file=name,
                    column=id_col,
                    value=value,
                )
        for col in LABEL_COLUMNS:
            if col not in cols:
                continue
            values = [
                v
                for (v,) in rel.query(
                    "_p", f'SELECT DISTINCT "{col}" FROM _p WHERE "{col}" IS NOT NULL'
                ).fetchall()
            ]
            keys: dict[str, list[str]] = {}
            for v in map(str, values):  # distinct labels: a few hundred at most
                keys.setdefault(text_key(v), []).append(v)
            clash = [sorted(v) for v in keys.values() if len(v) > 1]
            if clash:
                raise InputError.one(
                    f"the label is spelled {len(clash[0])} ways in different parts of the "
                    f"file: {clash[0]}",
                    "spell it one way throughout the file (the reader unifies spellings within "
                    "a batch only)",
                    file=name,
                    column=col,
                    value=clash[0][0],
                )
    finally:
        con.close()
