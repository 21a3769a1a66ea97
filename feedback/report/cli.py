"""`flask report`: the report's figures for scripts and the website, the same numbers as the page."""

from __future__ import annotations

import json

import click

from feedback.disclosure import TOO_FEW_ANSWERS, threshold
from feedback.labels import NO_DEPARTMENT, department_choices, parse_department
from feedback.models import Axis, Modality
from feedback.report_figures.build import build_report
from feedback.scope import PeriodError, Scope
from feedback.scores import default_year


@click.command("report")
@click.option(
    "--period",
    default=None,
    help="Une année (2025), un trimestre (2025-T2), « toutes » ou deux dates : 2025-01-01:2025-06-30.",
)
@click.option("--axis", type=click.Choice([axis.value for axis in Axis]), default=None, help="Un axe.")
@click.option(
    "--department",
    type=click.Choice([value for value, _label in department_choices()]),
    default=None,
    help=f"Un département, ou {NO_DEPARTMENT} pour les sessions sans département.",
)
@click.option("--modality", type=click.Choice([m.value for m in Modality]), default=None, help="Une modalité.")
@click.option("--json", "as_json", is_flag=True, help="Tous les chiffres en JSON (sinon un résumé).")
def report_command(
    period: str | None, axis: str | None, department: str | None, modality: str | None, as_json: bool
) -> None:
    """Print the report of a period (by default the latest year with responses, as the pages), as the page shows it."""
    choices = {
        "axis": Axis(axis) if axis else None,
        "department": parse_department(department),
        "modality": Modality(modality) if modality else None,
    }
    try:
        filters = Scope.from_period(period or str(default_year()), **choices)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    # The pages' notices (reversed dates swapped), on stderr so that the JSON stays readable.
    for notice in filters.messages():
        click.echo(notice, err=True)
    # As the page shows it to anyone but an admin: figures from too few answers are left out (n is given).
    report = build_report(filters, min_answers=threshold())
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Rapport {report.filters.label} (comparé à {report.previous_filters.label})")
    for item in report.headline:
        current = "–" if item.change.current is None else f"{item.change.current:g}"
        delta = "" if item.change.delta is None else f" ({item.change.delta:+g})"
        click.echo(f"  {item.label} : {current}{delta}")
    rate = report.to_dict()["satisfaction"]
    shown = TOO_FEW_ANSWERS if rate["rate"] is None else f"{rate['rate'] * 100:.0f} %"
    click.echo(f"  taux de satisfaction : {shown} (n = {rate['n']})")
