"""A comment cut into clauses, and the cues read over whole clauses.

The parse's tokens are normalised and folded; clause breaks come from punctuation, sentences the parser finds,
a second clause joined by "et" with its own finite verb, "sinon", "car", "donc". Cues over clauses: a contrast
with no opinion of its own after praise, sarcasm, "+++"/"---" and "8/10"-style marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from feedback.analysis.language import tokens_of
from feedback.analysis.text import fold, normalise
from feedback.analysis.tone_types import NEUTRAL, ClauseTone, Cue, verdict
from feedback.analysis.tone_words import (
    BOUNDARIES,
    REPEAT_MARKERS,
    SARCASTIC_CHEERS,
    SCORE_RE,
    TOKEN_RE,
    WORD_PIECES_RE,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass
class Clause:
    contrast: str | None  # None, "adversative", "concessive"
    words: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # of its words among the tokens
    cues: list[Cue] = field(default_factory=list)
    opened_at: int = -1  # the token of its contrast marker ("mais"), which belongs to it


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


#: "+++ la formation --- la ville": runs of plus and minus signs (not "+1" votes) are praise and blame.
SIGNS_RE = re.compile(r"(?<![\w+])\+{2,}(?![\d+])|-{3,}")


def score_cues(folded: str) -> list[Cue]:
    cues = [Cue(m.group(0), 1 if m.group(0)[0] == "+" else -1, 0.5, "signs") for m in SIGNS_RE.finditer(folded)]
    for match in SCORE_RE.finditer(folded):
        value, scale = float(match.group(1).replace(",", ".")), int(match.group(2))
        if value > scale:
            continue
        ratio = value / scale
        if ratio >= 0.7:
            cues.append(Cue(match.group(0), 1, 0.6, "score"))
        elif ratio <= 0.4:
            cues.append(Cue(match.group(0), -1, 0.6, "score"))
    return cues


def contrast_cues(clauses: list[Clause], shown: list[str]) -> None:
    """A contrast clause with no opinion of its own, after praise, is the criticism ("bien mais ...")."""
    has_criticism = any(c.polarity < 0 for clause in clauses for c in clause.cues)
    if has_criticism:
        return
    praised = False
    for clause in clauses:
        if clause.contrast and not clause.cues and praised and len(clause.words) >= 1:
            clause.cues.append(Cue(" ".join(shown[p] for p in clause.positions[:6]), -1, 0.4, "contrast"))
            return
        if any(c.polarity > 0 for c in clause.cues):
            praised = True
    # A concession opening the comment ("Même si X, très bien") concedes a criticism too.
    first = clauses[0] if clauses and clauses[0].words else (clauses[1] if len(clauses) > 1 else None)
    if first is not None and first.contrast == "concessive" and not first.cues and praised:
        first.cues.append(Cue(" ".join(shown[p] for p in first.positions[:6]), -1, 0.4, "contrast"))


#: Words that open a new clause without opposing it ("sinon l'ambiance est sympa").
CLAUSE_OPENERS = frozenset({"sinon", "car", "puisque", "donc"})


def tokens_from_doc(
    doc: Doc, masked: Sequence[tuple[int, int, str]]
) -> tuple[list[str], list[str], list[int], list[Token | None]]:
    """(folded tokens the rules read, the same as written, their character offsets, the spaCy token of each).

    Clause breaks the parse finds (a sentence with no full stop, a second clause coordinated by "et" with its
    own subject, "sinon") are added as a boundary token with no spaCy token. Masked spans are skipped: a name
    is neither praise ("Claire") nor a theme.
    """
    folded_tokens: list[str] = []
    shown: list[str] = []
    offsets: list[int] = []
    parsed: list[Token | None] = []
    skipped = sorted(masked)

    def add_break(offset: int) -> None:
        if folded_tokens and folded_tokens[-1] not in BOUNDARIES:
            folded_tokens.append("\n")
            shown.append("")
            offsets.append(offset)
            parsed.append(None)

    for token in tokens_of(doc):
        if token.is_space:
            if "\n" in token.text:
                add_break(token.idx)
            continue
        if any(start <= token.idx < end for start, end, _kind in skipped):
            continue
        if token.i > 0 and (_starts_a_sentence(token) or _is_spaced_dash(token)):
            add_break(token.idx)  # "Super bien - Commande arrivée à temps": a dash between spaces ends a clause
        lower = fold(token.text)
        if lower in CLAUSE_OPENERS or (lower == "et" and _joins_two_clauses(token)):
            add_break(token.idx)
        text = normalise(token.text)
        pieces = TOKEN_RE.findall(text.replace(" - ", " , "))
        for piece in pieces:
            if piece[0].isalnum():
                for word in WORD_PIECES_RE.findall(fold(piece)):
                    folded_tokens.append(word)
                    shown.append(piece if len(pieces) == 1 and word == fold(piece) else word)
                    offsets.append(token.idx)
                    parsed.append(token)
            else:
                folded_tokens.append(fold(piece))
                shown.append(piece)
                offsets.append(token.idx)
                parsed.append(token if piece not in BOUNDARIES else None)
    return folded_tokens, shown, offsets, parsed


def _is_spaced_dash(token: Token) -> bool:
    return (
        token.text in ("-", "–", "—")
        and bool(token.whitespace_)
        and bool(tokens_of(token.doc)[token.i - 1].whitespace_)
    )


def _starts_a_sentence(token: Token) -> bool:
    """A sentence the parser sees, trusted where a capital or a mark shows it; or a capitalised common word
    after a lower-case one, as in reviews typed without full stops ("Tapis sale Insonorisation nulle")."""
    previous = tokens_of(token.doc)[token.i - 1]
    if token.is_sent_start and (token.text[:1].isupper() or previous.is_punct):
        return True
    return (
        token.text[:1].isupper()
        and token.text[1:].islower()
        and token.pos_ != "PROPN"
        and previous.is_alpha
        and previous.text.islower()
    )


def is_predicate_or_graded(token: Token) -> bool:
    """ "la chambre est propre", "très pratique": said of something, not naming a kind ("cas pratiques")."""
    return any(child.dep_ == "cop" or (child.dep_ == "advmod" and child.i < token.i) for child in token.children)


def opens_a_request(token: Token | None) -> bool:
    """A clause opening with an infinitive ("Prévoir...", "Créer une visualisation utile") asks for something."""
    return token is not None and token.pos_ == "VERB" and "Inf" in token.morph.get("VerbForm", [])


def _finite(token: Token) -> bool:
    return "Fin" in token.morph.get("VerbForm", [])


def _joins_two_clauses(token: Token) -> bool:
    """ "et" between two clauses that each have their own finite verb ("X était clair et les exercices trop longs"
    has one; "X était clair et les exercices étaient trop longs" two)."""
    doc = token.doc
    after = False
    for other in tokens_of(doc)[token.i + 1 :]:
        if other.is_punct or fold(other.text) == "et":
            break
        if _finite(other):
            after = True
            break
    if not after:
        return False
    for other in reversed(tokens_of(doc)[: token.i]):
        if other.is_punct:
            break
        if _finite(other):
            return True
    return False


def clause_tones(clauses: list[Clause], offsets: list[int], length: int) -> tuple[ClauseTone, ...]:
    """Each clause's span (from its first word to the next clause's, the first from 0, the last to the end)."""
    spans = [
        (offsets[clause.opened_at if clause.opened_at >= 0 else clause.positions[0]], clause)
        for clause in clauses
        if clause.positions
    ]
    result = []
    for k, (start, clause) in enumerate(spans):
        start = 0 if k == 0 else start
        end = spans[k + 1][0] if k + 1 < len(spans) else length
        if end > start:
            result.append(ClauseTone(start, end, verdict(clause.cues)[0]))
    return tuple(result) or ((ClauseTone(0, length, NEUTRAL),) if length else ())


def mark_sarcasm(clauses: list[Clause]) -> None:
    """ "Génial, encore une heure d'attente": a lone cheer before a complaint that repeats itself is irony."""
    spoken = [clause for clause in clauses if clause.words]
    if len(spoken) < 2 or len(spoken[0].words) > 2 or spoken[0].contrast:
        return
    cheer = spoken[0].cues
    if not cheer or any(c.polarity < 0 for c in cheer) or spoken[0].words[0] not in SARCASTIC_CHEERS:
        return
    rest = [c for clause in spoken[1:] for c in clause.cues]
    if any(c.polarity > 0 for c in rest) or any(clause.contrast for clause in spoken[1:]):
        return
    words = " ".join(word for clause in spoken[1:] for word in clause.words)
    if any(c.polarity < 0 for c in rest) and any(f" {marker} " in f" {words} " for marker in REPEAT_MARKERS):
        spoken[0].cues[:] = [Cue(cue.words, -1, cue.weight, "sarcasm") for cue in cheer]
