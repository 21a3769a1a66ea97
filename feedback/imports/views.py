"""Managers: import the catalogue and attendance lists. Upload, preview, confirm; a refused file shows every problem."""

from __future__ import annotations

import base64

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from feedback.auth.access import managers_only
from feedback.db import db
from feedback.imports import pending
from feedback.imports.attendance import parse_attendance
from feedback.imports.catalogue import FORMAT_LABELS, REPORT_COLUMNS, SESSION_COLUMNS, parse_catalogue
from feedback.imports.forms import AttendanceUploadForm, CatalogueUploadForm, ConfirmImportForm
from feedback.imports.operations import (
    ImportRefused,
    hashing_key,
    import_attendance,
    import_catalogue,
    plan_attendance,
    plan_catalogue,
    resolve_attendance,
)
from feedback.imports.tables import FileRejected, Problem, read_table

bp = Blueprint("imports", __name__, url_prefix="/manage/imports")

PREVIEW_ROWS = 30


def number(value: int) -> str:
    """12345 -> "12 345", as French prints it."""
    return f"{value:,}".replace(",", "\u202f")


def _page(
    *,
    problems: list[Problem] | None = None,
    refused: str | None = None,
    catalogue_form: CatalogueUploadForm | None = None,
    attendance_form: AttendanceUploadForm | None = None,
):
    return render_template(
        "imports/index.html",
        catalogue_form=catalogue_form or CatalogueUploadForm(formdata=None),
        attendance_form=attendance_form or AttendanceUploadForm(formdata=None),
        problems=problems or [],
        refused=refused,
        report_columns=REPORT_COLUMNS,
        session_columns=SESSION_COLUMNS,
        max_megabytes=current_app.config["IMPORT_MAX_BYTES"] / (1024 * 1024),
    )


def _upload(field) -> tuple[bytes, str] | list[Problem]:
    """The uploaded bytes (read up to the cap and one byte more) and the file's name; problems when there is none."""
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        return [Problem(None, None, "Choisissez un fichier CSV ou XLSX.")]
    data = upload.stream.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    return data, upload.filename


def _read(data: bytes, filename: str):
    return read_table(
        data,
        filename,
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
    )


@bp.get("/")
@managers_only
def index():
    """The two imports: the catalogue (actions, sessions, participations) and attendance lists."""
    form = AttendanceUploadForm(formdata=None, session_id=request.args.get("session", type=int))
    return _page(attendance_form=form)


@bp.post("/catalogue")
@managers_only
def upload_catalogue():
    """Read a catalogue file and show what importing it would create or change; nothing is written yet."""
    form = CatalogueUploadForm()
    if not form.validate_on_submit():
        return _page(catalogue_form=form)
    upload = _upload(form.file)
    if isinstance(upload, list):
        return _page(problems=upload, refused="catalogue", catalogue_form=form)
    data, filename = upload
    try:
        catalogue = parse_catalogue(_read(data, filename), year=form.year.data)
    except FileRejected as rejected:
        return _page(problems=rejected.problems, refused="catalogue", catalogue_form=form)
    plan = plan_catalogue(catalogue)
    token = pending.save(
        current_user.id,
        {
            "kind": "catalogue",
            "filename": filename,
            "year": form.year.data,
            "data": base64.b64encode(data).decode(),
        },
    )
    changes = [c for c in plan.sessions if c.action != "same"]
    return render_template(
        "imports/preview_catalogue.html",
        plan=plan,
        filename=filename,
        format_label=FORMAT_LABELS[catalogue.format],
        changed_trainings=[c for c in plan.trainings if c.action != "same"][:PREVIEW_ROWS],
        changed_sessions=changes[:PREVIEW_ROWS],
        more_sessions=max(len(changes) - PREVIEW_ROWS, 0),
        form=ConfirmImportForm(formdata=None, token=token),
        number=number,
    )


