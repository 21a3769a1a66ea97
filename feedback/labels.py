"""French labels of the domain's enumerations, shown in forms, tables and exports."""

from __future__ import annotations

from feedback.models import Axis, Department, Modality, Role, TrainingSession

#: Keyed by the enumerations, read with their values too (StrEnum members equal their values).
AXIS_LABELS: dict[str, str] = {
    Axis.CITY_POLICY: "Politique de la ville & réseaux d'acteurs",
    Axis.FAMILY_EDUCATION: "Politiques familiales, éducation & jeunesse",
    Axis.LANGUAGE_INTEGRATION: "Linguistique, intégration & discriminations",
    Axis.PRECARITY_HEALTH: "Précarité, santé & vieillissement",
    Axis.SOCIAL_COHESION: "Cohésion sociale & participation habitante",
    Axis.TRANSITION_CULTURE: "Transition & quartiers, culture",
    Axis.REGIONAL: "Activité régionale",
    Axis.NATIONAL: "Activité nationale",
}

MODALITY_LABELS: dict[str, str] = {
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


#: The département filter's value for sessions without one (regional, national or online activity): the same
#: `dept=aucun` on every page with a département filter, in the downloads' links and in `flask report`.
NO_DEPARTMENT = "aucun"


def parse_department(raw: str | None) -> Department | str | None:
    """A département filter from the URL: a Department, NO_DEPARTMENT, or None when absent; ValueError otherwise."""
    if not raw:
        return None
    return NO_DEPARTMENT if raw == NO_DEPARTMENT else Department(raw)


def department_choices() -> list[tuple[str, str]]:
    """The département filter's options, « Sans département » last."""
    return [(d.value, department_label(d)) for d in Department] + [(NO_DEPARTMENT, department_label(None))]


def department_filter_label(value: Department | str | None) -> str:
    return department_label(None if value == NO_DEPARTMENT else value)


def department_condition(value: Department | str):
    """The SQL condition on a session's département for a filter value (NO_DEPARTMENT: no département)."""
    if value == NO_DEPARTMENT:
        return TrainingSession.department.is_(None)
    return TrainingSession.department == value
