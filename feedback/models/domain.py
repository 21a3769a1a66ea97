"""Domain constants every layer above may read: the catalogue's enumerations, the answer scale, the profiles.

They are plain values (no table): the models store them, the questionnaire library asks them, the scores count them.
"""

from __future__ import annotations

import enum


class Axis(enum.StrEnum):
    """The report's six thematic axes, plus regional and national activity."""

    CITY_POLICY = "politique-ville"
    FAMILY_EDUCATION = "familles-education-jeunesse"
    LANGUAGE_INTEGRATION = "linguistique-integration"
    PRECARITY_HEALTH = "precarite-sante"
    SOCIAL_COHESION = "cohesion-participation"
    TRANSITION_CULTURE = "transition-culture"
    REGIONAL = "regional"
    NATIONAL = "national"


class Modality(enum.StrEnum):
    TRAINING = "formation"
    PEER_NETWORK = "reseau-pairs"
    TERRITORIAL_SUPPORT = "appui-territorialise"
    CONFERENCE = "conference"
    MEETING = "rencontre"
    SEMINAR = "seminaire"
    WEBINAR = "webinaire"


class Department(enum.StrEnum):
    ESSONNE = "91"
    VAL_DE_MARNE = "94"
    SEINE_ET_MARNE = "77"


SATISFACTION_LEVELS = (
    (4, "Très satisfait", "Very satisfied"),
    (3, "Satisfait", "Satisfied"),
    (2, "Peu satisfait", "Dissatisfied"),
    (1, "Pas du tout satisfait", "Very dissatisfied"),
)
#: Levels counted as satisfied (top-2 box), as Qualiopi practice reads it.
SATISFIED_LEVELS = (3, 4)

PROFILES = (
    ("chef-projet-pdv", "Chef·fe de projet Politique de la ville", "City policy project manager"),
    ("pre", "Référent·e de parcours / coordonnateur·rice PRE", "PRE coordinator or case worker"),
    ("adulte-relais", "Médiateur·rice adulte-relais", "Adult mediator"),
    ("sante", "Coordonnateur·rice santé (ASV, CLS, CLSM)", "Health coordinator"),
    ("linguistique", "Formateur·rice / coordinateur·rice linguistique", "Language trainer or coordinator"),
    ("collectivite", "Agent·e de collectivité", "Local authority officer"),
    ("association", "Association", "Non-profit organisation"),
    ("bailleur", "Bailleur social", "Social landlord"),
    ("etat", "Services de l'État", "State services"),
    ("elu", "Élu·e", "Elected official"),
    ("habitant", "Habitant·e", "Resident"),
    ("autre", "Autre", "Other"),
)
