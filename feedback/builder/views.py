"""Managers: questionnaires as versioned templates (list, draft editor, publication, preview, JSON, defaults).

Above ~400 lines on purpose: the builder's eighteen pages are one blueprint whose views share `_save` (one commit,
the racing managers' refusals) and the editor's rendering; each view stays load → check → one operation → commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import TypeVar

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm.exc import ObjectDeletedError

from feedback import audit
from feedback.auth.access import managers_only
from feedback.builder import operations, queries
from feedback.builder.forms import (
    KIND_LABELS,
    DuplicateForm,
    ImportForm,
    LibraryForm,
    ModalityDefaultsForm,
    MoveForm,
    QuestionForm,
    QuestionnaireForm,
    ReorderForm,
    VersionForm,
)
from feedback.catalogue import queries as catalogue_queries
from feedback.catalogue.library import LIBRARY, TRAINER_FAMILY
from feedback.db import db
from feedback.errors import Refusal, save, show_refusal, take_back
from feedback.form_page import render_form_page
from feedback.form_tokens import issue_token
from feedback.labels import MODALITY_LABELS
from feedback.models import Modality, ModalityDefault, Question, Questionnaire, QuestionnaireStatus
from feedback.web import CSP

bp = Blueprint("builder", __name__, url_prefix="/manage/questionnaires")

#: The preview is framed by the builder's own page, and only by it.
PREVIEW_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


def get_questionnaire_or_404(questionnaire_id: int) -> Questionnaire:
    return db.get_or_404(Questionnaire, questionnaire_id)


def get_question_or_404(questionnaire: Questionnaire, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.questionnaire_id != questionnaire.id:
        abort(404)
    return question


T = TypeVar("T")


def _save(edit: Callable[[], T], *, again_on_conflict: bool = False) -> T:
    """Run one edit (which records its own audit event) and commit it; a refusal is raised, nothing written yet.

    A racing save of another manager is refused in French (`errors.save`). The view shows a refusal with
    `show_refusal` (or `take_back` for a list of problems), which rolls back once.
    """
    return save(
        edit,
        conflict=operations.SAME_TIME,
        stale=operations.QUESTIONNAIRE_CHANGED,
        refusal=operations.EditRefused,
        again_on_conflict=again_on_conflict,
    )


@bp.errorhandler(ObjectDeletedError)
def deleted_meanwhile(error):
    """A questionnaire (or question) deleted by another manager while this request was working on it."""
    browser_session.pop("_flashes", None)  # a "modified meanwhile" said just before would only confuse
    show_refusal(Refusal("Ce brouillon a été supprimé entre-temps par quelqu'un d'autre ; rien n'a été enregistré."))
    return redirect(url_for("builder.questionnaires"))


def _editor_url(questionnaire: Questionnaire, anchor: str | None = None) -> str:
    return url_for("builder.edit", questionnaire_id=questionnaire.id, _anchor=anchor)


# -- list, library, import ---------------------------------------------------------------------------------------


@bp.get("/")
@managers_only
def questionnaires():
    """Every questionnaire (its latest version), with its sessions and responses; new, import, duplicate, archive."""
    return render_template(
        "builder/list.html", rows=queries.family_rows(), library_form=LibraryForm(), confirm=VersionForm()
    )


@bp.post("/new")
@managers_only
def new_from_library():
    """A new draft from a starting point of the library."""
    form = LibraryForm()
    if not form.validate_on_submit():
        flash("Choisissez un point de départ.", "error")
        return redirect(url_for("builder.questionnaires"))
    definition = next(d for d in LIBRARY if d["family"] == form.starting_point.data)
    try:
        questionnaire = _save(lambda: operations.create_from_library(definition), again_on_conflict=True)
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(url_for("builder.questionnaires"))
    flash("Brouillon créé : adaptez-le, prévisualisez-le, puis publiez-le.", "success")
    return redirect(_editor_url(questionnaire))


@bp.route("/import", methods=["GET", "POST"])
@managers_only
def import_json():
    """Import a questionnaire exported as JSON (from another centre): refused whole, every problem listed."""
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            problems = ["Choisissez un fichier JSON."]
        else:
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
            except UnicodeDecodeError:
                problems = ["Ce fichier n'est pas un texte UTF-8 : est-ce bien un export JSON de Retours ?"]
            except json.JSONDecodeError as error:
                problems = [f"Ce fichier n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno})."]
            else:
                try:
                    questionnaire = _save(lambda: operations.import_questionnaire(data), again_on_conflict=True)
                except Refusal as refusal:
                    problems = take_back(refusal)
                else:
                    flash("Questionnaire importé comme brouillon : relisez-le puis publiez-le.", "success")
                    return redirect(_editor_url(questionnaire))
    return render_template("builder/import.html", form=form, problems=problems)


# -- one questionnaire -------------------------------------------------------------------------------------------


def _render_editor(questionnaire: Questionnaire, *, form=None, new_question=None, problems=()):
    """The editor page; a refused form comes back with what was typed and its messages (200, as elsewhere)."""
    is_draft = questionnaire.status == QuestionnaireStatus.DRAFT
    if form is None:
        form = QuestionnaireForm(obj=questionnaire, formdata=None)
    if new_question is None:
        new_question = QuestionForm(formdata=None, edit_version=questionnaire.edit_version)
    return render_template(
        "builder/edit.html",
        questionnaire=questionnaire,
        is_draft=is_draft,
        form=form,
        new_question=new_question,
        confirm=VersionForm(formdata=None, edit_version=questionnaire.edit_version),
        duplicate_form=DuplicateForm(formdata=None),
        problems=problems,
        versions=queries.versions_of(questionnaire.family),
        kind_labels=KIND_LABELS,
    )


@bp.get("/<int:questionnaire_id>")
@managers_only
def edit(questionnaire_id: int):
    """A questionnaire version: the editor of a draft, or the frozen questions of a published version."""
    return _render_editor(get_questionnaire_or_404(questionnaire_id))


@bp.post("/<int:questionnaire_id>")
@managers_only
def update(questionnaire_id: int):
    """Save a draft's title, introduction, consent wording and flags."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = QuestionnaireForm()
    if not form.validate_on_submit():
        return _render_editor(questionnaire, form=form)
    fields = {name: form[name].data for name in operations.DEFINITION_FIELDS}
    fields.update({name: value or "" for name, value in fields.items() if not isinstance(value, bool)})
    try:
        _save(lambda: operations.update_draft(questionnaire, form.edit_version.data, **fields))
    except Refusal as refusal:
        show_refusal(refusal)
        return _render_editor(questionnaire, form=form)  # what they typed stays on screen
    flash("Questionnaire enregistré.", "success")
    return redirect(_editor_url(questionnaire))


