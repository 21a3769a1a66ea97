"""The demo's accounts and speakers (invented people), created when missing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from feedback.auth.operations import create_user
from feedback.catalogue.operations import (
    create_speaker,
)
from feedback.db import db
from feedback.demo.settings import DEMO_PASSWORD
from feedback.models import (
    Axis,
    Role,
    Speaker,
    User,
)

# --- People ---------------------------------------------------------------------------------------------


class DemoLogin(NamedTuple):
    email: str
    role: Role
    password: str


#: (e-mail, role, display name); the two trainers are linked to the first two speakers below.
DEMO_ACCOUNTS = (
    ("admin@demo.retours.fr", Role.ADMIN, "Alexandre Morvan"),
    ("manager@demo.retours.fr", Role.MANAGER, "Manon Rochereau"),
    ("communication@demo.retours.fr", Role.COMMUNICATION, "Lucie Garnier"),
    ("formatrice@demo.retours.fr", Role.TRAINER, "Hélène Vasseur"),
    ("formateur@demo.retours.fr", Role.TRAINER, "Karim Belkacem"),
)


@dataclass(frozen=True)
class DemoSpeaker:
    name: str
    organisation: str
    axes: tuple[Axis, ...]
    #: Effect on the ratings of their sessions, so that trainers' scores differ a little.
    quality: float
    account: str | None = None

    @property
    def email(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z]+", ".", ascii_name).strip(".") + "@example.org"


A = Axis
DEMO_SPEAKERS = (
    DemoSpeaker(
        "Hélène Vasseur",
        "Formatrice indépendante, droit des étrangers et interculturalité",
        (A.LANGUAGE_INTEGRATION, A.FAMILY_EDUCATION, A.SOCIAL_COHESION),
        0.35,
        "formatrice@demo.retours.fr",
    ),
    DemoSpeaker(
        "Karim Belkacem",
        "Consultant, cabinet Traverses Urbaines",
        (A.CITY_POLICY, A.SOCIAL_COHESION, A.PRECARITY_HEALTH),
        -0.2,
        "formateur@demo.retours.fr",
    ),
    DemoSpeaker("Sandrine Lemoine", "Cabinet Territoires en commun", (A.CITY_POLICY, A.REGIONAL), 0.1),
    DemoSpeaker("Olivier Perrot", "Sociologue urbain, université", (A.CITY_POLICY, A.NATIONAL, A.REGIONAL), 0.25),
    DemoSpeaker("Nadia Cherifi", "Association Parole et Savoirs", (A.LANGUAGE_INTEGRATION,), 0.2),
    DemoSpeaker("Thierry Gauthier", "Juriste, point d'accès au droit", (A.LANGUAGE_INTEGRATION,), 0.0),
    DemoSpeaker(
        "Aurélie Fontaine", "Conseillère technique, caisse d'allocations familiales", (A.FAMILY_EDUCATION,), -0.1
    ),
    DemoSpeaker("Mehdi Amrani", "Médiateur, Maison de la médiation", (A.SOCIAL_COHESION,), 0.15),
    DemoSpeaker("Isabelle Rouxel", "Psychologue clinicienne", (A.PRECARITY_HEALTH, A.LANGUAGE_INTEGRATION), 0.3),
    DemoSpeaker("Fatou Diallo", "Coordinatrice d'atelier santé ville", (A.PRECARITY_HEALTH,), 0.1),
    DemoSpeaker("Julien Marchal", "Chargé d'études, agence d'urbanisme", (A.CITY_POLICY, A.TRANSITION_CULTURE), -0.3),
    DemoSpeaker(
        "Céline Barbier", "Formatrice FLE, réseau d'ateliers sociolinguistiques", (A.LANGUAGE_INTEGRATION,), 0.05
    ),
    DemoSpeaker("Yann Le Goff", "Association Jardins du bitume", (A.TRANSITION_CULTURE,), 0.2),
    DemoSpeaker("Élodie Carré", "Cheffe de projet cité éducative", (A.FAMILY_EDUCATION, A.NATIONAL), 0.0),
    DemoSpeaker("Samir Haddad", "Éducateur, club de prévention spécialisée", (A.SOCIAL_COHESION,), 0.1),
    DemoSpeaker(
        "Marie-Laure Texier", "Cabinet Évaluation & Territoires", (A.CITY_POLICY, A.FAMILY_EDUCATION, A.REGIONAL), -0.15
    ),
    DemoSpeaker("Antoine Reynaud", "Historien, chercheur associé", (A.CITY_POLICY, A.NATIONAL), 0.2),
    DemoSpeaker(
        "Leïla Benali",
        "Juriste, centre d'information sur les droits des femmes",
        (A.LANGUAGE_INTEGRATION, A.FAMILY_EDUCATION),
        0.1,
    ),
    DemoSpeaker("Pascale Guérin", "Gérontologue, association Âges et quartiers", (A.PRECARITY_HEALTH,), -0.05),
    DemoSpeaker(
        "Rachid Ouali", "Association de médiation interculturelle", (A.SOCIAL_COHESION, A.LANGUAGE_INTEGRATION), 0.0
    ),
    DemoSpeaker(
        "Sophie Delaunay",
        "Sage-femme coordinatrice, réseau de périnatalité",
        (A.PRECARITY_HEALTH, A.FAMILY_EDUCATION),
        0.15,
    ),
    DemoSpeaker("Vincent Colas", "Délégué du préfet", (A.CITY_POLICY, A.SOCIAL_COHESION), -0.25),
    DemoSpeaker("Anaïs Poirier", "Artiste, compagnie Fil d'Ariane", (A.TRANSITION_CULTURE, A.SOCIAL_COHESION), 0.3),
    DemoSpeaker(
        "Benoît Lacroix",
        "Formateur valeurs de la République et laïcité",
        (A.SOCIAL_COHESION, A.LANGUAGE_INTEGRATION, A.REGIONAL),
        -0.1,
    ),
    DemoSpeaker(
        "Awa Traoré",
        "Chargée de concertation, bailleur social",
        (A.SOCIAL_COHESION, A.CITY_POLICY, A.TRANSITION_CULTURE),
        0.05,
    ),
)
#: Sessions on which each trainer-linked speaker appears.
TRAINER_SESSIONS = 20


def ensure_people() -> tuple[dict[str, User], set[str], list[Speaker]]:
    """The demo accounts and speakers, keyed by e-mail: those missing are created."""
    existing_users = {
        u.email: u for u in db.session.scalars(select(User).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS])))
    }
    new_accounts = set()
    for email, role, name in DEMO_ACCOUNTS:
        if email not in existing_users:
            existing_users[email] = create_user(email, role, DEMO_PASSWORD, name=name)
            new_accounts.add(email)
    # Speaker.user_id is unique: an account already linked to another speaker stays as it is.
    linked_users = set(db.session.scalars(select(Speaker.user_id).where(Speaker.user_id.is_not(None))))
    existing_speakers = {
        s.email: s
        for s in db.session.scalars(select(Speaker).where(Speaker.email.in_([s.email for s in DEMO_SPEAKERS])))
    }
    speakers: list[Speaker] = []
    for demo_speaker in DEMO_SPEAKERS:
        speaker = existing_speakers.get(demo_speaker.email)
        if speaker is None:
            user = existing_users.get(demo_speaker.account) if demo_speaker.account else None
            if user is not None and user.id in linked_users:
                user = None
            speaker = create_speaker(
                name=demo_speaker.name, organisation=demo_speaker.organisation, email=demo_speaker.email, user=user
            )
        speakers.append(speaker)
    return existing_users, new_accounts, speakers
