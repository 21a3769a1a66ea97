"""Questionnaires shipped with the application, as plain data."""

from __future__ import annotations

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

CONSENT_TEXT = "J'accepte que mon commentaire soit cité anonymement dans les publications"

HOT_EVALUATION = {
    "family": "evaluation-a-chaud",
    "title": "Évaluation à chaud",
    "title_en": "End-of-session evaluation",
    "intro": "Merci de prendre deux minutes pour nous dire ce que vous avez pensé de cette session.",
    "is_anonymous": True,
    "consent_text": CONSENT_TEXT,
    "questions": [
        {
            "code": "overall",
            "kind": "satisfaction",
            "is_overall": True,
            "is_required": True,
            "label": "Globalement, êtes-vous satisfait·e de cette session ?",
            "label_en": "Overall, how satisfied are you with this session?",
        },
        {
            "code": "contents",
            "kind": "satisfaction",
            "label": "Qualité des contenus",
            "label_en": "Quality of the contents",
        },
        {
            "code": "speakers",
            "kind": "satisfaction",
            "label": "Qualité des intervenant·es",
            "label_en": "Quality of the speakers",
        },
        {
            "code": "organisation",
            "kind": "satisfaction",
            "label": "Organisation et conditions d'accueil",
            "label_en": "Organisation and venue",
        },
        {
            "code": "usefulness",
            "kind": "satisfaction",
            "label": "Utilité pour votre pratique professionnelle",
            "label_en": "Usefulness for your practice",
        },
        {
            "code": "recommend",
            "kind": "recommendation",
            "label": "Recommanderiez-vous cette session à un·e collègue ?",
            "label_en": "Would you recommend this session to a colleague?",
            "help_text": "0 = pas du tout, 10 = certainement",
        },
        {
            "code": "liked",
            "kind": "long_text",
            "label": "Ce que vous avez le plus apprécié",
            "label_en": "What you liked most",
        },
        {
            "code": "improve",
            "kind": "long_text",
            "label": "Ce qui pourrait être amélioré",
            "label_en": "What could be improved",
        },
        {
            "code": "wishes",
            "kind": "short_text",
            "label": "Thèmes souhaités pour de prochaines sessions",
            "label_en": "Topics you would like next",
        },
        {
            "code": "profile",
            "kind": "single_choice",
            "label": "Votre profil professionnel",
            "label_en": "Your professional profile",
            "options": [{"value": v, "label": fr, "label_en": en} for v, fr, en in PROFILES],
        },
    ],
}

DEFAULT_FAMILY = HOT_EVALUATION["family"]
