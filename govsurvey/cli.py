"""The ``govsurvey`` command line.

Each subcommand is a pair of functions: ``_add_<name>(subparsers)`` declares its arguments and
``_cmd_<name>(args) -> int`` runs it; :func:`main` builds the parser from the ``_COMMANDS`` list and
turns every failure into a message and an exit code, never a traceback:

- 0: success;
- 1: ``verify`` found differences (each one named);
- 2: bad input (each problem on its own line: file, row, column, what, fix) or bad usage;
- 3: a bug in govsurvey (anything that is not bad input), said as such with how to report it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .errors import InputError, message_language_set

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3

_BUG = (
    "govsurvey: {what}: this is a bug in govsurvey, not a problem with your input; please "
    "report it on the project's issue tracker with the command you ran, this message and the "
    "output of `govsurvey --version`"
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting, so :func:`main` returns the code."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


# --------------------------------------------------------------------------- output

#: Set when the reader of our output went away (``govsurvey validate … | head``): printing
#: stops quietly and the command still returns its own exit code.
_PIPE_CLOSED = False


def _say(text: str = "", err: bool = False) -> None:
    """Print a line; a closed pipe ends the output, never the command."""
    global _PIPE_CLOSED
    if _PIPE_CLOSED:
        return
    try:
        print(text, file=sys.stderr if err else sys.stdout)
    except BrokenPipeError:
        _PIPE_CLOSED = True
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit finds no closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


_WORDS = {
    "en": {
        "problems": "{n} problems",
        "problem": "1 problem",
        "sheet": "sheet",
        "encoding": "encoding",
        "header row": "header row",
        "instrument": "instrument",
        "rows": "rows read {read}, kept {kept}, excluded {excluded}",
        "by check": "excluded by check:",
        "excluded": "rows excluded (the run leaves them out): {rows}, because of:",
        "set missing": "answers set missing (the row is kept): {n}",
        "spelling unified": "cells read as the same value, written another way: {n}",
        "more": "... and {n} more (--max-problems 0 prints all)",
        "personal": "personal columns (kept, never published): {cols}",
        "verdict ok": "the file can be run: `govsurvey run` reads it as above",
        "verdict none": "no row can be used: `govsurvey run` would stop",
    },
    "vi": {
        "problems": "{n} lỗi",
        "problem": "1 lỗi",
        "sheet": "trang",
        "encoding": "mã hóa",
        "header row": "dòng tiêu đề",
        "instrument": "bộ câu hỏi",
        "rows": "số dòng đọc {read}, giữ {kept}, loại {excluded}",
        "by check": "loại theo lỗi:",
        "excluded": "dòng bị loại (lần chạy bỏ qua): {rows}, vì:",
        "set missing": "câu trả lời coi là thiếu (dòng vẫn giữ): {n}",
        "spelling unified": "ô viết khác nhưng đọc là cùng một giá trị: {n}",
        "more": "... và {n} lỗi khác (--max-problems 0 in tất cả)",
        "personal": "cột cá nhân (giữ lại, không bao giờ công bố): {cols}",
        "verdict ok": "tệp dùng được: `govsurvey run` đọc tệp như trên",
        "verdict none": "không dòng nào dùng được: `govsurvey run` sẽ dừng",
    },
}


def _language_option(p: argparse.ArgumentParser, default: str | None) -> None:
    p.add_argument(
        "--language",
        choices=["vi", "en"],
        default=default,
        help="language of the messages (vi or en; "
        + ("default vi)" if default else "default: the parameters' language, else vi)"),
    )


# --------------------------------------------------------------------------- validate


def _add_validate(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "validate",
        help="check a response file against the instrument",
        description="Read a response file (.csv, .xlsx, .sav, .parquet) as `govsurvey run` "
        "reads it, check every row against the instrument, and print every problem with its "
        "fix and what it costs (a row excluded, an answer set missing). Exit 0 when the run "
        "could use the file, 2 when it could not (or, with --strict, when anything is wrong).",
    )
    p.add_argument("file", help="the response file")
    p.add_argument(
        "--instrument", default="sipas-2017", help="instrument name or YAML path (sipas-2017)"
    )
    p.add_argument("--encoding", help="text encoding of a CSV file (detected when not given)")
    p.add_argument("--sheet", help="worksheet of an XLSX file (the data sheet when not given)")
    p.add_argument("--weight", help="weight column, when not the instrument's")
    p.add_argument("--id-column", help="respondent-id column, when not the instrument's")
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 2) on any problem, even one the run would handle by excluding the row "
        "or setting the answer missing",
    )
    p.add_argument(
        "--exclude",
        action="store_true",
        help="read as the run does: drop rows with problems and list them (the default)",
    )
    p.add_argument(
        "--max-problems",
        type=int,
        default=100,
        metavar="N",
        help="print at most N problems (default 100; 0 prints all)",
    )
    _language_option(p, "vi")
    return p


def _print_problems(problems: list, lang: str, cap: int) -> None:
    w = _WORDS[lang]
    for prob in problems[:cap]:
        _say(f"  {prob.text(lang)}")
    if len(problems) > cap:
        _say("  " + w["more"].format(n=len(problems) - cap))


def _cmd_validate(args: argparse.Namespace) -> int:
    from .config.instrument import load_instrument
    from .io import read_responses

    lang = args.language or "vi"
    w = _WORDS[lang]
    inst = load_instrument(args.instrument)  # its problems are not the file's: main reports them
    try:
        r = read_responses(
            args.file,
            inst,
            encoding=args.encoding,
            sheet=args.sheet,
            weight=args.weight,
            id_column=args.id_column,
            on_error="raise" if args.strict else "exclude",
        )
    except InputError as err:
        problems = err.problems
        n = len(problems)
        _say(f"{args.file}: {w['problem'] if n == 1 else w['problems'].format(n=n)}")
        cap = args.max_problems if args.max_problems > 0 else n
        for prob in problems[:cap]:
            _say(prob.text(lang))
        if n > cap:
            _say(w["more"].format(n=n - cap))
        return EXIT_INPUT
    src = r.source
    where = ", ".join(
        f"{w[k]} {v}"
        for k, v in (
            ("encoding", src.encoding),
            ("sheet", src.sheet),
            ("header row", src.header_row),
        )
        if v is not None
    )
    _say(f"{src.path}: {src.format}{', ' + where if where else ''}; sha256 {src.sha256}")
    _say(f"{w['instrument']} {r.instrument.name}")
    _say(w["rows"].format(read=r.n_read, kept=r.n_kept, excluded=r.n_excluded))
    cap = args.max_problems if args.max_problems > 0 else len(r.problems) or 1
    if r.n_excluded:
        _say(w["by check"])
        for item, rows in r.summary().itertuples(index=False):
            if item.startswith("excluded: "):
                _say(f"  {item.removeprefix('excluded: ')}: {rows}")
    for cost in ("excluded", "set missing", "spelling unified"):
        listed = [p for p, c in r.problems if c == cost]
        if listed:
            _say(w[cost].format(n=len(listed), rows=r.n_excluded))
            _print_problems(listed, lang, cap)
    if r.personal_columns:
        _say(w["personal"].format(cols=", ".join(r.personal_columns)))
    if not r.n_kept:
        _say(w["verdict none"])
        return EXIT_INPUT
    if r.problems:
        _say(w["verdict ok"])
    return EXIT_OK


# --------------------------------------------------------------------------- run, verify


def _add_run(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run",
        help="run the notebooks on a parameters file and publish HTML reports",
        description="Check a parameters file, execute the package's notebooks with papermill "
        "into reports/<run_name>/ (written aside and renamed into place only when complete; a "
        "failed run is kept as reports/<run_name>.failed-<time>/), render code-free HTML, and "
        "write figures.json, manifest.json and index.html. Exit 0 on success, 2 for bad input "
        "(parameters, data, personal data in the output), 3 when a notebook fails otherwise.",
    )
    p.add_argument("params", help="a flat YAML parameters file, e.g. params/default.yaml")
    p.add_argument("--reports", default="reports", help="folder of runs (default: reports)")
    p.add_argument(
        "--only",
        metavar="IDS",
        help="run only these notebooks, by identifier, comma-separated (e.g. 01,03)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the notebook and cell being run on stderr (default: when it is a terminal)",
    )
    _language_option(p, None)
    return p


def _params_language(path: str) -> str:
    """The ``language:`` a parameters file sets ("vi" when none or unreadable); read line by
    line, never as YAML (the file is checked, aliases and all, by the run itself)."""
    import re

    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f.read(1 << 20).splitlines():
                m = re.fullmatch(r"""language:\s*["']?(vi|en)["']?\s*(#.*)?""", line.strip())
                if m:
                    return m.group(1)
    except OSError:
        pass
    return "vi"


def _cmd_run(args: argparse.Namespace) -> int:
    import logging

    from .publish.run import RunFailed, run

    lang = args.language or _params_language(args.params)
    logging.basicConfig(level=logging.WARNING, format="govsurvey: %(message)s")
    try:
        with message_language_set(lang):  # the messages of everything the run calls
            out = run(args.params, reports_dir=args.reports, only=args.only, progress=args.progress)
    except InputError as err:
        for prob in err.problems:
            _say(f"govsurvey: {prob.text(lang)}", err=True)
        return EXIT_INPUT
    except RunFailed as exc:
        _say(f"govsurvey: {exc.text(lang)}", err=True)
        if exc.input_error:
            return EXIT_INPUT
        _say(_BUG.format(what="a notebook failed"), err=True)
        return EXIT_BUG
    _say(
        f"đã ghi lần chạy vào {out}/ (mở {out}/index.html)"
        if lang == "vi"
        else f"run written to {out}/ (open {out}/index.html)"
    )
    return EXIT_OK


def _add_verify(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "verify",
        help="check a run folder and rerun it, comparing every file and figure",
        description="Check every input and output file of a run folder against the SHA-256s of "
        "its manifest.json, the parameters against the folder's copy, versions against this "
        "environment; then rerun the package's notebooks into a temporary folder and compare "
        "every figure and report. The folder is walked without following links: a symbolic "
        "link, a FIFO, an added file or folder is a difference. Exit 0 when everything is "
        "identical (with --no-rerun: files unchanged, figures not re-derived), 1 when something "
        "differs (each difference is named), 2 when the folder is not a readable run.",
    )
    p.add_argument("run_folder", help="a folder written by `govsurvey run`")
    p.add_argument(
        "--no-rerun",
        action="store_true",
        help="check files, inputs, parameters and versions only (no rerun); the verdict then "
        "says the files are unchanged and the figures not re-derived",
    )
    p.add_argument(
        "--language",
        choices=("en", "vi"),
        default="en",
        help="language of the verdict: en (default) or vi",
    )
    return p


def _cmd_verify(args: argparse.Namespace) -> int:
    from .publish.verify import verify

    progress = sys.stderr.isatty()
    result = verify(
        args.run_folder, rerun=not args.no_rerun, progress=progress, language=args.language
    )
    print(result)
    return EXIT_OK if result.ok else EXIT_FAILED


# --------------------------------------------------------------------------- template


def _add_template(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "template",
        help="write the data-entry workbook (.xlsx) for an instrument",
        description="Write an Excel workbook to fill in: the data-entry sheet with the "
        "instrument's columns under Vietnamese headers the reader accepts, the code lists with "
        "Vietnamese and English labels, and which columns are required.",
    )
    p.add_argument("out", help="the workbook to write, e.g. phieu.xlsx")
    p.add_argument(
        "--instrument", default="sipas-2017", help="instrument name or YAML path (sipas-2017)"
    )
    return p


def _cmd_template(args: argparse.Namespace) -> int:
    from .io import write_template

    out = write_template(args.out, args.instrument)
    print(f"{out}: data-entry template for instrument {args.instrument}")
    return EXIT_OK


# --------------------------------------------------------------------------- main

_Command = tuple[
    Callable[[argparse._SubParsersAction], argparse.ArgumentParser],
    Callable[[argparse.Namespace], int],
]
#: Subcommands in the order ``--help`` lists them.
_COMMANDS: list[_Command] = [
    (_add_validate, _cmd_validate),
    (_add_run, _cmd_run),
    (_add_verify, _cmd_verify),
    (_add_template, _cmd_template),
]


def build_parser() -> argparse.ArgumentParser:
    """The ``govsurvey`` argument parser with every subcommand."""
    from . import __version__

    parser = _Parser(
        prog="govsurvey",
        description="Design-based analysis of SIPAS-style satisfaction surveys.",
    )
    parser.add_argument("--version", action="version", version=f"govsurvey {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add, run in _COMMANDS:
        add(sub).set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``govsurvey`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when not given.

    Returns
    -------
    int
        0 on success, 1 when verify finds differences, 2 for bad input or usage, 3 for a
        bug in govsurvey. Nothing raises.

    Examples
    --------
    >>> from govsurvey.cli import main
    >>> main(["validate", "responses.csv"])  # doctest: +SKIP
    responses.csv: csv, encoding utf-8, header row 1; sha256 …
    instrument sipas-2017
    rows read 1200, kept 1200, excluded 0
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_INPUT
        return int(args.run(args))
    except _Exit as exc:
        return exc.status
    except InputError as err:  # e.g. an instrument file that does not load
        for p in err.problems:
            print(f"govsurvey: {p}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("govsurvey: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away: not an error of ours
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, ever
        msg = " ".join(str(exc).split())[:300] or "no message"
        print(
            _BUG.format(what=f"unexpected error ({exc.__class__.__name__}: {msg})"), file=sys.stderr
        )
        return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
