"""Imports of the catalogue and of attendance lists: plan against the database, then write. Never commit.

An import is all or nothing: the file is read and checked whole first (`feedback.imports.catalogue`,
`feedback.imports.attendance`); the plan compares it with the database (what will be created, changed, left as
it is); only then are rows written, in the caller's transaction, which commits once or rolls everything back.
Keys make it idempotent: importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from feedback.catalogue.operations import (
    create_session,
    create_speaker,
    create_training,
    ensure_default_questionnaire,
    modality_default,
    update_session,
)
from feedback.db import db
from feedback.imports.attendance import AttendanceFile, attendance_key
from feedback.imports.catalogue import CatalogueFile, SessionSpec, TrainingSpec
from feedback.imports.parsing import fold
from feedback.imports.tables import Problem
from feedback.models import Attendance, Modality, Questionnaire, Speaker, Training, TrainingSession
from feedback.signals import import_completed

Progress = Callable[[int], None]
_CHUNK = 500


class ImportRefused(Exception):
    """The file is consistent but does not fit the database (unknown session...): nothing is written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def hashing_key() -> bytes:
    """ATTENDANCE_HASH_KEY when set (so that changing SECRET_KEY keeps the counts), else derived from SECRET_KEY."""
    dedicated = current_app.config.get("ATTENDANCE_HASH_KEY")
    return attendance_key(dedicated or current_app.config["SECRET_KEY"])


# -- catalogue -------------------------------------------------------------------------------------------------

CREATE, UPDATE, SAME = "create", "update", "same"


@dataclass
class TrainingChange:
    spec: TrainingSpec
    training: Training | None
    action: str
    #: Names of the fields that change (French, for the preview).
    fields: list[str] = field(default_factory=list)


@dataclass
class SessionChange:
    spec: SessionSpec
    training: TrainingChange
    session: TrainingSession | None
    action: str
    fields: list[str] = field(default_factory=list)


@dataclass
class CataloguePlan:
    file: CatalogueFile
    trainings: list[TrainingChange]
    sessions: list[SessionChange]
    #: Sessions of these trainings already stored under an import key the file no longer gives (kept as they are).
    absent_sessions: int = 0

    def count(self, changes: list, action: str) -> int:
        return sum(1 for change in changes if change.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "trainings_created": self.count(self.trainings, CREATE),
            "trainings_updated": self.count(self.trainings, UPDATE),
            "trainings_unchanged": self.count(self.trainings, SAME),
            "sessions_created": self.count(self.sessions, CREATE),
            "sessions_updated": self.count(self.sessions, UPDATE),
            "sessions_unchanged": self.count(self.sessions, SAME),
            "sessions_absent": self.absent_sessions,
            "participations": self.file.participations,
        }

    @property
    def changes(self) -> bool:
        return any(c.action != SAME for c in self.trainings) or any(c.action != SAME for c in self.sessions)


_SESSION_FIELDS = {
    "start_date": "date de début",
    "end_date": "date de fin",
    "half_days": "demi-journées",
    "department": "département",
    "participants_present": "participants",
    "place": "lieu",
}


def _session_values(spec: SessionSpec) -> dict[str, Any]:
    """What the file sets on a session; a blank participants or place cell leaves the stored value alone."""
    values: dict[str, Any] = {
        "start_date": spec.start_date,
        "end_date": spec.end_date,
        "half_days": spec.half_days,
        "department": spec.department,
    }
    if spec.participants is not None:
        values["participants_present"] = spec.participants
    if spec.place:
        values["place"] = spec.place
    return values


def _speaker_key(name: str) -> str:
    return " ".join(fold(name).split())


