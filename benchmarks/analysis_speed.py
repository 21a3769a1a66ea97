"""Speed and memory of the comment analysis: the batch path, one comment at a time, the model load, themes.

    .venv/bin/python benchmarks/analysis_speed.py [--comments 10000] [--runs 3] [--single 300] [--real]

Prints the time to load spaCy's French pipeline and the tone model (what gunicorn's master pays once before it
forks), the process's resident memory after that load, the batch throughput of `analyse_comments` (parse
included: what `flask analyse` runs) in comments per second, the latency of one comment through
`analyse_comment` (what a submit pays if analysed inline) at the median and the 95th percentile, and the time
to build themes from the stored phrases. The comments are the demo's synthetic French answers (typos, emoji,
names, phone numbers), or with --real the real labelled comments repeated, masked against a list of known
names. Throughput and latency are measured in CPU time of this process (one core's work, robust to a busy
machine); the batch's wall time is printed beside it. The machine is shared and its speed drifts by a third
between runs, so the batch is timed `--runs` times beside a baseline, the two taking turns on slices of a tenth of
the comments: spaCy's whole French pipeline over the same comments (every component, `nlp.pipe`: what the issue
measured at ~285 comments/s on its 271 real comments). The medians and the median of the runs' ratios are printed;
the batch target is judged on that ratio (200 of 285/s). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedback.demo_comments import AXIS_TOPICS, FIRST_NAMES, LAST_NAMES, compose_comment  # noqa: E402

TARGET_BATCH_PER_S = 200  # comments per second on one core, parse included
TARGET_SINGLE_P95_MS = 20.0  # one comment analysed inline on a submit
TARGET_THEMES_S = 1.0  # per 10,000 comments, from their phrases
#: The issue's own measure of spaCy's whole French pipeline on its real comments (comments per second, one core).
REFERENCE_PIPELINE_PER_S = 285


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


def rss_mb() -> float:
    """The resident memory of this process now (Linux /proc), else its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=300, help="comments analysed one by one for the latency")
    parser.add_argument("--real", action="store_true", help="the real labelled comments, repeated, not the demo's")
    parser.add_argument("--runs", type=int, default=3, help="batch runs, each beside the baseline (medians)")
    args = parser.parse_args(argv)
    if args.real:
        from benchmarks.tone_quality import load_real_comments

        real = [row["text"] for row in load_real_comments()]
        texts = [real[i % len(real)] for i in range(args.comments)]
    else:
        texts = make_comments(args.comments)
    names = known_names() + [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]

    started = time.perf_counter()
    from feedback.analysis.comments import analyse_comment, analyse_comments
    from feedback.analysis.language import preload, word_vectors
    from feedback.analysis.theme_words import phrase_key
    from feedback.analysis.themes import build_themes
    from feedback.analysis.tone import analyse_tone
    from feedback.analysis.tone import preload as tone_preload

    preload()
    tone_preload()
    word_vectors()  # themes read them; gunicorn's master reads them once before it forks its workers
    load_s = time.perf_counter() - started
    rss_after_load = rss_mb()

    from feedback.analysis.language import pipeline

    nlp = pipeline()
    # CPU time of this process: what one core spends, whatever else the machine runs (wall time beside it). The
    # baseline and the analysis take turns on slices of ~1,000 comments, so both meet the machine in the same mood.
    rates, baselines, ratios, walls = [], [], [], []
    step = max(1, len(texts) // 10)
    for _run in range(max(1, args.runs)):
        baseline_s = analysis_s = wall_s = 0.0
        analyses = []
        for start in range(0, len(texts), step):
            part = texts[start : start + step]
            started = time.process_time()
            for _doc in nlp.pipe(part, batch_size=64):
                pass
            baseline_s += time.process_time() - started
            started, started_wall = time.process_time(), time.perf_counter()
            analyses.extend(analyse_comments(part, names=names))
            analysis_s += time.process_time() - started
            wall_s += time.perf_counter() - started_wall
        rates.append(len(texts) / analysis_s)
        baselines.append(len(texts) / baseline_s)
        ratios.append(baseline_s / analysis_s)
        walls.append(wall_s)
    per_s, baseline_per_s = statistics.median(rates), statistics.median(baselines)
    ratio = statistics.median(ratios)
    batch_s, batch_wall = len(texts) / per_s, statistics.median(walls)

    from feedback.analysis.language import parse_many

    started = time.process_time()
    docs = list(parse_many(texts))
    parse_s = time.process_time() - started
    started = time.process_time()
    for doc in docs:
        analyse_tone(doc)
    tone_s = time.process_time() - started

    latencies = []
    for text in texts[: args.single]:
        started = time.process_time()
        analyse_comment(text, names=names)
        latencies.append((time.process_time() - started) * 1000)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]

    stored = [analysis.for_themes() for analysis in analyses]
    tones = Counter(analysis.tone.label for analysis in analyses)
    masked = sum(1 for a in analyses if a.masked.has_personal_data)
    # Themes are built in a web worker from stored phrases, with no parsed comment in memory: the 10,000 parses
    # above are let go first, or the garbage collector walks them during the timing.
    del docs, analyses
    gc.collect()
    phrase_key.cache_clear()
    started = time.perf_counter()
    themes = build_themes(stored)
    themes_s = time.perf_counter() - started

    scale = args.comments / 10_000
    print(f"{args.comments} comments, {len(names)} known names")
    print(f"  model load (spaCy pipeline + tone model + word lists + word vectors for themes): {load_s:.2f} s; "
          f"process RSS after load: {rss_after_load:.0f} MB")  # fmt: skip
    mean_length = statistics.mean(len(text) for text in texts)
    print(f"  comments of {mean_length:.0f} characters on average")
    print(
        f"  batch analyse_comments (parse included), median of {len(rates)} runs: {batch_s:.2f} s of CPU "
        f"({batch_wall:.2f} s wall), {per_s:,.0f} comments/s per core; target >= {TARGET_BATCH_PER_S}/s "
        f"(runs: {', '.join(f'{rate:.0f}' for rate in rates)})"
    )
    print(
        f"    baseline in the same runs, spaCy's whole pipeline alone (every component, nlp.pipe): "
        f"{baseline_per_s:,.0f} comments/s (runs: {', '.join(f'{rate:.0f}' for rate in baselines)})"
    )
    target_ratio = TARGET_BATCH_PER_S / REFERENCE_PIPELINE_PER_S
    print(f"    ratio analysis / whole pipeline, median of the runs' ratios ({', '.join(f'{r:.2f}' for r in ratios)}): "
          f"{ratio:.2f} (target >= {target_ratio:.2f}: "
          f"{TARGET_BATCH_PER_S} of the issue's {REFERENCE_PIPELINE_PER_S}/s); on comments where the whole pipeline "
          f"runs {REFERENCE_PIPELINE_PER_S}/s that is {ratio * REFERENCE_PIPELINE_PER_S:,.0f} comments/s")  # fmt: skip
    print(f"    of which the parse as the analysis runs it: {parse_s:.2f} s ({len(texts) / parse_s:,.0f} comments/s), "
          f"tone alone on the parses: {tone_s:.2f} s ({tone_s / len(texts) * 1000:.2f} ms per comment)")  # fmt: skip
    median = statistics.median(latencies)
    print(f"  one comment (analyse_comment, {len(latencies)} comments, CPU): median {median:.1f} ms, "
          f"p95 {p95:.1f} ms per comment; target p95 <= {TARGET_SINGLE_P95_MS:.0f} ms")  # fmt: skip
    print(f"  themes from stored phrases: {themes_s * 1000:.0f} ms, {len(themes)} themes; "
          f"target {TARGET_THEMES_S * scale * 1000:.0f} ms")  # fmt: skip
    print(f"  process RSS at the end: {rss_mb():.0f} MB")
    print(f"  tones {dict(sorted(tones.items()))}; {masked} comments with personal data masked")
    # The batch target judged as the issue set it, against its own measure of the whole pipeline (200 of 285/s):
    # the absolute figure follows the machine's speed of the moment.
    ok = (
        ratio >= TARGET_BATCH_PER_S / REFERENCE_PIPELINE_PER_S
        and p95 <= TARGET_SINGLE_P95_MS
        and themes_s < TARGET_THEMES_S * scale
    )
    print(f"Targets {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
