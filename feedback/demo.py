"""Demo data: two years (2024 and 2025) of the activity report's catalogue, invented speakers, accounts and answers.

Everything goes through the application's own operations, as a centre would fill the service by hand:

- the catalogue through the catalogue import (`feedback.imports`): the 2025 table of the activity report as it
  is, and 2024 derived from it (the same actions one year earlier, with other participation counts);
- the attendance lists through the attendance import, for the sessions whose participations the report gives
  (as many people as the report counts, so that the totals stay the catalogue's);
- the participants' answers, the follow-up (« à froid ») answers through `submit_response`, the trainers' own
  questionnaires through `save_trainer_review`.

The comments are composed from the fragments of `feedback/data/demo_comments.json` (see `feedback.demo_comments`).
`load_demo` flushes and never commits (the caller commits once) and is idempotent: the import keys make the
second import change nothing, and answers are only written for the sessions the call created.
"""

from __future__ import annotations

import csv
import io
import random
import re
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select
from werkzeug.datastructures import MultiDict

from feedback.answers import field_name, grid_field_name, parse_survey
from feedback.auth.operations import create_user
from feedback.catalogue.library import TRAINER_FAMILY
from feedback.catalogue.operations import (
    create_session,
    create_speaker,
    ensure_family_questionnaire,
    set_training_questionnaires,
)
from feedback.db import db
from feedback.demo_comments import FOLLOWUP_NEEDS, FOLLOWUP_OBSTACLES, TRAINER_REMARKS, compose_comment
from feedback.imports.attendance import parse_attendance
from feedback.imports.catalogue import CatalogueFile, parse_catalogue
from feedback.imports.operations import (
    CREATE,
    hashing_key,
    import_attendance,
    import_catalogue,
    plan_attendance,
    resolve_attendance,
)
from feedback.imports.parsing import consecutive_runs, fold, half_days_per_day, parse_french_dates, readable_title
from feedback.imports.tables import read_table
from feedback.models import (
    Answer,
    Axis,
    Department,
    Modality,
    Question,
    QuestionKind,
    Questionnaire,
    QuoteStatus,
    Response,
    Role,
    Speaker,
    Training,
    TrainingSession,
    User,
)
from feedback.questionnaire_structure import questions_of
from feedback.quotes.operations import change_status
from feedback.reviews.operations import save_trainer_review
from feedback.survey.operations import submit_response

PARIS = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "demo-retours-2025"  # noqa: S105  (public on purpose: printed by `flask demo`)
OPEN_SESSION_KEY = "demo:open-now"
#: The date of the demo's open session (unless the demo is loaded before it): the report year's last session day.
OPEN_SESSION_DAY = date(2025, 12, 12)
#: The years of the demo: the report's year, and the one before, derived from it.
REPORT_YEAR = 2025
PREVIOUS_YEAR = 2024
#: Import keys of the demo's catalogue (the catalogue import's keys: `activite-<year>:<source line>`).
CATALOGUE_KEYS = tuple(f"activite-{year}:%" for year in (PREVIOUS_YEAR, REPORT_YEAR))
FOLLOWUP_FAMILY = "evaluation-a-froid"
FOLLOWUP_DELAY_DAYS = 90

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

_TOWNS = {
    Department.ESSONNE: ("Évry-Courcouronnes", "Corbeil-Essonnes", "Grigny", "Massy", "Les Ulis", "Longjumeau"),
    Department.VAL_DE_MARNE: ("Créteil", "Vitry-sur-Seine", "Champigny-sur-Marne", "Ivry-sur-Seine", "Choisy-le-Roi"),
    Department.SEINE_ET_MARNE: ("Melun", "Meaux", "Montereau-Fault-Yonne", "Chelles", "Torcy", "Savigny-le-Temple"),
}
_VENUES = (
    "Maison des associations",
    "Hôtel de ville, salle du conseil",
    "Centre social",
    "Médiathèque",
    "Maison de quartier",
    "Préfecture, salle Marianne",
    "Locaux du centre de ressources",
)
#: Regional and national events.
_WIDE_VENUES = (
    "Paris — Centre de conférences",
    "Paris — Espace associatif",
    "Saint-Denis — Auditorium",
    "Paris — Salle des fêtes de la mairie",
    "En visioconférence",
)
_TITLE_TOWNS = (
    "Créteil",
    "Melun",
    "Évry-Courcouronnes",
    "Longjumeau",
    "Villeneuve-Saint-Georges",
    "Brétigny",
    "Montereau-Fault-Yonne",
)

