"""Demo data: the 2025 catalogue of the activity report, invented speakers, accounts and synthetic responses.

`load_demo` flushes and never commits (the caller commits once) and is idempotent: every object it
creates carries a stable key (account e-mail, speaker e-mail, `import_key`), and what already exists is
left alone. Responses and answers are inserted in bulk so that the whole load stays within seconds.
"""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from feedback.auth.operations import create_user
from feedback.db import db
from feedback.demo_comments import compose_comment
from feedback.imports.parsing import (
    CatalogueRow,
    action_title,
    axis_from_heading,
    consecutive_runs,
    fold,
    half_days_per_day,
    modality_from_row,
    parse_french_dates,
    read_catalogue,
    readable_title,
)
from feedback.manage.operations import create_session, create_speaker, create_training, ensure_default_questionnaire
from feedback.models import (
    Answer,
    Axis,
    Department,
    Modality,
    QuestionKind,
    Questionnaire,
    Response,
    Role,
    Speaker,
    Training,
    TrainingSession,
    User,
)

PARIS = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "demo-retours-2025"  # noqa: S105  (public on purpose: printed by `flask demo`)
KEY_PREFIX = "demo:"
OPEN_SESSION_KEY = "demo:open-now"

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


def _profile_weights(axis: Axis, title: str) -> dict[str, float]:
    weights = dict(_BASE_PROFILE_WEIGHTS)
    folded = " " + fold(title).upper()
    for keyword, profiles in _PROFILE_HINTS:
        if keyword in folded:
            for profile in profiles:
                weights[profile] *= 6
    for profile in _AXIS_PROFILES.get(axis, ()):
        weights[profile] *= 2.5
    return weights


# --- Planning ---------------------------------------------------------------------------------------------


@dataclass
class _Action:
    source_line: str
    title: str
    axis: Axis
    modality: Modality
    rows: list[CatalogueRow]
    #: Average rating effect of this training.
    quality: float = 0.0
    #: Indices into DEMO_SPEAKERS: the regular speakers of this training.
    speakers: list[int] = field(default_factory=list)

    @property
    def import_key(self) -> str:
        return f"{KEY_PREFIX}{self.source_line}"


@dataclass
class _PlannedSession:
    action: _Action
    department: Department | None
    start_date: date
    end_date: date | None
    half_days: int
    participants: int | None
    place: str
    import_key: str
    speakers: list[int] = field(default_factory=list)
    quality: float = 0.0


def _single_day_half_days(modality: Modality) -> int:
    return half_days_per_day(modality)


