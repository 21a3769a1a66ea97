"""One comment analysed as the service stores it: tone per clause, aspects with their own tone, masked text.

The comment is parsed once by spaCy's French pipeline (`language.py`); masking, tone and aspects all read that
one parse. Masking runs on the original text and hands its spans to the others, so no name becomes a theme and
"merci Claire" is thanks, not a "clear" explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from feedback.analysis.language import parse, parse_many
from feedback.analysis.masking import Masked, mask_document
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
            "themes": [{"phrase": aspect.phrase, "tone": aspect.tone} for aspect in self.aspects],
            "phrases": list(self.phrases),
            "cues": [cue.as_dict() for cue in self.tone.cues],
            "clauses": [
                {"text": self.text[c.start : c.end], "tone": c.label} for c in self.tone.clauses if c.start >= 0
            ],
        }

    def for_themes(self) -> CommentPhrases:
        """What themes need; examples are the masked text, never the original."""
        return CommentPhrases(self.masked.text, self.phrases, self.tone.label)


def analyse_document(
    doc: Doc,
    *,
    names: Iterable[str] = (),
    overall_level: int | None = None,
    question_words: frozenset[str] = frozenset(),
) -> CommentAnalysis:
    masked = mask_document(doc, names)
    # Transitional: masking now reports its spans in the original text, but today's tone and aspects still read
    # the whole text, names included (« Merci Claire » as praise): they get the masked text until they skip
    # `masked.spans` themselves, then this is `read = doc`.
    read = masked.text if masked.has_personal_data else doc
    tone = combine_with_rating(analyse_tone(read, masked=masked.spans), overall_level)
    aspects = tuple(
        replace(aspect, tone=tone.label_at(aspect.start) if aspect.start >= 0 else tone.label)
        for aspect in extract_aspects(read, masked=masked.spans, question_words=question_words)
    )
    return CommentAnalysis(doc.text, tone, aspects, masked)


def analyse_comment(
    text: str,
    *,
    names: Iterable[str] = (),
    overall_level: int | None = None,
    question_words: frozenset[str] = frozenset(),
) -> CommentAnalysis:
    return analyse_document(parse(text), names=names, overall_level=overall_level, question_words=question_words)


def analyse_comments(texts: Iterable[str], *, names: Iterable[str] = ()) -> list[CommentAnalysis]:
    """Many comments through the pipeline's batch mode (several times faster than one by one)."""
    names = tuple(names)
    return [analyse_document(doc, names=names) for doc in parse_many(texts)]


def themes_of(analyses: Iterable[CommentAnalysis], *, limit: int | None = None) -> list[Theme]:
    return build_themes([analysis.for_themes() for analysis in analyses], limit=limit)
