"""Themes as aspects: what a comment talks about, read off its parse, merged across spellings, each with its tone.

A comment's aspects (`extract_aspects`) are its noun phrases, from the single spaCy parse of the comment: a NOUN
head with its classifying adjectives and one "de"/"en"/"à" complement (« cas pratiques », « temps d'échange »,
« jeux de rôle », « mise en pratique »). What is not a theme:

- fillers, politeness and hedges (merci, bravo, suite, chose...), the words naming the session itself (formation,
  journée, atelier...) and the words of the question the comment answers (`question_words`);
- adverbial idioms (« la plupart du temps », « en même temps », « au final »): cut before parsing them;
- people: masked spans (`masked`) and PER entities, and proper nouns other than acronyms.

A "light" head hands the theme to what it governs: « manque de temps » is about « temps », « formation pratique »
and « côté pratique » about « pratique », « qualité des supports » about « supports ».

Each aspect has a key that merges its variants: lemmas, folded (case, accents), without a final plural or
feminine ending, with known abbreviations spelled out (« visio » -> « visioconférence », « TP » -> « travaux
pratiques ») and an adjective turned into its noun when the word vectors agree (« théorique » -> « théorie »).
`build_themes` also merges single-word keys of one family (a shared stem of 5 letters or more) whose word vectors
are close (`close_keys`), so « formateur » and « formatrice » are one theme; the database's counts get the same
merge (`merge_keys`).

Themes of a set of comments (`build_themes`): counted once per comment, kept when at least 2 comments say them,
labelled by the phrase written most; each with the tones of the clauses that mention it (not the comment's
overall tone) and example comments that show its dominant tone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import simplemma

from feedback.analysis.lexicon import load_stopwords, textblob_fr_polarities
from feedback.analysis.text import fold, has_accent, normalise

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MIN_COMMENTS = 2


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words.split())


#: Example comments of this length read best as quotes; others are used only when there are not enough.
EXAMPLE_WORDS = (5, 40)
#: A phrase longer than this is no theme (a parse gone astray).
MAX_PHRASE_WORDS = 5
#: Two single-word keys of one family merge when their vectors are at least this close (cosine).
CLOSE_FORM_SIMILARITY = 0.5
CLOSE_FORM_PREFIX = 5
TONES = ("positive", "negative", "mixed", "neutral")

#: The words naming the session itself: never a theme; with a classifying adjective or a complement the theme is
#: that word (« formation pratique » -> pratique, « contenu de la formation » -> contenu).
SESSION_WORDS = _folded(
    "formation atelier cours journée demi-journée session séance webinaire webinar webinaires module "
    "intervention stage conférence-débat visioconférence-formation matinée après-midi sensibilisation"
)
#: Politeness, hedges, fillers, appreciation and generic nouns: never a theme, even with an adjective.
FILLERS = _folded(
    "merci remerciement bravo félicitation suite continuation chose truc fois peu plupart rien tout ensemble "
    "général globalement vraiment peut-être avis remarque commentaire commentaires suggestion proposition "
    "impression sentiment envie besoin plaisir bonheur top super bémol regret dommage souci problème "
    "point façon manière moment jour année an mois semaine sorte genre type chose personne gens monde "
    "tout-le-monde quelqu'un part ras néant rien-à-signaler appréciation compréhension ok "
    "bonjour bonsoir cordialement salut question réponse fin début reste ailleurs avance continuité "
    "aspect côté partie idée chose cœur mot expérience quantité nombre beaucoup trop plein tas "
    "manque absence excès défaut mise lot série ensemble fait vie ordre exemple déception satisfaction joie "
    "surprise attention recommandation moyen preuve moitié lundi mardi mercredi jeudi vendredi samedi dimanche "
    "veille lendemain matin soir heure minute seconde janvier février mars avril mai juin juillet "
    "août septembre octobre novembre décembre étoile habitude intérêt hésitation encouragement adepte week "
    "défiance min mn h"
)
#: Heads that hand the theme to their complement or adjective: « manque de temps », « côté pratique ».
LIGHT_HEADS = _folded(
    "manque absence excès peu plupart beaucoup nombre quantité trop plein tas ensemble reste type genre sorte "
    "côté aspect partie niveau qualité problème souci question mise point cœur lot série moment fin début "
    "choix besoin envie amélioration ajout plus davantage usage utilisation importance présence moitié heure "
    "minute déception satisfaction approche min mn conséquence"
)
#: Light heads kept in the written phrase: « mise en pratique » is shown as written, counted as « pratique ».
WRITTEN_LIGHT_HEADS = frozenset({"mise"})
#: Adverbial idioms: their nouns are no theme (« la plupart du temps » is not about time).
IDIOMS = (
    r"la plupart du temps",
    r"tout le temps",
    r"en même temps",
    r"de temps en temps",
    r"de temps à autre",
    r"à temps",
    r"entre[- ]temps",
    r"le temps de",
    r"au fur et à mesure",
    r"en fin de compte",
    r"au bout du compte",
    r"du coup",
    r"à chaque fois",
    r"chaque fois",
    r"à la fois",
    r"par contre",
    r"en tout cas",
    r"dans tous les cas",
    r"au final",
    r"à la fin",
    r"dans l'ensemble",
    r"en général",
    r"de manière générale",
    r"de façon générale",
    r"d'une part",
    r"d'autre part",
    r"par rapport à",
    r"en fait",
    r"en effet",
    r"à part",
    r"avant tout",
    r"en plus",
    r"de plus",
    r"au moins",
    r"à mon avis",
    r"à mon sens",
    r"pour ma part",
    r"de ma part",
    r"en tout",
    r"tout à fait",
    r"à l'avenir",
    r"la prochaine fois",
    r"pour l'instant",
    r"pour le moment",
    r"en ce moment",
    r"sur le moment",
    r"pas mal de",
    r"le cas échéant",
    r"en cas de",
    r"en tant que",
    r"au niveau de",
    r"au niveau du",
    r"au niveau des",
    r"d'habitude",
    r"comme d'hab",
    r"d'ailleurs",
    r"de toute façon",
    r"de toutes façons",
    r"en revanche",
    r"en somme",
    r"à côté",
    r"de côté",
    r"bonne continuation",
    r"bonne journée",
    r"bonne suite",
    r"rien à (?:dire|signaler|ajouter|redire)",
    r"mise à part",
    r"à l'heure",
    r"tout de suite",
    r"par la suite",
    r"à la suite",
    r"au début",
    r"au départ",
    r"dans le fond",
    r"sur le fond",
    r"à fond",
    r"de fond en comble",
    r"dans la mesure du possible",
    r"si besoin",
    r"au besoin",
    r"en cas de besoin",
    r"le point de vue",
    r"point de vue",
    r"à l'écoute",
    r"dans ce cas",
    r"à cause d(?:e|u|es|')",
    r"grâce (?:à|au|aux)",
    r"face (?:à|au|aux)",
    r"au détriment d(?:e|u|es|')",
    r"(?:la )?quasi[- ]totalité d(?:e|u|es|')",
    r"la totalité d(?:e|u|es|')",
    r"en termes? d(?:e|')",
    r"sous le signe d(?:e|u|es|')",
    r"à couper le souffle",
    r"en conséquence",
    r"en cours",
    r"(?:votre|son|leur|notre|mon) chemin",
    r"faire preuve",
    r"à (?:la |notre |votre )?disposition",
    r"au courant",
    r"par exemple",
    r"à l'aise",
    r"du bien",
    r"laisse à désirer",
    r"mettre l'accent",
    r"en ligne de compte",
    r"tout ça",
    r"dans certains cas",
    r"en aucun cas",
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")
_PLACEHOLDER_RE = re.compile(r"\[[^\]\n]{0,20}\]")
_IDIOM_RE = re.compile(r"(?<!\w)(?:" + "|".join(IDIOMS) + r")(?!\w)", re.IGNORECASE)
#: Known abbreviations and spellings of one thing, folded: the form on the right names the theme's key.
ABBREVIATIONS = {
    "visio": "visioconference",
    "visios": "visioconference",
    "visioconf": "visioconference",
    "video-conference": "visioconference",
    "videoconference": "visioconference",
    "visio-conference": "visioconference",
    "prof": "professeur",
    "profs": "professeur",
    "conf": "conference",
    "confs": "conference",
    "exo": "exercice",
    "exos": "exercice",
    "doc": "document",
    "docs": "document",
    "documentation": "document",
    "info": "information",
    "infos": "information",
    "appli": "application",
    "app": "application",
    "ordi": "ordinateur",
    "pb": "probleme",
    "tp": "travail pratique",
    "td": "travail dirige",
    "qcm": "questionnaire",
    "quiz": "questionnaire",
    "quizz": "questionnaire",
    "dej": "dejeuner",
    "resto": "restaurant",
    "diapo": "diaporama",
    "diapos": "diaporama",
    "slide": "diaporama",
    "slides": "diaporama",
    "powerpoint": "diaporama",
    "ppt": "diaporama",
    "replay": "enregistrement",
    "rediffusion": "enregistrement",
    "pause-cafe": "pause",
    "pause cafe": "pause",
    "coffee break": "pause",
    "wifi": "connexion",
    "wi-fi": "connexion",
    "horaire": "horaire",
    "horaires": "horaire",
    "ambiance": "ambiance",
    "atmosphere": "ambiance",
    "swag": "goodies",
    "goodie": "goodies",
    "formatrice": "formateur",
    "formateurs": "formateur",
    "formatrices": "formateur",
    "intervenante": "intervenant",
    "animatrice": "animateur",
    "mise en pratique": "pratique",
    "jeu de role": "jeu role",
    "jeu role": "jeu role",
    "rapport qualite prix": "prix",
    "rapport qualite-prix": "prix",
    "qualite-prix": "prix",
    "tarif": "prix",
    "cout": "prix",
}
#: Adjectives and the noun a person would name the theme with (« côté théorique » -> théorie).
ADJECTIVE_NOUNS = {
    "theorique": "theorie",
    "pedagogique": "pedagogie",
    "pratique": "pratique",
    "technique": "technique",
    "ludique": "ludique",
    "convivial": "convivialite",
    "interactif": "interactivite",
    "organisationnel": "organisation",
    "administratif": "administration",
    "logistique": "logistique",
    "juridique": "droit",
    "numerique": "numerique",
    "informatique": "informatique",
    "humain": "humain",
    "relationnel": "relation",
    "methodologique": "methodologie",
    "materiel": "materiel",
    "sonore": "son",
    "horaire": "horaire",
    "culinaire": "cuisine",
    "financier": "prix",
    "tarifaire": "prix",
    "theoriques": "theorie",
}
#: How the nouns of ADJECTIVE_NOUNS are written.
NOUN_LABELS = {
    "theorie": "théorie",
    "pedagogie": "pédagogie",
    "convivialite": "convivialité",
    "interactivite": "interactivité",
    "methodologie": "méthodologie",
    "materiel": "matériel",
    "numerique": "numérique",
}
#: Adjectives that classify a thing (kept in its phrase, « travaux pratiques ») rather than judge it.
CLASSIFYING = frozenset(
    [
        *(
            adjective
            for adjective in ADJECTIVE_NOUNS
            if adjective not in {"convivial", "ludique", "interactif", "humain"}
        ),
        *(
            _folded(
                "écrit oral collectif individuel professionnel personnel client social sociale public privé "
                "anglais français étranger anglophone francophone régional local national international "
                "fondamental scientifique médical culturel sportif commun extérieur intérieur final "
                "continu initial gratuit payant vidéo audio mobile libre artistique musical "
                "alimentaire végétarien téléphonique postal électronique web"
            )
        ),
    ]
)
#: Adjectives that judge: never kept in a theme, whatever their polarity in the lexicon.
EVALUATIVE = _folded(
    "bon meilleur mauvais super excellent génial parfait top intéressant passionnant riche utile inutile "
    "clair concret long court rapide lent grand petit gros nombreux différent certain même autre seul vrai "
    "important agréable désagréable sympa sympathique chouette beau joli magnifique superbe terrible "
    "nul médiocre moyen correct bien mal trop plein léger lourd haut bas fort faible simple compliqué "
    "difficile facile dense nouveau ancien vieux jeune premier dernier prochain tel divers quelque "
    "suffisant insuffisant excessif adapté inadapté varié complet incomplet global général total entier "
    "propre sale froid chaud calme bruyant accueillant disponible vétuste cher abordable pertinent toxique "
    "chaleureux convivial sympathique enrichissant instructif ludique dynamique pédagogue idéal optimal "
    "logique magique fantastique génial catastrophique minimal normal banal"
)
#: Prepositions that join a complement into a theme: « temps d'échange », « mise en pratique ».
COMPLEMENT_PREPOSITIONS = frozenset({"de", "d", "du", "des", "en", "a", "au", "aux", "sur"})


@dataclass(frozen=True)
class Aspect:
    """What a comment talks about: a theme's key and the phrase as written, where it is, and the tone said of it."""

    key: str
    phrase: str
    start: int = -1
    end: int = -1
    tone: str | None = None


