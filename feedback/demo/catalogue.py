"""The demo's catalogue: the report's table for both years, dressed with places and speakers; the attendance lists;
the session open now.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from feedback.catalogue.operations import (
    create_session,
)
from feedback.db import db
from feedback.demo.people import DEMO_SPEAKERS, TRAINER_SESSIONS
from feedback.demo.settings import CATALOGUE_KEYS, OPEN_SESSION_DAY, OPEN_SESSION_KEY, PREVIOUS_YEAR, REPORT_YEAR
from feedback.imports.attendance import parse_attendance
from feedback.imports.catalogue import CatalogueFile, parse_catalogue
from feedback.imports.operations import (
    hashing_key,
    import_attendance,
    plan_attendance,
    resolve_attendance,
)
from feedback.imports.parsing import half_days_per_day
from feedback.imports.tables import read_table
from feedback.models import (
    Department,
    Modality,
    Speaker,
    Training,
    TrainingSession,
)

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


def town(rng: random.Random, title: str, department: Department | None, modality: Modality) -> str:
    if modality == Modality.WEBINAR:
        return "En ligne (visioconférence)"
    if department is None:
        return rng.choice(_WIDE_VENUES)
    town = next((t for t in _TITLE_TOWNS if t.lower() in title.lower()), None) or rng.choice(_TOWNS[department])
    return f"{town} — {rng.choice(_VENUES)}"


def dress(file: CatalogueFile, rng: random.Random) -> None:
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
            session.place = town(rng, training.title, session.department, training.modality)


def catalogue_file(data: bytes, year: int) -> CatalogueFile:
    table = read_table(data, f"activite-{year}.csv")
    return parse_catalogue(table, year=year)


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


def import_attendance_lists(rng: random.Random, sessions: list[TrainingSession]) -> int:
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


def demo_key(column):
    return or_(*(column.like(pattern) for pattern in CATALOGUE_KEYS))


def create_open_session(rng: random.Random, speakers: list[Speaker], today: date, now: datetime) -> TrainingSession:
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
                demo_key(Training.import_key),
                Training.import_key.like(f"activite-{REPORT_YEAR}:%"),
                Training.modality.in_((Modality.TRAINING, Modality.WEBINAR)),
                Training.axis.in_(DEMO_SPEAKERS[trainer].axes),
            )
            .order_by(Training.import_key)
        ).all()
        or db.session.scalars(select(Training).where(demo_key(Training.import_key)).order_by(Training.id)).all()
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
        place=town(rng, training.title, department, training.modality),
        speakers=[speakers[trainer], *([other] if other else [])],
        import_key=OPEN_SESSION_KEY,
    )
    session.opens_dt, session.closes_dt = now - timedelta(hours=1), None
    return session
