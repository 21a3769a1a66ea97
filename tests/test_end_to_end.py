"""The whole loop: a manager creates a training and its session, opens it, participants answer, rates are read."""

import re
from datetime import date

from sqlalchemy import func, select

from feedback.db import db
from feedback.models import Answer, Response, Role, Training, TrainingSession
from tests.conftest import form_token


def test_from_a_new_training_to_its_satisfaction_rate(client, auth, make_user, make_speaker):
    manager = make_user(Role.MANAGER)
    speaker = make_speaker("Inès Dumont")
    auth.login(manager)

    # The manager creates the training, then its session with a speaker and 12 people present.
    page = client.post(
        "/manage/trainings/new",
        data={
            "title": "Accueillir les publics allophones",
            "axis": "linguistique-integration",
            "modality": "formation",
            "description": "Une journée pour les agents d'accueil.",
        },
    )
    assert page.status_code == 302
    training = db.session.scalar(select(Training).where(Training.title == "Accueillir les publics allophones"))
    page = client.post(
        f"/manage/trainings/{training.id}/sessions/new",
        data={
            "start_date": date.today().isoformat(),
            "half_days": "2",
            "department": "91",
            "place": "Évry",
            "participants_present": "12",
            "speakers": [str(speaker.id)],
        },
    )
    assert page.status_code == 302
    session = db.session.scalar(select(TrainingSession).where(TrainingSession.training_id == training.id))
    assert [s.name for s in session.speakers] == ["Inès Dumont"]

    # Not open yet: the public page says so and accepts nothing.
    assert "pas encore ouvert" in client.get(f"/s/{session.public_code}").get_data(as_text=True)
    assert client.post(f"/manage/sessions/{session.id}/open").status_code == 302
    session_page = client.get(f"/scores/sessions/{session.id}").get_data(as_text=True)
    assert f"http://retours.test/s/{session.public_code}" in session_page
    assert "<svg" in session_page  # the QR code, inline

    # Ten participants answer on their phones (a separate client: no staff cookie).
    levels = [4, 4, 4, 3, 3, 3, 3, 2, 1, None]  # 7 satisfied of the 9 who answered the overall question
    participant = client.application.test_client()
    for i, level in enumerate(levels):
        form = participant.get(f"/s/{session.public_code}")
        assert form.status_code == 200
        answers = {"token": form_token(form.get_data(as_text=True)), "q-contents": "3", "q-recommend": str(i)}
        if level is not None:
            answers["q-overall"] = str(level)
        else:
            answers.pop("q-contents")
            answers["q-liked"] = "Les échanges"
        # The overall question is required: the participant without it is told so, then answers "Satisfait"... no:
        # they skip it by leaving the session, so post only the valid ones.
        posted = participant.post(f"/s/{session.public_code}", data=answers)
        if level is None:
            assert posted.status_code == 422
            assert "Cette question est obligatoire" in posted.get_data(as_text=True)
            continue
        assert posted.status_code == 303
        assert posted.headers["Location"].endswith(f"/s/{session.public_code}/merci")

    assert db.session.scalar(select(func.count(Response.id))) == 9
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.text.is_not(None))) == 0

    # The manager reads 9 responses, 75 % response rate (9 of 12), 7/9 = 78 % satisfied.
    page = client.get(f"/scores/sessions/{session.id}").get_data(as_text=True)
    assert re.search(r'<span class="big"[^>]*>9</span> réponses', page)
    assert "75\u202f%" in page
    assert "78\u202f%" in page and "n = 9" in page
    training_page = client.get(f"/scores/trainings/{training.id}").get_data(as_text=True)
    assert "78\u202f%" in training_page
    overview = client.get(f"/scores/?annee={date.today().year}&vue=formation").get_data(as_text=True)
    assert "Accueillir les publics allophones" in overview and "78\u202f%" in overview

    # Closing the form: the next participant gets a clear 410 page.
    assert client.post(f"/manage/sessions/{session.id}/close").status_code == 302
    closed = participant.get(f"/s/{session.public_code}")
    assert closed.status_code == 410
    assert "Ce questionnaire est fermé" in closed.get_data(as_text=True)


def test_the_speaker_sees_their_session_and_training_rates(
    client, auth, make_user, make_speaker, make_session, answer_form
):
    trainer = make_user(Role.TRAINER)
    session = make_session(speakers=[make_speaker("Inès Dumont", user=trainer)], present=10)
    for level in ["4", "3", "3", "2", "4", "4"]:
        assert answer_form(session, {"q-overall": level}).status_code == 303
    auth.login(trainer)
    mine = client.get("/scores/mine").get_data(as_text=True)
    assert session.training.title in mine
    assert "83\u202f%" in mine  # 5 of 6
    page = client.get(f"/scores/sessions/{session.id}").get_data(as_text=True)
    assert "83\u202f%" in page and "60\u202f%" in page  # response rate 6/10
