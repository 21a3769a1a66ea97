"""Staff forms of the catalogue."""

from __future__ import annotations

from flask import current_app
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.auth.forms import StaffForm
from feedback.labels import AXIS_LABELS, DEPARTMENT_LABELS, MODALITY_LABELS

REQUIRED = "Ce champ est obligatoire."


class TrainingForm(StaffForm):
    title = StringField("Intitulé", validators=[DataRequired(REQUIRED), Length(max=300)])
    axis = SelectField("Axe thématique", choices=[SelectChoice(str(a), label) for a, label in AXIS_LABELS.items()])
    modality = SelectField("Modalité", choices=[SelectChoice(str(m), label) for m, label in MODALITY_LABELS.items()])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    #: Choices set by the view: published versions (and the training's own, should it be archived since).
    questionnaire = SelectField(
        "Questionnaire des nouvelles sessions",
        validators=[Optional()],
        validate_choice=True,
        description="Les sessions déjà créées gardent le leur ; une session peut aussi en recevoir un autre.",
    )
    #: Choices set by the view: families with a published version (and the training's own).
    followup_family = SelectField(
        "Questionnaire de suivi (évaluation à froid)",
        validators=[Optional()],
        validate_choice=True,
        description="Envoyé par e-mail aux participant·es qui ont laissé leur adresse en fin de questionnaire "
        "ou qui ont été invité·es par e-mail, avec un rappel.",
    )
    followup_delay_days = IntegerField(
        "Délai avant le questionnaire de suivi (jours après la dernière session)",
        default=90,
        validators=[Optional(), NumberRange(1, 730, "Entre 1 et 730 jours.")],
    )

    def validate_followup_delay_days(self, field):
        """The addresses must still be there when the follow-up and its reminder leave."""
        if not self.followup_family.data or field.data is None:
            return
        retention = current_app.config["FOLLOWUP_RETENTION_DAYS"]
        reminder = current_app.config["FOLLOWUP_REMINDER_AFTER_DAYS"]
        if field.data + reminder >= retention:
            raise ValidationError(
                f"Les adresses laissées sont effacées au bout de {retention} jours : choisissez un délai "
                f"de moins de {retention - reminder} jours (le rappel part {reminder} jours après le questionnaire)."
            )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(StaffForm):
    start_date = DateField("Date", validators=[InputRequired("Indiquez la date de la session.")])
    end_date = DateField("Dernier jour (session sur plusieurs jours)", validators=[Optional()])
    half_days = IntegerField(
        "Demi-journées",
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, "Entre 0 et 100 demi-journées.")],
    )
    department = SelectField(
        "Département",
        choices=[SelectChoice("", "Aucun (régional, national)")]
        + [SelectChoice(d.value, lb) for d, lb in DEPARTMENT_LABELS.items()],
    )
    place = StringField("Lieu", validators=[Optional(), Length(max=300)])
    participants_present = IntegerField(
        "Participants présents",
        validators=[Optional(), NumberRange(0, 100000, "Indiquez un nombre positif.")],
        description="Peut être complété après la session, d'après la feuille d'émargement.",
    )
    speakers = MultiCheckboxField("Intervenant·es", coerce=int, validate_choice=True)
    opens_at = DateTimeLocalField("Ouverture du questionnaire", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField("Fermeture du questionnaire", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    #: Choices set by the view: the published versions (and, when editing, the session's own version).
    questionnaire = SelectField(
        "Questionnaire",
        validators=[Optional()],  # not sent (an older page, a script): the session keeps its version
        validate_choice=True,
        description="Une session garde sa version ; elle peut en changer tant qu'elle n'a reçu aucune réponse.",
    )

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("Le dernier jour ne peut précéder la date de début.")

    #: The stored (opening, closing) shown in the form, to the minute: saving them untouched is always allowed.
    stored_schedule: tuple | None = None

    def schedule_unchanged(self) -> bool:
        return (self.opens_at.data, self.closes_at.data) == self.stored_schedule

    def validate_closes_at(self, field):
        if self.schedule_unchanged():
            return  # e.g. opened and closed by hand within the same minute
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("La fermeture doit suivre l'ouverture.")


class SpeakerForm(StaffForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=200)])
    organisation = StringField("Structure", validators=[Optional(), Length(max=200)])
    email = EmailField(
        "Adresse e-mail",
        validators=[Optional(), Email("Adresse e-mail invalide.", check_deliverability=False), Length(max=254)],
    )
    account_email = EmailField(
        "Compte de connexion (e-mail d'un compte intervenant·e existant)",
        validators=[Optional(), Email("Adresse e-mail invalide.", check_deliverability=False), Length(max=254)],
        description="Relie l'intervenant·e à son compte pour qu'il ou elle voie ses propres résultats.",
    )
