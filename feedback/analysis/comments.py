"""One comment analysed as the service stores it: tone per clause, aspects with their own tone, masked text.

The comment is parsed once by spaCy's French pipeline (`language.py`); masking, tone and aspects all read that
one parse. Masking runs on the original text and hands its spans to the others, so no name becomes a theme and
"merci Claire" is thanks, not a "clear" explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from feedback.analysis.aspects import Aspect, extract_aspects
from feedback.analysis.language import parse, parse_many, text_of
from feedback.analysis.masking import Masked, mask_document
from feedback.analysis.quotes import is_quotable
from feedback.analysis.themes import CommentPhrases, Theme, build_themes
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "tone": self.tone.label,
            "uncertain": self.tone.is_uncertain,
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
        return CommentPhrases(self.masked.text, self.tone.label, self.aspects, self.is_quotable)

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
    # Masking reports its spans in the original text: tone and aspects read the one parse and skip them.
    tone = combine_with_rating(analyse_tone(doc, masked=masked.spans), overall_level)
    aspects = tuple(
        replace(aspect, tone=tone.label_at(aspect.start) if aspect.start >= 0 else tone.label)
        for aspect in extract_aspects(doc, masked=masked.spans, question_words=question_words)
    )
    return CommentAnalysis(text_of(doc), tone, aspects, masked)


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
