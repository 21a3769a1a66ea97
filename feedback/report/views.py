"""The report page (`/report/`) and its downloads: managers, admins and communication staff."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request

from feedback.auth.access import roles_required
from feedback.charts import format_value
from feedback.disclosure import threshold
from feedback.exports import document_response, workbook_response
from feedback.labels import AXIS_LABELS, MODALITY_LABELS, department_choices
from feedback.models import Axis, Modality, Role
from feedback.report.documents import report_charts, report_document, report_tables, report_title
from feedback.report_figures.build import available_years, build_report, word_cloud_png
from feedback.report_figures.contents import Report
from feedback.scope import Scope
from feedback.scores import default_year
from feedback.timeutil import local_zone

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
    """The report as a workbook (a sheet per table) or a Word document (figures, tables, charts, verbatims)."""
    report = _report()
    if file_format == "xlsx":
        return workbook_response(report_title(report), list(report_tables(report).values()))
    today = datetime.now(local_zone()).date()
    document = report_document(report, word_cloud_png(report), today=today)
    return document_response(document, "docx")
