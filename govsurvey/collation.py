"""Vietnamese alphabetical order, for every list of units a report shows.

Sorting by character code puts "Đống Đa" after "Tây Hồ" and "Hà Đông" after "Hoàng Mai". The
Vietnamese alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: a letter with
a breve, circumflex or horn is a letter of its own, "đ" follows "d", and the tone marks count
only between words that are otherwise equal (no mark, huyền, hỏi, ngã, sắc, nặng). Babel has no
collation of its own, so the key is built here from the decomposed (NFD) text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pandas as pd

__all__ = ["vi_key", "vi_sorted", "vi_sort_key"]

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
#: base letter + vowel mark (NFD) -> the letter of the Vietnamese alphabet
_VOWEL = {"\u0306", "\u0302", "\u031b"}
_MARKED = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
           ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {c: 100 + k for k, c in enumerate(_ALPHABET)}
# letters outside the alphabet (f, j, w, z) sit after their neighbours in the Latin order
_RANK.update({"f": _RANK["e"] + 0.5, "j": _RANK["i"] + 0.5, "w": _RANK["v"] + 0.5,
              "z": _RANK["y"] + 0.5})  # fmt: skip


def vi_key(text: object) -> tuple:
    """A sort key that orders text as a Vietnamese dictionary does.

    Parameters
    ----------
    text : object
        Any value (converted with ``str``).

    Returns
    -------
    tuple
        (letters, tones, text): case and tones decide only between otherwise equal words.

    Examples
    --------
    >>> from govsurvey.collation import vi_key
    >>> sorted(["Hoàng Mai", "Tây Hồ", "Đống Đa", "Hà Đông", "Ba Đình", "Cầu Giấy"], key=vi_key)
    ['Ba Đình', 'Cầu Giấy', 'Đống Đa', 'Hà Đông', 'Hoàng Mai', 'Tây Hồ']
    >>> sorted(["ma", "mà", "má", "mả", "mạ", "mã"], key=vi_key)
    ['ma', 'mà', 'mả', 'mã', 'má', 'mạ']
    """
    s = unicodedata.normalize("NFD", str(text)).lower()
    bases: list[str] = []
    tones: list[int] = []
    for ch in s:
        if ch in _TONES:
            tones[-1:] = [_TONES[ch]] if tones else []
        elif ch in _VOWEL and bases and (bases[-1], ch) in _MARKED:
            bases[-1] = _MARKED[(bases[-1], ch)]
        elif not unicodedata.combining(ch):
            bases.append(ch)
            tones.append(0)
    letters = tuple(
        _RANK[c] if c in _RANK
        else 10 + int(c) if c.isdigit()  # digits before letters
        else 0 if c.isspace()  # a shorter word first: "Hà Nội" before "Hàm Yên"
        else 1000 + ord(c)
        for c in bases
    )  # fmt: skip
    return (letters, tuple(tones), str(text))


def vi_sorted(values: Iterable[object]) -> list:
    """The values in Vietnamese order (see :func:`vi_key`).

    Examples
    --------
    >>> from govsurvey.collation import vi_sorted
    >>> vi_sorted(["Ô Môn", "Ninh Kiều", "Đông Hòa", "Cái Răng"])
    ['Cái Răng', 'Đông Hòa', 'Ninh Kiều', 'Ô Môn']
    """
    return sorted(values, key=vi_key)


def vi_sort_key(column: pd.Series) -> pd.Series:
    """A ``key=`` for ``DataFrame.sort_values``: the column's rank in Vietnamese order.

    Examples
    --------
    >>> import pandas as pd
    >>> from govsurvey.collation import vi_sort_key
    >>> df = pd.DataFrame({"district": ["Hoàng Mai", "Hà Đông"], "n": [1, 2]})
    >>> df.sort_values("district", key=vi_sort_key)["district"].tolist()
    ['Hà Đông', 'Hoàng Mai']
    """
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return column
    order = {v: k for k, v in enumerate(vi_sorted(pd.unique(column.dropna())))}
    return column.map(order)
