"""Forms of the account pages (French only: staff pages)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from feedback.auth.forms import StaffForm
from feedback.auth.operations import MAX_PASSWORD_LENGTH
from feedback.labels import ROLE_LABELS
from feedback.models import Role

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


def _valid_email(form, field) -> None:
    try:
        field.data = validate_email(field.data or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError("Adresse e-mail invalide.") from error


class InviteForm(StaffForm):
    email = EmailField(
        "Adresse e-mail", validators=[DataRequired("Indiquez l'adresse e-mail."), Length(max=254), _valid_email]
    )
    name = StringField("Nom affiché", validators=[Optional(), Length(max=200)])
    role = SelectField("Rôle", choices=ROLE_CHOICES, default=Role.TRAINER.value)


class RoleForm(StaffForm):
    role = SelectField("Rôle", choices=ROLE_CHOICES)


class ForgotPasswordForm(StaffForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired("Indiquez votre adresse e-mail."), Length(max=254)])


class ChoosePasswordForm(StaffForm):
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[
            DataRequired("Choisissez un mot de passe."),
            Length(max=MAX_PASSWORD_LENGTH, message=f"{MAX_PASSWORD_LENGTH} caractères au plus."),
        ],
        description="8 caractères au moins ; une phrase de plusieurs mots est idéale (jusqu'à 128 caractères).",
    )
    confirm = PasswordField(
        "Le même, une seconde fois",
        validators=[DataRequired("Retapez le mot de passe."), EqualTo("password", "Les deux saisies diffèrent.")],
    )


class AuditFilterForm(StaffForm):
    """Read from the query string (GET): no CSRF token."""

    class Meta:
        csrf = False

    user = SelectField("Compte", validators=[Optional()], validate_choice=False)
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