# --- Profiles ---------------------------------------------------------------------------------------------

_BASE_PROFILE_WEIGHTS = {
    "chef-projet-pdv": 8,
    "pre": 4,
    "adulte-relais": 4,
    "sante": 4,
    "linguistique": 4,
    "collectivite": 14,
    "association": 14,
    "bailleur": 4,
    "etat": 5,
    "elu": 2,
    "habitant": 2,
    "autre": 4,
}
#: Title keywords (folded, upper case) or axes that draw a given audience.
_PROFILE_HINTS = (
    ("CHEFS DE PROJET", ("chef-projet-pdv",)),
    (" PRE", ("pre",)),
    ("REUSSITE EDUCATIVE", ("pre",)),
    ("ADULTES-RELAIS", ("adulte-relais",)),
    ("SANTE", ("sante",)),
    ("CITE", ("collectivite", "etat", "pre")),
    ("CAF", ("collectivite", "association")),
    ("ATFPB", ("bailleur", "collectivite")),
    ("GARDIENS", ("bailleur",)),
    ("HABITANTS", ("habitant", "association")),
    ("FRANCAIS", ("linguistique",)),
    ("LINGUISTIQUE", ("linguistique",)),
    ("ASL", ("linguistique",)),
)
_AXIS_PROFILES = {
    Axis.CITY_POLICY: ("chef-projet-pdv", "etat"),
    Axis.FAMILY_EDUCATION: ("pre", "collectivite"),
    Axis.LANGUAGE_INTEGRATION: ("linguistique", "association"),
    Axis.PRECARITY_HEALTH: ("sante", "association"),
    Axis.SOCIAL_COHESION: ("adulte-relais", "association"),
    Axis.TRANSITION_CULTURE: ("association", "habitant"),
}


def _opened(session: TrainingSession) -> datetime:
    """When a past session's form opened: the demo opens every session it answers."""
    if session.opens_dt is None:
        raise ValueError(f"the demo answers only opened sessions (session {session.id})")
    return session.opens_dt


def _profile_weights(axis: Axis, title: str) -> dict[str, float]:
    weights: dict[str, float] = dict(_BASE_PROFILE_WEIGHTS)
    folded = " " + fold(title).upper()
    for keyword, profiles in _PROFILE_HINTS:
        if keyword in folded:
            for profile in profiles:
                weights[profile] *= 6
    for profile in _AXIS_PROFILES.get(axis, ()):
        weights[profile] *= 2.5
    return weights


# --- Catalogue --------------------------------------------------------------------------------------------


def previous_year_table(data: bytes, rng: random.Random, year: int = PREVIOUS_YEAR) -> bytes:
    """The report's table moved to `year`: the same actions, dates and meetings, other participation counts.

    Only `first_date_iso` (which gives the year of the French dates) and `participations` change; a count the
    report leaves blank stays blank.
    """
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    for row in reader:
        if row.get("first_date_iso"):
            row["first_date_iso"] = f"{year}{row['first_date_iso'][4:]}"
        if row.get("participations"):
            row["participations"] = str(max(3, round(int(row["participations"]) * rng.uniform(0.72, 1.08))))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _town(rng: random.Random, title: str, department: Department | None, modality: Modality) -> str:
    if modality == Modality.WEBINAR:
        return "En ligne (visioconférence)"
    if department is None:
        return rng.choice(_WIDE_VENUES)
    town = next((t for t in _TITLE_TOWNS if t.lower() in title.lower()), None) or rng.choice(_TOWNS[department])
    return f"{town} — {rng.choice(_VENUES)}"