def _invent_dates(rng: random.Random, count: int, taken: set[date], year: int) -> list[date]:
    """Weekdays of the year outside August, not already used by the action (fewer if the year runs out)."""
    first = date(year, 1, 1)
    free = [
        day
        for day in (first + timedelta(days=n) for n in range(366))
        if day.year == year and day.weekday() < 5 and day.month != 8 and day not in taken
    ]
    chosen = rng.sample(free, min(count, len(free)))
    taken.update(chosen)
    return chosen


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` into `parts` uneven integers that add up exactly (each at least 1 when possible)."""
    if parts <= 0:
        return []
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    floor = 1 if total >= parts else 0
    rest = total - floor * parts
    raw = [rest * w / sum(weights) for w in weights]
    values = [floor + int(r) for r in raw]
    # Largest remainders take the units lost to rounding.
    for i in sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)[: total - sum(values)]:
        values[i] += 1
    return values


def _row_slots(
    rows: list[CatalogueRow], meetings: list[int | None], rng: random.Random, year: int
) -> list[list[list[date]]]:
    """Session day-runs of each row of one action.

    When every row repeats the same dates, the runs are dealt out to the rows in turn (the report does
    not say which date belongs where); otherwise each row keeps its own. Dates are invented when the
    report gives fewer days than meetings, and so that every row has at least one session.
    """
    same_dates = len({r.dates for r in rows}) == 1 and len(rows) > 1
    if same_dates:
        days = [d for group in parse_french_dates(rows[0].dates, year) for d in group]
        runs = [run for group in parse_french_dates(rows[0].dates, year) for run in consecutive_runs(group)]
        target = meetings[0] or max(len(runs), 1)
        missing = max(target - len(days), len(rows) - len(runs), 0)
        runs += [[d] for d in _invent_dates(rng, missing, set(days), year)]
        runs.sort()
        offset = rng.randrange(len(rows))
        dealt: list[list[list[date]]] = [[] for _ in rows]
        for i, run in enumerate(runs):
            dealt[(i + offset) % len(rows)].append(run)
        return dealt
    result = []
    for row, target in zip(rows, meetings, strict=True):
        groups = parse_french_dates(row.dates, year)
        days = [d for group in groups for d in group]
        runs = [run for group in groups for run in consecutive_runs(group)]
        missing = max((target or max(len(runs), 1)) - len(days), 0)
        runs += [[d] for d in _invent_dates(rng, missing, set(days), year)]
        result.append(sorted(runs))
    return result


def _row_meetings(rows: list[CatalogueRow], rng: random.Random) -> list[int | None]:
    """Meetings per row: an action total repeated on each row is split; differing values are per row."""
    values = [r.meetings for r in rows]
    if len(rows) > 1 and len(set(values)) == 1 and values[0] is not None:
        if len({r.dates for r in rows}) == 1:
            return values  # shared dates: the total is dealt out with them
        return [max(v, 1) for v in _split(values[0], len(rows), rng)]
    return values


def _place(rng: random.Random, action: _Action, department: Department | None) -> str:
    if action.modality == Modality.WEBINAR:
        return "En ligne (visioconférence)"
    if department is None:
        return rng.choice(_WIDE_VENUES)
    town = next((t for t in _TITLE_TOWNS if t.lower() in action.title.lower()), None) or rng.choice(_TOWNS[department])
    return f"{town} — {rng.choice(_VENUES)}"


def _plan(
    rows: list[CatalogueRow], rng: random.Random, year: int = 2025
) -> tuple[list[_Action], list[_PlannedSession]]:
    """Trainings and sessions of the catalogue, with their speakers and rating effects."""
    by_line: dict[str, list[CatalogueRow]] = defaultdict(list)
    for row in rows:
        by_line[row.source_line].append(row)

    actions: list[_Action] = []
    sessions: list[_PlannedSession] = []
    for source_line, action_rows in by_line.items():
        first = action_rows[0]
        title = action_title([r.title for r in action_rows]) or f"Action sans titre (ligne {source_line})"
        action = _Action(
            source_line,
            title,
            axis_from_heading(first.axis),
            modality_from_row(first.modality, first.title),
            action_rows,
        )
        action.quality = rng.gauss(0.0, 0.45)
        experts = [i for i, s in enumerate(DEMO_SPEAKERS) if action.axis in s.axes and s.account is None]
        pool = experts or [i for i, s in enumerate(DEMO_SPEAKERS) if s.account is None]
        action.speakers = rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))
        actions.append(action)

        numbers: dict[str, int] = defaultdict(int)
        slots = _row_slots(action_rows, _row_meetings(action_rows, rng), rng, year)
        for row, runs in zip(action_rows, slots, strict=True):
            if row.participations is not None:
                present = _split(row.participations, len(runs), rng)
            else:
                present = [rng.randint(8, 40) for _ in runs]
            for run, participants in zip(runs, present, strict=True):
                dept_key = row.department.value if row.department else "x"
                numbers[dept_key] += 1
                multi_day = len(run) > 1
                sessions.append(
                    _PlannedSession(
                        action=action,
                        department=row.department,
                        start_date=run[0],
                        end_date=run[-1] if multi_day else None,
                        half_days=2 * len(run) if multi_day else _single_day_half_days(action.modality),
                        participants=participants,
                        place=_place(rng, action, row.department),
                        import_key=f"{KEY_PREFIX}{source_line}:{dept_key}:{numbers[dept_key]}",
                        quality=rng.gauss(0.0, 0.2),
                    )
                )
    _assign_speakers(sessions, rng)
    return actions, sessions


def _assign_speakers(sessions: list[_PlannedSession], rng: random.Random) -> None:
    """One or two speakers a session; each trainer-linked speaker on about TRAINER_SESSIONS sessions."""
    trainer_indices = [i for i, s in enumerate(DEMO_SPEAKERS) if s.account]
    taken: set[int] = set()
    for trainer in trainer_indices:
        by_action: dict[str, list[int]] = defaultdict(list)
        for n, planned in enumerate(sessions):
            if planned.action.axis in DEMO_SPEAKERS[trainer].axes and n not in taken:
                by_action[planned.action.source_line].append(n)
        lines = list(by_action)
        rng.shuffle(lines)
        count = 0
        for line in lines:
            # Small blocks of a training each, so the trainer's sessions span several trainings.
            for n in by_action[line][: rng.randint(2, 4)]:
                if count >= TRAINER_SESSIONS:
                    break
                sessions[n].speakers.append(trainer)
                taken.add(n)
                count += 1
    for planned in sessions:
        regulars = planned.action.speakers
        wanted = 1 if planned.speakers or rng.random() < 0.6 else 2
        for index in rng.sample(regulars, min(wanted, len(regulars))):
            if len(planned.speakers) < 2:
                planned.speakers.append(index)


# --- Responses --------------------------------------------------------------------------------------------

#: Latent thresholds between levels 1|2, 2|3 and 3|4, tuned for about 85 % satisfied overall.
_LEVEL_THRESHOLDS = (-1.9, -1.0, 0.3)


def _level(latent: float) -> int:
    return 1 + sum(latent > t for t in _LEVEL_THRESHOLDS)


def _recommendation(rng: random.Random, level: int) -> int:
    centre = {4: 9.0, 3: 7.3, 2: 4.8, 1: 2.0}[level]
    return max(0, min(10, round(rng.gauss(centre, 1.2))))


@dataclass
class _QuestionShape:
    id: int
    code: str
    kind: QuestionKind
    is_overall: bool
    options: dict[str, int]


def _questionnaire_shape(questionnaire: Questionnaire) -> list[_QuestionShape]:
    return [
        _QuestionShape(q.id, q.code, QuestionKind(q.kind), q.is_overall, {o.value: o.id for o in q.options})
        for q in questionnaire.questions
    ]


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


def _build_responses(
    rng: random.Random,
    planned: _PlannedSession,
    session: TrainingSession,
    shape: list[_QuestionShape],
    consent_version: int,
    now: datetime,
) -> list[tuple[dict, list[dict]]]:
    """Response rows and their answer rows (without response_id) for one past session."""
    assert session.opens_dt is not None
    present = planned.participants or 0
    count = round(present * rng.uniform(0.5, 0.85))
    speaker_effect = sum(DEMO_SPEAKERS[i].quality for i in planned.speakers) / max(len(planned.speakers), 1)
    mean = planned.action.quality + planned.quality + speaker_effect
    weights = _profile_weights(planned.action.axis, planned.action.title)
    profiles, profile_weights = list(weights), list(weights.values())
    names = [DEMO_SPEAKERS[i].name.split(" ")[0] for i in planned.speakers]
    department = planned.department.value if planned.department else None

    result = []
    for _ in range(count):
        submitted = _submitted_dt(rng, session.opens_dt)
        if session.closes_dt is not None and submitted >= session.closes_dt or submitted >= now:
            continue
        level = _level(rng.gauss(mean, 1.0))
        writes = rng.random() < {4: 0.45, 3: 0.5, 2: 0.62, 1: 0.7}[level]
        wanted_texts = set()
        if writes:
            wanted_texts = {
                code for code, p in (("liked", 0.8), ("improve", 0.6), ("wishes", 0.35)) if rng.random() < p
            } or {"liked" if level >= 3 else "improve"}
        consents = rng.random() < (0.5 if writes else 0.2)
        response = {
            "session_id": session.id,
            "session_date": session.start_date,
            "questionnaire_id": session.questionnaire_id,
            "submitted_dt": submitted,
            "submission_token": secrets.token_urlsafe(18),
            "consents_to_quote": consents,
            "consent_dt": submitted if consents else None,
            "consent_version": consent_version if consents else None,
            "overall_level": None,
            "recommendation": None,
            "profile": None,
        }
        answers: list[dict] = []
        for question in shape:
            value: dict | None = None
            if question.kind == QuestionKind.SATISFACTION:
                if question.is_overall:
                    value = {"number": level}
                    response["overall_level"] = level
                elif rng.random() > 0.04:
                    drift = rng.choices((-1, 0, 1), (0.17, 0.68, 0.15))[0]
                    value = {"number": max(1, min(4, level + drift))}
            elif question.kind == QuestionKind.RECOMMENDATION:
                if rng.random() > 0.08:
                    value = {"number": _recommendation(rng, level)}
                    if response["recommendation"] is None:
                        response["recommendation"] = value["number"]
            elif question.kind.is_text:
                if question.code in wanted_texts:
                    text = compose_comment(
                        rng, question.code, level, planned.action.axis.value, names=names, department=department
                    )
                    value = {"text": text[:300] if question.kind == QuestionKind.SHORT_TEXT else text}
            elif question.kind.has_options and question.options and rng.random() > 0.06:
                if question.code == "profile":
                    chosen = rng.choices(profiles, profile_weights)[0]
                    chosen = chosen if chosen in question.options else rng.choice(list(question.options))
                    response["profile"] = chosen
                else:
                    chosen = rng.choice(list(question.options))
                answers.append(
                    {"question_id": question.id, "option_id": question.options[chosen], "number": None, "text": None}
                )
                continue
            if value is not None:
                answers.append(
                    {
                        "question_id": question.id,
                        "option_id": None,
                        "number": value.get("number"),
                        "text": value.get("text"),
                    }
                )
        result.append((response, answers))
    return result


def _insert_responses(batch: list[tuple[dict, list[dict]]]) -> None:
    """Bulk insert: responses with RETURNING (ids in parameter order), then their answers."""
    for start in range(0, len(batch), 1000):
        chunk = batch[start : start + 1000]
        # render_nulls keeps one statement per batch: rows differing only in which columns are None would
        # otherwise be split into many small executemany groups.
        ids = db.session.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True).execution_options(render_nulls=True),
            [r for r, _ in chunk],
        ).all()
        answer_rows = [
            {**answer, "response_id": response_id}
            for response_id, (_, answers) in zip(ids, chunk, strict=True)
            for answer in answers
        ]
        if answer_rows:
            db.session.execute(insert(Answer).execution_options(render_nulls=True), answer_rows)


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


def demo_summary(*, already_loaded: bool = True, new_accounts: frozenset[str] = frozenset()) -> DemoSummary:
    """Counts of the demo rows present; logins listed only while they still have the demo password.

    `new_accounts` were just created with it, which spares their (slow, scrypt) password check.
    """
    demo_sessions = select(TrainingSession.id).where(TrainingSession.import_key.like(f"{KEY_PREFIX}%"))
    users = db.session.scalars(select(User).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS]))).all()
    by_email = {u.email: u for u in users}
    logins = [
        DemoLogin(email, role, DEMO_PASSWORD)
        for email, role, _name in DEMO_ACCOUNTS
        if email in by_email and (email in new_accounts or by_email[email].check_password(DEMO_PASSWORD))
    ]
    return DemoSummary(
        trainings=db.session.scalar(select(func.count(Training.id)).where(Training.import_key.like(f"{KEY_PREFIX}%")))
        or 0,
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
    )


def load_demo(catalogue_path: Path, *, seed: int = 2025, now: datetime | None = None) -> DemoSummary:
    """Create the demo accounts, speakers, catalogue, sessions and responses that are not there yet.

    Flushes, never commits. `now` (aware) fixes the clock for tests; by default the real one.
    """
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = now.astimezone(PARIS).date()
    actions, planned_sessions = _plan(read_catalogue(catalogue_path), rng)
    created = 0

    # Accounts and speakers, keyed by e-mail.
    existing_users = {
        u.email: u for u in db.session.scalars(select(User).where(User.email.in_([a[0] for a in DEMO_ACCOUNTS])))
    }
    new_accounts = set()
    for email, role, name in DEMO_ACCOUNTS:
        if email not in existing_users:
            existing_users[email] = create_user(email, role, DEMO_PASSWORD, name=name)
            new_accounts.add(email)
            created += 1
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
            created += 1
        speakers.append(speaker)

    # Catalogue, keyed by import_key.
    trainings = {
        t.import_key: t for t in db.session.scalars(select(Training).where(Training.import_key.like(f"{KEY_PREFIX}%")))
    }
    for action in actions:
        if action.import_key not in trainings:
            trainings[action.import_key] = create_training(
                title=action.title, axis=action.axis, modality=action.modality, import_key=action.import_key
            )
            created += 1
    existing_keys = set(
        db.session.scalars(select(TrainingSession.import_key).where(TrainingSession.import_key.like(f"{KEY_PREFIX}%")))
    )

    to_answer: list[tuple[_PlannedSession, TrainingSession]] = []
    default_questionnaire = ensure_default_questionnaire()
    for planned in planned_sessions:
        if planned.import_key in existing_keys:
            continue
        session = create_session(
            trainings[planned.action.import_key],
            start_date=planned.start_date,
            end_date=planned.end_date,
            half_days=planned.half_days,
            department=planned.department,
            place=planned.place,
            participants_present=planned.participants,
            speakers=[speakers[i] for i in planned.speakers],
            import_key=planned.import_key,
            default_questionnaire=default_questionnaire,
        )
        created += 1
        last_day = planned.end_date or planned.start_date
        if last_day < today:
            session.opens_dt, session.closes_dt = _session_window(last_day)
            to_answer.append((planned, session))
        elif last_day == today:
            session.opens_dt = _session_window(last_day)[0]

    if OPEN_SESSION_KEY not in existing_keys:
        _create_open_session(rng, actions, trainings, speakers, today, now)
        created += 1

    # Responses of the sessions created now, with one shape per questionnaire version.
    shapes: dict[int, tuple[list[_QuestionShape], int]] = {}
    batch: list[tuple[dict, list[dict]]] = []
    for planned, session in to_answer:
        if session.questionnaire_id not in shapes:
            questionnaire = session.questionnaire
            shapes[session.questionnaire_id] = (_questionnaire_shape(questionnaire), questionnaire.consent_version)
        shape, consent_version = shapes[session.questionnaire_id]
        batch.extend(_build_responses(rng, planned, session, shape, consent_version, now))
    db.session.flush()
    _insert_responses(batch)
    return demo_summary(already_loaded=created == 0, new_accounts=frozenset(new_accounts))


def _create_open_session(
    rng: random.Random,
    actions: list[_Action],
    trainings: dict[str, Training],
    speakers: list[Speaker],
    today: date,
    now: datetime,
) -> TrainingSession:
    """A session of today whose form is open now, so that a visitor can answer it."""
    trainer = next(i for i, s in enumerate(DEMO_SPEAKERS) if s.account)
    candidates = [
        a
        for a in actions
        if a.modality in (Modality.TRAINING, Modality.WEBINAR) and a.axis in DEMO_SPEAKERS[trainer].axes
    ] or actions
    action = candidates[rng.randrange(len(candidates))]
    department = next((r.department for r in action.rows if r.department), None)
    extra = [i for i in action.speakers if i != trainer][:1]
    session = create_session(
        trainings[action.import_key],
        start_date=today,
        half_days=_single_day_half_days(action.modality),
        department=department,
        place=_place(rng, action, department),
        speakers=[speakers[i] for i in [trainer, *extra]],
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
    "readable_title",
]
