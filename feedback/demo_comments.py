"""Synthetic free-text answers for the demo: French comments composed from fragments.

Comments are built from openers, noun phrases, whole sentences, connectors and topics tied to the
training's axis, then roughened (typos, missing accents, emoji, capitals) so that the verbatim
tools, theme extraction and masking have thousands of varied, realistic inputs to work on.
Nothing here touches the database.
"""

from __future__ import annotations

import random
import unicodedata

#: Topics per axis value (feedback.models.Axis), written to follow "sur" ("les apports sur {topic}").
AXIS_TOPICS: dict[str, tuple[str, ...]] = {
    "politique-ville": (
        "le contrat de ville",
        "les contrats d'engagement Quartiers 2030",
        "l'ATFPB",
        "la géographie prioritaire",
        "l'évaluation à mi-parcours",
        "le rôle du chef de projet",
        "la gestion urbaine de proximité",
        "le droit commun",
        "les financements",
        "le dialogue avec les bailleurs",
        "les conseils citoyens",
        "l'histoire de la politique de la ville",
        "les indicateurs de suivi",
        "la programmation annuelle",
        "le pilotage intercommunal",
    ),
    "familles-education-jeunesse": (
        "la réussite éducative",
        "les cités éducatives",
        "la co-éducation avec les parents",
        "le harcèlement",
        "les parcours des enfants",
        "la CTG",
        "la parentalité",
        "l'interculturalité",
        "le lien avec l'école",
        "la place des familles",
        "les troïkas",
        "le décrochage scolaire",
        "l'accueil des jeunes enfants",
        "l'évaluation des actions éducatives",
        "la jeunesse",
    ),
    "linguistique-integration": (
        "le droit des étrangers",
        "les titres de séjour",
        "l'apprentissage du français",
        "les ASL",
        "la lutte contre les discriminations",
        "l'interculturalité",
        "la laïcité",
        "les MNA",
        "l'accès aux droits sociaux",
        "la santé mentale des personnes migrantes",
        "le numérique en ASL",
        "les langues familiales",
        "la numératie",
        "les violences faites aux femmes étrangères",
        "le CTAI",
        "les parcours d'intégration",
    ),
    "precarite-sante": (
        "la santé mentale",
        "l'accès aux soins",
        "le vieillissement",
        "la précarité alimentaire",
        "les CLS",
        "l'aller-vers",
        "la périnatalité",
        "les inégalités de santé",
        "les CLSM",
        "l'isolement des aînés",
        "la coopération entre acteurs de santé",
        "les ASV",
        "la prévention",
        "le non-recours aux droits",
    ),
    "cohesion-participation": (
        "la médiation",
        "les rivalités de quartiers",
        "la participation des habitants",
        "la prévention",
        "le repli communautaire",
        "les conseils citoyens",
        "la radicalisation",
        "le trafic de stupéfiants",
        "les faits religieux",
        "la laïcité",
        "la vie associative",
        "le rôle des adultes-relais",
        "la tranquillité publique",
        "le lien entre habitants et institutions",
        "la gestion des conflits",
    ),
    "transition-culture": (
        "l'économie circulaire",
        "l'agriculture urbaine",
        "les droits culturels",
        "la transition écologique",
        "les jardins partagés",
        "le réemploi",
        "l'éducation artistique",
        "la culture dans les quartiers",
        "l'alimentation durable",
        "la rénovation énergétique",
        "les îlots de chaleur",
    ),
}
AXIS_TOPICS["regional"] = (
    "la politique de la ville en Île-de-France",
    "la coopération entre acteurs",
    "les JO et leur héritage",
    "la monoparentalité",
    "les contrats Quartiers 2030",
    "la coordination santé",
    "les valeurs de la République",
    "l'évaluation",
    "la participation",
)
AXIS_TOPICS["national"] = (
    "la participation des habitants",
    "la réussite éducative",
    "les cités éducatives",
    "la transition",
    "la santé dans les quartiers",
    "l'évaluation nationale",
    "la parole des habitants",
    "les réseaux de centres",
)

DEPARTMENT_PLACES = {"91": "en Essonne", "94": "dans le Val-de-Marne", "77": "en Seine-et-Marne"}

# --- "Ce que vous avez le plus apprécié" ------------------------------------------------------------

