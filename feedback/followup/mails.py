"""The follow-up e-mail and its reminder: plain text, in French, links built from BASE_URL."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from babel.dates import format_date
from flask import current_app

from feedback.mail import new_message
from feedback.models import Questionnaire, TrainingSession
from feedback.timeutil import local_zone

LOCALE = "fr_FR"


def followup_link(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/s/suivi/{token}"


def _render_followup(template: str, session: TrainingSession, questionnaire: Questionnaire, token: str, now) -> str:
    until = now + timedelta(days=current_app.config["FOLLOWUP_LINK_MAX_AGE_DAYS"])
    context = {
        "session": session,
        "title": " ".join(session.training.title.split()),
        "day": format_date(session.start_date, "d MMMM y", locale=LOCALE),
        "until": format_date(until.astimezone(local_zone()).date(), "d MMMM y", locale=LOCALE),
        "link": followup_link(token),
        "is_anonymous": questionnaire.is_anonymous,
        "signature": parseaddr(current_app.config["MAIL_FROM"])[0] or "Retours",
    }
    return current_app.jinja_env.get_template(template).render(context)


def followup_message(
    session: TrainingSession, questionnaire: Questionnaire, email: str, token: str, now: datetime
) -> EmailMessage:
    title = " ".join(session.training.title.split())
    body = _render_followup("mail/followup.txt", session, questionnaire, token, now)
    return new_message(email, f"Quelques mois après « {title} » : qu'en avez-vous fait ?", body)


def followup_reminder_message(
    session: TrainingSession, questionnaire: Questionnaire, email: str, token: str, now: datetime
) -> EmailMessage:
    title = " ".join(session.training.title.split())
    body = _render_followup("mail/followup_reminder.txt", session, questionnaire, token, now)
    return new_message(email, f"Rappel : quelques mois après « {title} »", body)
