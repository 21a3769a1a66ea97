"""`flask import-catalogue` and `flask import-attendance`: the back office's imports, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask_babel import ngettext

from feedback.db import db
from feedback.imports.attendance import parse_attendance
from feedback.imports.catalogue import FORMAT_LABELS, parse_catalogue
from feedback.imports.operations import (
    SAME,
    ImportRefused,
    hashing_key,
    import_attendance,
    import_catalogue,
    plan_attendance,
    plan_catalogue,
    resolve_attendance,
)
from feedback.imports.tables import FileRejected, Problem, read_table
from feedback.labels import department_label

#: Rows listed before the counts of a dry run or an import.
LISTED_ROWS = 20
#: From this many sessions a progress bar shows the writing.
PROGRESS_FROM = 200


def _read(path: Path):
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    size = path.stat().st_size
    if size > max_bytes:
        raise FileRejected([Problem(None, None, f"Le fichier dépasse la taille permise ({max_bytes} octets).")])
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    return read_table(data, path.name, max_bytes=max_bytes, max_rows=current_app.config["IMPORT_MAX_ROWS"])


def _refuse(problems: list[Problem]) -> NoReturn:
    db.session.rollback()
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(
        ngettext(
            "Fichier refusé (%(num)d problème) : rien n'a été importé.",
            "Fichier refusé (%(num)d problèmes) : rien n'a été importé.",
            len(problems),
        )
    )


@click.command("import-catalogue")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Dire ce qui serait créé ou modifié, sans rien écrire.")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="Année des dates (format rapport).")
# Over the complexity limit: a command: read, refuse, preview, confirm and report, each with its message.
def import_catalogue_command(file: Path, dry_run: bool, year: int | None) -> None:  # noqa: C901
    """Import the catalogue (actions, sessions, participations) from a CSV or XLSX file: all or nothing."""
    try:
        catalogue = parse_catalogue(_read(file), year=year)
        plan = plan_catalogue(catalogue)
    except FileRejected as rejected:
        _refuse(rejected.problems)
    click.echo(
        f"{file.name} : format {FORMAT_LABELS[catalogue.format]}, lu en {catalogue.encoding}, "
        + ngettext("%(num)d ligne.", "%(num)d lignes.", catalogue.rows)
    )
    for note in catalogue.notes:
        click.echo(f"  note — {note}")
    changes = [c for c in plan.sessions if c.action != SAME]
    for change in changes[:LISTED_ROWS]:
        spec = change.spec
        verb = "créer " if change.action == "create" else "modifier"
        what = f" ({', '.join(change.fields)})" if change.fields else ""
        click.echo(
            f"  {verb} ligne {spec.line:>4}  {spec.start_date.isoformat()}  {department_label(spec.department):<20} "
            f"{spec.participants if spec.participants is not None else '–':>5}  {change.training.spec.title[:60]}{what}"
        )
    if len(changes) > LISTED_ROWS:
        click.echo("  " + ngettext("… et %(num)d autre.", "… et %(num)d autres.", len(changes) - LISTED_ROWS))
    summary = plan.summary
    trainings_same = ngettext("%(num)d inchangée", "%(num)d inchangées", summary["trainings_unchanged"])
    sessions_same = ngettext("%(num)d inchangée", "%(num)d inchangées", summary["sessions_unchanged"])
    counts = (
        f"formations : {summary['trainings_created']} à créer, {summary['trainings_updated']} à modifier, "
        f"{trainings_same} ; sessions : {summary['sessions_created']} à créer, {summary['sessions_updated']} à "
        f"modifier, {sessions_same} ; "
        + ngettext(
            "%(num)d participation dans le fichier", "%(num)d participations dans le fichier", summary["participations"]
        )
    )
    if summary["sessions_absent"]:
        counts += " ; " + ngettext(
            "%(num)d session déjà importée absente du fichier, conservée",
            "%(num)d sessions déjà importées absentes du fichier, conservées",
            summary["sessions_absent"],
        )
    click.echo(counts + ".")
    if dry_run:
        click.echo("Simulation : rien n'a été écrit.")
        return
    if not plan.changes:
        click.echo("Rien à changer : ce fichier est déjà importé.")
        return
    try:
        if len(catalogue.sessions) >= PROGRESS_FROM:
            with click.progressbar(length=len(catalogue.sessions), label="Import des sessions") as bar:
                last = 0

                def advance(done: int) -> None:
                    nonlocal last
                    bar.update(done - last)
                    last = done

                import_catalogue(catalogue, progress=advance)
        else:
            import_catalogue(catalogue)
        db.session.commit()
    except ImportRefused as refused:
        _refuse(refused.problems)
    click.echo("Import terminé.")


@click.command("import-attendance")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "session_id", type=click.IntRange(min=1), default=None, help="Numéro de la session.")
@click.option("--dry-run", is_flag=True, help="Dire ce qui changerait, sans rien écrire.")
def import_attendance_command(file: Path, session_id: int | None, dry_run: bool) -> None:
    """Import attendance lists (names or e-mails, kept only as keyed hashes) from a CSV or XLSX file."""
    try:
        attendance = parse_attendance(_read(file), hashing_key())
        lists, duplicates = resolve_attendance(attendance, session_id=session_id)
        plan = plan_attendance(lists, duplicates=duplicates, blank_rows=attendance.blank_rows)
    except (FileRejected, ImportRefused) as rejected:
        _refuse(rejected.problems)
    click.echo(f"{file.name} : lu en {attendance.encoding}.")
    for item in plan.sessions:
        present = item.session.participants_present
        after = (
            f", présents {present if present is not None else '–'} → {item.present_after}" if item.present_after else ""
        )
        people = ngettext("%(num)d personne", "%(num)d personnes", len(item.hashes))
        added = ngettext("%(num)d ajoutée", "%(num)d ajoutées", item.added)
        removed = ngettext("%(num)d retirée", "%(num)d retirées", item.removed)
        click.echo(
            f"  session {item.session.id} du {item.session.start_date.isoformat()} : {people}, {added}, "
            f"{removed}{after}"
        )
    summary = plan.summary
    click.echo(
        ngettext("%(num)d personne", "%(num)d personnes", summary["people"])
        + " dans "
        + ngettext("%(num)d session", "%(num)d sessions", summary["sessions"])
        + " ; "
        + ngettext(
            "%(num)d ligne en double comptée une fois.",
            "%(num)d lignes en double comptées une fois.",
            summary["duplicates"],
        )
    )
    if dry_run:
        click.echo("Simulation : rien n'a été écrit.")
        return
    if not plan.changes:
        click.echo("Rien à changer : ces listes sont déjà importées.")
        return
    import_attendance(plan)
    db.session.commit()
    click.echo("Import terminé.")
