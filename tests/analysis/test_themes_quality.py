"""Themes measured on real French comments labelled by hand (benchmarks/themes_quality.py): floors a little under
what the part only measured on gives, on both parts; no filler among the top themes; variants merged.

The labelled set is tests/analysis/data/real_comments.csv (`split` dev / measure); while it is being assembled,
the collection files under /work/devset are read instead (even data rows: dev, odd rows: measure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.themes_quality import DEFAULT, FIRST_COLLECTION_ROWS, measure, read_parts, variant_merging

COLLECTION = (Path("/work/devset/a.csv"), Path("/work/devset/b.csv"))
#: Measured on the measure part (409 comments, 2026-12-07): recall 65.7 %, precision 41.6 %; dev part 69.1 / 43.1.
#: Read on the first collection's rows (334 measure / 482 dev; later 66.3 / 43.9 and 68.4 / 42.0): the second
#: collection lists fewer themes per comment, which lowers precision without any change in the extraction.
FLOORS = {"recall": 0.60, "precision": 0.37}


@pytest.fixture(scope="module")
def parts() -> dict[str, list[dict]]:
    if DEFAULT.exists():
        return read_parts(DEFAULT, first_rows=FIRST_COLLECTION_ROWS)
    present = [path for path in COLLECTION if path.exists()]
    if not present:
        pytest.skip("no labelled real comments (tests/analysis/data/real_comments.csv)")
    return read_parts(*present)


@pytest.mark.parametrize("part", ["measure", "dev"])
def test_theme_recall_and_precision_stay_above_their_floors(parts, part):
    assert len(parts[part]) >= 150
    result = measure(parts[part])
    assert result["recall"] >= FLOORS["recall"], result
    assert result["precision"] >= FLOORS["precision"], result
    assert result["fillers"] == [], result["top"]


def test_every_variant_pair_ends_in_one_theme():
    merged, failed = variant_merging()
    assert failed == [] and merged == 1.0
