"""The report page (`/report/`) and its downloads: managers, admins and communication staff."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from feedback.auth.access import roles_required
from feedback.charts import format_value
from feedback.exports import document_response, workbook_response
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_label
from feedback.models import Axis, Department, Modality, Role
from feedback.report.documents import report_charts, report_document, report_tables, report_title
from feedback.report.filters import ReportFilters
from feedback.report.queries import Report, available_years, build_report, default_year, word_cloud_png
from feedback.timeutil import local_zone

bp = Blueprint("report", __name__, url_prefix="/report")

report_staff = roles_required(Role.ADMIN, Role.MANAGER, Role.COMMUNICATION)


def _report() -> Report:
    """The report of the URL's filters; rates under MIN_ANSWERS_FOR_RATE answers are hidden but for admins."""
    filters = ReportFilters.from_args(request.args, default_year())
    min_answers = 0 if current_user.is_admin else current_app.config["MIN_ANSWERS_FOR_RATE"]
    return build_report(filters, min_answers=min_answers)


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
            "departments": [(department.value, department_label(department)) for department in Department],
        },
    )


@bp.get("/rapport.xlsx", defaults={"file_format": "xlsx"})
@bp.get("/rapport.docx", defaults={"file_format": "docx"})
@report_staff
def download(file_format: str):
    """The report as a workbook (a sheet per table) or a Word document (figures, tables, charts, verbatims)."""
    report = _report()
    if file_format == "xlsx":
        return workbook_response(report_title(report), list(report_tables(report).values()))
    today = datetime.now(local_zone()).date()
    document = report_document(report, word_cloud_png(report.filters), today=today)
    return document_response(document, "docx")
