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

The package, by concern: `settings` (the demo's fixed choices), `people` (accounts and speakers), `catalogue` (both
years' catalogue, places, attendance lists, the open session), `answers` (participants, follow-ups, trainers),
`quotes` (the communication officer's choice), `summary` (what the demo holds); `load_demo` runs them in order.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from feedback.catalogue.library import TRAINER_FAMILY
from feedback.catalogue.operations import ensure_family_questionnaire, set_training_questionnaires
from feedback.db import db
from feedback.demo.answers import SessionContext, answer_session, profile_weights, session_window, trainer_reviews
from feedback.demo.catalogue import (
    catalogue_file,
    create_open_session,
    dress,
    import_attendance_lists,
    previous_year_table,
)
from feedback.demo.people import DEMO_ACCOUNTS, DEMO_SPEAKERS, DemoLogin, ensure_people
from feedback.demo.quotes import curate_quotes
from feedback.demo.settings import (
    DEMO_PASSWORD,
    FOLLOWUP_DELAY_DAYS,
    FOLLOWUP_FAMILY,
    OPEN_SESSION_KEY,
    PARIS,
    PREVIOUS_YEAR,
    REPORT_YEAR,
)
from feedback.demo.summary import DemoSummary, demo_summary
from feedback.imports.operations import CREATE, import_catalogue
from feedback.imports.parsing import consecutive_runs, parse_french_dates, readable_title
from feedback.models import Modality, TrainingSession


# Over the complexity limit: the demo's steps in their order, each skipped when already loaded.
def load_demo(catalogue_path: Path, *, seed: int = 2025, now: datetime | None = None) -> DemoSummary:  # noqa: C901
    """Import both years of the catalogue, then the attendance lists and answers of the sessions created now.

    Flushes, never commits. `now` (aware) fixes the clock for tests; by default the real one.
    """
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = now.astimezone(PARIS).date()
    users, new_accounts, speakers = ensure_people()
    speaker_effect = {s.name: DEMO_SPEAKERS[i].quality for i, s in enumerate(speakers)}
    trainers = {s.name: s for s, d in zip(speakers, DEMO_SPEAKERS, strict=True) if d.account}

    data = catalogue_path.read_bytes()
    files = [
        catalogue_file(previous_year_table(data, rng), PREVIOUS_YEAR),
        catalogue_file(data, REPORT_YEAR),
    ]
    created: list[TrainingSession] = []
    for file in files:
        dress(file, rng)
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
            session.opens_dt, session.closes_dt = session_window(last_day)
            session.close_announced_dt = session.closes_dt  # closed long ago: no `session.closed` event now
            past.append(session)
        elif last_day == today:
            session.opens_dt = session_window(last_day)[0]
    db.session.flush()
    import_attendance_lists(rng, past)

    max_text = current_app.config["MAX_TEXT_ANSWER_LENGTH"]
    for session in past:
        training = trainings[session.training_id]
        names = [s.name for s in session.speakers]
        effect = sum(speaker_effect.get(n, 0.0) for n in names) / max(len(names), 1)
        weights = profile_weights(training.axis, training.title)
        context = SessionContext(
            session,
            training,
            quality[training.id] + rng.gauss(0.0, 0.2) + effect,
            [n.split(" ")[0] for n in names],
            list(weights),
            list(weights.values()),
        )
        present = session.participants_present or rng.randint(8, 40)
        count = round(present * rng.uniform(0.5, 0.85))
        answer_session(
            rng,
            context,
            count,
            now,
            followup if training.followup_family == FOLLOWUP_FAMILY else None,
            max_text,
        )
        if trainer_view is not None:
            trainer_reviews(rng, session, trainers, trainer_view, context.mean, max_text)
    communication = users.get("communication@demo.retours.fr")
    if communication is not None and past:
        db.session.flush()
        curate_quotes(rng, [s.id for s in past], communication)

    opening = (
        db.session.scalar(select(TrainingSession.id).where(TrainingSession.import_key == OPEN_SESSION_KEY)) is None
    )
    if opening:
        create_open_session(rng, speakers, today, now)
    db.session.flush()
    nothing_new = not created and not new_accounts and not opening
    return demo_summary(already_loaded=nothing_new, new_accounts=frozenset(new_accounts))


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
