"""The demo's answers: the participants' forms (and follow-ups), the trainers' own questionnaires, as submitted."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from feedback.answers import field_name, grid_field_name, parse_survey
from feedback.db import db
from feedback.demo.settings import FOLLOWUP_DELAY_DAYS, PARIS
from feedback.demo_comments import FOLLOWUP_NEEDS, FOLLOWUP_OBSTACLES, TRAINER_REMARKS, compose_comment
from feedback.imports.parsing import fold
from feedback.models import (
    Axis,
    QuestionKind,
    Questionnaire,
    Response,
    Speaker,
    Training,
    TrainingSession,
)
from feedback.questionnaire_structure import questions_of
from feedback.reviews.operations import save_trainer_review
from feedback.survey.operations import submit_response

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


def opening_of(session: TrainingSession) -> datetime:
    """When a past session's form opened: the demo opens every session it answers."""
    if session.opens_dt is None:
        raise ValueError(f"the demo answers only opened sessions (session {session.id})")
    return session.opens_dt


def profile_weights(axis: Axis, title: str) -> dict[str, float]:
    weights: dict[str, float] = dict(_BASE_PROFILE_WEIGHTS)
    folded = " " + fold(title).upper()
    for keyword, profiles in _PROFILE_HINTS:
        if keyword in folded:
            for profile in profiles:
                weights[profile] *= 6
    for profile in _AXIS_PROFILES.get(axis, ()):
        weights[profile] *= 2.5
    return weights


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


def session_window(day: date) -> tuple[datetime, datetime]:
    opens = datetime.combine(day, time(16, 0), tzinfo=PARIS).astimezone(UTC)
    return opens, opens + timedelta(days=14)


@dataclass
class SessionContext:
    """What the answers of one session depend on."""

    session: TrainingSession
    training: Training
    mean: float
    names: list[str]
    profiles: list[str]
    profile_weights: list[float]


# Over the complexity limit: one branch per question kind, mirroring what a participant ticks and writes.
def _answer_form(rng: random.Random, questions, level: int, context: SessionContext) -> MultiDict:  # noqa: C901
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


def answer_session(
    rng: random.Random,
    context: SessionContext,
    count: int,
    now: datetime,
    followup: Questionnaire | None,
    max_text: int,
) -> tuple[int, int]:
    """Submit the participants' answers of a past session (and some follow-ups); returns (answers, follow-ups)."""
    session = context.session
    opened = opening_of(session)
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


def trainer_reviews(
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
            when = opening_of(session) + timedelta(days=rng.uniform(0.1, 10))
            save_trainer_review(session, speaker, questionnaire, parsed, now=when, check_open=False)