def plan_catalogue(file: CatalogueFile) -> CataloguePlan:
    """What importing `file` would change: read only (two queries by import key, one for the absent sessions)."""
    training_keys = [t.key for t in file.trainings]
    trainings: dict[str, Training] = {}
    for chunk in _chunks(training_keys):
        trainings.update(
            {
                t.import_key: t
                for t in db.session.scalars(select(Training).where(Training.import_key.in_(chunk)))
                if t.import_key is not None
            }
        )
    session_keys = [s.key for t in file.trainings for s in t.sessions]
    sessions: dict[str, TrainingSession] = {}
    for chunk in _chunks(session_keys):
        sessions.update(
            {
                s.import_key: s
                for s in db.session.scalars(
                    select(TrainingSession)
                    .where(TrainingSession.import_key.in_(chunk))
                    .options(selectinload(TrainingSession.speakers))
                )
                if s.import_key is not None
            }
        )

    training_changes = []
    session_changes = []
    for spec in file.trainings:
        training = trainings.get(spec.key)
        if training is None:
            change = TrainingChange(spec, None, CREATE)
        else:
            fields = [
                label
                for label, old, new in (
                    ("titre", training.title, spec.title),
                    ("axe", training.axis, spec.axis),
                    ("modalité", training.modality, spec.modality),
                )
                if old != new
            ]
            change = TrainingChange(spec, training, UPDATE if fields else SAME, fields)
        training_changes.append(change)
        for session_spec in spec.sessions:
            session = sessions.get(session_spec.key)
            if session is None:
                session_changes.append(SessionChange(session_spec, change, None, CREATE))
                continue
            if training is None or session.training_id != training.id:
                # The key belongs to a session of another training: refused before anything is written.
                session_changes.append(SessionChange(session_spec, change, session, CREATE))
                continue
            fields = [
                _SESSION_FIELDS[name]
                for name, value in _session_values(session_spec).items()
                if getattr(session, name) != value
            ]
            if session_spec.speakers and sorted(_speaker_key(s.name) for s in session.speakers) != sorted(
                _speaker_key(n) for n in session_spec.speakers
            ):
                fields.append("intervenant·es")
            session_changes.append(SessionChange(session_spec, change, session, UPDATE if fields else SAME, fields))

    absent = 0
    existing_ids = [t.id for t in trainings.values()]
    wanted = set(session_keys)
    for chunk in _chunks(existing_ids):
        stored = db.session.scalars(
            select(TrainingSession.import_key).where(
                TrainingSession.training_id.in_(chunk), TrainingSession.import_key.is_not(None)
            )
        )
        absent += sum(1 for key in stored if key not in wanted)
    return CataloguePlan(file, training_changes, session_changes, absent)


def _refuse_moved_keys(plan: CataloguePlan) -> None:
    moved = [c for c in plan.sessions if c.action == CREATE and c.session is not None]
    if moved:
        raise ImportRefused(
            [
                Problem(c.spec.line, None, "cette session existe déjà sous une autre formation (même clé d'import).")
                for c in moved
            ]
        )


# Over the complexity limit: applies the plan: trainings, sessions, speakers, questionnaires, progress.
def import_catalogue(file: CatalogueFile, *, progress: Progress | None = None) -> CataloguePlan:  # noqa: C901
    """Create and update the file's trainings and sessions; flushes, never commits. Returns the plan applied."""
    plan = plan_catalogue(file)
    _refuse_moved_keys(plan)
    speakers = _speakers_by_key(plan)
    questionnaires: dict[Modality, Questionnaire] = {}
    default: Questionnaire | None = None

    def questionnaire_for(training: Training) -> Questionnaire:
        nonlocal default
        if training.questionnaire is not None:
            return training.questionnaire
        if training.modality not in questionnaires:
            chosen = modality_default(training.modality)
            if chosen is None:
                default = default or ensure_default_questionnaire()
                chosen = default
            questionnaires[training.modality] = chosen
        return questionnaires[training.modality]

    for change in plan.trainings:
        spec = change.spec
        if change.action == CREATE:
            change.training = create_training(
                title=spec.title, axis=spec.axis, modality=spec.modality, import_key=spec.key
            )
        elif change.action == UPDATE:
            training = change.training
            assert training is not None
            training.title, training.axis, training.modality = spec.title, spec.axis, spec.modality
    for done, session_change in enumerate(plan.sessions, start=1):
        if session_change.action != SAME:
            _apply_session_change(session_change, speakers, questionnaire_for)
        if progress is not None:
            progress(done)
    db.session.flush()
    import_completed.send(kind="catalogue", summary=plan.summary)
    return plan


