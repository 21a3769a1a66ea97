"""Managers: the catalogue of trainings and sessions, speakers, and the distribution of questionnaires."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from sqlalchemy import func, select
from wtforms import SelectChoice

from feedback.auth.access import get_session_or_404, get_training_or_404, managers_only
from feedback.auth.forms import ConfirmForm
from feedback.auth.operations import get_user_by_email
from feedback.catalogue import operations
from feedback.catalogue import queries as catalogue_queries
from feedback.db import db
from feedback.errors import Refusal, show_refusal
from feedback.manage import slide
from feedback.manage.forms import SessionForm, SpeakerForm, TrainingForm
from feedback.manage.queries import catalogue_page
from feedback.manage.slide import shown_link
from feedback.models import Axis, Department, Modality, Questionnaire, Role, Speaker, Training, TrainingSession
from feedback.qr import qr_png, qr_svg
from feedback.scores import response_count
from feedback.timeutil import local_to_utc, utc_to_local_naive
from feedback.web import public_url

bp = Blueprint("manage", __name__, url_prefix="/manage")


# -- trainings ---------------------------------------------------------------------------------------------------


@bp.get("/trainings")
@managers_only
def trainings():
    """The catalogue, newest first and a page at a time (a title search narrows it), with its number of sessions
    and, under each training, its sessions' tools (QR code, poster, invitations, open/close): where a manager
    looks for them."""
    raw_page = request.args.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100_000 else 1
    return render_template("manage/trainings.html", catalogue=catalogue_page(number, request.args.get("q", "")))


def _training_form(training: Training | None) -> TrainingForm:
    """The form with its questionnaire choices; a training keeps its own even if archived since."""
    form = TrainingForm(obj=training)
    versions = catalogue_queries.published_versions()
    if training is not None and training.questionnaire is not None and training.questionnaire not in versions:
        versions.insert(0, training.questionnaire)
    form.questionnaire.choices = [SelectChoice("", "Selon la modalité (par défaut)")] + [
        SelectChoice(str(q.id), f"{q.title} (v{q.version})") for q in versions
    ]
    families = [SelectChoice(q.family, q.title) for q in catalogue_queries.published_families()]
    own = training.followup_family if training is not None else None
    if own and own not in {choice.value for choice in families}:
        families.insert(0, SelectChoice(own, f"{own} (plus de version publiée)"))
    form.followup_family.choices = [SelectChoice("", "Pas de questionnaire de suivi")] + families
    stored = {
        form.questionnaire: str(training.questionnaire_id or "") if training else "",
        form.followup_family: (training.followup_family or "") if training else "",
    }
    if request.method == "GET" and training is not None:
        form.axis.data, form.modality.data = training.axis.value, training.modality.value
    for select_field, value in stored.items():
        # Shown as stored; not sent at all (an older page, a script): left as stored.
        if request.method == "GET" or select_field.name not in request.form:
            select_field.data = value
    return form


def _set_questionnaires(training: Training, form: TrainingForm) -> None:
    chosen = form.questionnaire.data
    operations.set_training_questionnaires(
        training,
        questionnaire=db.session.get(Questionnaire, int(chosen)) if chosen else None,
        followup_family=form.followup_family.data or None,
        # Left empty: unchanged (90 days for a new training).
        followup_delay_days=form.followup_delay_days.data or training.followup_delay_days or 90,
    )


@bp.route("/trainings/new", methods=["GET", "POST"])
@managers_only
def new_training():
    """Create a training (an action of the catalogue)."""
    form = _training_form(None)
    if form.validate_on_submit():
        training = operations.create_training(
            title=form.title.data.strip(),
            axis=Axis(form.axis.data),
            modality=Modality(form.modality.data),
            description=form.description.data or "",
        )
        _set_questionnaires(training, form)
        db.session.commit()
        flash("Formation créée. Ajoutez-lui une session.", "success")
        return redirect(url_for("manage.new_session", training_id=training.id))
    return render_template("manage/training_form.html", form=form, training=None)


@bp.route("/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_training(training_id: int):
    """Edit a training: title, axis, modality, description, its questionnaire and its follow-up questionnaire."""
    training = get_training_or_404(training_id, for_management=True)
    form = _training_form(training)
    if form.validate_on_submit():
        operations.update_training(
            training,
            title=form.title.data.strip(),
            axis=Axis(form.axis.data),
            modality=Modality(form.modality.data),
            description=form.description.data or "",
        )
        _set_questionnaires(training, form)
        db.session.commit()
        flash("Formation enregistrée.", "success")
        return redirect(url_for("dashboard.training", training_id=training.id))
    return render_template("manage/training_form.html", form=form, training=training)


# -- sessions ----------------------------------------------------------------------------------------------------


def _speaker_choices() -> list[SelectChoice]:
    speakers = db.session.scalars(select(Speaker).order_by(Speaker.name)).all()
    return [SelectChoice(s.id, f"{s.name} ({s.organisation})" if s.organisation else s.name) for s in speakers]


def _questionnaire_choices(session: TrainingSession | None) -> list[SelectChoice]:
    """Published versions; a new session may leave the choice to its training or modality."""
    versions = catalogue_queries.published_versions()
    if session is not None and session.questionnaire not in versions:
        versions.insert(0, session.questionnaire)  # e.g. an archived version it keeps
    first = [] if session else [SelectChoice("", "Selon la formation ou la modalité (par défaut)")]
    return first + [SelectChoice(str(q.id), f"{q.title} (v{q.version})") for q in versions]


def _chosen_questionnaire(form: SessionForm) -> Questionnaire | None:
    return db.session.get(Questionnaire, int(form.questionnaire.data)) if form.questionnaire.data else None


def _session_fields(form: SessionForm) -> dict:
    speakers = db.session.scalars(select(Speaker).where(Speaker.id.in_(form.speakers.data or []))).all()
    return {
        "start_date": form.start_date.data,
        "end_date": form.end_date.data,
        "half_days": form.half_days.data,
        "department": Department(form.department.data) if form.department.data else None,
        "place": (form.place.data or "").strip(),
        "participants_present": form.participants_present.data,
        "speakers": list(speakers),
    }


@bp.route("/trainings/<int:training_id>/sessions/new", methods=["GET", "POST"])
@managers_only
def new_session(training_id: int):
    """Add a session to a training; its questionnaire link exists at once."""
    training = get_training_or_404(training_id, for_management=True)
    form = SessionForm()
    form.speakers.choices = _speaker_choices()
    form.questionnaire.choices = _questionnaire_choices(None)
    if form.validate_on_submit():
        session = operations.create_session(
            training, questionnaire=_chosen_questionnaire(form), **_session_fields(form)
        )
        if form.opens_at.data or form.closes_at.data:
            operations.schedule_session(
                session, opens_dt=local_to_utc(form.opens_at.data), closes_dt=local_to_utc(form.closes_at.data)
            )
        db.session.commit()
        flash("Session créée.", "success")
        return redirect(url_for("dashboard.session", session_id=session.id))
    return render_template("manage/session_form.html", form=form, training=training, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_session(session_id: int):
    """Edit a session: dates, place, speakers, people present, opening times."""
    session = get_session_or_404(session_id, for_management=True)
    form = SessionForm(obj=session)
    form.speakers.choices = _speaker_choices()
    form.questionnaire.choices = _questionnaire_choices(session)
    form.stored_schedule = (_to_minute(session.opens_dt), _to_minute(session.closes_dt))
    if request.method == "GET":
        form.department.data = session.department.value if session.department else ""
        form.speakers.data = [s.id for s in session.speakers]
        form.opens_at.data, form.closes_at.data = form.stored_schedule
        form.questionnaire.data = str(session.questionnaire_id)
    if form.validate_on_submit():
        # Times left untouched keep their stored seconds.
        schedule = (
            None if form.schedule_unchanged() else (local_to_utc(form.opens_at.data), local_to_utc(form.closes_at.data))
        )
        try:
            operations.edit_session(
                session, questionnaire=_chosen_questionnaire(form), schedule=schedule, **_session_fields(form)
            )
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            db.session.commit()
            flash("Session enregistrée.", "success")
            return redirect(url_for("dashboard.session", session_id=session.id))
    return render_template("manage/session_form.html", form=form, training=session.training, session=session)


def _to_minute(moment):
    """A stored UTC time as the form shows it: local wall clock, to the minute."""
    local = utc_to_local_naive(moment)
    return local.replace(second=0, microsecond=0) if local else None


@bp.post("/sessions/<int:session_id>/open")
@managers_only
def open_session(session_id: int):
    """Open the questionnaire now."""
    session = get_session_or_404(session_id, for_management=True)
    if ConfirmForm().validate_on_submit():
        operations.open_session(session)
        db.session.commit()
        flash("Le questionnaire est ouvert.", "success")
    return redirect(url_for("dashboard.session", session_id=session.id))


@bp.post("/sessions/<int:session_id>/close")
@managers_only
def close_session(session_id: int):
    """Close the questionnaire now."""
    session = get_session_or_404(session_id, for_management=True)
    if ConfirmForm().validate_on_submit():
        operations.close_session(session)
        db.session.commit()
        flash("Le questionnaire est fermé.", "success")
    return redirect(url_for("dashboard.session", session_id=session.id))


# -- distribution ------------------------------------------------------------------------------------------------


@bp.get("/sessions/<int:session_id>/qr.svg")
@managers_only
def qr_code_svg(session_id: int):
    """The QR code of the public link, as SVG."""
    session = get_session_or_404(session_id, for_management=True)
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(public_url(session))
    return Response(svg, mimetype="image/svg+xml", headers=_download(session, "svg"))


@bp.get("/sessions/<int:session_id>/qr.png")
@managers_only
def qr_code_png(session_id: int):
    """The QR code of the public link, as PNG (for slides and documents)."""
    session = get_session_or_404(session_id, for_management=True)
    return Response(qr_png(public_url(session)), mimetype="image/png", headers=_download(session, "png"))


def _download(session: TrainingSession, extension: str, stem: str = "questionnaire") -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{stem}-{session.public_code}.{extension}"'}


@bp.get("/sessions/<int:session_id>/poster")
@managers_only
def poster(session_id: int):
    """A printable A4 poster: title, date, QR code and short link."""
    session = get_session_or_404(session_id, for_management=True)
    url = public_url(session)
    return render_template(
        "manage/poster.html", session=session, url=url, link=shown_link(url), qr=qr_svg(url, scale=10)
    )


@bp.get("/sessions/<int:session_id>/table-tent")
@managers_only
def table_tent(session_id: int):
    """A printable table tent: one A4 landscape sheet folded in two, readable from both sides of a table."""
    session = get_session_or_404(session_id, for_management=True)
    url = public_url(session)
    return render_template(
        "manage/table_tent.html", session=session, url=url, link=shown_link(url), qr=qr_svg(url, scale=6)
    )


def _when(session: TrainingSession) -> str:
    """The dates and place as the poster prints them: "18 juin 2026 – 19 juin 2026 · Évry"."""
    when = format_date(session.start_date, "d MMMM y")
    if session.end_date:
        when += " – " + format_date(session.end_date, "d MMMM y")
    return f"{when} · {session.place}" if session.place else when


@bp.get("/sessions/<int:session_id>/slide.png")
@managers_only
def slide_png(session_id: int):
    """The last slide of a presentation (1920 × 1080 PNG): title, date, a large QR code and the short link."""
    session = get_session_or_404(session_id, for_management=True)
    image = slide.slide_png(session.training.title, _when(session), public_url(session))
    return Response(image, mimetype="image/png", headers=_download(session, "png", stem="diapositive"))


@bp.get("/sessions/<int:session_id>/slide.svg")
@managers_only
def slide_svg(session_id: int):
    """The same slide as SVG, for presentation software that scales it without blur."""
    session = get_session_or_404(session_id, for_management=True)
    image = slide.slide_svg(session.training.title, _when(session), public_url(session))
    return Response(image, mimetype="image/svg+xml", headers=_download(session, "svg", stem="diapositive"))


@bp.get("/sessions/<int:session_id>/counts")
@managers_only
def response_counts(session_id: int):
    """The live counter's figures (polled by static/app.js): responses so far and whether the form is open."""
    session = get_session_or_404(session_id, for_management=True)
    response = jsonify(responses=response_count(session.id), is_open=session.is_open)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- speakers ----------------------------------------------------------------------------------------------------


