"""State changes of the catalogue and questionnaires. They flush, never commit: the request commits once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from feedback.catalogue.library import DEFAULT_FAMILY, HOT_EVALUATION, LIBRARY
from feedback.db import db, utcnow
from feedback.errors import Refusal
from feedback.models import (
    Axis,
    Department,
    Modality,
    ModalityDefault,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireFrozen,
    QuestionnaireStatus,
    QuestionOption,
    Response,
    Speaker,
    Training,
    TrainingSession,
)
from feedback.signals import session_closed, session_opened


def create_questionnaire(definition: dict[str, Any], *, publish: bool = True) -> Questionnaire:
    """Build a questionnaire version (with its questions and options) from plain data."""
    family = definition["family"]
    latest = db.session.scalar(select(db.func.max(Questionnaire.version)).where(Questionnaire.family == family))
    questionnaire = Questionnaire(
        family=family,
        version=(latest or 0) + 1,
        title=definition["title"],
        # `or ""`: an imported JSON may carry null for an optional text, and the columns are NOT NULL.
        title_en=definition.get("title_en") or "",
        intro=definition.get("intro") or "",
        intro_en=definition.get("intro_en") or "",
        is_anonymous=definition.get("is_anonymous", True),
        is_one_per_device=definition.get("is_one_per_device", False),
        consent_text=definition.get("consent_text") or "",
        consent_text_en=definition.get("consent_text_en") or "",
        status=QuestionnaireStatus.DRAFT,
    )
    for position, q in enumerate(definition["questions"], start=1):
        question = Question(
            position=position,
            code=q["code"],
            kind=QuestionKind(q["kind"]),
            label=q["label"],
            label_en=q.get("label_en") or "",
            help_text=q.get("help_text") or "",
            help_text_en=q.get("help_text_en") or "",
            is_required=q.get("is_required", False),
            is_overall=q.get("is_overall", False),
        )
        for opt_position, opt in enumerate(q.get("options", []), start=1):
            question.options.append(
                QuestionOption(
                    position=opt_position, value=opt["value"], label=opt["label"], label_en=opt.get("label_en") or ""
                )
            )
        questionnaire.questions.append(question)
    db.session.add(questionnaire)
    if publish:
        publish_questionnaire(questionnaire)
    db.session.flush()
    return questionnaire


def publish_questionnaire(questionnaire: Questionnaire) -> None:
    """Freeze a version: from now on it is answered, never edited."""
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise QuestionnaireFrozen(questionnaire)
    questionnaire.status = QuestionnaireStatus.PUBLISHED
    questionnaire.published_dt = utcnow()


def ensure_default_questionnaire() -> Questionnaire:
    """The published "évaluation à chaud", created on first use."""
    questionnaire = db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.family == DEFAULT_FAMILY, Questionnaire.status == QuestionnaireStatus.PUBLISHED)
        .order_by(Questionnaire.version.desc())
        .limit(1)
    )
    return questionnaire or create_questionnaire(HOT_EVALUATION)


def latest_published(family: str) -> Questionnaire | None:
    """The newest published version of a family (archived ones are no longer offered)."""
    return db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.family == family, Questionnaire.status == QuestionnaireStatus.PUBLISHED)
        .order_by(Questionnaire.version.desc())
        .limit(1)
    )


def ensure_family_questionnaire(family: str) -> Questionnaire | None:
    """The latest published version of a family; a library family is created (published) on first use."""
    questionnaire = latest_published(family)
    if questionnaire is None:
        definition = next((d for d in LIBRARY if d["family"] == family), None)
        exists = db.session.scalar(select(Questionnaire.id).where(Questionnaire.family == family).limit(1))
        if definition is not None and exists is None:  # never revive a library family a manager archived
            questionnaire = create_questionnaire(definition)
    return questionnaire


def modality_default(modality: Modality) -> Questionnaire | None:
    """The questionnaire managers chose for new sessions of this modality, if any is still published."""
    chosen = db.session.get(ModalityDefault, modality)
    return ensure_family_questionnaire(chosen.family) if chosen is not None else None


def create_training(
    *, title: str, axis: Axis, modality: Modality, description: str = "", import_key: str | None = None
) -> Training:
    training = Training(title=title, axis=axis, modality=modality, description=description, import_key=import_key)
    db.session.add(training)
    db.session.flush()
    return training


def update_training(training: Training, *, title: str, axis: Axis, modality: Modality, description: str) -> None:
    training.title, training.axis, training.modality, training.description = title, axis, modality, description
    db.session.flush()


def set_training_questionnaires(
    training: Training, *, questionnaire: Questionnaire | None, followup_family: str | None, followup_delay_days: int
) -> None:
    """The questionnaire of its new sessions (none: its modality's), and the follow-up sent after its last session."""
    training.questionnaire = questionnaire
    training.followup_family = followup_family
    training.followup_delay_days = followup_delay_days
    db.session.flush()


def create_session(
    training: Training,
    *,
    start_date: date,
    end_date: date | None = None,
    half_days: int = 1,
    department: Department | None = None,
    place: str = "",
    participants_present: int | None = None,
    speakers: list[Speaker] | None = None,
    import_key: str | None = None,
    default_questionnaire: Questionnaire | None = None,
    questionnaire: Questionnaire | None = None,
) -> TrainingSession:
    """A new session answers the questionnaire chosen for it, else its training's, its modality's or the default."""
    questionnaire = (
        questionnaire
        or training.questionnaire
        or modality_default(training.modality)
        or default_questionnaire
        or ensure_default_questionnaire()
    )
    session = TrainingSession(
        training=training,
        start_date=start_date,
        end_date=end_date,
        half_days=half_days,
        department=department,
        place=place,
        participants_present=participants_present,
        questionnaire=questionnaire,
        speakers=list(speakers or []),
        import_key=import_key,
    )
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TrainingSession, **fields: Any) -> None:
    allowed = {"start_date", "end_date", "half_days", "department", "place", "participants_present", "speakers"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"cannot set {name}")
        setattr(session, name, value)
    if "start_date" in fields:
        # The responses carry their session's date for the period aggregates (models.Response.session_date).
        db.session.execute(
            update(Response).where(Response.session_id == session.id).values(session_date=session.start_date)
        )
    db.session.flush()


