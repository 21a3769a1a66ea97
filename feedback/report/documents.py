"""The report as charts, tables and a document: what the page draws and what the XLSX and DOCX downloads hold.

The same `Chart` gives the page's SVG and the document's PNG; the same `ExportTable`s give the workbook's sheets
and the document's tables; everything goes through the shared writer (feedback/exports.py), which neutralises
participant text (quotes, themes) in every format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import ngettext
from markupsafe import Markup

from feedback.charts import Bar, bar_chart, bar_chart_png, format_value
from feedback.disclosure import TOO_FEW_ANSWERS
from feedback.exports import Column, ExportDocument, ExportTable, Paragraph, Picture, to_docx, to_xlsx_workbook
from feedback.report_figures.build import word_cloud_png
from feedback.report_figures.contents import NOT_AVAILABLE, ActivityRow, Change, Report, ScoreRow

PERCENT = "0%"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: list[Bar]
    series: tuple[str, ...] = ("",)
    percent: bool = False

    def svg(self) -> Markup:
        # Narrower than the PNG: its labels stay readable when a phone shrinks it to the screen.
        return bar_chart(
            self.bars,
            title=self.title,
            chart_id=f"chart-{self.key}",
            series=self.series,
            percent=self.percent,
            width=420,
        )

    def png(self) -> bytes:
        return bar_chart_png(self.bars, title=self.title, series=self.series, percent=self.percent)


def report_charts(report: Report) -> dict[str, Chart]:
    """The charts of the report, by the key of the section they illustrate."""
    label, previous = report.filters.label, report.previous_filters.label

    def participations(rows: list[ActivityRow]) -> list[Bar]:
        return [Bar(row.label, (row.participations,)) for row in rows]

    return {
        "department": Chart(
            "department", f"Participations par département, {label}", participations(report.by_department)
        ),
        "axis": Chart("axis", f"Participations par axe, {label}", participations(report.by_axis)),
        "modality": Chart("modality", f"Participations par modalité, {label}", participations(report.by_modality)),
        # Without a previous period there is nothing to draw next to this one (no bars at 0).
        "half_days": Chart(
            "half_days",
            f"Demi-journées d'intervention par département, {previous} et {label}",
            [Bar(row.label, (row.half_days.previous, row.half_days.current)) for row in report.half_days_by_department],
            series=(previous, label),
        )
        if report.has_previous
        else Chart(
            "half_days",
            f"Demi-journées d'intervention par département, {label}",
            [Bar(row.label, (row.half_days.current,)) for row in report.half_days_by_department],
        ),
        "profile": Chart(
            "profile",
            f"Répondant·es par profil professionnel, {label}",
            [Bar(row.label, (row.scores.responses,)) for row in report.by_profile],
        ),
        "satisfaction": Chart(
            "satisfaction",
            f"Taux de satisfaction par axe, {label}",
            [Bar(row.label, (report.shown_rate(row.scores.satisfaction),)) for row in report.satisfaction_by_axis],
            percent=True,
        ),
    }


# --- Tables ----------------------------------------------------------------------------------------------------

ACTIVITY_COLUMNS = [
    Column("participations", "Participations"),
    Column("distinct_participants", "Participants distincts"),
    Column("average_visits", "Venues par participant", "0.0"),
    Column("half_days", "Demi-journées"),
    Column("sessions", "Sessions"),
    Column("note", "Remarque"),
]
SCORE_COLUMNS = [
    Column("sessions", "Sessions"),
    Column("responses", "Réponses"),
    Column("response_rate", "Taux de réponse", PERCENT),
    Column("answered", "Réponses à la question globale"),
    Column("rate", "Taux de satisfaction", PERCENT),
    Column("low", "IC 95 % bas", PERCENT),
    Column("high", "IC 95 % haut", PERCENT),
    Column("note", "Remarque"),
]


def _activity_table(title: str, name: str, rows: list[ActivityRow]) -> ExportTable:
    return ExportTable(
        title,
        [Column("label", name), *ACTIVITY_COLUMNS],
        [
            {
                "label": row.label,
                "participations": row.participations,
                "distinct_participants": row.distinct_participants,
                "average_visits": row.average_visits,
                "half_days": row.half_days,
                "sessions": row.sessions,
                "note": row.note,
            }
            for row in rows
        ],
    )


def _score_values(report: Report, row: ScoreRow) -> dict:
    rate = row.scores.satisfaction
    shown = report.shows(rate)
    return {
        "label": row.label,
        "sessions": row.scores.sessions,
        "responses": row.scores.responses,
        "response_rate": row.scores.response_rate,
        "answered": rate.answered,
        "rate": rate.rate if shown else None,
        "low": rate.interval.low if shown and rate.interval else None,
        "high": rate.interval.high if shown and rate.interval else None,
        "note": _note(report, rate),
        "share": row.share,
    }


def _note(report: Report, rate) -> str:
    """Why a rate's cells are empty: the page's words."""
    return TOO_FEW_ANSWERS if rate.answered and not report.shows(rate) else ""


def _score_table(report: Report, title: str, name: str, rows: list[ScoreRow]) -> ExportTable:
    return ExportTable(title, [Column("label", name), *SCORE_COLUMNS], [_score_values(report, row) for row in rows])


def _rounded(value: float | None) -> float | None:
    """Counts stay whole; the average visits keep two decimals (one number format serves the whole column)."""
    return value if value is None or isinstance(value, int) else round(value, 2)


def headline_table(report: Report) -> ExportTable:
    label, previous = report.filters.label, report.previous_filters.label
    columns = [
        Column("label", "Indicateur"),
        Column("current", label),
        Column("previous", previous),
        Column("delta", "Évolution"),
        Column("ratio", "Évolution (%)", PERCENT),
        Column("note", "Remarque"),
    ]
    if not report.has_previous:
        columns = [column for column in columns if column.key not in ("previous", "delta", "ratio")]
    rows = [
        {
            "label": item.label[0].upper() + item.label[1:],
            "current": _rounded(item.change.current),
            "previous": _rounded(item.change.previous),
            "delta": _rounded(item.change.delta),
            "ratio": item.change.ratio,
            "note": headline_note(report, item.change),
        }
        for item in report.headline
    ]
    return ExportTable("Chiffres clés", columns, rows)


def headline_note(report: Report, change: Change) -> str:
    """Why a headline figure or its change is missing: « non disponible : … », « pas de comparaison : … »."""
    notes = []
    if change.reason:
        notes.append(f"{NOT_AVAILABLE} : {change.reason}")
    no_comparison = report.no_comparison  # None: the report has a previous period (`has_previous`)
    if no_comparison is not None:
        notes.append(no_comparison)
    elif change.previous_reason:
        notes.append(f"{NOT_AVAILABLE} en {report.previous_filters.label} : {change.previous_reason}")
    return " ; ".join(notes)


def satisfaction_table(report: Report) -> ExportTable:
    """The period's satisfaction overall (and the previous period's rate, for the change)."""
    current = _score_values(report, ScoreRow("", f"Ensemble, {report.filters.label}", report.satisfaction))
    rate = report.previous_satisfaction
    shown = report.shows(rate)
    previous = {
        "label": f"Ensemble, {report.previous_filters.label}",
        "answered": rate.answered,
        "rate": rate.rate if shown else None,
        "low": rate.interval.low if shown and rate.interval else None,
        "high": rate.interval.high if shown and rate.interval else None,
        "note": _note(report, rate),
    }
    rows = [current, previous] if report.has_previous else [current]
    return ExportTable("Satisfaction", [Column("label", "Période"), *SCORE_COLUMNS], rows)


def report_tables(report: Report) -> dict[str, ExportTable]:
    """Every table of the report, by key: a sheet each in the workbook, a table each in the document."""
    half_days_columns = [
        Column("label", "Département"),
        Column("previous", report.previous_filters.label),
        Column("current", report.filters.label),
        Column("ratio", "Évolution (%)", PERCENT),
    ]
    if not report.has_previous:
        half_days_columns = [half_days_columns[0], half_days_columns[2]]
    profile_columns = [
        Column("label", "Profil professionnel"),
        Column("responses", "Répondant·es"),
        Column("share", "Part", PERCENT),
        Column("answered", "Réponses à la question globale"),
        Column("rate", "Taux de satisfaction", PERCENT),
    ]
    return {
        "headline": headline_table(report),
        "department": _activity_table("Par département", "Département", report.by_department),
        "axis": _activity_table("Par axe", "Axe", report.by_axis),
        "modality": _activity_table("Par modalité", "Modalité", report.by_modality),
        "half_days": ExportTable(
            "Demi-journées par département",
            half_days_columns,
            [
                {
                    "label": row.label,
                    "previous": row.half_days.previous,
                    "current": row.half_days.current,
                    "ratio": row.half_days.ratio,
                }
                for row in report.half_days_by_department
            ],
        ),
        "profile": ExportTable(
            "Profils des répondants", profile_columns, [_score_values(report, row) for row in report.by_profile]
        ),
        "satisfaction": satisfaction_table(report),
        "satisfaction_axis": _score_table(report, "Satisfaction par axe", "Axe", report.satisfaction_by_axis),
        "satisfaction_department": _score_table(
            report, "Satisfaction par département", "Département", report.satisfaction_by_department
        ),
        "satisfaction_modality": _score_table(
            report, "Satisfaction par modalité", "Modalité", report.satisfaction_by_modality
        ),
        "themes": ExportTable(
            "Thèmes",
            [
                Column("theme", "Thème"),
                Column("count", "Commentaires"),
                Column("share", "Part", PERCENT),
                Column("praised", "Saluée dans"),
                Column("criticised", "Critiquée dans"),
            ],
            [
                {"theme": t.phrase, "count": t.count, "share": t.share}
                | {"praised": t.praised, "criticised": t.criticised}
                for t in report.themes
            ],
        ),
        "verbatims": ExportTable(
            "Verbatims",
            [Column("axis", "Axe"), Column("text", "Citation"), Column("attribution", "Attribution")],
            [
                {"axis": group.label, "text": quote.text, "attribution": quote.attribution}
                for group in report.verbatims
                for quote in group.quotes
            ],
        ),
    }


def report_title(report: Report) -> str:
    return f"Rapport d'activité {report.filters.label}"


# --- The document ----------------------------------------------------------------------------------------------


def _rate_sentence(report: Report) -> str:
    rate = report.satisfaction.satisfaction
    if rate.answered == 0 or rate.interval is None:  # no answer, no interval
        text = "Taux de satisfaction : aucune réponse."
    elif not report.shows(rate):
        text = f"Taux de satisfaction : {TOO_FEW_ANSWERS} (n = {rate.answered})."
    else:
        text = (
            f"Taux de satisfaction : {format_value(rate.rate, percent=True)} "
            f"(IC 95 % {format_value(rate.interval.low, percent=True)}–{format_value(rate.interval.high, percent=True)}"
            f", n = {rate.answered})."
        )
    response_rate = report.satisfaction.response_rate
    if response_rate is not None:
        text += f" Taux de réponse : {format_value(response_rate, percent=True)}."
    return text


def report_document(report: Report, cloud_png: bytes | None, *, today: date) -> ExportDocument:
    """Figures, tables, charts (PNG) and verbatims, in the page's order: ready to paste into the layout."""
    tables, charts = report_tables(report), report_charts(report)
    filters = report.filters
    period = "L'année" if filters.is_calendar_year else "La période"
    chosen = " ; ".join(f"{name} : {value}" for name, value in report.catalogue_labels)
    paragraphs: list = [
        Paragraph(
            f"Période : du {filters.start:%d/%m/%Y} au {filters.end:%d/%m/%Y}, "
            + (f"comparée à {report.previous_filters.label}." if report.has_previous else f"{report.no_comparison}.")
            + (f" Filtres — {chosen}." if chosen else "")
        ),
        Paragraph(f"Produit par Retours le {today:%d/%m/%Y}."),
        Paragraph(f"{period} {filters.label} en chiffres", "heading"),
        tables["headline"],
        Paragraph(_rate_sentence(report)),
        Paragraph(report.counting_note),
    ]
    sections = [
        ("Par département", "department", "department"),
        ("Par axe", "axis", "axis"),
        ("Par modalité", "modality", "modality"),
        ("Jours d'intervention par département", "half_days", "half_days"),
        ("Profils professionnels des répondant·es", "profile", "profile"),
    ]
    for heading, chart_key, table_key in sections:
        paragraphs.append(Paragraph(heading, "heading"))
        if charts[chart_key].bars:
            paragraphs.append(Picture(charts[chart_key].png(), charts[chart_key].title))
        paragraphs.append(tables[table_key])
    paragraphs += [Paragraph("Satisfaction", "heading"), tables["satisfaction"]]
    if charts["satisfaction"].bars:
        paragraphs.append(Picture(charts["satisfaction"].png(), charts["satisfaction"].title))
    paragraphs += [tables["satisfaction_axis"], tables["satisfaction_department"], tables["satisfaction_modality"]]
    paragraphs.append(Paragraph("Thèmes", "heading"))
    if report.themes:
        analysed = ngettext("%(num)d commentaire analysé", "%(num)d commentaires analysés", report.comments)
        paragraphs.append(Paragraph(f"Thèmes les plus cités parmi {analysed}."))
        if cloud_png:
            top = ", ".join(theme.phrase for theme in report.themes[:10])
            paragraphs.append(Picture(cloud_png, f"Nuage des thèmes, {filters.label} : {top}"))
        paragraphs.append(tables["themes"])
    else:
        paragraphs.append(Paragraph("Pas de thème pour cette période."))
    paragraphs.append(Paragraph("Verbatims", "heading"))
    for group in report.verbatims:
        paragraphs.append(Paragraph(group.label, "subheading"))
        for quote in group.quotes:
            paragraphs += [Paragraph(f"« {quote.text} »", "quote"), Paragraph(quote.attribution, "attribution")]
    if not report.verbatims:
        paragraphs.append(Paragraph("Aucune citation approuvée pour cette période."))
    return ExportDocument(report_title(report), paragraphs)


def report_file(report: Report, file_format: str, *, today: date) -> tuple[bytes, str, int]:
    """The report as a file, "xlsx" (a sheet per table) or "docx" (figures, tables, charts, verbatims): its bytes,
    its title and the rows (tables' rows, or the document's paragraphs) the download's audit line counts. Made in
    the request for a small scope, by the job queue for a large one (feedback/report/tasks.py)."""
    title = report_title(report)
    if file_format == "xlsx":
        tables = list(report_tables(report).values())
        return to_xlsx_workbook(tables), title, sum(len(table.rows) for table in tables)
    document = report_document(report, word_cloud_png(report), today=today)
    return to_docx(document), document.title, len(document.paragraphs)