@bp.get("/speakers")
@managers_only
def speakers():
    """Speakers and trainers, with their number of sessions."""
    rows = db.session.execute(
        select(Speaker, func.count(TrainingSession.id))
        .outerjoin(Speaker.sessions)
        .group_by(Speaker.id)
        .order_by(Speaker.name)
    ).all()
    return render_template("manage/speakers.html", rows=rows)


def _account_for(form: SpeakerForm, speaker: Speaker | None):
    """The trainer account named in the form, or a form error."""
    if not form.account_email.data:
        return None, True
    user = get_user_by_email(form.account_email.data)
    error = None
    if user is None or user.role != Role.TRAINER:
        error = "Aucun compte intervenant·e avec cette adresse."
    else:
        holder = db.session.scalar(select(Speaker).where(Speaker.user_id == user.id))
        if holder is not None and holder is not speaker:
            error = f"Ce compte est déjà relié à l'intervenant·e « {holder.name} »."
    if error:
        form.account_email.errors = [*form.account_email.errors, error]
        return None, False
    return user, True


@bp.route("/speakers/new", methods=["GET", "POST"])
@managers_only
def new_speaker():
    """Add a speaker."""
    form = SpeakerForm()
    if form.validate_on_submit():
        user, ok = _account_for(form, None)
        if ok:
            operations.create_speaker(
                name=form.name.data.strip(),
                organisation=(form.organisation.data or "").strip(),
                email=form.email.data,
                user=user,
            )
            db.session.commit()
            flash("Intervenant·e ajouté·e.", "success")
            return redirect(url_for("manage.speakers"))
    return render_template("manage/speaker_form.html", form=form, speaker=None)


@bp.route("/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_speaker(speaker_id: int):
    """Edit a speaker and the account linked to them."""
    speaker = db.get_or_404(Speaker, speaker_id)
    form = SpeakerForm(obj=speaker)
    if request.method == "GET" and speaker.user:
        form.account_email.data = speaker.user.email
    if form.validate_on_submit():
        user, ok = _account_for(form, speaker)
        if ok:
            operations.update_speaker(
                speaker,
                name=form.name.data.strip(),
                organisation=(form.organisation.data or "").strip(),
                email=form.email.data,
                user=user,
            )
            db.session.commit()
            flash("Intervenant·e enregistré·e.", "success")
            return redirect(url_for("manage.speakers"))
    return render_template("manage/speaker_form.html", form=form, speaker=speaker)