def _apply_session_change(
    change: SessionChange, speakers: dict[str, Speaker], questionnaire_for: Callable[[Training], Questionnaire]
) -> None:
    spec = change.spec
    training = change.training.training
    assert training is not None
    wanted_speakers = [speakers[_speaker_key(n)] for n in spec.speakers]
    if change.action == CREATE:
        change.session = create_session(
            training,
            start_date=spec.start_date,
            end_date=spec.end_date,
            half_days=spec.half_days,
            department=spec.department,
            place=spec.place,
            participants_present=spec.participants,
            speakers=wanted_speakers,
            import_key=spec.key,
            questionnaire=questionnaire_for(training),
        )
    else:
        assert change.session is not None
        values = _session_values(spec)
        if spec.speakers:
            values["speakers"] = wanted_speakers
        update_session(change.session, **values)


def _speakers_by_key(plan: CataloguePlan) -> dict[str, Speaker]:
    """The speakers the file names, matched by name (case and accents aside); the missing ones are created."""
    names = {_speaker_key(n): n for c in plan.sessions if c.action != SAME for n in c.spec.speakers}
    if not names:
        return {}
    found: dict[str, Speaker] = {}
    for speaker in db.session.scalars(select(Speaker).order_by(Speaker.id)):
        found.setdefault(_speaker_key(speaker.name), speaker)
    for key, name in names.items():
        if key not in found:
            found[key] = create_speaker(name=name)
    return found


# -- attendance ------------------------------------------------------------------------------------------------


@dataclass
class SessionAttendance:
    session: TrainingSession
    hashes: set[str]
    existing: set[str]
    #: participants_present after the import (None: left as it is).
    present_after: int | None

    @property
    def added(self) -> int:
        return len(self.hashes - self.existing)

    @property
    def removed(self) -> int:
        return len(self.existing - self.hashes)

    @property
    def changes(self) -> bool:
        return self.hashes != self.existing or self.present_after is not None


@dataclass
class AttendancePlan:
    sessions: list[SessionAttendance]
    #: Lines naming a person already listed for the same session (counted once).
    duplicates: int = 0
    blank_rows: int = 0

    @property
    def summary(self) -> dict[str, int]:
        return {
            "sessions": len(self.sessions),
            "people": sum(len(s.hashes) for s in self.sessions),
            "added": sum(s.added for s in self.sessions),
            "removed": sum(s.removed for s in self.sessions),
            "duplicates": self.duplicates,
        }

    @property
    def changes(self) -> bool:
        return any(s.changes for s in self.sessions)


def resolve_attendance(file: AttendanceFile, *, session_id: int | None) -> tuple[dict[int, set[str]], int]:
    """The hashes of each session of the file, by session id, and the number of repeated lines.

    Raises ImportRefused when a session is unknown, missing, or given both in the file and by `session_id`.
    """
    if file.has_session_column and session_id is not None:
        raise ImportRefused(
            [Problem(None, file.session_column, "le fichier indique déjà les sessions : ne choisissez pas de session.")]
        )
    if not file.has_session_column and session_id is None:
        raise ImportRefused(
            [Problem(None, None, "Indiquez la session de cette liste (ou ajoutez une colonne « session » au fichier).")]
        )
    if session_id is not None:
        if db.session.get(TrainingSession, session_id) is None:
            raise ImportRefused([Problem(None, None, f"La session n° {session_id} n'existe pas.")])
        refs: dict[str | None, int] = {None: session_id}
    else:
        refs = _session_ids({e.session_ref for e in file.entries if e.session_ref})
    problems = [
        Problem(
            e.line, file.session_column, f"session inconnue « {(e.session_ref or '')[:60]} » (numéro ou clé d'import)."
        )
        for e in file.entries
        if refs.get(e.session_ref) is None
    ]
    if problems:
        raise ImportRefused(problems)
    lists: dict[int, set[str]] = {}
    duplicates = 0
    for entry in file.entries:
        people = lists.setdefault(refs[entry.session_ref], set())
        if entry.person_hash in people:
            duplicates += 1
        people.add(entry.person_hash)
    return lists, duplicates


