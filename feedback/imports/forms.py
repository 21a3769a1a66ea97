"""Forms of the import pages (back office, French only)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from feedback.auth.forms import StaffForm


class CatalogueUploadForm(StaffForm):
    file = FileField("Fichier du catalogue (CSV ou XLSX)")
    year = IntegerField(
        "Année des dates (facultatif)",
        validators=[Optional(), NumberRange(2000, 2100, "Une année entre 2000 et 2100.")],
        description="Format rapport d'activité seulement, quand le fichier n'a pas de colonne first_date_iso.",
    )


class AttendanceUploadForm(StaffForm):
    file = FileField("Liste d'émargement (CSV ou XLSX)")
    session_id = IntegerField(
        "Numéro de la session (facultatif)",
        validators=[Optional(), NumberRange(1, 2**31 - 1, "Un numéro de session.")],
        description="Laissez vide si le fichier a une colonne « session ».",
    )


class ConfirmImportForm(StaffForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{32}$")])