def _question_data(form: QuestionForm) -> dict:
    kind = operations.QuestionKind(form.kind.data)
    return {
        "code": form.code.data,
        "kind": kind.value,
        **{name: form[name].data or "" for name in ("label", "label_en", "help_text", "help_text_en")},
        "is_required": form.is_required.data,
        "is_overall": form.is_overall.data,
        "options": operations.option_lines(form.options.data, kind) if kind.needs_options else [],
    }


@bp.post("/<int:questionnaire_id>/questions")
@managers_only
def add_question(questionnaire_id: int):
    """Add a question at the end of a draft."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _render_editor(questionnaire, new_question=form)
    try:
        _save(lambda: operations.add_question(questionnaire, form.edit_version.data, _question_data(form)))
    except operations.NotPublishable as invalid:
        form.form_errors.extend(take_back(invalid))
        return _render_editor(questionnaire, new_question=form)
    except Refusal as refusal:
        show_refusal(refusal)
        return _render_editor(questionnaire, new_question=form)
    flash("Question ajoutée.", "success")
    return redirect(_editor_url(questionnaire, "questions"))


def _options_text(question: Question) -> str:
    return "\n".join(
        " | ".join([o.value, o.label, o.label_en] if o.label_en else [o.value, o.label]) for o in question.options
    )


@bp.route("/<int:questionnaire_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_question(questionnaire_id: int, question_id: int):
    """Edit one question of a draft: wording, kind, options, flags, English texts."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    question = get_question_or_404(questionnaire, question_id)
    form = QuestionForm(obj=question, edit_version=questionnaire.edit_version)
    if request.method == "GET":
        form.kind.data, form.options.data = question.kind.value, _options_text(question)
    if form.validate_on_submit():
        try:
            _save(lambda: operations.update_question(question, form.edit_version.data, _question_data(form)))
        except Refusal as refusal:
            form.form_errors.extend(take_back(refusal))  # what they typed stays on screen
        else:
            flash("Question enregistrée.", "success")
            return redirect(_editor_url(questionnaire, f"question-{question.id}"))
    return render_template(
        "builder/question.html",
        questionnaire=questionnaire,
        question=question,
        form=form,
        is_draft=questionnaire.status == QuestionnaireStatus.DRAFT,
    )


