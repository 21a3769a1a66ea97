"""`flask analyse`: analyse the stored comments that need it (new, or analysed by older rules)."""

from __future__ import annotations

import time

import click
from flask_babel import ngettext

from feedback.analysis.tone import LABELS_FR
from feedback.analysis.version import analysis_version
from feedback.quotes.analyses import analyse_pending, count_pending


@click.command("analyse")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Tout réanalyser (par exemple après l'ajout de noms à masquer), pas seulement ce qui doit l'être.",
)
def analyse_command(everything: bool) -> None:
    """Analyse the comments not analysed yet or analysed with another version of the lexicon; prints a summary."""
    version = analysis_version()
    todo = count_pending(everything=everything)
    if todo == 0:
        click.echo(f"Rien à analyser : tous les commentaires le sont avec la version {version}.")
        return
    started = time.perf_counter()
    with click.progressbar(length=todo, label=f"Analyse ({version})", show_pos=True) as bar:
        summary = analyse_pending(everything=everything, progress=bar.update)
    elapsed = time.perf_counter() - started
    tones = ", ".join(f"{LABELS_FR[tone]} {count}" for tone, count in sorted(summary.tones.items()))
    analysed = ngettext("%(num)d commentaire analysé", "%(num)d commentaires analysés", summary.analysed)
    new = ngettext("%(num)d nouveau", "%(num)d nouveaux", summary.new)
    replaced = ngettext("%(num)d réanalysé", "%(num)d réanalysés", summary.replaced)
    click.echo(f"{analysed} en {elapsed:.1f} s ({new}, {replaced}) avec la version {version}.")
    if tones:
        masked = ngettext("%(num)d commentaire", "%(num)d commentaires", summary.masked)
        click.echo(f"Tons : {tones}. Données personnelles masquées dans {masked}.")
    if summary.failed:
        raise click.ClickException(
            ngettext(
                "%(num)d commentaire n'a pas pu être analysé (voir le journal).",
                "%(num)d commentaires n'ont pas pu être analysés (voir le journal).",
                summary.failed,
            )
        )
