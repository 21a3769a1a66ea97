"""How favourable each sentence reads, by a linear scorer learnt from tens of thousands of rated French reviews.

The tone model learns words from a few thousand labelled comments: a word or turn of phrase it never met in them
(« sans intérêt », « on s'ennuie », « au top ») weighs nothing. Reviews whose authors gave a star rating teach
those words by the thousand without anyone labelling them (distant supervision): `benchmarks/train_polarity.py`
fits a logistic regression, praised (high rating) against criticised (low rating), on the words and word pairs of
such reviews and keeps the strongest weights in `data/polarity_fr.json`. Here each sentence of a comment gets its
score, and the tone model reads how the sentences spread: the least and most favourable one, how many lean each
way, the whole comment's score. A comment with a clearly favourable and a clearly unfavourable sentence is what
« mixed » means.

Pure: plain text in, numbers out; the weights are read once per process.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from feedback.analysis.text import fold, normalise

SCORER_PATH = Path(__file__).resolve().parent / "data" / "polarity_fr.json"
_WORD = re.compile(r"[a-z0-9]+|[.,;:!?()]")
#: Words that turn around what follows them up to the next punctuation mark: « je n'ai pas été déçue » weighs
#: "not_decue", not "decue" (Das and Chen's marking: the reviews teach what a negated word means).
_NEGATORS = frozenset({"ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guere", "nul", "nulle"})
#: A sentence scoring beyond this (in log-odds) leans clearly one way: about 3 to 1.
LEANING = 1.0
#: Scores are squashed into (-1, 1) with this scale before the tone model reads them.
_SCALE = 4.0


def grams(text: str) -> set[str]:
    """The words of a text, folded (no case, no accents, apostrophes split), each word after a negator and before
    the next punctuation mark as "not_" + the word, and each pair of neighbours ("pas_terrible", "sans_interet"):
    what the scorer weighs. Training reads the same function."""
    found: set[str] = set()
    words: list[str] = []
    negated = False
    for item in _WORD.findall(fold(normalise(text)).replace("'", " ")):
        if not item[0].isalnum():
            negated = False
            continue
        found.add(f"not_{item}" if negated and item not in _NEGATORS else item)
        negated = negated or item in _NEGATORS
        words.append(item)
    found.update(f"{first}_{second}" for first, second in zip(words, words[1:], strict=False))
    return found


@dataclass(frozen=True)
class PolarityScorer:
    intercept: float
    weights: Mapping[str, float]

    def score(self, text: str) -> float:
        """Log-odds that the text praises rather than criticises (0: either way)."""
        return self.intercept + sum(self.weights.get(gram, 0.0) for gram in grams(text))


def polarity_features(scorer: PolarityScorer, text: str, sentences: Sequence[str]) -> dict[str, float]:
    """What the tone model reads of a comment's sentences' scores (`sentences`: the comment's, in order)."""
    whole = scorer.score(text)
    scores = [scorer.score(sentence) for sentence in sentences if sentence.strip()] or [whole]
    leaning_against = sum(score < -LEANING for score in scores)
    leaning_for = sum(score > LEANING for score in scores)
    return {
        "pol:whole": _squash(whole),
        "pol:min": _squash(min(scores)),
        "pol:max": _squash(max(scores)),
        "pol:against": math.log1p(leaning_against),
        "pol:for": math.log1p(leaning_for),
        "pol:both": 1.0 if leaning_against and leaning_for else 0.0,
    }


def _squash(score: float) -> float:
    return math.tanh(score / _SCALE)


def scorer_as_json(intercept: float, weights: Iterable[tuple[str, float]]) -> dict[str, object]:
    return {"intercept": round(intercept, 5), "weights": {gram: round(w, 4) for gram, w in sorted(weights)}}


@cache
def load_scorer(path: Path = SCORER_PATH) -> PolarityScorer | None:
    """The shipped scorer, read once per process; None when there is none (the model then reads no score)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return PolarityScorer(float(data["intercept"]), {str(k): float(v) for k, v in data["weights"].items()})
