"""The one error a user of govsurvey sees for bad input."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

#: The message of an :class:`InputError` lists this many problems, then "... and N more";
#: ``err.problems`` holds them all.
MAX_LISTED = 20

#: A value is never shown in a message beyond this many characters.
MAX_SHOWN = 60


def message_language() -> str:
    """The language ``str()`` of a problem uses: ``GOVSURVEY_LANGUAGE`` ("vi" or "en"; English
    when unset). ``govsurvey run`` sets it for the notebooks it runs, so that an error a
    notebook stops on reads in the run's language; :meth:`Problem.text` takes one explicitly.

    Examples
    --------
    >>> message_language() in ("vi", "en")
    True
    """
    lang = os.environ.get("GOVSURVEY_LANGUAGE", "en")
    return lang if lang in ("vi", "en") else "en"


@contextlib.contextmanager
def message_language_set(language: str) -> Iterator[None]:
    """Within the block, messages are in ``language`` (``GOVSURVEY_LANGUAGE``, which the
    notebooks' kernels inherit); restored after.

    Examples
    --------
    >>> with message_language_set("vi"):
    ...     message_language()
    'vi'
    """
    old = os.environ.get("GOVSURVEY_LANGUAGE")
    os.environ["GOVSURVEY_LANGUAGE"] = language
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("GOVSURVEY_LANGUAGE", None)
        else:
            os.environ["GOVSURVEY_LANGUAGE"] = old


def short(value: object, limit: int = MAX_SHOWN) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a message never expands a huge value.

    Deep or huge containers are not expanded either (a bounded ``repr``).

    Examples
    --------
    >>> short("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (1000 characters)"
    >>> short([1, 2])
    '[1, 2]'
    """
    import reprlib

    r = reprlib.Repr()
    r.maxstring = 2 * limit
    r.maxother = 2 * limit
    r.maxlist = r.maxdict = r.maxtuple = r.maxset = 8
    r.maxlevel = 3
    text = r.repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return f"{text[: limit - 4]}…{size}"


@dataclass
class Problem:
    """One thing wrong with an input: where it is, what is wrong and how to fix it.

    ``row`` is the row number as a person sees it in the file (the header is row 1 in a CSV, so
    the first data row is row 2; in a spreadsheet the sheet's own row number); ``None`` when the
    problem concerns the whole file or a column. ``what_vi`` and ``fix_vi`` say the same in
    Vietnamese, where the code that found the problem gives them (:meth:`text` falls back to
    English otherwise: a problem without them is said wholly in English).

    Examples
    --------
    >>> p = Problem("not a number", "use 1-5", "r.csv", 4, "C1_1", "abc",
    ...             what_vi="không phải số", fix_vi="ghi 1-5")
    >>> p.text("vi")
    "r.csv, dòng 4, cột 'C1_1': không phải số (giá trị 'abc'). Cách sửa: ghi 1-5"
    """

    what: str
    fix: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    what_vi: str | None = None
    fix_vi: str | None = None

    def __str__(self) -> str:
        return self.text(message_language())

    def text(self, language: str = "en") -> str:
        """The problem as one line in ``language`` ("vi" or "en")."""
        vi = language == "vi" and self.what_vi is not None  # else all of it in English
        words = ("dòng", "cột", "giá trị", "Cách sửa") if vi else ("row", "column", "value", "Fix")
        what = (self.what_vi or self.what) if vi else self.what
        fix = (self.fix_vi or self.fix) if vi else self.fix
        where = []
        if self.file is not None:
            where.append(f"{self.file}")
        if self.row is not None:
            where.append(f"{words[0]} {self.row}")
        if self.column is not None:
            where.append(f"{words[1]} '{self.column}'")
        head = ", ".join(where)
        value = "" if self.value is None else f" ({words[2]} {short(self.value)})"
        body = f"{what}{value}. {words[3]}: {fix}"
        return f"{head}: {body}" if head else body


@dataclass
class InputError(ValueError):
    """Bad input, reported as one or more :class:`Problem` s that name file, row, column and fix.

    ``str(err)`` is the message a user should see; ``err.problems`` holds each problem for
    programmatic use. It subclasses ``ValueError`` so generic handlers still catch it.

    Examples
    --------
    >>> err = InputError.one("weights must be positive", "drop or correct the row",
    ...                      file="r.csv", row=4, column="w", value=-1.0)
    >>> print(err)
    r.csv, row 4, column 'w': weights must be positive (value -1.0). Fix: drop or correct the row
    """

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @classmethod
    def one(cls, what: str, fix: str, **where: object) -> InputError:
        """Build an error holding a single problem."""
        return cls([Problem(what=what, fix=fix, **where)])  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.text(message_language())

    def text(self, language: str = "en") -> str:
        """The message in ``language`` ("vi" or "en"): each problem on its own line."""
        if len(self.problems) == 1:
            return self.problems[0].text(language)
        vi = language == "vi"
        lines = [f"{len(self.problems)} {'lỗi' if vi else 'problems'}:"]
        lines += [f"  - {p.text(language)}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            more = len(self.problems) - MAX_LISTED
            lines.append(f"  ... {'và' if vi else 'and'} {more} {'lỗi khác' if vi else 'more'}")
        return "\n".join(lines)
