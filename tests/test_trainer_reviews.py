"""« Le regard de l'intervenant·e »: a trainer fills and edits their own questionnaire on each of their sessions,
until the session's form closes; managers read it on the session page; it never counts in the scores."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from feedback import scores as queries
from feedback.catalogue.library import TRAINER_FAMILY
from feedback.catalogue.operations import close_session, ensure_default_questionnaire, ensure_family_questionnaire
from feedback.db import db, utcnow
from feedback.models import Response, Role, TrainerReview, TrainingSession

FORM = {"q-overall": "2", "q-organisation": "1", "q-group": "3", "q-remarks": "Salle trop petite pour les ateliers."}


def _trainer(make_user, make_speaker, name="Hélène V."):
    user = make_user(Role.TRAINER)
    return user, make_speaker(name, user=user)


def test_a_trainer_fills_then_edits_their_questionnaire(client, auth, make_user, make_speaker, make_session):
    user, speaker = _trainer(make_user, make_speaker)
    session = make_session(speakers=[speaker])
    auth.login(user)

    listing = client.get("/intervenant/regards").get_data(as_text=True)
    assert "Remplir" in listing and session.training.title in listing
    page = client.get(f"/intervenant/sessions/{session.id}/regard")
    assert page.status_code == 200 and "Le regard de l'intervenant·e" in unescape(page.get_data(as_text=True))

    saved = client.post(f"/intervenant/sessions/{session.id}/regard", data=FORM)
    assert saved.status_code == 303
    assert "Modifier" in client.get("/intervenant/regards").get_data(as_text=True)
    page = unescape(client.get(f"/intervenant/sessions/{session.id}/regard").get_data(as_text=True))
    assert "Salle trop petite pour les ateliers." in page  # the saved answers fill the form again

    changed = client.post(
        f"/intervenant/sessions/{session.id}/regard", data={**FORM, "q-overall": "4", "q-remarks": "Très bon groupe."}
    )
    assert changed.status_code == 303
    reviews = db.session.scalars(select(TrainerReview)).all()
    assert len(reviews) == 1  # one per session and speaker: the second save replaced the first
    assert reviews[0].answers["overall"]["number"] == 4
    assert reviews[0].answers["remarks"]["text"] == "Très bon groupe."


def test_the_overall_question_is_required_and_nothing_typed_is_kept(
    client, auth, make_user, make_speaker, make_session
):
    user, speaker = _trainer(make_user, make_speaker)
    session = make_session(speakers=[speaker])
    auth.login(user)
    page = client.post(f"/intervenant/sessions/{session.id}/regard", data={"q-remarks": "Mon texte"})
    assert page.status_code == 422
    assert "Mon texte" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainerReview.id))) == 0


def test_no_change_once_the_session_form_is_closed(client, auth, make_user, make_speaker, make_session):
    user, speaker = _trainer(make_user, make_speaker)
    session = make_session(speakers=[speaker])
    auth.login(user)
    assert client.post(f"/intervenant/sessions/{session.id}/regard", data=FORM).status_code == 303
    close_session(db.session.get(TrainingSession, session.id), now=utcnow() - timedelta(minutes=1))
    db.session.commit()

    page = unescape(client.get(f"/intervenant/sessions/{session.id}/regard").get_data(as_text=True))
    assert "vos réponses ne peuvent plus être modifiées" in page
    refused = client.post(f"/intervenant/sessions/{session.id}/regard", data={**FORM, "q-remarks": "Trop tard"})
    assert refused.status_code == 409
    db.session.expire_all()
    review = db.session.scalar(select(TrainerReview))
    assert review.answers["remarks"]["text"] == "Salle trop petite pour les ateliers."
    assert "Rempli (consulter)" in client.get("/intervenant/regards").get_data(as_text=True)


def test_a_trainer_never_sees_nor_edits_another_trainers_questionnaire(
    client, auth, make_user, make_speaker, make_session
):
    user_a, speaker_a = _trainer(make_user, make_speaker, "Alix A.")
    user_b, speaker_b = _trainer(make_user, make_speaker, "Bérénice B.")
    shared = make_session(speakers=[speaker_a, speaker_b])
    only_b = make_session(speakers=[speaker_b])
    auth.login(user_b)
    assert client.post(f"/intervenant/sessions/{shared.id}/regard", data=FORM).status_code == 303
    auth.logout()

    auth.login(user_a)
    # Not their session: 404, and nothing written.
    assert client.get(f"/intervenant/sessions/{only_b.id}/regard").status_code == 404
    assert client.post(f"/intervenant/sessions/{only_b.id}/regard", data=FORM).status_code == 404
    # A shared session: A gets their own blank questionnaire, never B's answers.
    page = client.get(f"/intervenant/sessions/{shared.id}/regard").get_data(as_text=True)
    assert "Salle trop petite" not in page
    assert "Remplir" in client.get("/intervenant/regards").get_data(as_text=True)
    assert client.post(f"/intervenant/sessions/{shared.id}/regard", data={"q-overall": "4"}).status_code == 303
    rows = db.session.execute(select(TrainerReview.speaker_id, TrainerReview.session_id)).all()
    assert sorted(rows) == sorted([(speaker_b.id, shared.id), (speaker_a.id, shared.id)])


def test_managers_read_it_on_the_session_page_and_the_scores_do_not_change(
    client, auth, make_user, make_speaker, make_session, answer_form
):
    user, speaker = _trainer(make_user, make_speaker)
    session = make_session(speakers=[speaker], present=10)
    for level in ("4", "4", "3"):
        assert answer_form(session, {"q-overall": level}).status_code == 303
    condition = TrainingSession.id == session.id
    before = queries.total_scores(condition)

    auth.login(user)
    assert client.post(f"/intervenant/sessions/{session.id}/regard", data=FORM).status_code == 303
    auth.logout()

    after = queries.total_scores(condition)
    assert after == before
    assert after.responses == 3
    assert db.session.scalar(select(func.count(Response.id))) == 3

    auth.login(make_user(Role.MANAGER))
    page = unescape(client.get(f"/scores/sessions/{session.id}").get_data(as_text=True))
    assert "Le regard des intervenant·es" in page
    assert "Hélène V." in page and "Salle trop petite pour les ateliers." in page and "Peu satisfait" in page


def test_participants_are_never_given_the_trainers_questionnaire(client, auth, make_user, make_training):
    """Published, it is still not among the questionnaires a training, a session or a modality may be given."""
    ensure_default_questionnaire()
    ensure_family_questionnaire(TRAINER_FAMILY)
    training = make_training()
    db.session.commit()
    auth.login(make_user(Role.MANAGER))
    for url in (
        "/manage/trainings/new",
        f"/manage/trainings/{training.id}/edit",
        f"/manage/trainings/{training.id}/sessions/new",
        "/manage/questionnaires/defaults",
    ):
        page = unescape(client.get(url).get_data(as_text=True))
        assert "Évaluation à chaud" in page, url  # the questionnaires are offered on this page
        assert "Le regard de l'intervenant·e" not in page, url