def _dress(file: CatalogueFile, rng: random.Random) -> None:
    """Give each session of the file a place and its speakers, as a centre's own catalogue would."""
    trainer_indices = [i for i, s in enumerate(DEMO_SPEAKERS) if s.account]
    trainer_left = dict.fromkeys(trainer_indices, TRAINER_SESSIONS)
    order = list(file.trainings)
    rng.shuffle(order)
    for training in order:
        experts = [i for i, s in enumerate(DEMO_SPEAKERS) if training.axis in s.axes and s.account is None]
        pool = experts or [i for i, s in enumerate(DEMO_SPEAKERS) if s.account is None]
        regulars = rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))
        # Small blocks of a training each, so that a trainer's sessions span several trainings.
        trainer = next(
            (i for i in trainer_indices if training.axis in DEMO_SPEAKERS[i].axes and trainer_left[i] > 0), None
        )
        block = rng.randint(2, 4) if trainer is not None and rng.random() < 0.5 else 0
        for number, session in enumerate(training.sessions):
            chosen = rng.sample(regulars, min(1 if rng.random() < 0.6 else 2, len(regulars)))
            if trainer is not None and number < block and trainer_left[trainer] > 0:
                chosen = [trainer, *chosen[:1]]
                trainer_left[trainer] -= 1
            session.speakers = tuple(DEMO_SPEAKERS[i].name for i in chosen)
            session.place = _town(rng, training.title, session.department, training.modality)


def _catalogue(data: bytes, year: int) -> CatalogueFile:
    table = read_table(data, f"activite-{year}.csv")
    return parse_catalogue(table, year=year)


# --- Answers ----------------------------------------------------------------------------------------------

# --- Responses --------------------------------------------------------------------------------------------

#: Latent thresholds between levels 1|2, 2|3 and 3|4, tuned for about 85 % satisfied overall.
_LEVEL_THRESHOLDS = (-1.9, -1.0, 0.3)


def _level(latent: float) -> int:
    return 1 + sum(latent > t for t in _LEVEL_THRESHOLDS)


def _recommendation(rng: random.Random, level: int) -> int:
    centre = {4: 9.0, 3: 7.3, 2: 4.8, 1: 2.0}[level]
    return max(0, min(10, round(rng.gauss(centre, 1.2))))


def _submitted_dt(rng: random.Random, opens: datetime) -> datetime:
    """Most answer on the spot or that evening, some the next days after a reminder."""
    draw = rng.random()
    if draw < 0.45:
        delay = timedelta(minutes=rng.uniform(2, 120))
    elif draw < 0.85:
        delay = timedelta(hours=rng.uniform(2, 48))
    else:
        delay = timedelta(days=rng.uniform(2, 13))
    return opens + delay


def _session_window(day: date) -> tuple[datetime, datetime]:
    opens = datetime.combine(day, time(16, 0), tzinfo=PARIS).astimezone(UTC)
    return opens, opens + timedelta(days=14)


@dataclass
class _Context:
    """What the answers of one session depend on."""

    session: TrainingSession
    training: Training
    mean: float
    names: list[str]
    profiles: list[str]
    profile_weights: list[float]


# Over the complexity limit: one branch per question kind, mirroring what a participant ticks and writes.
def _answer_form(rng: random.Random, questions, level: int, context: _Context) -> MultiDict:  # noqa: C901
    """The form a participant rating `level` overall would send: what they tick and what they write."""
    form: MultiDict = MultiDict()
    writes = rng.random() < {4: 0.45, 3: 0.5, 2: 0.62, 1: 0.7}[level]
    text_codes = [q.code for q in questions if QuestionKind(q.kind).is_text]
    wanted: set[str] = set()
    if writes and text_codes:
        odds = {"liked": 0.8, "improve": 0.6, "wishes": 0.35}
        wanted = {code for code in text_codes if rng.random() < odds.get(code, 0.5)} or {text_codes[0]}
    department = context.session.department.value if context.session.department else None
    for question in questions:
        kind = QuestionKind(question.kind)
        name = field_name(question)
        if kind == QuestionKind.SATISFACTION:
            if question.is_overall:
                form.add(name, str(level))
            elif rng.random() > 0.04:
                drift = rng.choices((-1, 0, 1), (0.17, 0.68, 0.15))[0]
                form.add(name, str(max(1, min(4, level + drift))))
        elif kind == QuestionKind.RECOMMENDATION:
            if rng.random() > 0.08:
                form.add(name, str(_recommendation(rng, level)))
        elif kind.is_text:
            if question.code in wanted:
                code = question.code if question.code in ("liked", "improve", "wishes") else "liked"
                text = compose_comment(
                    rng, code, level, context.training.axis.value, names=context.names, department=department
                )
                form.add(name, text[:300] if kind == QuestionKind.SHORT_TEXT else text)
        elif kind == QuestionKind.GRID:
            for item in question.options:
                form.add(grid_field_name(question, item.value), str(max(1, min(4, level + rng.choice((-1, 0, 0, 1))))))
        elif question.options and rng.random() > 0.06:
            values = [o.value for o in question.options]
            if question.code == "profile":
                chosen = rng.choices(context.profiles, context.profile_weights)[0]
                form.add(name, chosen if chosen in values else rng.choice(values))
            elif kind == QuestionKind.RATING:
                form.add(name, values[min(len(values) - 1, max(0, round((4 - level) * (len(values) - 1) / 3)))])
            else:
                form.add(name, rng.choice(values))
    if rng.random() < (0.5 if writes else 0.2):
        form.add("consent", "yes")
    return form