def open_session(session: TrainingSession, *, now: datetime | None = None) -> None:
    """Open the form now, by hand; keeps a planned closing time that is still ahead."""
    now = now or utcnow()
    session.opens_dt = now
    if session.closes_dt is not None and session.closes_dt <= now:
        session.closes_dt = None
    session.close_announced_dt = None  # the next closing, by hand or planned, is announced again
    db.session.flush()
    session_opened.send(session_id=session.id, at=now)


def close_session(session: TrainingSession, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.closes_dt = now
    if session.opens_dt is None or session.opens_dt > now:
        session.opens_dt = now
    session.close_announced_dt = now
    db.session.flush()
    session_closed.send(session_id=session.id, at=now)


def schedule_session(session: TrainingSession, *, opens_dt: datetime | None, closes_dt: datetime | None) -> None:
    if opens_dt and closes_dt and closes_dt <= opens_dt:
        raise ValueError("closing must come after opening")
    if closes_dt != session.closes_dt:
        # A closing moved: announced when its time comes. One already past when it is set (an import of past
        # sessions, a date corrected afterwards) closed nothing that was open: it is not announced.
        past = closes_dt is not None and closes_dt <= utcnow()
        session.close_announced_dt = closes_dt if past else None
    session.opens_dt, session.closes_dt = opens_dt, closes_dt
    db.session.flush()


def announce_planned_closes(now: datetime | None = None) -> list[int]:
    """Announce (`session.closed`) each closing whose planned time has come and that nobody announced yet: the
    mark and the event's deliveries are written in the caller's transaction, so a closing is announced once even
    with two workers (the UPDATE of the second finds the mark) and never lost (a worker killed before its commit
    leaves it unmarked for the next run). Returns the sessions announced."""
    now = now or utcnow()
    due = db.session.execute(
        select(TrainingSession.id, TrainingSession.closes_dt).where(
            TrainingSession.closes_dt.is_not(None),
            TrainingSession.closes_dt <= now,
            TrainingSession.close_announced_dt.is_(None),
        )
    ).all()
    announced = []
    for session_id, closes_dt in due:
        marked = db.session.execute(
            update(TrainingSession)
            .where(TrainingSession.id == session_id, TrainingSession.close_announced_dt.is_(None))
            .values(close_announced_dt=now)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount == 1:  # type: ignore[attr-defined]
            session_closed.send(session_id=session_id, at=closes_dt)
            announced.append(session_id)
    return announced


def create_speaker(*, name: str, organisation: str = "", email: str | None = None, user=None) -> Speaker:
    speaker = Speaker(name=name, organisation=organisation, email=(email or None), user=user)
    db.session.add(speaker)
    db.session.flush()
    return speaker


def update_speaker(speaker: Speaker, *, name: str, organisation: str, email: str | None, user) -> None:
    speaker.name, speaker.organisation, speaker.email, speaker.user = name, organisation, (email or None), user
    db.session.flush()


class SessionHasResponses(Refusal):
    """A session keeps its questionnaire version once answered."""

    default_message = (
        "Cette session a déjà des réponses : elle garde sa version du questionnaire, "
        "pour que chaque réponse reste liée aux questions qui ont été posées."
    )
    default_field = "questionnaire"


def move_session_to(session: TrainingSession, questionnaire: Questionnaire) -> None:
    """Give a session another published version; refused once it has responses (they keep their wording)."""
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        raise ValueError("a session answers a published version")
    session.questionnaire = questionnaire
    db.session.flush()
    # Look for responses only once the row is ours, so that none slips in between the look and the move (the caller
    # rolls back on refusal). SQLite: the UPDATE took the database's write lock. PostgreSQL: FOR UPDATE waits for a
    # response being stored (its foreign key holds a KEY SHARE lock on the row) and holds new ones until we commit.
    db.session.execute(select(TrainingSession.id).where(TrainingSession.id == session.id).with_for_update())
    answered = db.session.scalar(select(Response.id).where(Response.session_id == session.id).limit(1))
    if answered is not None:
        raise SessionHasResponses()


def edit_session(
    session: TrainingSession,
    *,
    questionnaire: Questionnaire | None,
    schedule: tuple[datetime | None, datetime | None] | None,
    **fields: Any,
) -> None:
    """Save a session's form: its questionnaire version first (SessionHasResponses once it has responses), then its
    fields, then its opening and closing times (`schedule` None: the times were not touched, their seconds stay)."""
    if questionnaire is not None and questionnaire.id != session.questionnaire_id:
        move_session_to(session, questionnaire)
    update_session(session, **fields)
    if schedule is not None:
        schedule_session(session, opens_dt=schedule[0], closes_dt=schedule[1])
