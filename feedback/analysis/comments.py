"""One comment analysed as the service stores it: tone, key phrases and the text with personal data masked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from feedback.analysis.masking import Masked, mask_personal_data
from feedback.analysis.themes import CommentPhrases, Theme, build_themes, extract_phrases
from feedback.analysis.tone import Tone, analyse_tone, combine_with_rating


@dataclass(frozen=True)
class CommentAnalysis:
    text: str
    tone: Tone
    phrases: tuple[str, ...]
    masked: Masked

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "tone": self.tone.label,
            "phrases": list(self.phrases),
            "masked": self.masked.text,
            "cues": [cue.as_dict() for cue in self.tone.cues],
        }

    def for_themes(self) -> CommentPhrases:
        """What themes need; examples are the masked text, never the original."""
        return CommentPhrases(self.masked.text, self.phrases, self.tone.label)


def analyse_comment(text: str, *, names: Iterable[str] = (), overall_level: int | None = None) -> CommentAnalysis:
    """Tone and phrases are read on the comment as written (stop words and all) once personal data is masked:
    no name or address becomes a theme, and "merci Claire" is thanks, not a "clear" explanation."""
    masked = mask_personal_data(text, names)
    tone = combine_with_rating(analyse_tone(masked.text), overall_level)
    return CommentAnalysis(text, tone, extract_phrases(masked.text), masked)


def analyse_comments(texts: Iterable[str], *, names: Iterable[str] = ()) -> list[CommentAnalysis]:
    names = tuple(names)
    return [analyse_comment(text, names=names) for text in texts]


def themes_of(analyses: Iterable[CommentAnalysis], *, limit: int | None = None) -> list[Theme]:
    return build_themes([analysis.for_themes() for analysis in analyses], limit=limit)