@bp.post("/attendance")
@managers_only
def upload_attendance():
    """Read an attendance list, hash every person at once, and show what importing it would change."""
    form = AttendanceUploadForm()
    if not form.validate_on_submit():
        return _page(attendance_form=form)
    upload = _upload(form.file)
    if isinstance(upload, list):
        return _page(problems=upload, refused="attendance", attendance_form=form)
    data, filename = upload
    try:
        attendance = parse_attendance(_read(data, filename), hashing_key())
        lists, duplicates = resolve_attendance(attendance, session_id=form.session_id.data)
        plan = plan_attendance(lists, duplicates=duplicates, blank_rows=attendance.blank_rows)
    except (FileRejected, ImportRefused) as rejected:
        return _page(problems=rejected.problems, refused="attendance", attendance_form=form)
    del data  # the names go no further than this request
    token = pending.save(
        current_user.id,
        {
            "kind": "attendance",
            "filename": filename,
            "lists": {str(session_id): sorted(hashes) for session_id, hashes in lists.items()},
            "duplicates": duplicates,
            "blank_rows": attendance.blank_rows,
        },
    )
    return render_template(
        "imports/preview_attendance.html",
        plan=plan,
        filename=filename,
        encoding=attendance.encoding,
        form=ConfirmImportForm(formdata=None, token=token),
        number=number,
    )


@bp.post("/confirm")
@managers_only
def confirm():
    """Write the previewed import, all or nothing, then forget the upload."""
    form = ConfirmImportForm()
    payload = pending.load(form.token.data, current_user.id) if form.validate_on_submit() else None
    if payload is None:
        flash("Cet aperçu a expiré ou a déjà été confirmé : déposez le fichier de nouveau.", "error")
        return redirect(url_for("imports.index"))
    try:
        if payload["kind"] == "catalogue":
            data = base64.b64decode(payload["data"])
            plan = import_catalogue(parse_catalogue(_read(data, payload["filename"]), year=payload["year"]))
            summary = plan.summary
            created, updated = summary["trainings_created"], summary["trainings_updated"]
            new, changed, same = (summary[f"sessions_{key}"] for key in ("created", "updated", "unchanged"))
            message = (
                "Catalogue importé : "
                + ngettext("%(count)s formation créée", "%(count)s formations créées", created, count=number(created))
                + ", "
                + ngettext("%(count)s modifiée", "%(count)s modifiées", updated, count=number(updated))
                + " ; "
                + ngettext("%(count)s session créée", "%(count)s sessions créées", new, count=number(new))
                + ", "
                + ngettext("%(count)s modifiée", "%(count)s modifiées", changed, count=number(changed))
                + ", "
                + ngettext("%(count)s inchangée", "%(count)s inchangées", same, count=number(same))
                + "."
            )
        else:
            lists = {int(session_id): set(hashes) for session_id, hashes in payload["lists"].items()}
            plan = import_attendance(
                plan_attendance(lists, duplicates=payload["duplicates"], blank_rows=payload["blank_rows"])
            )
            summary = plan.summary
            sessions, people, added, removed = (summary[key] for key in ("sessions", "people", "added", "removed"))
            message = (
                "Émargement importé : "
                + ngettext("%(count)s session", "%(count)s sessions", sessions, count=number(sessions))
                + ", "
                + ngettext("%(count)s personne", "%(count)s personnes", people, count=number(people))
                + " ; "
                + ngettext("%(count)s ajoutée", "%(count)s ajoutées", added, count=number(added))
                + ", "
                + ngettext("%(count)s retirée", "%(count)s retirées", removed, count=number(removed))
                + "."
            )
        db.session.commit()
    except (FileRejected, ImportRefused) as rejected:
        db.session.rollback()
        return _page(problems=rejected.problems, refused=payload["kind"])
    except IntegrityError:
        db.session.rollback()
        problem = Problem(None, None, "Un autre import a modifié les mêmes données au même moment : recommencez.")
        return _page(problems=[problem], refused=payload["kind"])
    pending.discard(form.token.data)
    flash(message, "success")
    return redirect(url_for("imports.index"))


@bp.post("/cancel")
@managers_only
def cancel():
    """Forget a previewed import."""
    form = ConfirmImportForm()
    if form.validate_on_submit() and pending.load(form.token.data, current_user.id) is not None:
        pending.discard(form.token.data)
    flash("Import annulé : rien n'a été écrit.", "success")
    return redirect(url_for("imports.index"))
