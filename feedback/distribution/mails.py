"""The invitation and reminder e-mails: plain text, in French, links built from BASE_URL."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parseaddr

from babel.dates import format_date, format_datetime
from flask import current_app

from feedback.mail import new_message
from feedback.models import TrainingSession
from feedback.timeutil import local_zone

LOCALE = "fr_FR"


def personal_link(session: TrainingSession, token: str) -> str:
    """Built from the configured base URL, never from the Host header of the request that sends it."""
    return f"{current_app.config['BASE_URL']}/s/{session.public_code}?i={token}"


def _render(template: str, session: TrainingSession, token: str) -> str:
    closes = session.closes_dt
    context = {
        "session": session,
        "title": " ".join(session.training.title.split()),
        "day": format_date(session.start_date, "d MMMM y", locale=LOCALE),
        "closes": format_datetime(closes, "d MMMM y 'à' HH:mm", tzinfo=local_zone(), locale=LOCALE) if closes else None,
        "link": personal_link(session, token),
        "is_anonymous": session.questionnaire.is_anonymous,
        "signature": parseaddr(current_app.config["MAIL_FROM"])[0] or "Retours",
    }
    # Plain text: Jinja does not escape .txt templates, and there is no HTML part to inject into.
    return current_app.jinja_env.get_template(template).render(context)


def invitation_message(session: TrainingSession, email: str, token: str) -> EmailMessage:
    title = " ".join(session.training.title.split())
    return new_message(email, f"Votre avis sur « {title} »", _render("mail/invitation.txt", session, token))


def reminder_message(session: TrainingSession, email: str, token: str) -> EmailMessage:
    title = " ".join(session.training.title.split())
    return new_message(email, f"Rappel : votre avis sur « {title} »", _render("mail/reminder.txt", session, token))