@bp.post("/<int:questionnaire_id>/questions/<int:question_id>/remove")
@managers_only
def remove_question(questionnaire_id: int, question_id: int):
    """Remove a question from a draft."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    question = get_question_or_404(questionnaire, question_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            _save(lambda: operations.remove_question(question, form.edit_version.data))
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash("Question retirée.", "success")
    return redirect(_editor_url(questionnaire, "questions"))


@bp.post("/<int:questionnaire_id>/questions/<int:question_id>/move")
@managers_only
def move_question(questionnaire_id: int, question_id: int):
    """Move a question one place up or down (a button: works without JavaScript)."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    question = get_question_or_404(questionnaire, question_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        offset = -1 if form.direction.data == "up" else 1
        try:
            _save(lambda: operations.move_question(question, form.edit_version.data, offset))
        except Refusal as refusal:
            show_refusal(refusal)
    return redirect(_editor_url(questionnaire, f"question-{question.id}"))


@bp.post("/<int:questionnaire_id>/reorder")
@managers_only
def reorder_questions(questionnaire_id: int):
    """Put the questions in the order they were dropped in (drag and drop; the buttons do it without JavaScript)."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = ReorderForm()
    anchor = "questions"
    if not form.validate_on_submit():
        flash("L'ordre des questions n'a pas pu être lu : rechargez la page puis recommencez.", "error")
    else:
        order = [int(question_id) for question_id in form.order.data.split(",")]
        try:
            _save(lambda: operations.reorder_questions(questionnaire, form.edit_version.data, order))
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            if form.moved.data:
                anchor = f"question-{form.moved.data}"
    return redirect(url_for("builder.edit", questionnaire_id=questionnaire_id, _anchor=anchor))


@bp.post("/<int:questionnaire_id>/publish")
@managers_only
def publish(questionnaire_id: int):
    """Publish a draft: refused with the list of problems; once published it never changes."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return redirect(_editor_url(questionnaire))
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        flash("Cette version est déjà publiée.", "error")
        return redirect(_editor_url(questionnaire))
    try:
        _save(lambda: operations.publish_draft(questionnaire, form.edit_version.data))
    except operations.NotPublishable as invalid:
        return _render_editor(questionnaire, problems=take_back(invalid))
    except Refusal as refusal:
        show_refusal(refusal)
    else:
        flash(
            f"Version {questionnaire.version} publiée : elle ne changera plus. Les sessions gardent la version avec "
            "laquelle elles ont été créées ; choisissez-la pour une session depuis sa page de modification.",
            "success",
        )
    return redirect(_editor_url(questionnaire))


@bp.post("/<int:questionnaire_id>/new-version")
@managers_only
def new_version(questionnaire_id: int):
    """Start a new draft version of a published questionnaire (or open the draft already started)."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    if not VersionForm().validate_on_submit():
        return redirect(_editor_url(questionnaire))
    if questionnaire.status != QuestionnaireStatus.PUBLISHED:
        flash("Seule une version publiée sert de point de départ à une nouvelle version.", "error")
        return redirect(_editor_url(questionnaire))
    # Two managers starting one at the same moment: the second run opens the draft the first one created.
    try:
        draft = _save(lambda: operations.start_new_version(questionnaire), again_on_conflict=True)
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(url_for("builder.edit", questionnaire_id=questionnaire_id))
    flash(f"Brouillon de la version {draft.version}. Les sessions existantes gardent leur version.", "success")
    return redirect(_editor_url(draft))


@bp.post("/<int:questionnaire_id>/duplicate")
@managers_only
def duplicate(questionnaire_id: int):
    """Copy a questionnaire into a new one of its own (a new family: its scores are not mixed with the original)."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        return redirect(_editor_url(questionnaire))
    title = form.title.data or f"{questionnaire.title} (copie)"[:200]
    try:
        copy = _save(lambda: operations.duplicate_questionnaire(questionnaire, title), again_on_conflict=True)
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(url_for("builder.edit", questionnaire_id=questionnaire_id))
    flash("Copie créée comme brouillon.", "success")
    return redirect(_editor_url(copy))


