"""Command-line tasks: `flask --app feedback <command>`. They call operations and commit once."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import inspect, select

from feedback.db import db

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "data" / "activite-2025.csv"


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(welcome_command)
    app.cli.add_command(analyse_text_command)

    from feedback.distribution.cli import send_reminders_command
    from feedback.followup.cli import send_followups_command

    app.cli.add_command(send_reminders_command)
    from feedback.queue import queue_worker_command

    app.cli.add_command(queue_worker_command)
    app.cli.add_command(send_followups_command)

    from feedback.quotes.cli import analyse_command

    app.cli.add_command(analyse_command)

    from feedback.imports.cli import import_attendance_command, import_catalogue_command
    from feedback.privacy.cli import purge_command

    app.cli.add_command(purge_command)

    app.cli.add_command(import_catalogue_command)
    app.cli.add_command(import_attendance_command)

    from feedback.report.cli import report_command

    app.cli.add_command(report_command)

    from feedback.api.cli import api_token_command

    app.cli.add_command(api_token_command)


def _print_logins(summary) -> None:
    click.echo(f"Comptes de démonstration (mot de passe commun : {summary.logins[0][2]})")
    for email, role, _password in summary.logins:
        click.echo(f"  {role:<14} {email}")
    if summary.open_session_code:
        click.echo(f"Questionnaire ouvert à essayer : {current_app.config['BASE_URL']}/s/{summary.open_session_code}")


@click.command("demo")
@click.option(
    "--catalogue",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Catalogue CSV de l'année du rapport (par défaut, l'activité 2025) ; l'année d'avant en est dérivée.",
)
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des formations.")
def demo_command(catalogue: Path | None, if_empty: bool) -> None:
    """Load the demo: 2024 and 2025 through the catalogue import, attendance, answers, one account per role."""
    from feedback.demo import load_demo
    from feedback.models import Training

    if if_empty and db.session.scalar(select(Training.id).limit(1)) is not None:
        from feedback.demo import demo_summary

        summary = demo_summary()
    else:
        summary = load_demo(catalogue or Path(current_app.config.get("DEMO_CATALOGUE") or DEFAULT_CATALOGUE))
        db.session.commit()
        from feedback.quotes.analyses import analyse_pending

        analyse_pending()  # the demo's comments, stored in bulk, analysed as if they had been submitted
        if summary.already_loaded:
            click.echo("La démonstration est déjà chargée : rien n'a été ajouté.")
        else:
            click.echo(
                f"Démonstration chargée (2024 et 2025) : {summary.trainings} formations, {summary.sessions} sessions, "
                f"{summary.participations} participations, {summary.speakers} intervenant·es, "
                f"{summary.responses} réponses."
            )
    if summary.logins:
        _print_logins(summary)


@click.command("welcome")
def welcome_command() -> None:
    """Print how to log in to the demo (used by `make run`)."""
    from feedback.demo import demo_summary

    if not inspect(db.engine).has_table("users"):
        raise click.ClickException("La base n'est pas initialisée : lancez `flask --app feedback db upgrade`.")
    summary = demo_summary()
    click.echo(f"Retours est servi sur {current_app.config['BASE_URL']}/")
    if summary.logins:
        _print_logins(summary)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "manager", "communication", "trainer"]), required=True)
@click.option("--name", default="", help="Nom affiché.")
@click.option("--password", default=None, help="Mot de passe (demandé si absent ; --generate pour en créer un).")
@click.option("--generate", is_flag=True, help="Générer un mot de passe et l'afficher.")
def create_user_command(email: str, role: str, name: str, password: str | None, generate: bool) -> None:
    """Create a staff account; the password is prompted for, or generated and printed."""
    from email_validator import EmailNotValidError, validate_email

    from feedback.auth.operations import PasswordRejected, create_user, generate_password, get_user_by_email
    from feedback.models import Role

    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(f"adresse e-mail invalide : {exc}") from exc
    if get_user_by_email(email) is not None:
        raise click.ClickException(f"Un compte existe déjà pour {email}.")
    if generate:
        password = generate_password()
    elif password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    try:
        create_user(email, Role(role), password, name=name)
    except PasswordRejected as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Compte {role} créé pour {email.lower()}.")
    if generate:
        click.echo(f"Mot de passe : {password}")


@click.command("analyse-text")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", default=None, help="Colonne des commentaires (fichier CSV ou XLSX).")
@click.option(
    "--names",
    "names_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Noms de personnes à masquer, un par ligne.",
)
@click.option("--themes", "theme_limit", type=click.IntRange(min=1), default=None, help="Nombre de thèmes au plus.")
@click.option(
    "--question", default=None, help="Libellé de la question posée : ses mots ne sont pas des thèmes des réponses."
)
def analyse_text_command(
    file: Path, column: str | None, names_file: Path | None, theme_limit: int | None, question: str | None
) -> None:
    """Analyse comments from a file (text, CSV or XLSX): one JSON line per comment, then the themes as JSON."""
    from feedback.analysis.comments import analyse_document
    from feedback.analysis.language import parse_many
    from feedback.analysis.sources import SourceError, read_comments
    from feedback.analysis.theme_words import question_words
    from feedback.analysis.themes import build_themes

    try:
        comments = read_comments(file, column)
        names = read_comments(names_file) if names_file else []
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    analyses = []
    words = question_words(question)
    for doc in parse_many(comments):
        analysis = analyse_document(doc, names=names, question_words=words)
        analyses.append(analysis)
        click.echo(json.dumps(analysis.as_dict(), ensure_ascii=False))
    themes = build_themes([analysis.for_themes() for analysis in analyses], limit=theme_limit)
    click.echo(json.dumps({"comments": len(analyses), "themes": [t.as_dict() for t in themes]}, ensure_ascii=False))
