"""French labels of the domain's enumerations, shown in forms, tables and exports."""

from __future__ import annotations

from feedback.models import Axis, Department, Modality, Role

AXIS_LABELS = {
    Axis.CITY_POLICY: "Politique de la ville & réseaux d'acteurs",
    Axis.FAMILY_EDUCATION: "Politiques familiales, éducation & jeunesse",
    Axis.LANGUAGE_INTEGRATION: "Linguistique, intégration & discriminations",
    Axis.PRECARITY_HEALTH: "Précarité, santé & vieillissement",
    Axis.SOCIAL_COHESION: "Cohésion sociale & participation habitante",
    Axis.TRANSITION_CULTURE: "Transition & quartiers, culture",
    Axis.REGIONAL: "Activité régionale",
    Axis.NATIONAL: "Activité nationale",
}

MODALITY_LABELS = {
    Modality.TRAINING: "Formation",
    Modality.PEER_NETWORK: "Réseau de pairs",
    Modality.TERRITORIAL_SUPPORT: "Appui territorialisé",
    Modality.CONFERENCE: "Conférence",
    Modality.MEETING: "Rencontre / forum",
    Modality.SEMINAR: "Séminaire",
    Modality.WEBINAR: "Webinaire",
}

DEPARTMENT_LABELS = {
    Department.ESSONNE: "Essonne (91)",
    Department.VAL_DE_MARNE: "Val-de-Marne (94)",
    Department.SEINE_ET_MARNE: "Seine-et-Marne (77)",
}

ROLE_LABELS = {
    Role.ADMIN: "Administrateur·rice",
    Role.MANAGER: "Responsable formation",
    Role.COMMUNICATION: "Communication",
    Role.TRAINER: "Intervenant·e",
}


def department_label(value: Department | str | None) -> str:
    if not value:
        return "Sans département"
    return DEPARTMENT_LABELS.get(Department(value), str(value))