#: Noun phrases that follow an opener such as "J'ai apprécié".
LIKED_NOUNS = (
    "les échanges entre participants",
    "la qualité des échanges",
    "le partage d'expériences entre collègues",
    "les apports sur {topic}",
    "les exemples concrets",
    "les cas pratiques sur {topic}",
    "la clarté des explications",
    "la pédagogie de l'intervenante",
    "la pédagogie de l'intervenant",
    "l'expertise des intervenants",
    "la disponibilité de {name}",
    "les outils présentés",
    "les ressources partagées",
    "le support remis en fin de séance",
    "la bienveillance du groupe",
    "la diversité des profils présents",
    "la rencontre avec des collègues d'autres territoires",
    "le temps laissé aux questions",
    "les témoignages de terrain",
    "le focus sur {topic}",
    "la mise en réseau",
    "l'alternance entre théorie et pratique",
    "le travail en petits groupes",
    "l'animation dynamique",
    "le format court et efficace",
    "la convivialité",
    "l'accueil",
    "la richesse des débats sur {topic}",
    "les retours d'expérience d'autres villes",
    "la possibilité de poser nos questions",
    "les références bibliographiques",
    "le point d'actualité sur {topic}",
    "le rappel du cadre réglementaire",
    "le lien avec nos pratiques",
    "les échanges avec {name}",
    "les mises en situation",
    "le quiz de début de séance",
    "les vidéos projetées",
    "la carte des acteurs",
    "le repas partagé",
    "les fiches pratiques",
    "l'écoute de {name}",
    "les apports juridiques",
    "la méthodologie proposée",
    "le temps d'échange de pratiques",
    "l'intervention de {name} sur {topic}",
)

LIKED_OPENERS = {
    4: (
        "J'ai beaucoup apprécié",
        "J'ai vraiment apprécié",
        "Merci pour",
        "Bravo pour",
        "Mention spéciale pour",
        "Top :",
        "Ce que j'ai préféré :",
        "Vraiment super :",
        "Excellent :",
        "Très appréciés :",
        "",
    ),
    3: (
        "J'ai apprécié",
        "Bien aimé",
        "Merci pour",
        "Intéressant :",
        "Plutôt apprécié :",
        "Appréciés :",
        "Globalement,",
        "",
    ),
    2: ("Seulement", "Surtout", "À la limite", "Quand même", ""),
    1: ("À la rigueur", "Seulement", ""),
}

#: Whole sentences, by overall level.
LIKED_SENTENCES = {
    4: (
        "Les échanges ont été très riches.",
        "Formation très concrète, directement utilisable sur le terrain.",
        "J'ai enfin compris {topic} !",
        "Intervenante passionnante, on ne voit pas le temps passer.",
        "Intervenant passionnant, on ne voit pas le temps passer.",
        "Ça fait du bien de prendre du recul.",
        "On repart avec des outils concrets.",
        "Le réseau est précieux, on se sent moins seuls.",
        "Très bon équilibre entre apports et échanges.",
        "Contenus adaptés, accessibles et vivants.",
        "Des apports très clairs sur {topic}.",
        "Beaucoup d'informations utiles pour mon poste.",
        "Une vraie prise de recul sur {topic}.",
        "Journée dense mais passionnante.",
        "Rencontre très utile pour faire le point sur {topic}.",
        "Merci à {name} pour sa clarté.",
        "Richesse des échanges, clarté des informations, pédagogie participative : c'était parfait.",
        "On s'entraide, c'est précieux.",
        "Tout était bien organisé, du café aux supports.",
        "Je recommande à tous les collègues qui arrivent sur {topic}.",
        "Enfin une formation adaptée au terrain.",
        "Les cas pratiques étaient très bien choisis.",
        "Super ambiance, groupe très bienveillant.",
        "Les intervenants connaissent vraiment leur sujet.",
        "Très inspirant pour la suite de nos projets.",
        "Je me sens plus à l'aise pour aborder {topic} avec les partenaires.",
        "Le temps sur {topic} était top.",
        "Des outils que je vais réutiliser dès demain sur {topic}.",
        "{name} a su rendre les choses concrètes sur {topic}.",
        "Très bonne façon d'aborder {topic}, vivante et documentée.",
        "Les échanges sur {topic} m'ont beaucoup apporté.",
        "Merci à {name}, c'était clair et concret.",
        "Beaucoup appris sur {topic} et sur {other}.",
    ),
    3: (
        "Les échanges étaient intéressants.",
        "Des rappels utiles sur {topic}.",
        "Bonne journée dans l'ensemble.",
        "Contenu intéressant, même si j'en connaissais une partie.",
        "Le réseau permet de sortir de l'isolement.",
        "Des pistes intéressantes à creuser.",
        "Bon moment d'échange avec les collègues.",
        "L'intervention sur {topic} était claire.",
        "Les documents remis seront utiles.",
        "J'ai pu poser mes questions sur {topic}.",
        "Intéressant, surtout la deuxième partie.",
        "Rencontre utile pour connaître les autres acteurs du territoire.",
        "Bonne animation.",
        "Un bon premier tour d'horizon sur {topic}.",
        "Les exemples sur {topic} parlaient bien.",
        "Intéressant de croiser {topic} et {other}.",
        "{name} était clair, même si c'était un peu rapide.",
    ),
    2: (
        "Quelques apports intéressants sur {topic}.",
        "Les échanges avec les collègues, surtout.",
        "Pas grand-chose de nouveau, mais les échanges entre pairs étaient sympas.",
        "La pause déjeuner.",
        "Le témoignage de la fin.",
        "Un ou deux outils à reprendre.",
        "Le lieu était agréable.",
        "Revoir des collègues.",
        "Le support écrit, plus clair que l'oral.",
    ),
    1: (
        "Rien de particulier.",
        "Le repas.",
        "Les échanges informels à la pause, c'est tout.",
        "Pas grand-chose.",
        "Le lieu.",
        "Rien.",
        "Difficile à dire.",
        "Les collègues.",
    ),
}