# --- Keys ---------------------------------------------------------------------------------------------------------


def _stem(folded: str) -> str:
    """A folded lemma without its final plural or feminine ending: the merging key of a word."""
    if len(folded) > 3 and folded[-1] in "sx":
        folded = folded[:-1]
    if len(folded) > 3 and folded[-1] == "e":
        folded = folded[:-1]
    return folded


@lru_cache(maxsize=131072)
def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="fr").lower()


@lru_cache(maxsize=131072)
def word_key(lemma: str) -> str:
    """The key of one word: folded, abbreviations spelled out, without its final plural or feminine ending."""
    folded = fold(normalise(lemma)).strip("'-")
    folded = ABBREVIATIONS.get(folded, folded)
    return " ".join(_stem(part) for part in folded.split())


@lru_cache(maxsize=131072)
def phrase_key(phrase: str) -> str:
    """The key of a phrase typed by a person (a filter, a test): its words' keys, prepositions and articles left
    out, known multi-word variants merged (« mise en pratique » is « pratique »)."""
    folded = " ".join(fold(normalise(phrase)).replace("'", "' ").split())
    folded = ABBREVIATIONS.get(folded, folded)
    cut = load_stopwords()[0]
    words = [w.strip("'") for w in folded.split()]
    content = [_lemma(w) if not ABBREVIATIONS.get(w) else w for w in words if w and w not in cut]
    key = " ".join(word_key(word) for word in content)
    return _MULTIWORD_KEYS.get(key, key)