def _followup_form(rng: random.Random, questions, level: int) -> MultiDict:
    """A follow-up answer a few months later: mostly the same opinion, and what changed in practice."""
    form: MultiDict = MultiDict()
    later = max(1, min(4, level + rng.choices((-1, 0, 1), (0.25, 0.6, 0.15))[0]))
    for question in questions:
        kind = QuestionKind(question.kind)
        name = field_name(question)
        if kind == QuestionKind.SATISFACTION:
            form.add(name, str(later if question.is_overall else max(1, min(4, later + rng.choice((-1, 0, 0))))))
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            values = [o.value for o in question.options if o.value != "rien"]
            if later <= 2 and rng.random() < 0.5:
                form.add(name, "rien")
            else:
                for value in rng.sample(values, rng.randint(1, min(3, len(values)))):
                    form.add(name, value)
        elif kind.is_text and rng.random() < 0.4:
            pool = FOLLOWUP_OBSTACLES if question.code == "obstacles" else FOLLOWUP_NEEDS
            form.add(name, rng.choice(pool))
    return form


def _trainer_form(rng: random.Random, questions, mean: float) -> MultiDict:
    """A trainer's own view of their session."""
    form: MultiDict = MultiDict()
    level = _level(rng.gauss(mean + 0.6, 0.8))
    for question in questions:
        kind = QuestionKind(question.kind)
        name = field_name(question)
        if kind == QuestionKind.SATISFACTION:
            drift = 0 if question.is_overall else rng.choice((-1, 0, 0, 1))
            form.add(name, str(max(1, min(4, level + drift))))
        elif kind == QuestionKind.RATING and question.options:
            values = sorted((o.value for o in question.options), key=lambda v: -int(v) if v.isdigit() else 0)
            form.add(name, values[min(len(values) - 1, max(0, 4 - level - rng.choice((0, 0, 1))))])
        elif kind.is_text and rng.random() < 0.55:
            form.add(name, rng.choice(TRAINER_REMARKS[level]))
    return form


def _answer_session(
    rng: random.Random,
    context: _Context,
    count: int,
    now: datetime,
    followup: Questionnaire | None,
    max_text: int,
) -> tuple[int, int]:
    """Submit the participants' answers of a past session (and some follow-ups); returns (answers, follow-ups)."""
    session = context.session
    opened = _opened(session)
    questions = questions_of(session.questionnaire)
    followup_questions = questions_of(followup) if followup is not None else ()
    last_day = session.end_date or session.start_date
    followup_day = datetime.combine(last_day + timedelta(days=FOLLOWUP_DELAY_DAYS), time(10), tzinfo=PARIS)
    stored = followups = 0
    for _ in range(count):
        submitted = _submitted_dt(rng, opened)
        if session.closes_dt is not None and submitted >= session.closes_dt or submitted >= now:
            continue
        level = _level(rng.gauss(context.mean, 1.0))
        parsed = parse_survey(questions, _answer_form(rng, questions, level, context), max_text_length=max_text)
        if not parsed.is_valid:
            continue
        response_id = submit_response(session, parsed, secrets.token_urlsafe(18), submitted_dt=submitted)
        stored += 1
        if followup is not None and rng.random() < 0.18:
            when = followup_day + timedelta(days=rng.uniform(0, 20))
            if when >= now:
                continue
            key = db.session.scalar(select(Response.followup_key).where(Response.id == response_id))
            answer = parse_survey(
                followup_questions, _followup_form(rng, followup_questions, level), max_text_length=max_text
            )
            if answer.is_valid:
                submit_response(
                    session,
                    answer,
                    secrets.token_urlsafe(18),
                    questionnaire=followup,
                    followup_key=key,
                    submitted_dt=when.astimezone(UTC),
                )
                followups += 1
    return stored, followups


