"""French text normalisation shared by tone, themes and masking: NFC, apostrophes, case and accent folding."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Typographic apostrophes and look-alikes typed on phones and pasted from word processors.
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032\uff07"
#: Spaces that are not U+0020 (French typography puts a narrow no-break space before « ; : ! ? »).
_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

_NORMALISE_TABLE = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        **{c: " " for c in _SPACES},
        **{c: None for c in _ZERO_WIDTH},
        "\u00ab": '"',
        "\u00bb": '"',
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)


def normalise(text: str) -> str:
    """NFC, one kind of apostrophe, quote and space: the same words always look the same."""
    return unicodedata.normalize("NFC", text or "").translate(_NORMALISE_TABLE)


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base.lower()


def _build_fold_table() -> dict[int, str]:
    # One character in, one character out (except œ/æ), so that spans found in the folded text
    # can be used on the original when masking does not need it; Latin blocks cover French.
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)):
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) == 1 and folded != char:
            table[code] = folded
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    return table


_FOLD_TABLE = _build_fold_table()
# Same length as the input: used where positions must map back to the original text.
_FOLD_TABLE_SAME_LENGTH = {k: v for k, v in _FOLD_TABLE.items() if len(v) == 1}


def fold(text: str) -> str:
    """Lower case without accents: "Échanges" and "echanges" meet; "œ" becomes "oe"."""
    return _fold_word(text) if len(text) <= _WORD_LENGTH else text.translate(_FOLD_TABLE).lower()


#: Words are folded again and again (each rule, each pass over a comment): up to this length, the folded form of
#: the last words seen is kept (a quarter of the cost of folding again; the cache is bounded).
_WORD_LENGTH = 24


@lru_cache(maxsize=32_768)
def _fold_word(word: str) -> str:
    return word.translate(_FOLD_TABLE).lower()


def fold_same_length(text: str) -> str:
    """Like fold, but one character for one character (positions stay valid on the original)."""
    folded = text.translate(_FOLD_TABLE_SAME_LENGTH)
    lowered = folded.lower()
    return lowered if len(lowered) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def has_accent(text: str) -> bool:
    return fold(text) != text.lower()
