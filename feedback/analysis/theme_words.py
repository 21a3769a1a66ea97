"""The words of themes: what is never a theme, what hands the theme to another word, and the keys that merge a
theme's spellings.

Not themes: fillers, politeness and hedges (`FILLERS`), the words naming the session itself (`SESSION_WORDS`), the
words of the question the comment answers (`question_words`), adverbial idioms (`IDIOMS`). A "light" head
(`LIGHT_HEADS`) hands the theme to what it governs: « manque de temps » is about « temps ».

A key merges a theme's variants (`word_key`, `phrase_key`): lemmas, folded (case, accents), without a final plural
or feminine ending, with known abbreviations spelled out (`ABBREVIATIONS`: « visio » -> « visioconférence », « TP »
-> « travaux pratiques ») and the noun of a classifying adjective (`ADJECTIVE_NOUNS`: « théorique » -> « théorie »).
Most of this module is word lists, data a linguist edits; the few functions are the keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

from feedback.analysis.lexicon import load_stopwords
from feedback.analysis.text import fold, normalise


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words.split())


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

#: Endings of relational adjectives (« méthodes pédagogiques », « sciences fondamentales », « section
#: anglophone »): they say what kind of thing it is, where a judging adjective says how good it was.
RELATIONAL_ENDINGS = ("ique", "al", "ale", "aux", "ales", "el", "elle", "aire", "ien", "ienne", "iste", "phone")


#: Adjective and noun that name one thing together (« petit déjeuner », « petits groupes »).
COMPOUNDS = frozenset({("petit", "dejeuner"), ("petit", "groupe"), ("grand", "public"), ("premier", "secours")})


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
    return MULTIWORD_KEYS.get(key, key)


def _multiword_keys() -> dict[str, str]:
    keys = {}
    for written, canonical in ABBREVIATIONS.items():
        if " " in written:
            source = " ".join(_stem(w) for w in written.split() if w not in {"de", "en", "a", "d"})
            keys[source] = " ".join(_stem(w) for w in canonical.split())
    return keys


MULTIWORD_KEYS = _multiword_keys()


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
