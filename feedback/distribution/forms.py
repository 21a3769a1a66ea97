"""Staff forms of the distribution by e-mail."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from feedback.auth.forms import StaffForm


class AddressesForm(StaffForm):
    emails = TextAreaField(
        "Adresses e-mail des participant·es",
        validators=[Optional(), Length(max=200_000, message="Liste trop longue : envoyez-la en plusieurs fois.")],
        description="Une adresse par ligne, ou séparées par des virgules ou des points-virgules.",
    )
    csv_file = FileField(
        "… ou un fichier CSV",
        description="La colonne « email », « e-mail », « courriel » ou « mail », sinon la première colonne "
        "qui contient des adresses.",
    )


class SendInvitationsForm(StaffForm):
    #: The checked addresses, separated by commas: checked again when sent.
    emails = HiddenField(validators=[Length(max=300_000)])