@bp.post("/<int:questionnaire_id>/archive")
@managers_only
def archive(questionnaire_id: int):
    """Archive a questionnaire (every version): no longer offered; its responses and wording stay."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    if VersionForm().validate_on_submit():
        title = questionnaire.title
        try:
            _save(lambda: operations.archive(questionnaire))
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash(f"« {title} » est archivé ; ses réponses sont conservées.", "success")
    return redirect(url_for("builder.questionnaires"))


@bp.post("/<int:questionnaire_id>/delete")
@managers_only
def delete(questionnaire_id: int):
    """Delete a draft that no session uses (a published version is archived, never deleted)."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return redirect(_editor_url(questionnaire))
    try:
        _save(lambda: operations.delete_draft(questionnaire, form.edit_version.data))
    except Refusal as refusal:
        show_refusal(refusal)
        return redirect(url_for("builder.edit", questionnaire_id=questionnaire_id))
    flash("Brouillon supprimé.", "success")
    return redirect(url_for("builder.questionnaires"))


# -- preview and export ------------------------------------------------------------------------------------------


@bp.get("/<int:questionnaire_id>/preview")
@managers_only
def preview(questionnaire_id: int):
    """The form as a participant sees it: in a phone-sized frame and at full width, in French or English."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    lang = "en" if request.args.get("lang") == "en" else "fr"
    return render_template("builder/preview.html", questionnaire=questionnaire, lang=lang)


@bp.get("/<int:questionnaire_id>/preview/form")
@managers_only
def preview_form(questionnaire_id: int):
    """The participant's page itself, with a sample session, for the preview's frames."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    sample = SimpleNamespace(
        training=SimpleNamespace(title="Intitulé de la formation (aperçu)"),
        start_date=date.today(),
        place="Lieu de la session",
        public_code="apercu",
        questionnaire=questionnaire,
    )
    with force_locale("en" if request.args.get("lang") == "en" else "fr"):
        body = render_form_page(sample, token=issue_token(sample.public_code))
    response = Response(body)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:questionnaire_id>/export.json")
@managers_only
def export(questionnaire_id: int):
    """Download a version as JSON, to share with another centre."""
    questionnaire = get_questionnaire_or_404(questionnaire_id)
    body = json.dumps(operations.export_json(questionnaire), ensure_ascii=False, indent=2)
    filename = f"{questionnaire.family}-v{questionnaire.version}.json"
    audit.record_download(f"{questionnaire.title} (v{questionnaire.version})", "json", len(questionnaire.questions))
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# -- defaults per modality ---------------------------------------------------------------------------------------


def _family_choices() -> list[tuple[str, str]]:
    choices = [("", "Évaluation à chaud (par défaut)")]
    published = catalogue_queries.published_families()
    choices += [(q.family, f"{q.title} (v{q.version})") for q in published]
    # A library family that exists (even archived) is not offered again as a "modèle fourni".
    known = set(db.session.scalars(select(Questionnaire.family).distinct()))
    choices += [
        (str(d["family"]), f"{d['title']} (modèle fourni)")
        for d in LIBRARY
        if d["family"] not in known and d["family"] != TRAINER_FAMILY
    ]
    return choices


@bp.route("/defaults", methods=["GET", "POST"])
@managers_only
def modality_defaults():
    """Which questionnaire a new session gets, per modality (a training or a session may still choose another)."""
    form = ModalityDefaultsForm()
    choices = _family_choices()
    current = {d.modality: d.family for d in db.session.scalars(select(ModalityDefault))}
    for modality in Modality:
        field = form[f"modality_{modality.value}"]
        field.choices = choices
        if request.method == "GET":
            field.data = current.get(modality, "")
    if form.validate_on_submit():
        chosen = {modality: form[f"modality_{modality.value}"].data or None for modality in Modality}
        # Two managers saving at once may both create a library questionnaire or a modality's row: run it again.
        try:
            _save(lambda: operations.set_modality_defaults(chosen), again_on_conflict=True)
        except Refusal as refusal:
            show_refusal(refusal)
        else:
            flash("Questionnaires par modalité enregistrés.", "success")
        return redirect(url_for("builder.modality_defaults"))
    fields = [(MODALITY_LABELS[m], form[f"modality_{m.value}"]) for m in Modality]
    return render_template("builder/defaults.html", form=form, fields=fields)
