"""Forms of the webhooks' admin page (French only: staff pages)."""

from __future__ import annotations

from flask import current_app
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.auth.forms import StaffForm
from feedback.models import WEBHOOK_EVENTS
from feedback.webhooks.network import UnsafeUrl, check_url

EVENT_LABELS = {
    "response.submitted": "response.submitted : une réponse est enregistrée (identifiants et notes, jamais de texte)",
    "session.opened": "session.opened : le questionnaire d'une session est ouvert",
    "session.closed": "session.closed : le questionnaire d'une session est fermé",
    "quote.approved": "quote.approved : une citation est validée",
    "import.completed": "import.completed : un import (catalogue, émargements) est terminé",
}


def _safe_url(form, field) -> None:
    try:
        check_url(field.data or "", allow_http=current_app.config["WEBHOOK_ALLOW_HTTP"])
    except UnsafeUrl as problem:
        raise ValidationError(str(problem)) from None


class EndpointForm(StaffForm):
    url = StringField(
        "Adresse du récepteur (https://…)",
        validators=[DataRequired("Indiquez l'adresse du récepteur."), Length(max=2000), _safe_url],
    )
    description = StringField("Description", validators=[Optional(), Length(max=200)])
    events = SelectMultipleField(
        "Événements",
        choices=[SelectChoice(name, EVENT_LABELS[name]) for name in WEBHOOK_EVENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choisissez au moins un événement.")],
    )
    allows_private_network = BooleanField(
        "Autoriser les adresses privées ou locales (un récepteur dans le réseau de l'organisme)"
    )
