"""A comment's aspects: what it talks about, read off its parse (`extract_aspects`).

An aspect is a noun phrase of the single spaCy parse of the comment: a NOUN head with its classifying adjectives and
one "de"/"en"/"à" complement (« cas pratiques », « temps d'échange », « jeux de rôle », « mise en pratique »),
keyed by `theme_words` so that its variants merge. What is not an aspect:

- fillers, politeness and hedges, the words naming the session itself and the words of the question the comment
  answers (`theme_words`);
- adverbial idioms (« la plupart du temps », « en même temps », « au final »): cut before parsing them;
- people: masked spans (`masked`) and PER entities, and proper nouns other than acronyms.

A "light" head hands the aspect to what it governs: « manque de temps » is about « temps », « formation pratique »
and « côté pratique » about « pratique », « qualité des supports » about « supports ».
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import simplemma

from feedback.analysis.language import text_of, tokens_of
from feedback.analysis.lexicon import load_stopwords, textblob_fr_polarities
from feedback.analysis.text import fold, normalise
from feedback.analysis.theme_words import (
    ABBREVIATIONS,
    ADJECTIVE_NOUNS,
    CLASSIFYING,
    COMPLEMENT_PREPOSITIONS,
    COMPOUNDS,
    EVALUATIVE,
    FILLERS,
    IDIOMS,
    LIGHT_HEADS,
    MULTIWORD_KEYS,
    NOUN_LABELS,
    RELATIONAL_ENDINGS,
    SESSION_WORDS,
    WRITTEN_LIGHT_HEADS,
    word_key,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: A phrase longer than this is no theme (a parse gone astray).
MAX_PHRASE_WORDS = 5
_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")
_PLACEHOLDER_RE = re.compile(r"\[[^\]\n]{0,20}\]")
_IDIOM_RE = re.compile(r"(?<!\w)(?:" + "|".join(IDIOMS) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Aspect:
    """What a comment talks about: a theme's key and the phrase as written, where it is, and the tone said of it."""

    key: str
    phrase: str
    start: int = -1
    end: int = -1
    tone: str | None = None


@cache
def _polarities() -> dict[str, float]:
    try:
        return {fold(form): value for form, value in textblob_fr_polarities().items()}
    except RuntimeError:  # pragma: no cover - textblob-fr is a dependency
        return {}


def _is_kept_adjective(token: Token) -> bool:
    folded = fold(token.lemma_.lower())
    if folded in CLASSIFYING or (folded, fold(token.head.lemma_.lower())) in COMPOUNDS:
        return True
    if folded in EVALUATIVE or token.i < token.head.i or "Part" in token.morph.get("VerbForm", None):
        return False
    if any(child.dep_ == "advmod" for child in token.children):
        return False  # « très », « trop », « peu »: a judgement
    polarities = _polarities()
    if abs(polarities.get(folded, 0.0)) >= 0.1 or abs(polarities.get(fold(token.lower_), 0.0)) >= 0.1:
        return False
    return fold(token.lower_).endswith(RELATIONAL_ENDINGS)


@lru_cache(maxsize=4096)
def _adjective_noun(folded_lemma: str) -> str | None:
    """The noun naming what a classifying adjective is about, or None."""
    return ADJECTIVE_NOUNS.get(folded_lemma)


# --- Extraction ---------------------------------------------------------------------------------------------------