LIKED_PREFIXES = (
    "Franchement, ",
    "Honnêtement, ",
    "Vraiment, ",
    "Pour ma part, ",
    "Globalement, ",
    "Bref, ",
    "Comme d'habitude, ",
    "Encore une fois, ",
    "Pour une première, ",
)

LIKED_CLOSERS = {
    4: (
        "",
        "",
        "",
        "Merci !",
        "Merci beaucoup.",
        "À refaire !",
        "Bravo à l'équipe.",
        "Vivement la suite.",
        "Continuez comme ça.",
        "Encore merci.",
        "Super journée.",
    ),
    3: ("", "", "", "Merci.", "Bonne continuation.", "À suivre."),
    2: ("", "", "Mais c'est tout.", "Dommage pour le reste."),
    1: ("", ""),
}

# --- "Ce qui pourrait être amélioré" ------------------------------------------------------------------

NEUTRAL_IMPROVE = (
    "RAS",
    "R.A.S.",
    "Rien à signaler",
    "rien",
    "Rien",
    "-",
    "Rien, c'était très bien",
    "RAS, continuez !",
    "Je ne vois pas",
    "Rien de particulier",
    "ras",
    "Non",
    "Tout était parfait",
    "/",
)

IMPROVE_PIECES = {
    4: (
        "Un peu plus de temps pour les échanges",
        "Avoir le support en amont",
        "Prévoir plus de pauses",
        "La salle était un peu froide",
        "Le démarrage un peu tardif",
        "Peut-être un temps de plus sur {topic}",
        "Plus de temps !",
        "Des exemples d'autres départements",
        "Une journée de plus",
        "Le café 😅",
        "Envoyer la liste des participants",
        "Le son au fond de la salle",
        "Un peu plus de pratique",
        "Une salle plus grande",
        "Prévoir une suite sur {topic}",
    ),
    3: (
        "Un peu dense pour une seule journée",
        "Plus de cas pratiques",
        "Le son n'était pas toujours bon",
        "Un peu trop théorique sur {topic}",
        "Le timing : on a fini en courant",
        "Mieux cibler le public",
        "Envoyer le programme plus tôt",
        "Difficile de trouver la salle",
        "Le stationnement",
        "Adapter le contenu aux nouveaux arrivants",
        "Quelques redites avec la session précédente",
        "Plus d'outils concrets",
        "Les supports étaient difficiles à lire",
        "Moins de diapositives",
        "Plus de temps en petits groupes",
        "Des intervenants de terrain en plus",
        "La connexion wifi",
        "Préciser les objectifs au début",
        "Laisser plus de place aux questions sur {topic}",
    ),
    2: (
        "Trop théorique, pas assez de pratique",
        "Beaucoup de redites",
        "Le contenu ne correspondait pas au programme",
        "Pas assez de place pour les échanges",
        "L'intervenant lisait ses diapos",
        "Trop de monde pour échanger",
        "Rien de nouveau sur {topic} pour qui est déjà en poste",
        "Problèmes techniques (vidéoprojecteur, micro)",
        "Une demi-journée aurait suffi",
        "Trop général, pas adapté à notre contexte",
        "Des horaires pas respectés",
        "Le niveau était trop basique",
        "Trop de sujets survolés",
        "On est resté en surface sur {topic}",
        "La salle n'était pas adaptée",
    ),
    1: (
        "Tout, honnêtement",
        "Organisation très approximative",
        "Je n'ai rien appris sur {topic}",
        "Intervenant pas du tout à l'écoute de la salle",
        "Hors sujet par rapport au programme",
        "Une heure de retard au démarrage, sans explication",
        "Salle inadaptée, on n'entendait rien",
        "Trop descendant, aucune place pour les questions",
        "Je ne recommande pas en l'état",
        "Contenu très pauvre",
        "Perte de temps",
        "Aucun lien avec la réalité du terrain",
    ),
}

