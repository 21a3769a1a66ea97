"""Themes quality on real French comments labelled with the themes a person would name.

    .venv/bin/python benchmarks/themes_quality.py                       # tests/analysis/data/real_comments.csv
    .venv/bin/python benchmarks/themes_quality.py /work/devset/a.csv /work/devset/b.csv   # no `split` column
    .venv/bin/python benchmarks/themes_quality.py FILE --part dev --errors   # while working on the rules

The CSV has `text` and `themes` (`;`-separated, as a person would name them) and either a `split` column
(dev / measure) or none: then the even data rows (2nd, 4th...) are the development part and the odd ones the
part only measured on. Prints, for each part:

- recall: share of gold themes matched by an extracted aspect of the same comment;
- precision: share of extracted aspects matching a gold theme of their comment;
- fillers: share of the top 30 themes of the part that are fillers (FILLER_WORDS: politeness, hedges, the words
  naming the session, appreciation verbs);
- variants merged: share of VARIANT_PAIRS that end in one theme (each said in two sentences, both forms);
- speed: comments per second of the whole analysis in batch (parse, masking, tone, aspects).

A gold theme matches an aspect fuzzily, by key: same key, or one key's words inside the other's, or the same
head word (« disponibilité des professeurs » ~ « professeurs »).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback.analysis.comments import analyse_comments  # noqa: E402
from feedback.analysis.language import preload  # noqa: E402
from feedback.analysis.theme_words import phrase_key  # noqa: E402
from feedback.analysis.themes import CommentPhrases, build_themes  # noqa: E402

DEFAULT = ROOT / "tests" / "analysis" / "data" / "real_comments.csv"
TOP = 30
#: Words that are never a theme (the issue's errors, the session's own names, politeness and hedges).
_FILLERS = (
    "apprécier aimer comprendre merci bravo suite continuation peut-être vraiment globalement formation session "
    "journée cours atelier webinaire séance module intervention chose fois rien bien top super général "
    "remerciement plupart avis remarque"
)
FILLER_WORDS = frozenset(phrase_key(word) for word in _FILLERS.split())
#: Spellings of one thing that must end in one theme.
VARIANT_PAIRS = (
    ("visio", "visioconférence"),
    ("jeu de rôle", "jeux de rôles"),
    ("pratique", "mise en pratique"),
    ("cas pratique", "cas pratiques"),
    ("formateur", "formatrice"),
    ("prof", "professeur"),
    ("pédagogie", "approche pédagogique"),
    ("théorie", "aspect théorique"),
    ("exercice", "exos"),
    ("diaporama", "slides"),
    ("échange", "échanges"),
    ("documentation", "documents"),
    ("horaires", "horaire"),
    ("convivialité", "côté convivial"),
)


#: The first collection's rows come first in the labelled file (see benchmarks/tone_quality.py). Their themes were
#: labelled in full; the second collection's (school reviews, conference quotes) list fewer themes per comment,
#: so precision against them reads lower for the same extraction: the floors are set on the first collection.
FIRST_COLLECTION_ROWS = 816


def read_parts(*paths: Path, first_rows: int | None = None) -> dict[str, list[dict]]:
    """{"dev": rows, "measure": rows} of these files, each split on its own row numbers when it has no `split`;
    only each file's first `first_rows` rows when given."""
    parts: dict[str, list[dict]] = {"dev": [], "measure": []}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))[:first_rows]
        for number, row in enumerate(rows, start=1):
            split = (row.get("split") or "").strip().lower()
            if split not in parts:
                split = "dev" if number % 2 == 0 else "measure"
            parts[split].append(row)
    return parts


def gold_keys(row: dict) -> list[str]:
    return [key for key in (phrase_key(t.strip()) for t in (row.get("themes") or "").split(";") if t.strip()) if key]


def matches(gold: str, extracted: str) -> bool:
    if gold == extracted:
        return True
    gold_words, extracted_words = gold.split(), extracted.split()
    if set(gold_words) <= set(extracted_words) or set(extracted_words) <= set(gold_words):
        return True
    return gold_words[0] == extracted_words[0]


def measure(rows: list[dict], *, errors: bool = False) -> dict:
    texts = [row["text"] for row in rows]
    preload()  # the model's load (seconds) is not the analysis' speed
    start = time.perf_counter()
    analyses = analyse_comments(texts)
    elapsed = time.perf_counter() - start
    gold_total = gold_found = extracted_total = extracted_ok = 0
    for row, analysis in zip(rows, analyses, strict=True):
        gold = gold_keys(row)
        keys = [aspect.key for aspect in analysis.aspects]
        found = [g for g in gold if any(matches(g, k) for k in keys)]
        good = [k for k in keys if any(matches(g, k) for g in gold)]
        gold_total += len(gold)
        gold_found += len(found)
        extracted_total += len(keys)
        extracted_ok += len(good)
        if errors and (len(found) < len(gold) or len(good) < len(keys)):
            ours = [a.phrase for a in analysis.aspects]
            print(f"- {row['text'][:160]!r}\n    gold: {row.get('themes')}\n    ours: {ours}")
    themes = build_themes([analysis.for_themes() for analysis in analyses], limit=TOP)
    fillers = [t.phrase for t in themes if any(word in FILLER_WORDS for word in t.key.split())]
    return {
        "comments": len(rows),
        "recall": gold_found / (gold_total or 1),
        "precision": extracted_ok / (extracted_total or 1),
        "filler_rate": len(fillers) / (len(themes) or 1),
        "fillers": fillers,
        "top": [f"{t.phrase} ({t.count}: {t.tones})" for t in themes[:15]],
        "speed": len(rows) / elapsed if elapsed else 0.0,
    }


def variant_merging() -> tuple[float, list[tuple[str, str]]]:
    """Each pair in four comments (both forms, twice each): merged when one theme holds all four."""
    comments = []
    for first, second in VARIANT_PAIRS:
        for form in (first, first, second, second):
            comments.append(f"Le point fort : {form}. Vraiment bien.")
    analyses = analyse_comments(comments)
    failed = []
    for index, pair in enumerate(VARIANT_PAIRS):
        group = analyses[index * 4 : index * 4 + 4]
        themes = build_themes([CommentPhrases(a.text, a.tone.label, a.aspects) for a in group])
        if not themes or themes[0].count != 4:
            failed.append(pair)
    return 1 - len(failed) / len(VARIANT_PAIRS), failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--part", choices=("dev", "measure", "both"), default="both")
    parser.add_argument("--errors", action="store_true", help="list the comments with a missed or extra theme")
    args = parser.parse_args(argv)
    everything = read_parts(*args.csv)
    first = read_parts(*args.csv, first_rows=FIRST_COLLECTION_ROWS)
    names = ("dev", "measure") if args.part == "both" else (args.part,)
    for (name, parts), title in [((n, everything), n) for n in names] + [((n, first), f"{n}/1st") for n in names]:
        result = measure(parts[name], errors=args.errors and name == "dev" and parts is everything)
        print(
            f"{title:12} {result['comments']:4} comments  recall {result['recall']:.1%}  precision "
            f"{result['precision']:.1%}  fillers in top {TOP}: {result['filler_rate']:.1%} {result['fillers']}  "
            f"{result['speed']:.0f} comments/s"
        )
        print("         top themes: " + "; ".join(result["top"]))
    merged, failed = variant_merging()
    print(f"variants merged: {merged:.1%} of {len(VARIANT_PAIRS)} pairs" + (f"; not merged {failed}" if failed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
