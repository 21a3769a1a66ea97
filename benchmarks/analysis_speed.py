"""Speed of the comment analysis: 10,000 comments analysed (tone, phrases, masking) and their themes.

    .venv/bin/python benchmarks/analysis_speed.py [--comments 10000] [--runs 5]

The comments are the demo's synthetic French answers (typos, emoji, names, phone numbers), masked against a
list of 300 known names. The first run starts cold (lexicons and the French dictionary load inside it); the
target applies to it and to the median of the runs. Themes are built from the phrases computed in the
analysis, as the service will build them from stored results. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedback.demo_comments import AXIS_TOPICS, FIRST_NAMES, LAST_NAMES, compose_comment  # noqa: E402

TARGET_ANALYSIS_S = 5.0  # 10,000 comments
TARGET_THEMES_S = 1.0  # 10,000 comments, from their phrases


def make_comments(count: int) -> list[str]:
    rng = random.Random(2025)
    axes = sorted(AXIS_TOPICS)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return [
        compose_comment(
            rng,
            rng.choice(["liked", "improve", "wishes"]),
            rng.randint(1, 4),
            rng.choice(axes),
            names=names,
            personal_data_rate=0.05,
        )
        for _ in range(count)
    ]


def known_names(count: int = 300) -> list[str]:
    rng = random.Random(7)
    return sorted({f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}-{i}" for i in range(count)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    texts = make_comments(args.comments)
    names = known_names() + [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    scale = args.comments / 10_000

    started = time.perf_counter()
    from feedback.analysis.comments import analyse_comment
    from feedback.analysis.themes import build_themes, phrase_key

    import_s = time.perf_counter() - started
    analysis_times = []
    analyses = []
    for _run in range(args.runs):
        started = time.perf_counter()
        analyses = [analyse_comment(text, names=names) for text in texts]
        analysis_times.append(time.perf_counter() - started)
    stored = [analysis.for_themes() for analysis in analyses]  # what the service keeps per comment
    theme_times = []
    themes = []
    for _run in range(args.runs):
        phrase_key.cache_clear()  # no help from an earlier run
        started = time.perf_counter()
        themes = build_themes(stored)
        theme_times.append(time.perf_counter() - started)

    cold = analysis_times[0]
    median = statistics.median(analysis_times)
    themes_median = statistics.median(theme_times)
    masked = sum(1 for a in analyses if a.masked.has_personal_data)
    tones = Counter(analysis.tone.label for analysis in analyses)
    print(f"{args.comments} comments, {len(names)} known names, {args.runs} runs (import {import_s:.2f} s)")
    print(f"  analysis (tone + phrases + masking): first run (cold) {cold:.2f} s, median {median:.2f} s "
          f"({args.comments / median:,.0f} comments/s); target {TARGET_ANALYSIS_S * scale:.2f} s")  # fmt: skip
    print(f"  themes from stored phrases: median {themes_median * 1000:.0f} ms, {len(themes)} themes; "
          f"target {TARGET_THEMES_S * scale * 1000:.0f} ms")  # fmt: skip
    print(f"  tones {dict(sorted(tones.items()))}; {masked} comments with personal data masked")
    ok = max(cold, median) < TARGET_ANALYSIS_S * scale and themes_median < TARGET_THEMES_S * scale
    print(f"Targets {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