IMPROVE_SUFFIXES = {
    4: ("", "", "", " mais c'était très bien.", ", sinon rien à dire.", ", c'est du détail."),
    3: ("", "", " mais globalement bien.", ", dommage.", "."),
    2: ("", "", ". Dommage.", ", à revoir.", ". Déçue.", ". Déçu."),
    1: ("", ". Très déçue.", ". Très déçu.", ". À revoir entièrement.", "!!"),
}

# --- "Thèmes souhaités" -------------------------------------------------------------------------------

WISH_TEMPLATES = (
    "{Topic}",
    "Approfondir {topic}",
    "Une suite sur {topic}",
    "Un module sur {other}",
    "{Topic} et {other}",
    "Une session sur {topic} avec des élus",
    "Des visites de terrain",
    "Un temps d'échange de pratiques sur {topic}",
    "Plus de sessions {place}",
    "Le même format sur {other}",
    "Des webinaires courts sur {topic}",
    "Un niveau 2 sur {topic}",
    "{Other}",
    "{Other}, {topic}",
    "Un atelier pratique sur {topic}",
    "Travailler sur {other} avec les bailleurs",
    "Croiser {topic} et {other}",
    "Une formation sur {other} svp",
    "Une journée sur {other} {place}",
    "Des outils pour {other}",
    "Retour d'expériences sur {topic}",
)
NEUTRAL_WISHES = ("Je ne sais pas encore", "Rien de particulier", "Pas d'idée pour l'instant", "-", "?")

POSITIVE_EMOJI = ("😊", "👍", "🙏", "👏", "💪", "🙂", "😀", "✨")
NEGATIVE_EMOJI = ("😕", "😐", "🙄", "😞", "👎")

FIRST_NAMES = (
    "Nathalie",
    "Karima",
    "Stéphane",
    "Aïcha",
    "Julie",
    "Mamadou",
    "Laurent",
    "Inès",
    "Fabrice",
    "Yasmine",
    "Christophe",
    "Sabrina",
    "Gaëlle",
    "Moussa",
    "Valérie",
    "Hugo",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Moreau",
    "Simon",
    "Lefebvre",
    "Mercier",
    "Blanc",
    "Benaïssa",
    "Nguyen",
    "Diop",
    "Ferreira",
    "Lopes",
    "Roussel",
)
MAIL_DOMAINS = ("mairie-exemple.fr", "ville-exemple.fr", "asso-exemple.org", "gmail.com", "orange.fr", "free.fr")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _fill(
    template: str,
    rng: random.Random,
    topics: tuple[str, ...],
    other_topics: tuple[str, ...],
    names: list[str],
    department: str | None,
) -> str:
    """Replace {topic}, {other}, {name} and {place}; only what the template uses is drawn."""
    topic = rng.choice(topics)
    other = rng.choice(other_topics)
    name = rng.choice(names) if names else rng.choice(("l'intervenante", "l'intervenant"))
    place = DEPARTMENT_PLACES.get(department or "", rng.choice(tuple(DEPARTMENT_PLACES.values())))
    return template.format(
        topic=topic, Topic=_capitalise(topic), other=other, Other=_capitalise(other), name=name, place=place
    )


def _liked(rng: random.Random, level: int, fill) -> str:
    sentences = LIKED_SENTENCES[level]
    if rng.random() < 0.4 or level <= 2 and rng.random() < 0.6:
        count = 2 if level >= 3 and rng.random() < 0.3 else 1
        parts = [fill(s) for s in rng.sample(sentences, count)]
    else:
        opener = rng.choice(LIKED_OPENERS[level])
        nouns = [fill(n) for n in rng.sample(LIKED_NOUNS, rng.choice((1, 1, 2, 2, 3) if level >= 3 else (1, 1, 2)))]
        if len(nouns) == 1:
            body = nouns[0]
        else:
            joiner = rng.choice((" et ", ", ", " ainsi que ", " + ", " et surtout "))
            body = ", ".join(nouns[:-1]) + joiner + nouns[-1]
        text = f"{opener} {body}" if opener else _capitalise(body)
        parts = [text.rstrip() + rng.choice((".", ".", "", " !", "..."))]
        if level >= 3 and rng.random() < 0.25:
            parts.append(fill(rng.choice(sentences)))
    if level >= 3 and rng.random() < 0.2:
        prefix = rng.choice(LIKED_PREFIXES)
        parts[0] = prefix + parts[0][:1].lower() + parts[0][1:]
    closer = rng.choice(LIKED_CLOSERS[level])
    if closer:
        parts.append(closer)
    return " ".join(parts)