# --- Attendance -------------------------------------------------------------------------------------------


def _attendance_file(rng: random.Random, sessions: list[TrainingSession]) -> bytes:
    """One attendance list for these sessions (session import key, e-mail), as many people as each counts.

    People come from one pool per département (and one for regional events), sized so that each person comes
    about twice a year, as in the report (5,773 participations by 3,163 participants).
    """
    totals: dict[str, int] = defaultdict(int)
    for session in sessions:
        totals[session.department.value if session.department else "x"] += session.participants_present or 0
    biggest = max((s.participants_present or 0 for s in sessions), default=0)
    pools = {key: max(round(total / 1.8), biggest) for key, total in totals.items()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["session", "email"])
    for session in sessions:
        key = session.department.value if session.department else "x"
        for number in rng.sample(range(pools[key]), session.participants_present or 0):
            writer.writerow([session.import_key, f"participant.{key}.{number:05d}@exemple.fr"])
    return out.getvalue().encode("utf-8")


def _import_attendance(rng: random.Random, sessions: list[TrainingSession]) -> int:
    """Import the lists through the attendance import; returns the number of lines."""
    listed = [s for s in sessions if s.participants_present]
    if not listed:
        return 0
    data = _attendance_file(rng, listed)
    table = read_table(data, "presences-demo.csv", max_bytes=len(data) + 1, max_rows=len(data))
    file = parse_attendance(table, hashing_key())
    lists, duplicates = resolve_attendance(file, session_id=None)
    import_attendance(plan_attendance(lists, duplicates=duplicates))
    return len(file.entries)


# --- Loading ----------------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    """What the demo holds once loaded (counts of demo rows in the database, not only those just added)."""

    trainings: int
    sessions: int
    speakers: int
    responses: int
    logins: list[DemoLogin]
    open_session_code: str | None
    already_loaded: bool
    participations: int = 0


def _demo_key(column):
    return or_(*(column.like(pattern) for pattern in CATALOGUE_KEYS))


def demo_summary(*, already_loaded: bool = True, new_accounts: frozenset[str] = frozenset()) -> DemoSummary:
    """Counts of the demo rows present; logins listed only while they still have the demo password.

    `new_accounts` were just created with it, which spares their (slow, scrypt) password check.
    """
    demo_sessions = select(TrainingSession.id).where(
        or_(_demo_key(TrainingSession.import_key), TrainingSession.import_key == OPEN_SESSION_KEY)
    )
    users = db.session.scalars(select(User).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS]))).all()
    by_email = {u.email: u for u in users}
    logins = [
        DemoLogin(email, role, DEMO_PASSWORD)
        for email, role, _name in DEMO_ACCOUNTS
        if email in by_email and (email in new_accounts or by_email[email].check_password(DEMO_PASSWORD))
    ]
    return DemoSummary(
        trainings=db.session.scalar(select(func.count(Training.id)).where(_demo_key(Training.import_key))) or 0,
        sessions=db.session.scalar(select(func.count()).select_from(demo_sessions.subquery())) or 0,
        speakers=db.session.scalar(
            select(func.count(Speaker.id)).where(Speaker.email.in_([s.email for s in DEMO_SPEAKERS]))
        )
        or 0,
        responses=db.session.scalar(select(func.count(Response.id)).where(Response.session_id.in_(demo_sessions))) or 0,
        logins=logins,
        open_session_code=db.session.scalar(
            select(TrainingSession.public_code).where(TrainingSession.import_key == OPEN_SESSION_KEY)
        ),
        already_loaded=already_loaded,
        participations=db.session.scalar(
            select(func.coalesce(func.sum(TrainingSession.participants_present), 0)).where(
                _demo_key(TrainingSession.import_key)
            )
        )
        or 0,
    )


