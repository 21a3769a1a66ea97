"""Train the sentence polarity scorer (feedback/analysis/data/polarity_fr.json) on rated French reviews.

    .venv/bin/python benchmarks/train_polarity.py CORPUS.tsv [...] [--check]

Each corpus file is tab-separated with a header holding at least `text`, `label` (pos / neg / mid) and `source`
(benchmarks/polarity_corpus.md lists the reviews used, where they come from, their licences and how their ratings
map to a label). Reviews rated high are praise, rated low criticism; the middle ones are left out. A logistic
regression weighs the words and word pairs of `feedback.analysis.polarity.grams`; the strongest weights are kept.

Nothing the tone model is measured on may leak in: a review whose text is one of the real labelled comments
(DEV or MEASURE) is dropped, and so is every review from a repository or site those comments were taken from.
`--check` holds out a tenth of the reviews (by a hash of the text) and prints the scorer's accuracy on it.
After a new scorer, retrain the tone model (benchmarks/train_tone_model.py): it reads the scorer's output.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.tone_quality import load_real_comments  # noqa: E402
from benchmarks.train_tone_model import source_group  # noqa: E402
from feedback.analysis.polarity import SCORER_PATH, grams, scorer_as_json  # noqa: E402
from feedback.analysis.text import fold, normalise  # noqa: E402

#: A word or pair seen in fewer reviews than this is no feature.
MIN_COUNT = 3
#: The strongest weights kept (by absolute value): the rest move a score by little and would only weigh the file.
KEEP = 40_000
C = 0.5


def _key(text: str) -> str:
    return " ".join(fold(normalise(text)).split())


def reviews(paths: list[Path]) -> tuple[list[str], list[bool], Counter[str]]:
    """(texts, praised?, reviews dropped by reason) from the corpus files, leaks removed."""
    real = load_real_comments()
    real_texts = {_key(row["text"]) for row in real}
    real_sources = {source_group(row.get("source") or "") for row in real}
    csv.field_size_limit(sys.maxsize)
    texts: list[str] = []
    praised: list[bool] = []
    dropped: Counter[str] = Counter()
    seen: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                text, label = (row.get("text") or "").strip(), row.get("label")
                if label not in ("pos", "neg") or not text:
                    continue
                key = _key(text)
                if key in seen:
                    dropped["duplicate"] += 1
                elif key in real_texts:
                    dropped["a labelled real comment"] += 1
                elif source_group(row.get("source") or "") in real_sources:
                    dropped["source of labelled real comments"] += 1
                else:
                    seen.add(key)
                    texts.append(text)
                    praised.append(label == "pos")
    return texts, praised, dropped


def fit(texts: list[str], praised: list[bool], *, c: float = C, keep: int = KEEP) -> tuple[float, dict[str, float]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [grams(text) for text in texts]
    counts = Counter(gram for row in rows for gram in row)
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{g: 1.0 for g in row if counts[g] >= MIN_COUNT} for row in rows])
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    classifier.fit(matrix, praised)
    weights = dict(zip(vectorizer.get_feature_names_out(), (float(w) for w in classifier.coef_[0]), strict=True))
    strongest = sorted(weights.items(), key=lambda item: (-abs(item[1]), item[0]))[:keep]
    return float(classifier.intercept_[0]), dict(strongest)


def held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10 == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="print the accuracy on a held-out tenth, write nothing")
    parser.add_argument("--keep", type=int, default=KEEP)
    parser.add_argument("-C", type=float, default=C)
    args = parser.parse_args(argv)
    texts, praised, dropped = reviews(args.corpus)
    print(f"{len(texts)} reviews ({sum(praised)} praised, {len(texts) - sum(praised)} criticised); "
          f"dropped: {dict(dropped)}")  # fmt: skip
    if args.check:
        train = [i for i, text in enumerate(texts) if not held_out(text)]
        test = [i for i, text in enumerate(texts) if held_out(text)]
        intercept, weights = fit([texts[i] for i in train], [praised[i] for i in train], c=args.C, keep=args.keep)
        right = sum((intercept + sum(weights.get(g, 0.0) for g in grams(texts[i])) > 0) == praised[i] for i in test)
        print(f"held-out tenth: {right / len(test):.1%} right on {len(test)} reviews")
        return 0
    intercept, weights = fit(texts, praised, c=args.C, keep=args.keep)
    SCORER_PATH.write_text(json.dumps(scorer_as_json(intercept, weights.items()), ensure_ascii=False) + "\n")
    print(f"wrote {SCORER_PATH.relative_to(ROOT)} ({SCORER_PATH.stat().st_size / 1000:.0f} kB, {len(weights)} weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
