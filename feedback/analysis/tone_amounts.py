"""Excess, lack and requests: the clause rules of "trop", "un peu", "peu", "plus de", "davantage", "moins", "mal".

Each rule reads from the scanner's token i (`tone_scanner.Scanner`), records its cue there and returns the index of
the next token to read, or None when the word is no excess nor lack here (the scanner then reads it as usual).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from feedback.analysis.tone_words import COLLOQUIAL_PRAISE, FUNCTION_WORDS, NOT_EXCESS, REQUEST_LEADS

if TYPE_CHECKING:
    from feedback.analysis.tone_scanner import Scanner


def _trop(scanner: Scanner, i: int) -> int | None:
    nxt = scanner.word(i + 1)
    if nxt in ("de", "d"):
        j = scanner.next_content(i + 2, frozenset())
        end = (j + 1) if j is not None else i + 2
        scanner.emit(i, scanner.show(i, end), -0.6, "excess")
        return end
    if nxt is None:
        scanner.emit(i, scanner.show(i, i + 1), -0.4, "excess")
        return i + 1
    if nxt in COLLOQUIAL_PRAISE:
        scanner.emit(i, scanner.show(i, i + 2), 0.6, "lexicon")
        return i + 2
    if nxt in NOT_EXCESS:
        return i + 1  # "je ne sais pas trop quoi dire": "pas trop" means "not really"
    if nxt in FUNCTION_WORDS:
        scanner.emit(i, scanner.show(i, i + 1), -0.4, "excess")
        return i + 1
    scanner.emit(i, scanner.show(i, i + 2), -0.6, "excess")
    return i + 2


def _un(scanner: Scanner, i: int) -> int | None:
    if scanner.word(i + 1) != "peu":
        return None
    nxt = scanner.word(i + 2)
    if nxt == "trop":
        scanner.intensity, scanner.intensity_until = (0.8, i + 3)
        return i + 2
    if nxt in ("plus", "moins"):
        j = scanner.next_content(i + 3, frozenset({"de", "d"}))
        end = (j + 1) if j is not None else i + 3
        scanner.emit(i, scanner.show(i, end), -0.45, "suggestion")
        return end
    if nxt is None or nxt in FUNCTION_WORDS:
        return i + 2
    entry = scanner.engine.polarity(scanner.engine.spelling(nxt))
    if entry is not None and entry.polarity > 0:
        scanner.emit(i, scanner.show(i, i + 3), entry.polarity * 0.5, "lexicon")
    else:
        weight = max(0.4, abs(entry.polarity)) if entry is not None else 0.4
        scanner.emit(i, scanner.show(i, i + 3), -weight, "excess")
    return i + 3


def _peu(scanner: Scanner, i: int) -> int | None:
    nxt = scanner.word(i + 1)
    if nxt in ("de", "d"):
        j = scanner.next_content(i + 2, frozenset())
        end = (j + 1) if j is not None else i + 2
        entry = scanner.engine.polarity(scanner.engine.spelling(scanner.tokens[j])) if j is not None else None
        if entry is not None and entry.polarity < 0:
            scanner.emit(i, scanner.show(i, end), 0.3, "negation")  # "très peu d'attente" is praise
        else:
            scanner.emit(i, scanner.show(i, end), -0.5, "lack")
        return end
    if nxt is None or nxt in FUNCTION_WORDS:
        return i + 1
    entry = scanner.engine.polarity(scanner.engine.spelling(nxt))
    if entry is not None and entry.polarity < 0:
        scanner.emit(i, scanner.show(i, i + 2), 0.3, "negation")
    else:
        weight = max(0.4, entry.polarity) if entry is not None else 0.4
        scanner.emit(i, scanner.show(i, i + 2), -weight, "lack" if entry is None else "negation")
    return i + 2


def _plus(scanner: Scanner, i: int) -> int | None:
    if scanner.word(i + 1) not in ("de", "d"):
        return None
    previous = scanner.clause.words[-2] if len(scanner.clause.words) >= 2 else None
    if previous is not None and previous not in REQUEST_LEADS:
        return None
    j = scanner.next_content(i + 2, frozenset())
    end = (j + 1) if j is not None else i + 2
    scanner.emit(i, scanner.show(i, end), -0.45, "suggestion")
    return end


def _davantage(scanner: Scanner, i: int) -> int | None:
    j = scanner.next_content(i + 1, frozenset({"de", "d"}))
    end = (j + 1) if j is not None else i + 1
    scanner.emit(i, scanner.show(i, end), -0.45, "suggestion")
    return end


def _moins(scanner: Scanner, i: int) -> int | None:
    nxt = scanner.word(i + 1)
    if nxt in ("de", "d"):
        j = scanner.next_content(i + 2, frozenset())
        end = (j + 1) if j is not None else i + 2
        scanner.emit(i, scanner.show(i, end), -0.45, "suggestion")
        return end
    if nxt is None or nxt in FUNCTION_WORDS:
        scanner.emit(i, scanner.show(i, i + 1), -0.45, "contrast")
        return i + 1
    entry = scanner.engine.polarity(scanner.engine.spelling(nxt))
    if entry is None:
        return None
    if entry.polarity > 0:
        scanner.emit(i, scanner.show(i, i + 2), -max(0.4, entry.polarity), "negation")
    else:
        scanner.emit(i, scanner.show(i, i + 2), 0.3, "negation")
    return i + 2


def _mal(scanner: Scanner, i: int) -> int | None:
    scanner.emit(i, scanner.show(i, i + 1), -0.7, "lexicon")
    nxt = scanner.word(i + 1)
    if nxt is not None:
        entry = scanner.engine.polarity(scanner.engine.spelling(nxt))
        if entry is not None and entry.polarity > 0:
            return i + 2  # "mal organisé": the criticism, not the praise of "organisé"
    return i + 1


STRUCTURAL: dict[str, Callable[[Scanner, int], int | None]] = {
    "trop": _trop,
    "un": _un,
    "peu": _peu,
    "plus": _plus,
    "davantage": _davantage,
    "moins": _moins,
    "mal": _mal,
}
