"""Forms of the quotes workspace (CSRF-protected POSTs)."""

from __future__ import annotations

from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from feedback.auth.forms import StaffForm
from feedback.comments.filters import TONE_LABELS
from feedback.models import TONES, QuoteStatus
from feedback.quotes.operations import MAX_QUOTE_LENGTH


class StatusForm(StaffForm):
    """One button of the workflow: the status it moves the comment to."""

    status = SelectField(
        "Statut",
        choices=[SelectChoice(status.value, status.value) for status in QuoteStatus],
        validators=[InputRequired("Choisissez un statut.")],
    )
    next = HiddenField()


class QuoteTextForm(StaffForm):
    text = TextAreaField(
        "Texte de la citation",
        validators=[Optional(), Length(max=MAX_QUOTE_LENGTH, message=f"{MAX_QUOTE_LENGTH} caractères au plus.")],
        description="Raccourcir, corriger une faute : le commentaire d'origine reste conservé. "
        "Vide : le texte d'origine.",
    )
    next = HiddenField()


class ToneForm(StaffForm):
    """Staff's tone for a comment: the analysis' confirmed, or corrected; empty: the analysis' own, unchecked."""

    tone = SelectField(
        "Ton du commentaire",
        choices=[SelectChoice("", "Celui de l'analyse")] + [SelectChoice(tone, TONE_LABELS[tone]) for tone in TONES],
        validators=[Optional()],
    )
    next = HiddenField()
