"""The version of the analysis stored with each comment: when it changes, `flask analyse` re-analyses.

It is made of a revision number raised by hand when the rules in the code change, and a digest of what the
rules read: the project's lexicon corrections and stop words, and the versions of textblob-fr and simplemma.
Editing `data/lexicon_fr.tsv` therefore changes the version by itself.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from feedback.analysis.lexicon import PROJECT_LEXICON, STOPWORDS

#: Raise when tone, theme or masking rules change in the code (data files are covered by the digest).
RULES_REVISION = 1


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


@cache
def analysis_version() -> str:
    """ "r1-3f2a9c0b": short enough for an indexed column, different whenever a verdict may differ."""
    digest = hashlib.sha256()
    for path in (PROJECT_LEXICON, STOPWORDS):
        digest.update(path.read_bytes())
    for package in ("textblob-fr", "simplemma"):
        digest.update(f"{package}={_package_version(package)}".encode())
    return f"r{RULES_REVISION}-{digest.hexdigest()[:8]}"
