"""Tone quality on the labelled French comments: the bare textblob-fr baseline against ours.

    .venv/bin/python benchmarks/tone_quality.py            # the held-out split: the figures we report
    .venv/bin/python benchmarks/tone_quality.py --split dev --errors   # while working on the rules

Prints accuracy on the 4 classes, the confusion matrix and the share of criticisms (gold negative or mixed)
flagged as negative or mixed, for both; exits 1 when ours misses a target on the held-out split.
The held-out split (tests/analysis/data/tone_heldout.csv) is for measuring only: rules are never tuned on it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback.analysis.tone import LABELS, MIXED, NEGATIVE, NEUTRAL, POSITIVE, analyse_tone  # noqa: E402

DATA = ROOT / "tests" / "analysis" / "data"
SPLITS = {"heldout": DATA / "tone_heldout.csv", "dev": DATA / "tone_dev.csv"}
TARGET_ACCURACY = 0.80
TARGET_CRITICISM_RECALL = 0.90


def load_split(name: str) -> list[tuple[str, str]]:
    with SPLITS[name].open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["label"]) for row in csv.DictReader(handle)]


@cache
def _pattern_analyzer():
    from textblob_fr import PatternAnalyzer

    return PatternAnalyzer()


def baseline_tone(text: str) -> str:
    """textblob-fr's PatternAnalyzer (what TextBlob(text, analyzer=...) calls), and "both kinds of words = mixed"."""
    score = _pattern_analyzer().analyze(text)
    polarities = [polarity for _words, polarity, _subjectivity, _label in score.assessments]
    if any(p > 0 for p in polarities) and any(p < 0 for p in polarities):
        return MIXED
    if score[0] > 0:
        return POSITIVE
    if score[0] < 0:
        return NEGATIVE
    return NEUTRAL


def ours(text: str) -> str:
    return analyse_tone(text).label


def evaluate(rows: list[tuple[str, str]], classify: Callable[[str], str]) -> dict:
    predictions = [classify(text) for text, _gold in rows]
    confusion = {gold: dict.fromkeys(LABELS, 0) for gold in LABELS}
    for (_text, gold), predicted in zip(rows, predictions, strict=True):
        confusion[gold][predicted] += 1
    correct = sum(confusion[label][label] for label in LABELS)
    criticisms = [(g, p) for (_t, g), p in zip(rows, predictions, strict=True) if g in (NEGATIVE, MIXED)]
    flagged = sum(1 for _g, p in criticisms if p in (NEGATIVE, MIXED))
    false_alarms = sum(
        1 for (_t, g), p in zip(rows, predictions, strict=True) if g in (POSITIVE, NEUTRAL) and p in (NEGATIVE, MIXED)
    )
    return {
        "n": len(rows),
        "accuracy": correct / len(rows),
        "criticism_recall": flagged / len(criticisms) if criticisms else 1.0,
        "criticisms": len(criticisms),
        "false_alarms": false_alarms,
        "confusion": confusion,
        "predictions": predictions,
    }


def print_report(name: str, result: dict) -> None:
    print(f"\n{name}: {result['accuracy']:.1%} exact on 4 classes (n={result['n']}), "
          f"{result['criticism_recall']:.1%} of {result['criticisms']} criticisms flagged, "
          f"{result['false_alarms']} praise/neutral comments flagged as criticism")  # fmt: skip
    width = max(len(label) for label in LABELS)
    header = "gold / predicted"
    print(f"  {header:<{width + 10}}" + "".join(f"{label:>10}" for label in LABELS))
    for gold in LABELS:
        print(f"  {gold:<{width + 10}}" + "".join(f"{result['confusion'][gold][p]:>10}" for p in LABELS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="heldout")
    parser.add_argument("--errors", action="store_true", help="list our misclassified comments (dev split only)")
    args = parser.parse_args(argv)
    rows = load_split(args.split)
    started = time.perf_counter()
    baseline = evaluate(rows, baseline_tone)
    ours_result = evaluate(rows, ours)
    elapsed = time.perf_counter() - started
    print(f"Tone quality on the {args.split} split ({len(rows)} labelled comments, {elapsed:.1f} s)")
    print_report("Baseline (textblob-fr lexicon, both kinds = mixed)", baseline)
    print_report("Ours (feedback.analysis.tone)", ours_result)
    if args.errors:
        if args.split != "dev":
            parser.error("--errors lists mistakes to work on: only on the dev split")
        print("\nErrors:")
        for (text, gold), predicted in zip(rows, ours_result["predictions"], strict=True):
            if gold != predicted:
                print(f"  {gold:>8} -> {predicted:<8} {text}\n{'':21}{analyse_tone(text).explain()}")
    ok = ours_result["accuracy"] >= TARGET_ACCURACY and ours_result["criticism_recall"] >= TARGET_CRITICISM_RECALL
    print(f"\nTargets: accuracy >= {TARGET_ACCURACY:.0%}, criticism recall >= {TARGET_CRITICISM_RECALL:.0%}: "
          f"{'met' if ok else 'MISSED'}")  # fmt: skip
    return 0 if ok or args.split != "heldout" else 1


if __name__ == "__main__":
    sys.exit(main())
