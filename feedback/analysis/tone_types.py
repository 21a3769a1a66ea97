"""The tone's labels and verdict types: a cue (words that weighed), a clause's tone, a comment's tone.

`verdict` weighs cues into a label: no cue is neutral; praise and criticism each of weight `MIXED_MIN` or more
is mixed; otherwise the heavier side wins (a tie goes to criticism).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

POSITIVE = "positive"
NEGATIVE = "negative"
MIXED = "mixed"
NEUTRAL = "neutral"
LABELS = (POSITIVE, NEGATIVE, MIXED, NEUTRAL)
#: Labels shown to staff.
LABELS_FR = {POSITIVE: "positif", NEGATIVE: "négatif", MIXED: "mitigé", NEUTRAL: "neutre"}

#: Praise and criticism must each weigh this much for a comment to be mixed: bare thanks (0.3) after a
#: criticism stay politeness, one real opinion word (0.4 and up) on each side makes it mixed.
MIXED_MIN = 0.35
#: Lexicon words weaker than this are not opinions (textblob-fr scores many plain adjectives 0.1).
MIN_POLARITY = 0.15
#: How many words after "pas", "jamais", "rien"... a negation still reaches.
NEGATION_REACH = 5
#: Shorter words are not corrected: too many real words are one slip from another ("sante", "saine").
TYPO_MIN_LENGTH = 6
#: Below this probability of its own label, the model's verdict is « à vérifier » for staff. Chosen on DEV
#: (out-of-fold, grouped by source): it flags about a quarter of the comments, which hold about half the wrong
#: verdicts; checked on MEASURE by benchmarks/tone_quality.py and its floor in tests/analysis/test_tone.py.
UNSURE_BELOW = 0.55

RULE_LABELS_FR = {
    "lexicon": "lexique",
    "phrase": "expression",
    "negation": "négation",
    "lack": "manque",
    "excess": "excès",
    "suggestion": "suggestion",
    "thanks": "remerciement",
    "contrast": "contraste",
    "emoji": "emoji",
    "signs": "signes",
    "sarcasm": "ironie",
    "score": "note",
    "rating": "note globale",
}


@dataclass(frozen=True)
class Cue:
    """Words of the comment that weighed on its tone."""

    words: str
    polarity: int  # +1 praise, -1 criticism
    weight: float
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"words": self.words, "polarity": self.polarity, "weight": round(self.weight, 2), "rule": self.rule}


@dataclass(frozen=True)
class ClauseTone:
    """The tone of one clause of a comment, by character offsets in the comment's text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Tone:
    label: str
    praise: float = 0.0
    criticism: float = 0.0
    cues: tuple[Cue, ...] = ()
    notes: tuple[str, ...] = field(default=())
    clauses: tuple[ClauseTone, ...] = ()
    #: The model's probability of this label; None where the rules decide alone (« RAS », a mark such as « 8/10 »).
    confidence: float | None = None

    @property
    def is_uncertain(self) -> bool:
        """A verdict staff should check before counting on it (`UNSURE_BELOW`)."""
        return self.confidence is not None and self.confidence < UNSURE_BELOW

    def label_at(self, offset: int) -> str:
        """The tone of the clause holding this character (a theme's own tone); the comment's where none does."""
        for clause in self.clauses:
            if clause.start <= offset < clause.end:
                return clause.label
        return self.label

    def explain(self) -> str:
        """One line in French: the verdict and the words that drove it."""
        parts = [
            f"« {cue.words} » ({RULE_LABELS_FR.get(cue.rule, cue.rule)}, {'+' if cue.polarity > 0 else '−'})"
            for cue in self.cues
        ]
        text = LABELS_FR[self.label]
        if parts:
            text += " : " + ", ".join(parts)
        if self.notes:
            text += " [" + "; ".join(self.notes) + "]"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "praise": round(self.praise, 2),
            "criticism": round(self.criticism, 2),
            "cues": [cue.as_dict() for cue in self.cues],
            "notes": list(self.notes),
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "uncertain": self.is_uncertain,
        }


def verdict(cues: list[Cue] | tuple[Cue, ...]) -> tuple[str, float, float]:
    praise = sum(c.weight for c in cues if c.polarity > 0)
    criticism = sum(c.weight for c in cues if c.polarity < 0)
    if praise == 0 and criticism == 0:
        return NEUTRAL, 0.0, 0.0
    if praise >= MIXED_MIN and criticism >= MIXED_MIN:
        return MIXED, praise, criticism
    return (POSITIVE if praise > criticism else NEGATIVE), praise, criticism