def _multiword_keys() -> dict[str, str]:
    keys = {}
    for written, canonical in ABBREVIATIONS.items():
        if " " in written:
            source = " ".join(_stem(w) for w in written.split() if w not in {"de", "en", "a", "d"})
            keys[source] = " ".join(_stem(w) for w in canonical.split())
    return keys


_MULTIWORD_KEYS = _multiword_keys()


def question_words(label: str | None) -> frozenset[str]:
    """The word keys of a question's wording (« Qu'avez-vous apprécié ? » -> {"apprecier"}): no theme of a
    comment answering it is made of these words only."""
    if not label:
        return frozenset()
    cut = load_stopwords()[0]
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", normalise(label).lower())
    keys = set()
    for word in words:
        if fold(word) in cut or len(word) < 3:
            continue
        keys.add(word_key(word))
        keys.add(word_key(_lemma(word)))
    return frozenset(keys)


@cache
def _polarities() -> dict[str, float]:
    try:
        return {fold(form): value for form, value in textblob_fr_polarities().items()}
    except RuntimeError:  # pragma: no cover - textblob-fr is a dependency
        return {}


#: Endings of relational adjectives (« méthodes pédagogiques », « sciences fondamentales », « section
#: anglophone »): they say what kind of thing it is, where a judging adjective says how good it was.
_RELATIONAL_ENDINGS = ("ique", "al", "ale", "aux", "ales", "el", "elle", "aire", "ien", "ienne", "iste", "phone")