def _session_ids(refs: set[str]) -> dict[str | None, int]:
    """Session references as written (an id, or an import key) to session ids: one query for each kind."""
    numbers = {ref: int(ref) for ref in refs if ref.isdigit() and len(ref) < 12}
    keys = [ref for ref in refs if ref not in numbers]
    found: dict[str | None, int] = {}
    for chunk in _chunks(sorted(set(numbers.values()))):
        ids = set(db.session.scalars(select(TrainingSession.id).where(TrainingSession.id.in_(chunk))))
        found.update({ref: number for ref, number in numbers.items() if number in ids})
    for chunk in _chunks(keys):
        rows = db.session.execute(
            select(TrainingSession.import_key, TrainingSession.id).where(TrainingSession.import_key.in_(chunk))
        )
        found.update({key: session_id for key, session_id in rows})
    return found


def plan_attendance(lists: dict[int, set[str]], *, duplicates: int = 0, blank_rows: int = 0) -> AttendancePlan:
    """What importing these lists would change; each list replaces the one stored for its session."""
    ids = sorted(lists)
    sessions: dict[int, TrainingSession] = {}
    existing: dict[int, set[str]] = {i: set() for i in ids}
    for chunk in _chunks(ids):
        sessions.update(
            {
                s.id: s
                for s in db.session.scalars(
                    select(TrainingSession)
                    .where(TrainingSession.id.in_(chunk))
                    .options(selectinload(TrainingSession.training))
                )
            }
        )
        for session_id, person in db.session.execute(
            select(Attendance.session_id, Attendance.person_hash).where(Attendance.session_id.in_(chunk))
        ):
            existing[session_id].add(person)
    missing = [i for i in ids if i not in sessions]
    if missing:
        raise ImportRefused([Problem(None, None, f"La session n° {i} n'existe plus.") for i in missing])
    planned = []
    for session_id in ids:
        session, hashes, stored = sessions[session_id], lists[session_id], existing[session_id]
        present = session.participants_present
        # The count of people present follows the list when it came from a list (or was never given).
        follows_list = present is None or (stored and present == len(stored))
        present_after = len(hashes) if follows_list and present != len(hashes) else None
        planned.append(SessionAttendance(session, hashes, stored, present_after))
    planned.sort(key=lambda s: (s.session.start_date, s.session.id))
    return AttendancePlan(planned, duplicates, blank_rows)


def import_attendance(plan: AttendancePlan) -> AttendancePlan:
    """Write the lists of the plan: add the new hashes, drop those no longer listed; flushes, never commits."""
    for item in plan.sessions:
        removed = sorted(item.existing - item.hashes)
        for chunk in _chunks(removed):
            db.session.execute(
                delete(Attendance).where(Attendance.session_id == item.session.id, Attendance.person_hash.in_(chunk))
            )
        added = sorted(item.hashes - item.existing)
        if added:
            db.session.execute(insert(Attendance), [{"session_id": item.session.id, "person_hash": h} for h in added])
        if item.present_after is not None:
            item.session.participants_present = item.present_after
    db.session.flush()
    import_completed.send(kind="attendance", summary=plan.summary)
    return plan