def _people() -> tuple[dict[str, User], set[str], list[Speaker]]:
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


# Over the complexity limit: the demo's steps in their order, each skipped when already loaded.
def load_demo(catalogue_path: Path, *, seed: int = 2025, now: datetime | None = None) -> DemoSummary:  # noqa: C901
    """Import both years of the catalogue, then the attendance lists and answers of the sessions created now.

    Flushes, never commits. `now` (aware) fixes the clock for tests; by default the real one.
    """
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = now.astimezone(PARIS).date()
    users, new_accounts, speakers = _people()
    speaker_effect = {s.name: DEMO_SPEAKERS[i].quality for i, s in enumerate(speakers)}
    trainers = {s.name: s for s, d in zip(speakers, DEMO_SPEAKERS, strict=True) if d.account}

    data = catalogue_path.read_bytes()
    files = [
        _catalogue(previous_year_table(data, rng), PREVIOUS_YEAR),
        _catalogue(data, REPORT_YEAR),
    ]
    created: list[TrainingSession] = []
    for file in files:
        _dress(file, rng)
        plan = import_catalogue(file)
        created += [c.session for c in plan.sessions if c.action == CREATE and c.session is not None]
    followup = ensure_family_questionnaire(FOLLOWUP_FAMILY)
    trainer_view = ensure_family_questionnaire(TRAINER_FAMILY)
    trainings = {s.training_id: s.training for s in created}
    quality = {training_id: rng.gauss(0.0, 0.45) for training_id in sorted(trainings)}
    for training in trainings.values():
        if training.modality == Modality.TRAINING and training.followup_family is None:
            set_training_questionnaires(
                training,
                questionnaire=training.questionnaire,
                followup_family=FOLLOWUP_FAMILY,
                followup_delay_days=FOLLOWUP_DELAY_DAYS,
            )

    past = []
    for session in created:
        last_day = session.end_date or session.start_date
        if last_day < today:
            session.opens_dt, session.closes_dt = _session_window(last_day)
            past.append(session)
        elif last_day == today:
            session.opens_dt = _session_window(last_day)[0]
    db.session.flush()
    _import_attendance(rng, past)

    max_text = current_app.config["MAX_TEXT_ANSWER_LENGTH"]
    for session in past:
        training = trainings[session.training_id]
        names = [s.name for s in session.speakers]
        effect = sum(speaker_effect.get(n, 0.0) for n in names) / max(len(names), 1)
        weights = _profile_weights(training.axis, training.title)
        context = _Context(
            session,
            training,
            quality[training.id] + rng.gauss(0.0, 0.2) + effect,
            [n.split(" ")[0] for n in names],
            list(weights),
            list(weights.values()),
        )
        present = session.participants_present or rng.randint(8, 40)
        count = round(present * rng.uniform(0.5, 0.85))
        _answer_session(
            rng,
            context,
            count,
            now,
            followup if training.followup_family == FOLLOWUP_FAMILY else None,
            max_text,
        )
        if trainer_view is not None:
            _trainer_reviews(rng, session, trainers, trainer_view, context.mean, max_text)
    communication = users.get("communication@demo.retours.fr")
    if communication is not None and past:
        db.session.flush()
        _curate_quotes(rng, [s.id for s in past], communication)

    opening = (
        db.session.scalar(select(TrainingSession.id).where(TrainingSession.import_key == OPEN_SESSION_KEY)) is None
    )
    if opening:
        _create_open_session(rng, speakers, today, now)
    db.session.flush()
    nothing_new = not created and not new_accounts and not opening
    return demo_summary(already_loaded=nothing_new, new_accounts=frozenset(new_accounts))