#: Adjective and noun that name one thing together (« petit déjeuner », « petits groupes »).
COMPOUNDS = frozenset({("petit", "dejeuner"), ("petit", "groupe"), ("grand", "public"), ("premier", "secours")})


def _is_kept_adjective(token: Token) -> bool:
    folded = fold(token.lemma_.lower())
    if folded in CLASSIFYING or (folded, fold(token.head.lemma_.lower())) in COMPOUNDS:
        return True
    if folded in EVALUATIVE or token.i < token.head.i or "Part" in token.morph.get("VerbForm"):
        return False
    if any(child.dep_ == "advmod" for child in token.children):
        return False  # « très », « trop », « peu »: a judgement
    polarities = _polarities()
    if abs(polarities.get(folded, 0.0)) >= 0.1 or abs(polarities.get(fold(token.lower_), 0.0)) >= 0.1:
        return False
    return fold(token.lower_).endswith(_RELATIONAL_ENDINGS)


@lru_cache(maxsize=4096)
def _adjective_noun(folded_lemma: str) -> str | None:
    """The noun naming what a classifying adjective is about, or None."""
    return ADJECTIVE_NOUNS.get(folded_lemma)


# --- Extraction ---------------------------------------------------------------------------------------------------


def _blocked(doc: Doc, masked: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    spans = [(start, end) for start, end, *_ in masked]
    spans.extend(match.span() for match in _IDIOM_RE.finditer(doc.text))
    # Placeholders of masked data (« [nom] », « [téléphone] ») when the text read is the masked one.
    spans.extend(match.span() for match in _PLACEHOLDER_RE.finditer(doc.text))
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
    if token.ent_type_ not in _NAMED:
        previous = token.doc[token.i - 1] if token.i else None
        if previous is not None and previous.lower_ in ("à", "a") and previous.i:
            previous = token.doc[previous.i - 1]
        thanked = previous is not None and fold(previous.lower_) in _THANKS
        return thanked and not _known(token.lower_)
    known = _known(token.lower_)
    if token.is_sent_start or token.i == 0:
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
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
        if any(t.is_punct for t in head.doc[head.i + 1 : child.i]) or not _usable(child, blocked):
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
        following = head.doc[head.i + 1]
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
        # The theme is the complement (« manque de temps ») or the classifying adjective (« côté pratique »).
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
        if excluded:
            return None
    used = {token.i}
    words = [token]
    keys = [head_key]
    for adjective in adjectives:
        adjective_key = word_key(fold(adjective.lemma_.lower()))
        if adjective_key not in context.question:
            words.append(adjective)
            keys.append(adjective_key)
    if complement is not None:
        case, noun = complement
        noun_folded = fold(_lemma_of(noun))
        noun_key = word_key(noun_folded)
        if not (_excluded_word(noun_key, context) or _excluded_word(noun_folded, context)) and noun.pos_ == "NOUN":
            words.extend([case, noun])
            keys.append(noun_key)
            used.add(noun.i)
            for adjective in _adjectives(noun, context.blocked):
                if fold(adjective.lemma_.lower()) in CLASSIFYING:
                    words.append(adjective)
                    keys.append(word_key(fold(adjective.lemma_.lower())))
    words.sort(key=lambda t: t.i)
    if len(words) > MAX_PHRASE_WORDS:
        words, keys = [token], [head_key]
    key = " ".join(keys)
    key = _MULTIWORD_KEYS.get(key, key)
    if all(part in context.question for part in key.split()):
        return None
    phrase = _written(words)
    start = min(t.idx for t in words)
    end = max(t.idx + len(t.text) for t in words)
    return Aspect(key, phrase, start, end), used | {t.i for t in words}


def noun_label(noun: str, adjective: Token) -> str:
    """How to show the noun of an adjective: the adjective's own noun form when it is one (« pratique »)."""
    labels = {
        "theorie": "théorie",
        "pedagogie": "pédagogie",
        "convivialite": "convivialité",
        "interactivite": "interactivité",
    }
    labels |= {"methodologie": "méthodologie", "materiel": "matériel", "numerique": "numérique", "prix": "prix"}
    return labels.get(noun, noun if noun != fold(adjective.lower_) else adjective.lower_)


def _written(words: list[Token]) -> str:
    """The phrase as written, lower case (acronyms kept): the words' span with its articles (« temps d'échange »,
    « thèmes sur le logement »), or the words alone when the span holds others."""
    first, last = words[0].i, words[-1].i
    chosen = {token.i for token in words}
    doc = words[0].doc
    if all(i in chosen or doc[i].pos_ in ("DET", "ADP") for i in range(first, last + 1)):
        words = list(doc[first : last + 1])
    parts = []
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
    for token in doc:
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


# --- Close forms ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _similarity(first: str, second: str) -> float:
    from feedback.analysis.language import pipeline

    vocab = pipeline().vocab
    a, b = vocab[first], vocab[second]
    if not (a.has_vector and b.has_vector):
        return 0.0
    return float(a.similarity(b))


#: Endings of one word family, on stemmed keys: « pédagogiqu » / « pedagogi », « formateur » / « formatric »,
#: « convivial » / « convivialit », « interactif » / « interactivit ».
FAMILY_ENDINGS = (("qu", ""), ("eur", "ric"), ("", "it"), ("if", "ivit"), ("el", "elit"), ("", "ment"))


def _same_family(first: str, second: str) -> bool:
    for one, other in FAMILY_ENDINGS:
        for a, b in ((first, second), (second, first)):
            if a.endswith(one) and b.endswith(other):
                root_a, root_b = a[: len(a) - len(one)], b[: len(b) - len(other)]
                if root_a == root_b and len(root_a) >= CLOSE_FORM_PREFIX:
                    return True
    return False


def _family_signatures(key: str) -> list[tuple[int, int, str]]:
    """(ending pair, side, root) for each way `key` ends one of `FAMILY_ENDINGS`: two keys are of one family when one
    has (pair, 0, root) and the other (pair, 1, root), which `_same_family` checks pair by pair."""
    signatures = []
    for pair, endings in enumerate(FAMILY_ENDINGS):
        for side, ending in enumerate(endings):
            if key.endswith(ending):
                root = key[: len(key) - len(ending)]
                if len(root) >= CLOSE_FORM_PREFIX:
                    signatures.append((pair, side, root))
    return signatures


def close_keys(labels: Mapping[str, str], counts: Mapping[str, int]) -> dict[str, str]:
    """{key: the key it merges into} for single-word keys of one word family (`FAMILY_ENDINGS`) whose word vectors
    agree: « formateur » / « formatrice », « pédagogie » / « pédagogique », « convivial » / « convivialité ».
    The most said key absorbs the others; a key is merged at most once (no chains). Candidates are found through an
    index of their roots, not by comparing every pair (a year's 1,500 themes made a million comparisons)."""
    singles = sorted(
        (key for key in counts if " " not in key and len(key) >= CLOSE_FORM_PREFIX), key=lambda k: (-counts[k], k)
    )
    rank = {key: i for i, key in enumerate(singles)}
    by_signature: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for key in singles:
        for signature in _family_signatures(key):
            by_signature[signature].append(key)
    merged: dict[str, str] = {}
    for key in singles:
        if key in merged:
            continue
        candidates = {
            other
            for pair, side, root in _family_signatures(key)
            for other in by_signature.get((pair, 1 - side, root), ())
            if other != key
        }
        for other in sorted(candidates, key=rank.__getitem__):
            if rank[other] < rank[key] or other in merged:
                continue
            if _similarity(labels.get(key, key), labels.get(other, other)) >= CLOSE_FORM_SIMILARITY:
                merged[other] = key
    return merged


def merge_keys(
    counts: Mapping[str, int], spellings: Mapping[str, Counter], tones: Mapping[str, Counter]
) -> tuple[dict[str, int], dict[str, Counter], dict[str, Counter], dict[str, str]]:
    """Counts, spellings and tones with close keys merged; and {merged key: its theme's key}."""
    labels = {key: _pick_label(spelling) for key, spelling in spellings.items() if spelling}
    mapping = close_keys(labels, counts)
    new_counts: Counter[str] = Counter()
    new_spellings: dict[str, Counter] = defaultdict(Counter)
    new_tones: dict[str, Counter] = defaultdict(Counter)
    for key, count in counts.items():
        target = mapping.get(key, key)
        new_counts[target] += count
        new_spellings[target].update(spellings.get(key, {}))
        new_tones[target].update(tones.get(key, {}))
    return dict(new_counts), dict(new_spellings), dict(new_tones), mapping


# --- Themes of a set of comments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentPhrases:
    """One analysed comment as themes need it: the text shown as an example, its aspects and tone.

    `phrases` are typed phrases (keys computed by `phrase_key`) for callers without a parse; `aspects` carry
    their own key and tone, which then wins over the comment's `tone`."""

    text: str
    phrases: Sequence[str] = ()
    tone: str | None = None
    aspects: Sequence[Aspect] = ()
    is_quotable: bool = False

    def keyed(self) -> dict[str, tuple[str, str | None]]:
        """{key: (phrase, tone)}, each key once; a key said in praising and criticising clauses is mixed."""
        result: dict[str, tuple[str, str | None]] = {}
        for phrase in self.phrases:
            result.setdefault(phrase_key(phrase), (phrase, self.tone))
        for aspect in self.aspects:
            tone = aspect.tone or self.tone
            if aspect.key in result:
                result[aspect.key] = (result[aspect.key][0], combine_tones(result[aspect.key][1], tone))
            else:
                result[aspect.key] = (aspect.phrase, tone)
        return {key: value for key, value in result.items() if key}


def combine_tones(first: str | None, second: str | None) -> str | None:
    """One tone for a theme said twice in a comment: praise and criticism make it mixed."""
    if first is None or first == second:
        return second
    if second is None:
        return first
    if "neutral" in (first, second):
        return second if first == "neutral" else first
    return "mixed"


@dataclass(frozen=True)
class Theme:
    key: str
    phrase: str
    count: int
    share: float
    tones: dict[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    @property
    def dominant_tone(self) -> str | None:
        """The tone most of its mentions have (ties: criticism first, it is what staff act on)."""
        if not self.tones:
            return None
        order = {tone: i for i, tone in enumerate(("negative", "mixed", "positive", "neutral"))}
        return min(self.tones.items(), key=lambda item: (-item[1], order.get(item[0], 9)))[0]

    @property
    def praised(self) -> int:
        """Comments praising it (positive, or mixed: praised and criticised in one comment)."""
        return self.tones.get("positive", 0) + self.tones.get("mixed", 0)

    @property
    def criticised(self) -> int:
        """Comments criticising it (negative, or mixed)."""
        return self.tones.get("negative", 0) + self.tones.get("mixed", 0)

    def as_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "key": self.key,
            "count": self.count,
            "share": round(self.share, 4),
            "tones": dict(self.tones),
            "examples": list(self.examples),
        }


def dominant_tone(tones: Mapping[str, int]) -> str | None:
    return Theme("", "", 0, 0.0, dict(tones)).dominant_tone


@dataclass(frozen=True)
class PhraseCounts:
    """How many comments said each phrase key, out of how many comments, and how to show each key."""

    counts: Mapping[str, int]
    total: int
    labels: Mapping[str, str]


def _is_known(phrase: str) -> bool:
    return all(simplemma.is_known(word, lang="fr") for word in phrase.replace("'", "' ").split() if len(word) > 2)


def _pick_label(spellings: Mapping[str, int]) -> str:
    """The phrase written most, case and accents aside (« échanges » and « echanges » count together), shown in
    its known, accented spelling; ties: alphabetical."""
    groups: dict[str, int] = Counter()
    for phrase, count in spellings.items():
        groups[fold(phrase)] += count
    best = min(groups.items(), key=lambda item: (-item[1], item[0]))[0]
    return min(
        ((phrase, count) for phrase, count in spellings.items() if fold(phrase) == best),
        key=lambda item: (not _is_known(item[0]), not has_accent(item[0]), -item[1], item[0]),
    )[0]


def count_phrases(phrase_lists: Iterable[Sequence[str] | CommentPhrases]) -> PhraseCounts:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for phrases in phrase_lists:
        total += 1
        comment = phrases if isinstance(phrases, CommentPhrases) else CommentPhrases("", tuple(phrases))
        keyed = comment.keyed()
        counts.update(keyed.keys())
        for key, (phrase, _tone) in keyed.items():
            spellings[key][phrase] += 1
    labels = {key: _pick_label(spelling) for key, spelling in spellings.items()}
    return PhraseCounts(counts, total, labels)


def _kept_keys(counts: Mapping[str, int], min_count: int) -> list[str]:
    kept = {key for key, count in counts.items() if count >= min_count}
    absorbed = set()
    for key in kept:
        words = key.split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                if part in kept and counts[part] == counts[key]:
                    absorbed.add(part)
    return sorted(kept - absorbed, key=lambda key: (-counts[key], -len(key.split()), key))


def _distance(text: str) -> int:
    low, high = EXAMPLE_WORDS
    words = len(text.split())
    return low - words if words < low else max(0, words - high)


def _examples(candidates: list[tuple[str, str | None, bool]], dominant: str | None, limit: int) -> tuple[str, ...]:
    """Distinct comments showing the theme's dominant tone first, then quotable ones, then of a quotable length
    (5 to 40 words), in input order."""
    seen: dict[str, tuple[int, int, int, int]] = {}
    for index, (text, tone, quotable) in enumerate(candidates):
        if text not in seen:
            seen[text] = (tone != dominant, _distance(text), not quotable, index)
    ranked = sorted(seen, key=lambda text: seen[text])
    return tuple(ranked[:limit])


def build_themes(
    comments: Sequence[CommentPhrases],
    *,
    min_count: int = MIN_COMMENTS,
    limit: int | None = None,
    examples: int = 3,
) -> list[Theme]:
    """The themes of a set of comments, most said first, each with its tone split and example comments."""
    keyed = [comment.keyed() for comment in comments]
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    tones: dict[str, Counter] = defaultdict(Counter)
    for aspects in keyed:
        counts.update(aspects.keys())
        for key, (phrase, tone) in aspects.items():
            spellings[key][phrase] += 1
            if tone:
                tones[key][tone] += 1
    merged_counts, spellings, tones, mapping = merge_keys(counts, spellings, tones)
    keys = _kept_keys(merged_counts, min_count)
    if limit is not None:
        keys = keys[:limit]
    wanted = set(keys)
    members: dict[str, list[tuple[str, str | None, bool]]] = defaultdict(list)
    for comment, aspects in zip(comments, keyed, strict=True):
        for key, (_phrase, tone) in aspects.items():
            target = mapping.get(key, key)
            if target in wanted:
                members[target].append((comment.text, tone, comment.is_quotable))
    total = len(comments) or 1
    themes = []
    for key in keys:
        theme_tones = dict(sorted(tones[key].items()))
        themes.append(
            Theme(
                key=key,
                phrase=_pick_label(spellings[key]),
                count=merged_counts[key],
                share=merged_counts[key] / total,
                tones=theme_tones,
                examples=_examples(members[key], dominant_tone(theme_tones), examples),
            )
        )
    return themes


@dataclass(frozen=True)
class EmergingTheme:
    key: str
    phrase: str
    count: int
    previous_count: int
    share: float
    previous_share: float

    @property
    def growth(self) -> float:
        """Gain in share of comments, in points (0.05 = said by 5 % more of the comments)."""
        return self.share - self.previous_share

    def as_dict(self) -> dict:
        return {
            "phrase": self.phrase,
            "count": self.count,
            "previous_count": self.previous_count,
            "share": round(self.share, 4),
            "previous_share": round(self.previous_share, 4),
            "growth": round(self.growth, 4),
        }


def _as_counts(value: PhraseCounts | Mapping[str, int], total: int | None) -> PhraseCounts:
    if isinstance(value, PhraseCounts):
        return value
    if total is None:
        raise ValueError("the number of comments of each period is needed to compare shares")
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for phrase, count in sorted(value.items()):
        key = phrase_key(phrase)
        counts[key] += count
        labels.setdefault(key, phrase)
    return PhraseCounts(counts, total, labels)


def emerging_themes(
    current: PhraseCounts | Mapping[str, int],
    previous: PhraseCounts | Mapping[str, int],
    *,
    current_total: int | None = None,
    previous_total: int | None = None,
    min_count: int = MIN_COMMENTS,
    limit: int = 10,
) -> list[EmergingTheme]:
    """Themes that grew most against the previous period, in share of comments (periods differ in size).

    Takes `count_phrases` results, or plain {phrase: comments} counters with the number of comments of each
    period. A theme must be said by `min_count` comments now; new themes (absent before) count from 0 %.
    """
    now = _as_counts(current, current_total)
    before = _as_counts(previous, previous_total)
    result = []
    for key in _kept_keys(now.counts, min_count):
        share = now.counts[key] / (now.total or 1)
        previous_count = before.counts.get(key, 0)
        previous_share = previous_count / before.total if before.total else 0.0
        if share > previous_share:
            label = now.labels.get(key) or before.labels.get(key) or key
            result.append(EmergingTheme(key, label, now.counts[key], previous_count, share, previous_share))
    result.sort(key=lambda theme: (-theme.growth, -theme.count, theme.phrase))
    return result[:limit]
