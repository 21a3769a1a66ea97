"""Access rules, one per kind of object, checked in one place. Refusals are 404s: nothing leaks."""

from __future__ import annotations

from functools import wraps
from typing import NoReturn

from flask import abort, current_app, request
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, select

from feedback.db import db
from feedback.models import Role, Speaker, Training, TrainingSession, session_speakers


def roles_required(*roles: Role):
    """Staff view decorator: logged in, with one of these roles (404 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                _refuse()
            return view(*args, **kwargs)

        return wrapped

    return decorator


managers_only = roles_required(Role.ADMIN, Role.MANAGER)
staff_only = roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION, Role.TRAINER)


def _refuse() -> NoReturn:
    # Logged without any answer text: who, what, where.
    current_app.logger.warning(
        "access refused: user=%s role=%s %s %s",
        getattr(current_user, "id", None),
        getattr(current_user, "role", None),
        request.method,
        request.path,
    )
    abort(404)


def has_own_results(user) -> bool:
    """Whether « Mes résultats » means something to the user: a trainer (even one not linked yet, whom the page tells
    how), or any staff member linked to a speaker profile. One indexed EXISTS."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TRAINER:
        return True
    return bool(db.session.scalar(select(exists().where(Speaker.user_id == user.id))))


def own_sessions(user) -> Select:
    """Sessions where the user's speaker profile is among the speakers."""
    # From the speaker to their sessions through the index, not a test of every session of the catalogue.
    speaker_sessions = (
        select(session_speakers.c.session_id)
        .join(Speaker, Speaker.id == session_speakers.c.speaker_id)
        .where(Speaker.user_id == user.id)
    )
    return select(TrainingSession).where(TrainingSession.id.in_(speaker_sessions))


def sessions_visible_to(user) -> Select:
    """Sessions the user may see the scores of: all for managers and communication, their own for trainers."""
    if user.can_read_all_scores:
        return select(TrainingSession)
    return own_sessions(user)


def get_session_or_404(session_id: int, *, for_management: bool = False) -> TrainingSession:
    """Load a session the current user may see (or manage); 404 for anyone else."""
    if for_management and not current_user.can_manage:
        _refuse()
    session = db.session.scalar(sessions_visible_to(current_user).where(TrainingSession.id == session_id))
    if session is None:
        _refuse()
    return session


def get_training_or_404(training_id: int, *, for_management: bool = False) -> Training:
    """Load a training; a trainer only reaches trainings in which they spoke at a session."""
    if for_management and not current_user.can_manage:
        _refuse()
    training = db.session.get(Training, training_id)
    if training is None:
        _refuse()
    if not current_user.can_read_all_scores:
        visible = db.session.scalar(
            sessions_visible_to(current_user).where(TrainingSession.training_id == training_id).limit(1)
        )
        if visible is None:
            _refuse()
    return training