def _trainer_reviews(
    rng: random.Random,
    session: TrainingSession,
    trainers: dict[str, Speaker],
    questionnaire: Questionnaire,
    mean: float,
    max_text: int,
) -> None:
    """Most trainers with an account fill « Le regard de l'intervenant·e » in the days after their session."""
    questions = questions_of(questionnaire)
    for speaker in session.speakers:
        if speaker.name not in trainers or rng.random() > 0.85:
            continue
        parsed = parse_survey(questions, _trainer_form(rng, questions, mean), max_text_length=max_text)
        if parsed.is_valid:
            when = _opened(session) + timedelta(days=rng.uniform(0.1, 10))
            save_trainer_review(session, speaker, questionnaire, parsed, now=when, check_open=False)


#: Per year and axis, how many comments the communication officer approves, keeps on the shortlist, and sets aside.
_QUOTE_PICKS = ((QuoteStatus.APPROVED, 4), (QuoteStatus.SHORTLISTED, 3), (QuoteStatus.REJECTED, 1))


def _curate_quotes(rng: random.Random, session_ids: list[int], user: User) -> None:
    """The communication officer's choice among the quotable comments, through the quotes workflow."""
    rows = db.session.execute(
        select(Answer.id, Answer.text, Response.session_date, Training.axis)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .join(TrainingSession, TrainingSession.id == Response.session_id)
        .join(Training, Training.id == TrainingSession.training_id)
        .where(
            Response.consents_to_quote.is_(True),
            Response.is_followup.is_(False),
            Response.overall_level >= 3,
            Question.code == "liked",
            Answer.text.is_not(None),
            TrainingSession.id.in_(session_ids),
        )
        .order_by(Answer.id)
    ).all()
    groups: dict[tuple[int, Axis], list[int]] = defaultdict(list)
    for answer_id, text, day, axis in rows:
        if text is None:  # the query keeps none, the column allows it
            continue
        # Whole sentences a report could print: no phone number or address to mask, not a two-word answer.
        if 60 <= len(text) <= 240 and "@" not in text and not re.search(r"\d{2}", text) and text[:1].isupper():
            groups[(day.year, axis)].append(answer_id)
    for key in sorted(groups):
        chosen = rng.sample(groups[key], min(len(groups[key]), sum(n for _, n in _QUOTE_PICKS)))
        start = 0
        for status, count in _QUOTE_PICKS:
            for answer_id in chosen[start : start + count]:
                if status != QuoteStatus.REJECTED:
                    change_status(answer_id, QuoteStatus.SHORTLISTED, user)
                change_status(answer_id, status, user)
            start += count


def _create_open_session(rng: random.Random, speakers: list[Speaker], today: date, now: datetime) -> TrainingSession:
    """A session whose form is open now, so that a visitor can answer it.

    Dated within the report's year (its last session day, or today if earlier): an answer sent to it then counts in
    the year the pages open on, instead of starting a new year of one session and one response.
    """
    day = min(today, OPEN_SESSION_DAY)
    trainer = next(i for i, s in enumerate(DEMO_SPEAKERS) if s.account)
    candidates = (
        db.session.scalars(
            select(Training)
            .where(
                _demo_key(Training.import_key),
                Training.import_key.like(f"activite-{REPORT_YEAR}:%"),
                Training.modality.in_((Modality.TRAINING, Modality.WEBINAR)),
                Training.axis.in_(DEMO_SPEAKERS[trainer].axes),
            )
            .order_by(Training.import_key)
        ).all()
        or db.session.scalars(select(Training).where(_demo_key(Training.import_key)).order_by(Training.id)).all()
    )
    training = candidates[rng.randrange(len(candidates))]
    department = db.session.scalar(
        select(TrainingSession.department)
        .where(TrainingSession.training_id == training.id, TrainingSession.department.is_not(None))
        .limit(1)
    )
    other = next((s for s in speakers if s is not speakers[trainer] and s.user_id is None), None)
    session = create_session(
        training,
        start_date=day,
        half_days=half_days_per_day(training.modality),
        department=department,
        place=_town(rng, training.title, department, training.modality),
        speakers=[speakers[trainer], *([other] if other else [])],
        import_key=OPEN_SESSION_KEY,
    )
    session.opens_dt, session.closes_dt = now - timedelta(hours=1), None
    return session


__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSummary",
    "consecutive_runs",
    "demo_summary",
    "load_demo",
    "parse_french_dates",
    "previous_year_table",
    "readable_title",
]