def _improve(rng: random.Random, level: int, fill) -> str:
    neutral_share = {4: 0.55, 3: 0.2, 2: 0.03, 1: 0.0}[level]
    if rng.random() < neutral_share:
        return rng.choice(NEUTRAL_IMPROVE)
    pieces = [fill(p) for p in rng.sample(IMPROVE_PIECES[level], rng.choice((1, 1, 1, 2, 2, 3)))]
    if level >= 3 and rng.random() < 0.2:
        # A mixed answer: one complaint borrowed from the level below.
        pieces.append(fill(rng.choice(IMPROVE_PIECES[level - 1])).lower())
    joiner = rng.choice((", ", ". ", " ; ", " / ", " et "))
    text = joiner.join([pieces[0]] + [p[0].lower() + p[1:] if joiner != ". " else p for p in pieces[1:]])
    return text + rng.choice(IMPROVE_SUFFIXES[level])


def _wishes(rng: random.Random, fill) -> str:
    if rng.random() < 0.08:
        return rng.choice(NEUTRAL_WISHES)
    return fill(rng.choice(WISH_TEMPLATES))


def _typo(rng: random.Random, text: str) -> str:
    """One slip of a thumb on a phone keyboard."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == 1:
        word = word[:j] + word[j + 1 :]
    elif kind == 2:
        word = word[:j] + word[j] + word[j:]
    else:
        word = word[:j] + rng.choice("azertyuiopqsdfghjklmwxcvbn") + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _personal_data(rng: random.Random) -> str:
    """A fake phone number or e-mail, the kind participants leave and masking must catch."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    phone = "0" + rng.choice("67") + "".join(f" {rng.randrange(100):02d}" for _ in range(4))
    mail = f"{_ascii(first).lower()}.{_ascii(last).lower()}@{rng.choice(MAIL_DOMAINS)}"
    return rng.choice(
        (
            f"Vous pouvez me joindre au {phone}.",
            f"Contact : {mail}",
            f"{first} {last}, {phone}",
            f"Mon mail pour la suite : {mail}",
            f"Rappelez-moi svp au {phone.replace(' ', '')}",
            f"({first}, {mail})",
            f"Je suis dispo pour en parler : {phone.replace(' ', '.')}",
        )
    )


def roughen(rng: random.Random, text: str, level: int) -> str:
    """Make a clean comment look typed on a phone in a hurry (sometimes)."""
    if rng.random() < 0.10:
        text = _typo(rng, text)
        if rng.random() < 0.3:
            text = _typo(rng, text)
    if rng.random() < 0.07:
        text = _ascii(text)  # no accents: a keyboard without them, or no patience
    if rng.random() < 0.06:
        text = text.lower()
    elif rng.random() < 0.02:
        text = text.upper()
    if rng.random() < 0.12:
        text = text.rstrip(".!")
    if rng.random() < 0.07:
        text += " " + rng.choice(POSITIVE_EMOJI if level >= 3 else NEGATIVE_EMOJI)
    elif rng.random() < 0.04:
        text = text.rstrip(".") + rng.choice(("!!", " !!!", " !", "..."))
    return text


def compose_comment(
    rng: random.Random,
    code: str,
    level: int,
    axis: str,
    *,
    names: list[str] | None = None,
    department: str | None = None,
    personal_data_rate: float = 0.015,
) -> str:
    """A free-text answer to the question `code` ("liked", "improve", "wishes") of someone rating `level`."""
    level = min(4, max(1, level))
    topics = AXIS_TOPICS.get(axis) or AXIS_TOPICS["regional"]
    other_axis = rng.choice(tuple(AXIS_TOPICS))
    other_topics = tuple(t for t in AXIS_TOPICS[other_axis] if t not in topics) or topics

    def fill(template: str) -> str:
        return _fill(template, rng, topics, other_topics, names or [], department)

    if code == "liked":
        text = _liked(rng, level, fill)
    elif code == "improve":
        text = _improve(rng, level, fill)
    else:
        text = _wishes(rng, fill)
    if text in NEUTRAL_IMPROVE or text in NEUTRAL_WISHES:
        return text
    text = roughen(rng, text, level)
    if rng.random() < personal_data_rate:
        text = f"{text} {_personal_data(rng)}"
    return text
