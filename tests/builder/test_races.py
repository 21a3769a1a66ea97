"""Two managers (or a manager and a participant) acting on the same questionnaire at the same moment.

Each race is provoked for real: the competing request runs in another thread (its own app context, database session
and connection, as another worker would) and commits inside the first request's window, after its checks and before
its writes. The first manager must get a clear French message, never a 500, and nothing half-written.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from sqlalchemy import event, func, select

from feedback.builder import operations as builder
from feedback.catalogue import operations
from feedback.catalogue.library import CONFERENCE_WEBINAR
from feedback.db import db
from feedback.models import (
    Modality,
    ModalityDefault,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    Role,
    TrainingSession,
)
from tests.conftest import PASSWORD, form_token, run_as_another_worker

BASE = "/manage/questionnaires"
CHANGED = "Le questionnaire a été modifié par quelqu&#39;un d&#39;autre entre-temps ; rien n&#39;a été enregistré"


@pytest.fixture
def manager(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    return client


@pytest.fixture
def other_manager(app, make_user):
    """A second manager, in a browser of their own."""
    other = app.test_client()
    user = make_user(Role.MANAGER)
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return other


@pytest.fixture
def meanwhile():
    """meanwhile(action): run `action` in another thread just before this thread's next flush that writes.

    That flush is where a view's checks are behind it and its writes ahead: exactly where another worker's commit
    makes them stale. The thread's requests get their own app context, so their own session and connection.
    """
    session = db.session()  # the session the test's requests use (they share the test's app context)
    pending: list[Callable[[], object]] = []

    def before_flush(flushing, context, instances) -> None:
        if not pending:
            return
        run_as_another_worker(pending.pop())

    event.listen(session, "before_flush", before_flush)
    yield pending.append
    event.remove(session, "before_flush", before_flush)
    assert not pending, "the race was never run: the request wrote nothing"


def edit_version(page) -> str:
    match = re.search(r'name="edit_version" type="hidden" value="(\d+)"', page.get_data(as_text=True))
    assert match, "the page carries no edit_version"
    return match.group(1)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def codes(questionnaire_id: int) -> list[str]:
    return [q.code for q in fresh(Questionnaire, questionnaire_id).questions]


def draft_of_library() -> int:
    draft = builder.create_from_library(CONFERENCE_WEBINAR)
    db.session.commit()
    return draft.id


def published() -> int:
    questionnaire = operations.create_questionnaire(CONFERENCE_WEBINAR)
    db.session.commit()
    return questionnaire.id


NEW_QUESTION = {"code": "profile", "kind": "short_text", "label": "Votre structure"}


def add_question(client, draft_id: int, data: dict | None = None, expect: int = 302):
    """A manager opens the editor and adds a question with the edit_version the page carried."""
    editor = client.get(f"{BASE}/{draft_id}")
    page = client.post(
        f"{BASE}/{draft_id}/questions", data={**(data or NEW_QUESTION), "edit_version": edit_version(editor)}
    )
    assert page.status_code == expect
    return page


def test_a_publication_racing_an_edit_is_refused_and_publishes_nothing(manager, other_manager, meanwhile):
    draft_id = draft_of_library()
    editor = manager.get(f"{BASE}/{draft_id}")
    meanwhile(lambda: add_question(other_manager, draft_id))

    page = manager.post(
        f"{BASE}/{draft_id}/publish", data={"edit_version": edit_version(editor)}, follow_redirects=True
    )
    assert page.status_code == 200 and CHANGED in page.get_data(as_text=True)
    draft = fresh(Questionnaire, draft_id)
    assert draft.status == QuestionnaireStatus.DRAFT and draft.published_dt is None
    assert codes(draft_id) == ["overall", "recommend", "liked", "profile"]  # the other manager's save stays


def test_an_edit_racing_a_publication_never_changes_the_published_version(manager, other_manager, meanwhile):
    draft_id = draft_of_library()
    editor_b = other_manager.get(f"{BASE}/{draft_id}")
    meanwhile(lambda: other_manager.post(f"{BASE}/{draft_id}/publish", data={"edit_version": edit_version(editor_b)}))

    page = add_question(manager, draft_id, expect=200)
    html = page.get_data(as_text=True)
    assert CHANGED in html and "v1 · publiée" in html
    assert fresh(Questionnaire, draft_id).status == QuestionnaireStatus.PUBLISHED
    assert codes(draft_id) == ["overall", "recommend", "liked"]  # frozen as it was published


def test_archiving_racing_an_edit_of_the_draft_archives_no_version(manager, other_manager, meanwhile):
    v1 = published()
    v2 = builder.start_new_version(fresh(Questionnaire, v1)).id
    db.session.commit()
    manager.get(f"{BASE}/")
    meanwhile(lambda: add_question(other_manager, v2))

    page = manager.post(f"{BASE}/{v2}/archive", data={}, follow_redirects=True)
    assert page.status_code == 200 and CHANGED in page.get_data(as_text=True)
    assert fresh(Questionnaire, v1).status == QuestionnaireStatus.PUBLISHED  # not half-archived
    assert fresh(Questionnaire, v2).status == QuestionnaireStatus.DRAFT
    assert "profile" in codes(v2)


def test_an_edit_racing_an_archiving_is_refused(manager, other_manager, meanwhile):
    draft_id = draft_of_library()
    meanwhile(lambda: other_manager.post(f"{BASE}/{draft_id}/archive", data={}))

    page = add_question(manager, draft_id, expect=200)
    assert CHANGED in page.get_data(as_text=True)
    assert fresh(Questionnaire, draft_id).status == QuestionnaireStatus.ARCHIVED
    assert codes(draft_id) == ["overall", "recommend", "liked"]


def test_a_deletion_racing_an_edit_deletes_nothing(manager, other_manager, meanwhile):
    draft_id = draft_of_library()
    editor = manager.get(f"{BASE}/{draft_id}")
    meanwhile(lambda: add_question(other_manager, draft_id))

    page = manager.post(f"{BASE}/{draft_id}/delete", data={"edit_version": edit_version(editor)}, follow_redirects=True)
    assert page.status_code == 200 and CHANGED in page.get_data(as_text=True)
    assert codes(draft_id) == ["overall", "recommend", "liked", "profile"]


def test_a_deletion_with_a_stale_page_deletes_nothing(manager, other_manager):
    draft_id = draft_of_library()
    editor = manager.get(f"{BASE}/{draft_id}")
    add_question(other_manager, draft_id)

    page = manager.post(f"{BASE}/{draft_id}/delete", data={"edit_version": edit_version(editor)}, follow_redirects=True)
    assert "Ce brouillon a été modifié entre-temps" in page.get_data(as_text=True)
    assert codes(draft_id) == ["overall", "recommend", "liked", "profile"]


def test_an_edit_racing_the_deletion_of_its_draft_says_so(manager, other_manager, meanwhile):
    draft_id = draft_of_library()
    editor_b = other_manager.get(f"{BASE}/{draft_id}")
    meanwhile(lambda: other_manager.post(f"{BASE}/{draft_id}/delete", data={"edit_version": edit_version(editor_b)}))

    editor = manager.get(f"{BASE}/{draft_id}")
    page = manager.post(
        f"{BASE}/{draft_id}",
        data={"title": "Nouveau titre", "edit_version": edit_version(editor)},
        follow_redirects=True,
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ce brouillon a été supprimé entre-temps par quelqu&#39;un d&#39;autre" in html
    assert "<h1>Questionnaires</h1>" in html  # back to the list
    assert fresh(Questionnaire, draft_id) is None
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_two_managers_starting_a_new_version_at_once_get_one_draft(manager, other_manager, meanwhile):
    v1 = published()
    meanwhile(lambda: other_manager.post(f"{BASE}/{v1}/new-version", data={}))

    page = manager.post(f"{BASE}/{v1}/new-version", data={})
    assert page.status_code == 302
    drafts = db.session.scalars(select(Questionnaire).where(Questionnaire.status == QuestionnaireStatus.DRAFT)).all()
    assert [(d.family, d.version) for d in drafts] == [(CONFERENCE_WEBINAR["family"], 2)]
    assert page.headers["Location"].endswith(f"{BASE}/{drafts[0].id}")  # the draft the other manager made


def upload(client, content: bytes):
    return client.post(
        f"{BASE}/import", data={"file": (io.BytesIO(content), "x.json")}, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("how", ["library", "duplicate", "import"])
def test_two_managers_creating_a_questionnaire_of_the_same_name_at_once_both_get_theirs(
    manager, other_manager, meanwhile, how
):
    source = operations.create_questionnaire({**CONFERENCE_WEBINAR, "family": "source", "title": "Source"}).id
    db.session.commit()
    exported = json.dumps({**builder.export_json(fresh(Questionnaire, source)), "title": "Webinaire court"}).encode()
    create: Callable[[object], object] = {
        "library": lambda client: client.post(f"{BASE}/new", data={"starting_point": CONFERENCE_WEBINAR["family"]}),
        "duplicate": lambda client: client.post(f"{BASE}/{source}/duplicate", data={"title": "Webinaire court"}),
        "import": lambda client: upload(client, exported),
    }[how]
    meanwhile(lambda: create(other_manager))

    page = create(manager)
    assert page.status_code == 302
    drafts = db.session.scalars(
        select(Questionnaire).where(Questionnaire.status == QuestionnaireStatus.DRAFT).order_by(Questionnaire.id)
    ).all()
    assert len(drafts) == 2 and len({d.family for d in drafts}) == 2
    assert all(len(d.questions) == 3 for d in drafts)
    assert page.headers["Location"].endswith(f"{BASE}/{drafts[1].id}")


def test_two_managers_choosing_the_webinar_default_at_once_make_one_questionnaire(manager, other_manager, meanwhile):
    choices = {f"modality_{m.value}": "" for m in Modality}
    data = {**choices, "modality_webinaire": CONFERENCE_WEBINAR["family"]}
    meanwhile(lambda: other_manager.post(f"{BASE}/defaults", data=data))

    page = manager.post(f"{BASE}/defaults", data=data, follow_redirects=True)
    assert "Questionnaires par modalité enregistrés" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Questionnaire.id))) == 1
    assert [(d.modality, d.family) for d in db.session.scalars(select(ModalityDefault))] == [
        (Modality.WEBINAR, CONFERENCE_WEBINAR["family"])
    ]


def test_a_session_moved_while_its_first_response_arrives_keeps_its_version(app, manager, make_session, meanwhile):
    session = make_session()
    kept, other = session.questionnaire_id, published()
    participant = app.test_client()

    def respond() -> None:
        page = participant.get(f"/s/{session.public_code}")
        token = form_token(page.get_data(as_text=True))
        sent = participant.post(f"/s/{session.public_code}", data={"token": token, "q-overall": "4"})
        assert sent.status_code == 303

    meanwhile(respond)
    form = {"start_date": "2026-06-18", "half_days": "1", "department": "", "place": "Évry", "questionnaire": other}
    page = manager.post(f"/manage/sessions/{session.id}/edit", data=form)
    assert page.status_code == 200
    assert "Cette session a déjà des réponses : elle garde sa version" in page.get_data(as_text=True)
    moved = fresh(TrainingSession, session.id)
    assert moved.questionnaire_id == kept and moved.place != "Évry"
    assert db.session.scalar(select(func.count(Response.id))) == 1
