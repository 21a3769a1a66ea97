"""Personal data masking on the probe comments: recall by kind and false positives, on both parts.

    .venv/bin/python benchmarks/masking_quality.py             # both parts; exit 1 if the held-out part misses
    .venv/bin/python benchmarks/masking_quality.py --errors    # what leaks or is over-masked (dev part only)

The probe (tests/analysis/data/masking/probe.tsv, see its README) is real comments with personal data inserted
and annotated inline ("merci à {{name:Sandrine Leroy}}"), plus comments with none but tricky words. Comments
whose id is a multiple of 3 are the held-out part: measured, never tuned on.

An item counts as masked when every letter and digit of it lies inside a masked span (a surname left visible
after its first name was masked is a leak). A false positive is a masked span that touches no annotated item.
The figures are given with the names the service knows (speakers and staff, `STAFF` below: how it runs) and
with no names at all (what the patterns and the parse catch alone).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROBE = ROOT / "tests" / "analysis" / "data" / "masking" / "probe.tsv"
KINDS = ("name", "email", "phone", "address")
#: The service's known names in this probe: some trainers and staff (most names in comments are not in it).
STAFF = ("Sandrine Leroy", "Karim Haddad", "Nadia Cherif", "Linh Pham", "Hélène Marchand", "Ahmed Mansouri")
TARGET_RECALL = 0.90
TARGET_RECALL_BY_KIND = {"email": 1.0, "phone": 1.0}
#: At most this share of comments without personal data gets anything masked.
TARGET_CLEAN_TOUCHED = 0.10
#: At least this share of the masked spans are personal data.
TARGET_PRECISION = 0.90

_MARK_RE = re.compile(r"\{\{(name|email|phone|address):(.+?)\}\}")


@dataclass(frozen=True)
class ProbeComment:
    id: int
    source: str
    text: str
    #: (start, end, kind) of each annotated item in `text`.
    items: tuple[tuple[int, int, str], ...]

    @property
    def held_out(self) -> bool:
        return self.id % 3 == 0


def parse_marked(marked: str) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """ "Merci à {{name:Léa}} !" -> ("Merci à Léa !", ((8, 11, "name"),))."""
    pieces, items, last, length = [], [], 0, 0
    for match in _MARK_RE.finditer(marked):
        before = marked[last : match.start()]
        pieces.append(before)
        length += len(before)
        value = match.group(2)
        items.append((length, length + len(value), match.group(1)))
        pieces.append(value)
        length += len(value)
        last = match.end()
    pieces.append(marked[last:])
    return "".join(pieces), tuple(items)


def load_probe(path: Path = PROBE) -> list[ProbeComment]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    comments = []
    for row in rows:
        text, items = parse_marked(row["text"])
        comments.append(ProbeComment(int(row["id"]), row["source"], text, items))
    return comments


def part(comments: Iterable[ProbeComment], *, held_out: bool) -> list[ProbeComment]:
    return [c for c in comments if c.held_out == held_out]


def _covered(text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> bool:
    return all(any(s <= i < e for s, e, _ in spans) for i in range(start, end) if text[i].isalnum())


@dataclass
class Result:
    found: Counter
    total: Counter
    masked_spans: int
    false_spans: list[tuple[int, str]]
    clean: int
    clean_touched: int
    leaks: list[tuple[int, str, str]]

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    def recall_of(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else 1.0

    @property
    def precision(self) -> float:
        return 1 - len(self.false_spans) / self.masked_spans if self.masked_spans else 1.0

    @property
    def clean_touched_share(self) -> float:
        return self.clean_touched / self.clean if self.clean else 0.0

    def misses(self) -> list[str]:
        missed = []
        if self.recall < TARGET_RECALL:
            missed.append(f"recall {self.recall:.1%} < {TARGET_RECALL:.0%}")
        for kind, target in TARGET_RECALL_BY_KIND.items():
            if self.recall_of(kind) < target:
                missed.append(f"{kind} recall {self.recall_of(kind):.1%} < {target:.0%}")
        if self.clean_touched_share > TARGET_CLEAN_TOUCHED:
            missed.append(f"clean comments touched {self.clean_touched_share:.1%} > {TARGET_CLEAN_TOUCHED:.0%}")
        if self.precision < TARGET_PRECISION:
            missed.append(f"precision {self.precision:.1%} < {TARGET_PRECISION:.0%}")
        return missed


def evaluate(comments: Sequence[ProbeComment], spans_of: Callable[[str], Sequence[tuple[int, int, str]]]) -> Result:
    found, total = Counter(), Counter()
    masked_spans, clean, clean_touched = 0, 0, 0
    false_spans, leaks = [], []
    for comment in comments:
        spans = spans_of(comment.text)
        masked_spans += len(spans)
        for start, end, kind in comment.items:
            total[kind] += 1
            if _covered(comment.text, start, end, spans):
                found[kind] += 1
            else:
                leaks.append((comment.id, kind, comment.text[start:end]))
        false = [(s, e) for s, e, _ in spans if not any(s < ie and is_ < e for is_, ie, _ in comment.items)]
        false_spans.extend((comment.id, comment.text[s:e]) for s, e in false)
        if not comment.items:
            clean += 1
            clean_touched += bool(spans)
    return Result(found, total, masked_spans, false_spans, clean, clean_touched, leaks)


def masker(names: Sequence[str]) -> Callable[[str], Sequence[tuple[int, int, str]]]:
    from feedback.analysis.language import parse
    from feedback.analysis.masking import mask_document

    names = tuple(names)
    return lambda text: mask_document(_parsed(text, parse), names).spans


_PARSES: dict[str, object] = {}


def _parsed(text: str, parse: Callable):
    # Each comment is parsed once for both runs (with and without names), as the service parses it once.
    if text not in _PARSES:
        _PARSES[text] = parse(text)
    return _PARSES[text]


def print_result(title: str, result: Result) -> None:
    by_kind = ", ".join(
        f"{kind} {result.recall_of(kind):.1%} ({result.found[kind]}/{result.total[kind]})" for kind in KINDS
    )
    print(
        f"  {title}: recall {result.recall:.1%} ({sum(result.found.values())}/{sum(result.total.values())}): {by_kind}"
    )
    print(f"  {'':{len(title)}}  false positives: {len(result.false_spans)} of {result.masked_spans} masked spans "
          f"(precision {result.precision:.1%}); comments without personal data touched: "
          f"{result.clean_touched}/{result.clean} ({result.clean_touched_share:.1%})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list leaks and false positives of the dev part")
    args = parser.parse_args(argv)
    comments = load_probe()
    started = time.perf_counter()
    with_names, without = masker(STAFF), masker(())
    results = {}
    for held_out, label in ((False, "dev (tuned on)"), (True, "held-out (measured only)")):
        comments_of_part = part(comments, held_out=held_out)
        items = sum(len(c.items) for c in comments_of_part)
        print(f"\n{label}: {len(comments_of_part)} comments, {items} items")
        results[held_out] = evaluate(comments_of_part, with_names)
        print_result("with the service's names", results[held_out])
        print_result("with no names          ", evaluate(comments_of_part, without))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    if args.errors:
        result = results[False]
        print("\nLeaks (dev):")
        for comment_id, kind, value in result.leaks:
            print(f"  {comment_id:>4} {kind:<8} {value}")
        print("False positives (dev):")
        for comment_id, value in result.false_spans:
            print(f"  {comment_id:>4} {value}")
    missed = results[True].misses()
    print(f"\nTargets on the held-out part (recall >= {TARGET_RECALL:.0%}, every e-mail and phone, "
          f"<= {TARGET_CLEAN_TOUCHED:.0%} clean comments touched, precision >= {TARGET_PRECISION:.0%}): "
          f"{'met' if not missed else 'MISSED: ' + '; '.join(missed)}")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
