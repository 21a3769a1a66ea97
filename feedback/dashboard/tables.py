"""The scores pages' breakdowns as downloadable tables (CSV, XLSX), with the same disclosure rule as the pages."""

from __future__ import annotations

from feedback.disclosure import TOO_FEW_ANSWERS, discloses, threshold
from feedback.exports import Column, ExportTable
from feedback.scores import DIMENSION_LABELS, BreakdownRow, Dimension


def breakdown_table(title: str, dimension: Dimension, rows: list[BreakdownRow]) -> ExportTable:
    """A breakdown as a downloadable table; rates the disclosure rule hides are left empty as on the page, and the
    satisfaction column says why."""
    columns = [
        Column("label", DIMENSION_LABELS[dimension]),
        *([Column("day", "Date")] if dimension == Dimension.SESSION else []),
        Column("sessions", "Sessions"),
        Column("responses", "Réponses"),
        Column("present", "Personnes présentes"),
        Column("response_rate", "Taux de réponse"),
        Column("answered", "Réponses à la question globale"),
        Column("rate", "Taux de satisfaction"),
        Column("low", "IC 95 % bas"),
        Column("high", "IC 95 % haut"),
        Column("note", "Remarque"),
    ]
    data = []
    for row in rows:
        rate = row.scores.satisfaction
        interval = rate.interval if discloses(rate.answered, threshold()) else None
        shown = interval is not None
        data.append(
            {
                "label": row.label,
                "day": row.day,
                "sessions": row.scores.sessions,
                "responses": row.scores.responses,
                "present": row.scores.present,
                "response_rate": row.scores.response_rate,
                "answered": rate.answered,
                "rate": rate.rate if shown else None,
                "low": interval.low if interval else None,
                "high": interval.high if interval else None,
                "note": "" if shown or not rate.answered else TOO_FEW_ANSWERS,
            }
        )
    return ExportTable(title, columns, data)
