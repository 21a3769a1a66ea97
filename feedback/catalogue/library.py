"""Questionnaires shipped with the application, as plain data."""

from __future__ import annotations

from feedback.models.domain import PROFILES

#: The professional profile, copied onto each response for the breakdowns; shared by the questionnaires asking it.
PROFILE_QUESTION = {
    "code": "profile",
    "kind": "single_choice",
    "label": "Votre profil professionnel",
    "label_en": "Your professional profile",
    "options": [{"value": v, "label": fr, "label_en": en} for v, fr, en in PROFILES],
}

CONSENT_TEXT = "J'accepte que mon commentaire soit cité anonymement dans les publications"

HOT_EVALUATION = {
    "family": "evaluation-a-chaud",
    "title": "Évaluation à chaud",
    "title_en": "End-of-session evaluation",
    "intro": "Merci de prendre deux minutes pour nous dire ce que vous avez pensé de cette session.",
    "intro_en": "Thank you for taking two minutes to tell us what you thought of this session.",
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
        PROFILE_QUESTION,
    ],
}

DEFAULT_FAMILY = str(HOT_EVALUATION["family"])

PEER_NETWORK = {
    "family": "reseau-de-pairs",
    "title": "Réseau de pairs",
    "title_en": "Peer network meeting",
    "intro": "Trois questions sur la rencontre d'aujourd'hui.",
    "intro_en": "Three questions about today's meeting.",
    "is_anonymous": True,
    "consent_text": CONSENT_TEXT,
    "questions": [
        {
            "code": "overall",
            "kind": "satisfaction",
            "is_overall": True,
            "is_required": True,
            "label": "Globalement, êtes-vous satisfait·e de cette rencontre ?",
            "label_en": "Overall, how satisfied are you with this meeting?",
        },
        {
            "code": "usefulness",
            "kind": "satisfaction",
            "label": "Utilité des échanges pour votre pratique",
            "label_en": "Usefulness of the exchanges for your practice",
        },
        {
            "code": "liked",
            "kind": "long_text",
            "label": "Ce que vous retenez de la rencontre",
            "label_en": "What you take away from the meeting",
        },
        {
            "code": "wishes",
            "kind": "short_text",
            "label": "Sujets à mettre à l'ordre du jour des prochaines rencontres",
            "label_en": "Topics for the next meetings",
        },
        PROFILE_QUESTION,
    ],
}

CONFERENCE_WEBINAR = {
    "family": "conference-webinaire",
    "title": "Conférence / webinaire",
    "title_en": "Conference / webinar",
    "intro": "Trois questions, trente secondes.",
    "intro_en": "Three questions, thirty seconds.",
    "is_anonymous": True,
    "consent_text": CONSENT_TEXT,
    "questions": [
        {
            "code": "overall",
            "kind": "satisfaction",
            "is_overall": True,
            "is_required": True,
            "label": "Globalement, êtes-vous satisfait·e de cette intervention ?",
            "label_en": "Overall, how satisfied are you with this talk?",
        },
        {
            "code": "recommend",
            "kind": "recommendation",
            "label": "Recommanderiez-vous ce format à un·e collègue ?",
            "label_en": "Would you recommend this format to a colleague?",
            "help_text": "0 = pas du tout, 10 = certainement",
        },
        {
            "code": "liked",
            "kind": "long_text",
            "label": "Un mot sur ce que vous en retenez ?",
            "label_en": "A word on what you take away?",
        },
    ],
}

FOLLOW_UP = {
    "family": "evaluation-a-froid",
    "title": "Évaluation à froid",
    "title_en": "Follow-up evaluation",
    "intro": "Quelques mois après la formation : qu'en avez-vous fait dans votre pratique ?",
    "intro_en": "A few months after the training: what have you made of it in your work?",
    "is_anonymous": True,
    "consent_text": CONSENT_TEXT,
    "questions": [
        {
            "code": "overall",
            "kind": "satisfaction",
            "is_overall": True,
            "is_required": True,
            "label": "Avec le recul, êtes-vous satisfait·e de cette formation ?",
            "label_en": "Looking back, how satisfied are you with this training?",
        },
        {
            "code": "applied",
            "kind": "satisfaction",
            "label": "Avez-vous pu appliquer ce que vous avez appris dans votre pratique ?",
            "label_en": "Have you been able to apply what you learnt in your practice?",
        },
        {
            "code": "changes",
            "kind": "multiple_choice",
            "label": "Qu'est-ce qui a changé dans votre pratique ?",
            "label_en": "What changed in your practice?",
            "options": [
                {"value": "outils", "label": "J'utilise des outils présentés", "label_en": "I use tools presented"},
                {"value": "partenariats", "label": "J'ai noué des partenariats", "label_en": "I built partnerships"},
                {"value": "posture", "label": "Ma posture professionnelle a évolué", "label_en": "My stance changed"},
                {"value": "transmission", "label": "J'ai partagé avec mon équipe", "label_en": "I shared with my team"},
                {"value": "rien", "label": "Rien pour l'instant", "label_en": "Nothing yet"},
            ],
        },
        {
            "code": "obstacles",
            "kind": "long_text",
            "label": "Qu'est-ce qui vous a freiné·e ?",
            "label_en": "What held you back?",
        },
        {
            "code": "needs",
            "kind": "short_text",
            "label": "De quoi auriez-vous besoin maintenant ?",
            "label_en": "What would you need now?",
        },
    ],
}

TRAINER_VIEW = {
    "family": "regard-intervenant",
    "title": "Le regard de l'intervenant·e",
    "title_en": "The trainer's view",
    "intro": "Qualiopi demande l'avis de toutes les parties : votre regard sur la session.",
    "intro_en": "Qualiopi asks every party for its view: yours on the session.",
    "is_anonymous": False,
    "consent_text": "",
    "questions": [
        {
            "code": "overall",
            "kind": "satisfaction",
            "is_overall": True,
            "is_required": True,
            "label": "Globalement, êtes-vous satisfait·e du déroulement de la session ?",
            "label_en": "Overall, how satisfied are you with how the session went?",
        },
        {
            "code": "organisation",
            "kind": "satisfaction",
            "label": "Organisation et conditions matérielles",
            "label_en": "Organisation and equipment",
        },
        {
            "code": "group",
            "kind": "rating",
            "label": "Dynamique du groupe",
            "label_en": "Group dynamics",
            "options": [
                {"value": "3", "label": "Très participatif", "label_en": "Very engaged"},
                {"value": "2", "label": "Participatif", "label_en": "Engaged"},
                {"value": "1", "label": "Peu participatif", "label_en": "Not very engaged"},
            ],
        },
        {
            "code": "objectives",
            "kind": "satisfaction",
            "label": "Les objectifs de la session ont-ils été atteints ?",
            "label_en": "Were the objectives met?",
        },
        {
            "code": "remarks",
            "kind": "long_text",
            "label": "Remarques et suggestions pour l'équipe",
            "label_en": "Remarks and suggestions for the team",
        },
    ],
}

#: The trainers' own questionnaire: answered by speakers (feedback/reviews), never offered to participants.
TRAINER_FAMILY = str(TRAINER_VIEW["family"])

#: Starting points offered by the builder, in the order shown.
LIBRARY = (HOT_EVALUATION, PEER_NETWORK, CONFERENCE_WEBINAR, FOLLOW_UP, TRAINER_VIEW)