def _blocked(doc: Doc, masked: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    spans = [(start, end) for start, end, *_ in masked]
    text = text_of(doc)
    spans.extend(match.span() for match in _IDIOM_RE.finditer(text))
    # Placeholders of masked data (« [nom] », « [téléphone] ») when the text read is the masked one.
    spans.extend(match.span() for match in _PLACEHOLDER_RE.finditer(text))
    return spans


def _inside(token: Token, spans: list[tuple[int, int]]) -> bool:
    start, end = token.idx, token.idx + len(token.text)
    return any(s < end and start < e for s, e in spans)


def _lemma_of(token: Token) -> str:
    lemma = token.lemma_.lower() if token.lemma_ else token.lower_
    return lemma if lemma.strip() else token.lower_


def _is_noun(token: Token) -> bool:
    if token.pos_ == "NOUN" or (token.pos_ in ("ADJ", "ADV", "X") and fold(token.lower_) in ABBREVIATIONS):
        return True  # the tagger misreads abbreviations and English words (« exos », « slides »)
    # Proper nouns are people and places far more often than topics: acronyms only (« TP », « QCM »).
    return token.pos_ == "PROPN" and token.text.isupper() and 2 <= len(token.text) <= 6


#: Dependencies of a noun standing for an adjective or a verb the tagger misread (« exécrables », « entassé »).
_PREDICATE_DEPS = frozenset({"amod", "acl", "advmod", "xcomp", "advcl", "ccomp"})


def _misread(token: Token) -> bool:
    """A "noun" with no article, preposition or modifier that judges or acts: an adjective or a verb misread."""
    if any(child.dep_ in ("det", "case", "nummod", "amod", "nmod") for child in token.children):
        return False
    folded = fold(token.lower_)
    if folded in ABBREVIATIONS or fold(token.lemma_.lower()) in ADJECTIVE_NOUNS:
        return False
    if folded in EVALUATIVE or abs(_polarities().get(folded, 0.0)) >= 0.1:
        return True
    return token.dep_ in _PREDICATE_DEPS


#: People, and the names of places and organisations (« Sud Web », « Agile Tour »): no theme.
_NAMED = frozenset({"PER", "ORG", "LOC"})
_THANKS = frozenset({"merci", "bravo", "felicitations", "remerciements", "remercie"})


def _named(token: Token) -> bool:
    """Part of a person's, a place's or an organisation's name, or a first name thanked in lower case (« merci
    sandrine »). The recogniser also tags a capitalised first word (« Salle trop petite » as a person): a known
    French word opening its sentence is not taken for a name, unless the name goes on (« Agile Tour »)."""
    tokens = tokens_of(token.doc)
    if token.ent_type_ not in _NAMED:
        previous = tokens[token.i - 1] if token.i else None
        if previous is not None and previous.lower_ in ("à", "a") and previous.i:
            previous = tokens[previous.i - 1]
        thanked = previous is not None and fold(previous.lower_) in _THANKS
        return thanked and not _known(token.lower_)
    known = _known(token.lower_)
    if token.is_sent_start or token.i == 0:
        following = tokens[token.i + 1] if token.i + 1 < len(tokens) else None
        goes_on = following is not None and following.ent_iob_ == "I" and following.is_title
        return not known or goes_on
    return token.is_title or token.is_upper or (token.ent_type_ == "PER" and not known)


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return simplemma.is_known(word, lang="fr")


def _usable(token: Token, blocked: list[tuple[int, int]]) -> bool:
    if _named(token):
        return False
    if not token.is_alpha and not _WORD_RE.fullmatch(unicodedata.normalize("NFC", token.text)):
        return False
    if len(token.text) < 2 or len(token.text) > 40 or token.like_num or token.like_url or token.like_email:
        return False
    return not _inside(token, blocked)


def _complement(head: Token, blocked: list[tuple[int, int]]) -> tuple[Token, Token] | None:
    """The (preposition, noun) of a « de »/« en »/« à » complement right of the head, or None."""
    for child in head.rights:
        if child.dep_ not in ("nmod", "obl", "obl:arg", "obl:mod") or not _is_noun(child) or child.i - head.i > 4:
            continue
        case = next((c for c in child.lefts if c.dep_ == "case"), None)
        if case is None or fold(case.lower_).strip("'") not in COMPLEMENT_PREPOSITIONS:
            continue
        if any(t.is_punct for t in tokens_of(head.doc)[head.i + 1 : child.i]) or not _usable(child, blocked):
            continue
        return case, child
    return None


def _adjectives(head: Token, blocked: list[tuple[int, int]]) -> list[Token]:
    found = [
        child
        for child in head.children
        if child.dep_ == "amod"
        and child.pos_ in ("ADJ", "NOUN")
        and abs(child.i - head.i) <= 2
        and _usable(child, blocked)
        and _is_kept_adjective(child)
    ]
    # « les cas pratiques » parsed as a verbless clause: a classifying adjective right after its noun still counts.
    if not found and head.i + 1 < len(head.doc):
        following = tokens_of(head.doc)[head.i + 1]
        if following.pos_ == "ADJ" and fold(following.lemma_.lower()) in CLASSIFYING and _usable(following, blocked):
            found.append(following)
    return found


@dataclass
class _Context:
    blocked: list[tuple[int, int]]
    question: frozenset[str]
    cut: frozenset[str]


def _excluded_word(key: str, context: _Context) -> bool:
    return key in FILLERS or key in SESSION_WORDS or key in context.cut or key in context.question


def _noun_aspect(token: Token, context: _Context, depth: int = 0) -> tuple[Aspect, set[int]] | None:
    """The aspect headed by this noun, and the tokens it used; None when it names no theme."""
    folded = fold(_lemma_of(token))
    head_key = word_key(folded)
    complement = _complement(token, context.blocked)
    adjectives = _adjectives(token, context.blocked)
    excluded = _excluded_word(head_key, context) or _excluded_word(folded, context)
    if folded in LIGHT_HEADS or excluded:
        handed = _handed_on(token, folded, complement, adjectives, context, depth)
        if handed is not None or excluded:
            return handed
    used = {token.i}
    words = [token]
    keys = [head_key]
    for adjective in adjectives:
        adjective_key = word_key(fold(adjective.lemma_.lower()))
        if adjective_key not in context.question:
            words.append(adjective)
            keys.append(adjective_key)
    if complement is not None:
        complement_words, complement_keys = _complement_words(*complement, context)
        if complement_words:
            words.extend(complement_words)
            keys.extend(complement_keys)
            used.add(complement[1].i)  # its noun is used even when the phrase is cut back to the head
    words.sort(key=lambda t: t.i)
    if len(words) > MAX_PHRASE_WORDS:
        words, keys = [token], [head_key]
    key = " ".join(keys)
    key = MULTIWORD_KEYS.get(key, key)
    if all(part in context.question for part in key.split()):
        return None
    phrase = _written(words)
    start = min(t.idx for t in words)
    end = max(t.idx + len(t.text) for t in words)
    return Aspect(key, phrase, start, end), used | {t.i for t in words}


def _handed_on(
    token: Token,
    folded: str,
    complement: tuple[Token, Token] | None,
    adjectives: list[Token],
    context: _Context,
    depth: int,
) -> tuple[Aspect, set[int]] | None:
    """The aspect a light or excluded head hands on: its complement (« manque de temps ») or the noun of its
    classifying adjective (« côté pratique »); None when it has neither."""
    if complement is not None and depth < 2:
        found = _noun_aspect(complement[1], context, depth + 1)
        if found is not None:
            aspect = found[0]
            if folded in WRITTEN_LIGHT_HEADS:  # « mise en pratique »: the theme « pratique », as written
                words = [token, complement[0], complement[1]]
                aspect = Aspect(aspect.key, _written(words), token.idx, aspect.end)
            return aspect, found[1] | {token.i}
    named_by = [c for c in token.children if c.dep_ == "amod" and fold(c.lemma_.lower()) in ADJECTIVE_NOUNS]
    for adjective in adjectives + named_by:
        noun = _adjective_noun(fold(adjective.lemma_.lower()))
        if noun and word_key(noun) not in context.question:
            aspect = Aspect(word_key(noun), noun_label(noun, adjective), token.idx, token.idx + len(token.text))
            return aspect, {token.i, adjective.i}
    return None


def _complement_words(case: Token, governed: Token, context: _Context) -> tuple[list[Token], list[str]]:
    """The words a complement adds to its head's phrase (its preposition, its noun and the noun's classifying
    adjectives) and their keys; none when the noun is excluded or no noun."""
    noun_folded = fold(_lemma_of(governed))
    noun_key = word_key(noun_folded)
    if _excluded_word(noun_key, context) or _excluded_word(noun_folded, context) or governed.pos_ != "NOUN":
        return [], []
    words, keys = [case, governed], [noun_key]
    for adjective in _adjectives(governed, context.blocked):
        if fold(adjective.lemma_.lower()) in CLASSIFYING:
            words.append(adjective)
            keys.append(word_key(fold(adjective.lemma_.lower())))
    return words, keys


def noun_label(noun: str, adjective: Token) -> str:
    """How to show the noun of an adjective: the adjective's own noun form when it is one (« pratique »)."""
    return NOUN_LABELS.get(noun, noun if noun != fold(adjective.lower_) else adjective.lower_)


def _written(words: list[Token]) -> str:
    """The phrase as written, lower case (acronyms kept): the words' span with its articles (« temps d'échange »,
    « thèmes sur le logement »), or the words alone when the span holds others."""
    first, last = words[0].i, words[-1].i
    chosen = {token.i for token in words}
    tokens = tokens_of(words[0].doc)
    if all(i in chosen or tokens[i].pos_ in ("DET", "ADP") for i in range(first, last + 1)):
        words = tokens[first : last + 1]
    parts: list[str] = []
    for token in words:
        text = token.text if token.text.isupper() and len(token.text) <= 6 else token.lower_
        text = normalise(text)
        if parts and parts[-1].endswith("'"):
            parts[-1] += text
        else:
            parts.append(text)
    return " ".join(parts)


@cache
def _load_dictionary() -> None:
    """simplemma's French dictionary (~2 s to decode) loads with the first comment, as the model does, not in the
    middle of a long one."""
    simplemma.is_known("salle", lang="fr")
    _polarities()


def extract_aspects(
    doc: Doc | str, *, masked: Sequence[tuple[int, int, str]] = (), question_words: frozenset[str] = frozenset()
) -> tuple[Aspect, ...]:
    """The aspects of a parsed comment, in the order they come, each key once (its first mention).

    `masked`: (start, end, kind) spans of personal data in `doc.text`, skipped. `question_words`: the word keys of
    the question the comment answers (`question_words(label)`), never a theme by themselves.
    """
    _load_dictionary()
    if isinstance(doc, str):
        from feedback.analysis.language import parse

        doc = parse(doc)
    context = _Context(_blocked(doc, masked), question_words, load_stopwords()[0])
    aspects: dict[str, Aspect] = {}
    used: set[int] = set()
    # Heads first: a noun inside another noun's phrase (« échange » in « temps d'échange ») is not a theme of its own.
    for token in tokens_of(doc):
        if token.i in used or not _is_noun(token) or not _usable(token, context.blocked) or _misread(token):
            continue
        head = token.head
        if token.dep_ == "nmod" and head.i < token.i and _is_noun(head) and _usable(head, context.blocked):
            head_complement = _complement(token.head, context.blocked)
            if head_complement is not None and head_complement[1].i == token.i:
                continue  # handled with its head
        found = _noun_aspect(token, context)
        if found is None:
            continue
        aspect, tokens = found
        used |= tokens
        if aspect.key and aspect.key not in aspects:
            aspects[aspect.key] = aspect
    return tuple(sorted(aspects.values(), key=lambda a: a.start))
