"""Forms of the questionnaire builder. Every edit form carries the draft's `edit_version` it was rendered with."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from feedback.auth.forms import StaffForm
from feedback.builder.validation import CODE
from feedback.catalogue.library import LIBRARY
from feedback.labels import MODALITY_LABELS
from feedback.models import Modality, QuestionKind

REQUIRED = "Ce champ est obligatoire."

KIND_LABELS = {
    QuestionKind.SATISFACTION: "Échelle de satisfaction (4 niveaux)",
    QuestionKind.RECOMMENDATION: "Recommandation (0 à 10)",
    QuestionKind.RATING: "Note (niveaux à définir)",
    QuestionKind.SINGLE_CHOICE: "Choix unique",
    QuestionKind.MULTIPLE_CHOICE: "Choix multiples",
    QuestionKind.GRID: "Grille (plusieurs éléments notés sur l'échelle de satisfaction)",
    QuestionKind.SHORT_TEXT: "Texte court",
    QuestionKind.LONG_TEXT: "Texte libre (commentaire)",
}

CODE_HINT = (
    "Le code relie les réponses de toutes les versions : « overall », « contents », « speakers »... gardent leur sens "
    "d'une version à l'autre et les scores se comparent. Si vous changez l'échelle ou le sens d'une question, "
    "donnez-lui un nouveau code, sinon des réponses différentes seraient additionnées."
)
OPTIONS_HINT = (
    "Une option par ligne : « valeur | libellé » ou « valeur | libellé | libellé anglais », ou le libellé seul "
    "(la valeur est alors tirée du libellé ; pour une note, les niveaux sont numérotés 1, 2, 3... dans l'ordre)."
)


class VersionForm(StaffForm):
    """A POST button on a draft (remove, publish...): the draft's edit_version it was rendered with."""

    edit_version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class MoveForm(VersionForm):
    direction = HiddenField(validators=[DataRequired()])


class ReorderForm(VersionForm):
    """The whole order of a draft's questions, as dropped (ids separated by commas), and the question moved."""

    order = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,10}(,\d{1,10}){0,499}$")])
    moved = HiddenField(validators=[Optional(), Regexp(r"^\d{1,10}$")])


class QuestionnaireForm(VersionForm):
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=200)])
    title_en = StringField("Titre en anglais", validators=[Optional(), Length(max=200)])
    intro = TextAreaField("Introduction", validators=[Optional(), Length(max=2000)])
    intro_en = TextAreaField("Introduction en anglais", validators=[Optional(), Length(max=2000)])
    consent_text = TextAreaField(
        "Consentement à être cité·e",
        validators=[Optional(), Length(max=1000)],
        description="Case proposée sous les questions ; vide : pas de case, les commentaires ne sont jamais cités.",
    )
    consent_text_en = TextAreaField("Consentement en anglais", validators=[Optional(), Length(max=1000)])
    is_anonymous = BooleanField("Questionnaire anonyme")
    is_one_per_device = BooleanField("Une seule réponse par appareil (déconseillé avec des tablettes partagées)")


class QuestionForm(VersionForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired(REQUIRED),
            Regexp(CODE.pattern + "$", message="Lettres minuscules, chiffres et tirets ; 40 caractères au plus."),
        ],
        description=CODE_HINT,
    )
    kind = SelectField("Type", choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    label = StringField("Question", validators=[DataRequired(REQUIRED), Length(max=500)])
    label_en = StringField("Question en anglais", validators=[Optional(), Length(max=500)])
    help_text = StringField("Aide", validators=[Optional(), Length(max=500)])
    help_text_en = StringField("Aide en anglais", validators=[Optional(), Length(max=500)])
    options = TextAreaField("Options", validators=[Optional(), Length(max=20_000)], description=OPTIONS_HINT)
    is_required = BooleanField("Réponse obligatoire")
    is_overall = BooleanField("Question de satisfaction globale (celle du taux de satisfaction)")


class LibraryForm(StaffForm):
    starting_point = SelectField(
        "Point de départ", choices=[SelectChoice(d["family"], d["title"]) for d in LIBRARY], validate_choice=True
    )


class DuplicateForm(StaffForm):
    title = StringField("Titre de la copie", validators=[Optional(), Length(max=200)])


class ImportForm(StaffForm):
    file = FileField("Fichier JSON exporté par Retours")


class ModalityDefaultsForm(StaffForm):
    """One choice per modality; the fields are `modality_<value>`, their choices set by the view."""


for _modality in Modality:
    setattr(
        ModalityDefaultsForm,
        f"modality_{_modality.value}",
        SelectField(MODALITY_LABELS[_modality], validate_choice=True),
    )
