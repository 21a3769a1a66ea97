"""One comment analysed as the service stores it: tone per clause, aspects with their own tone, masked text.

The comment is parsed once by spaCy's French pipeline (`language.py`); masking, tone and aspects all read that
one parse. Masking runs on the original text and hands its spans to the others, so no name becomes a theme and
"merci Claire" is thanks, not a "clear" explanation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from feedback.analysis.language import parse, parse_many
from feedback.analysis.masking import Masked, mask_document
from feedback.analysis.quotes import is_quotable
from feedback.analysis.themes import Aspect, CommentPhrases, Theme, build_themes, extract_aspects
from feedback.analysis.tone import Tone, analyse_tone, combine_with_rating

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class CommentAnalysis:
    text: str
    tone: Tone
    aspects: tuple[Aspect, ...]
    masked: Masked

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(aspect.phrase for aspect in self.aspects)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "tone": self.tone.label,
            "masked": self.masked.text,
            "themes": [{"phrase": a.phrase, "key": a.key, "tone": a.tone} for a in self.aspects],
            "phrases": list(self.phrases),
            "cues": [cue.as_dict() for cue in self.tone.cues],
            "clauses": [
                {"text": self.text[c.start : c.end], "tone": c.label} for c in self.tone.clauses if c.start >= 0
            ],
        }

    def for_themes(self) -> CommentPhrases:
        """What themes need; examples are the masked text, never the original."""
        return CommentPhrases(self.masked.text, (), self.tone.label, self.aspects, self.is_quotable)

    @property
    def is_quotable(self) -> bool:
        rules = [cue.rule for cue in self.tone.cues]
        return is_quotable(self.masked.text, self.tone.label, rules, self.masked.has_personal_data)


def analyse_document(
    doc: Doc,
    *,
    names: Iterable[str] = (),
    overall_level: int | None = None,
    question_words: frozenset[str] = frozenset(),
) -> CommentAnalysis:
    masked = mask_document(doc, names)
    # Transitional: until masking reports its spans in the original text, tone reads the masked text; aspects read
    # the parse, with the masked spans found by aligning the masked text on the original (no second parse).
    read = masked.text if masked.has_personal_data and not masked.spans else doc
    spans = masked.spans or (_aligned_spans(doc.text, masked.text) if masked.has_personal_data else ())
    tone = combine_with_rating(analyse_tone(read, masked=masked.spans), overall_level)
    aspects = tuple(
        replace(aspect, tone=tone.label_at(aspect.start) if aspect.start >= 0 else tone.label)
        for aspect in extract_aspects(read if spans is None else doc, masked=spans or (), question_words=question_words)
    )
    return CommentAnalysis(doc.text, tone, aspects, masked)


_PLACEHOLDER_RE = re.compile(r"\[[^\]\n]{1,20}\]")


def _aligned_spans(original: str, masked: str) -> tuple[tuple[int, int, str], ...] | None:
    """Where the masked text's placeholders (« [nom] ») stand in the original, in one linear scan; None when the
    two texts differ elsewhere (the caller then reads the masked text)."""
    pieces = _PLACEHOLDER_RE.split(masked)
    if not original.startswith(pieces[0]):
        return None
    spans, position = [], len(pieces[0])
    for index, piece in enumerate(pieces[1:], start=1):
        last = index == len(pieces) - 1
        end = len(original) - len(piece) if last else original.find(piece, position + 1)
        if end < position or (last and not original.endswith(piece)):
            return None
        spans.append((position, end, "masked"))
        position = end + len(piece)
    return tuple(spans)


def analyse_comment(
    text: str,
    *,
    names: Iterable[str] = (),
    overall_level: int | None = None,
    question_words: frozenset[str] = frozenset(),
) -> CommentAnalysis:
    return analyse_document(parse(text), names=names, overall_level=overall_level, question_words=question_words)


def analyse_comments(
    texts: Iterable[str], *, names: Iterable[str] = (), question_words: frozenset[str] = frozenset()
) -> list[CommentAnalysis]:
    """Many comments through the pipeline's batch mode (several times faster than one by one)."""
    names = tuple(names)
    return [analyse_document(doc, names=names, question_words=question_words) for doc in parse_many(texts)]


def themes_of(analyses: Iterable[CommentAnalysis], *, limit: int | None = None) -> list[Theme]:
    return build_themes([analysis.for_themes() for analysis in analyses], limit=limit)
