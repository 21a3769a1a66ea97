from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from feedback.answers import clean_text


def _clean_input(value):
    return clean_text(value) if isinstance(value, str) else value


class StaffForm(FlaskForm):
    """Every text typed in a staff form is NFC, trimmed and free of control characters (PostgreSQL refuses NUL)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, PasswordField):  # a password is hashed as typed
                options["filters"] = (*options.get("filters", ()), _clean_input)
            return super().bind_field(form, unbound_field, options)


class ConfirmForm(StaffForm):
    """An empty form: a CSRF-protected POST button (open, close...)."""


class LoginForm(StaffForm):
    # Lazy: the labels and messages are read at each request, in the visitor's language.
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=128)]
    )
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))
