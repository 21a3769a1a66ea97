"""The report page (`/report/`) and its downloads: managers, admins and communication staff."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.auth.access import roles_required
from feedback.charts import format_value
from feedback.db import db, utcnow
from feedback.disclosure import threshold
from feedback.exports import file_response
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_choices
from feedback.models import Axis, Modality, Role
from feedback.report import operations, tasks
from feedback.report.documents import report_charts, report_file
from feedback.report.file_queries import file_for_viewer, responses_in_scope
from feedback.report_figures.build import available_years, build_report
from feedback.report_figures.contents import Report
from feedback.scope import Scope
from feedback.scores import default_year
from feedback.timeutil import local_zone

logger = logging.getLogger(__name__)

bp = Blueprint("report", __name__, url_prefix="/report")

report_staff = roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)


def _report() -> Report:
    """The report of the URL's filters, at the viewer's disclosure threshold (admins see everything)."""
    return build_report(Scope.from_args(request.args, default_year), min_answers=threshold())


@bp.get("/")
@report_staff
def index():
    """« L'année en chiffres » and the verbatims of any period, printable as an A4 PDF."""
    report = _report()
    return render_template(
        "report/index.html",
        report=report,
        filters=report.filters,
        charts=report_charts(report),
        number=format_value,
        # The year shown is always among the choices, even one without sessions (an empty report says so).
        years=sorted({*available_years(), report.filters.start.year}, reverse=True),
        choices={
            "axes": [(axis.value, AXIS_LABELS[axis]) for axis in Axis],
            "modalities": [(modality.value, MODALITY_LABELS[modality]) for modality in Modality],
            "departments": department_choices(),
        },
    )


@bp.get("/rapport.xlsx", defaults={"file_format": "xlsx"})
@bp.get("/rapport.docx", defaults={"file_format": "docx"})
@report_staff
def download(file_format: str):
    """The report as a workbook (a sheet per table) or a Word document (figures, tables, charts, verbatims).

    Above REPORT_QUEUE_ABOVE responses in scope the job queue makes it: the link then opens a page that refreshes
    until the file is ready (`prepared`)."""
    scope = Scope.from_args(request.args, default_year)
    if responses_in_scope(scope) <= current_app.config["REPORT_QUEUE_ABOVE"]:
        report = build_report(scope, min_answers=threshold())
        content, title, rows = report_file(report, file_format, today=datetime.now(local_zone()).date())
        return file_response(content, file_format, title, rows)
    report_file_row, created = operations.request_file(current_user, file_format, scope, threshold(), utcnow())
    db.session.commit()
    if created:
        try:
            tasks.prepare_report_file(report_file_row.id)
        except Exception:  # the queue's storage is down: the periodic catch-up makes it once it is back
            logger.exception("report file %s not enqueued", report_file_row.id)
    return redirect(url_for("report.prepared", file_id=report_file_row.id))


@bp.get("/fichiers/<int:file_id>")
@report_staff
def prepared(file_id: int):
    """A file the job queue prepares: « préparation en cours » (the page refreshes itself) until it is ready, then
    the file itself. Only for the account that asked, or one of the same role (the same report); 404 otherwise."""
    report_file_row = file_for_viewer(file_id, current_user, threshold(), utcnow())
    if report_file_row is None:
        abort(404)
    if report_file_row.status == "ready" and report_file_row.content is not None:
        return file_response(
            report_file_row.content,
            report_file_row.file_format,
            report_file_row.title or "rapport",
            report_file_row.rows or 0,
            {key: [value] for key, value in json.loads(report_file_row.scope_args).items()},
        )
    scope = Scope.from_args(json.loads(report_file_row.scope_args))
    return render_template(
        "report/prepared.html",
        report_file=report_file_row,
        scope=scope,
        refresh_seconds=3,
    )
