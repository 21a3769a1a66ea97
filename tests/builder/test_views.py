"""The questionnaire builder through the browser's eyes (no JavaScript): build, publish, version, preview, share."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from feedback.builder import operations as builder
from feedback.catalogue import operations
from feedback.catalogue.library import CONFERENCE_WEBINAR
from feedback.db import db
from feedback.models import Modality, Question, Questionnaire, Role, TrainingSession

BASE = "/manage/questionnaires"


@pytest.fixture
def manager(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    return client


def edit_version(page) -> str:
    match = re.search(r'name="edit_version" type="hidden" value="(\d+)"', page.get_data(as_text=True))
    assert match, "the page carries no edit_version"
    return match.group(1)


def reread() -> None:
    db.session.expire_all()


def codes(questionnaire: Questionnaire) -> list[str]:
    reread()
    return [q.code for q in db.session.get(Questionnaire, questionnaire.id).questions]


def new_draft(manager, starting_point: str = "conference-webinaire") -> Questionnaire:
    page = manager.post(f"{BASE}/new", data={"starting_point": starting_point})
    assert page.status_code == 302
    return db.session.get(Questionnaire, int(page.headers["Location"].rsplit("/", 1)[1]))


def question(questionnaire: Questionnaire, code: str) -> Question:
    reread()
    return db.session.scalar(select(Question).filter_by(questionnaire_id=questionnaire.id, code=code))


QUESTION = {
    "code": "profile",
    "kind": "single_choice",
    "label": "Votre structure",
    "label_en": "Your organisation",
    "help_text": "Une seule réponse",
    "help_text_en": "One answer",
    "options": "Collectivité\nAssociation\netat | Services de l'État | State services\n",
}


def test_a_manager_builds_and_publishes_a_questionnaire_with_buttons_only(manager):
    draft = new_draft(manager)
    editor = manager.get(f"{BASE}/{draft.id}")
    html = editor.get_data(as_text=True)
    assert editor.status_code == 200 and "Monter" in html and "Retirer" in html
    assert "un sens modifié demande un nouveau code" in html or "donnez-lui un nouveau code" in html
    assert codes(draft) == ["overall", "recommend", "liked"]

    page = manager.post(f"{BASE}/{draft.id}/questions", data={**QUESTION, "edit_version": edit_version(editor)})
    assert page.status_code == 302
    added = question(draft, "profile")
    assert [(o.value, o.label, o.label_en) for o in added.options] == [
        ("collectivite", "Collectivité", ""),
        ("association", "Association", ""),
        ("etat", "Services de l'État", "State services"),
    ]
    assert (added.label_en, added.help_text_en) == ("Your organisation", "One answer")

    # Move it up twice, then take "liked" out: each button is a plain POST form.
    for _ in range(2):
        editor = manager.get(f"{BASE}/{draft.id}")
        move = {"edit_version": edit_version(editor), "direction": "up"}
        assert manager.post(f"{BASE}/{draft.id}/questions/{added.id}/move", data=move).status_code == 302
    assert codes(draft) == ["overall", "profile", "recommend", "liked"]
    editor = manager.get(f"{BASE}/{draft.id}")
    liked = question(draft, "liked")
    remove = {"edit_version": edit_version(editor)}
    assert manager.post(f"{BASE}/{draft.id}/questions/{liked.id}/remove", data=remove).status_code == 302
    assert codes(draft) == ["overall", "profile", "recommend"]

    # Edit a question: its wording and its options, kept in place by value.
    overall = question(draft, "overall")
    form = manager.get(f"{BASE}/{draft.id}/questions/{added.id}/edit")
    assert "etat | Services de l&#39;État | State services" in form.get_data(as_text=True)
    changed = {**QUESTION, "label": "Votre employeur", "options": "Association\nAutre", "is_required": "y"}
    page = manager.post(
        f"{BASE}/{draft.id}/questions/{added.id}/edit", data={**changed, "edit_version": edit_version(form)}
    )
    assert page.status_code == 302
    added = question(draft, "profile")
    assert (added.label, added.is_required, [o.value for o in added.options]) == (
        "Votre employeur",
        True,
        ["association", "autre"],
    )

    # Without an overall-satisfaction question, publishing is refused with the list of problems.
    editor = manager.get(f"{BASE}/{draft.id}")
    page = manager.post(f"{BASE}/{draft.id}/questions/{overall.id}/remove", data={"edit_version": edit_version(editor)})
    editor = manager.get(f"{BASE}/{draft.id}")
    refused = manager.post(f"{BASE}/{draft.id}/publish", data={"edit_version": edit_version(editor)})
    assert refused.status_code == 200
    assert "ne peut pas être publiée" in refused.get_data(as_text=True)
    assert "est marquée « satisfaction globale »" in refused.get_data(as_text=True)
    reread()
    assert db.session.get(Questionnaire, draft.id).status == "draft"

    overall_again = {
        "code": "overall",
        "kind": "satisfaction",
        "label": "Globalement, êtes-vous satisfait·e ?",
        "is_overall": "y",
        "is_required": "y",
    }
    manager.post(f"{BASE}/{draft.id}/questions", data={**overall_again, "edit_version": edit_version(refused)})
    editor = manager.get(f"{BASE}/{draft.id}")
    published = manager.post(f"{BASE}/{draft.id}/publish", data={"edit_version": edit_version(editor)})
    assert published.status_code == 302
    reread()
    assert db.session.get(Questionnaire, draft.id).status == "published"
    page = manager.get(f"{BASE}/{draft.id}").get_data(as_text=True)
    assert "Créer une nouvelle version" in page and "Monter" not in page


def test_a_question_that_cannot_be_saved_is_explained_and_nothing_is_written(manager):
    draft = new_draft(manager)
    editor = manager.get(f"{BASE}/{draft.id}")
    bad = {**QUESTION, "code": "overall", "kind": "rating", "options": "bien | Bien", "is_overall": "y"}
    page = manager.post(f"{BASE}/{draft.id}/questions", data={**bad, "edit_version": edit_version(editor)})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Le code « overall » est déjà utilisé" in html
    assert "les niveaux d&#39;une note sont des nombres" in html
    assert "doit être une échelle de satisfaction" in html
    assert 'value="Votre structure"' in html  # what was typed stays
    assert codes(draft) == ["overall", "recommend", "liked"]


def test_a_published_version_stays_as_it_is_and_a_new_version_keeps_the_codes(manager, make_session):
    published = operations.ensure_default_questionnaire()
    session = make_session()
    db.session.commit()
    first = published.questions[0]
    page = manager.post(
        f"{BASE}/{published.id}/questions/{first.id}/edit",
        data={"code": "overall", "kind": "satisfaction", "label": "Changé", "edit_version": published.edit_version},
    )
    assert "Cette version est publiée" in page.get_data(as_text=True)
    assert question(published, "overall").label.startswith("Globalement")

    page = manager.post(f"{BASE}/{published.id}/new-version", data={})
    draft = db.session.get(Questionnaire, int(page.headers["Location"].rsplit("/", 1)[1]))
    assert (draft.family, draft.version, draft.status) == (published.family, 2, "draft")
    assert codes(draft) == codes(published)
    assert "Les sessions existantes gardent leur version" in manager.get(page.headers["Location"]).get_data(
        as_text=True
    )
    reread()
    assert db.session.get(TrainingSession, session.id).questionnaire_id == published.id


def test_the_preview_shows_the_participant_form_in_a_phone_frame_and_at_full_width(manager):
    draft = new_draft(manager)
    editor = manager.get(f"{BASE}/{draft.id}")
    manager.post(f"{BASE}/{draft.id}/questions", data={**QUESTION, "edit_version": edit_version(editor)})

    page = manager.get(f"{BASE}/{draft.id}/preview")
    html = page.get_data(as_text=True)
    frame = f'src="{BASE}/{draft.id}/preview/form?lang=fr"'
    assert page.status_code == 200 and html.count(frame) == 2
    assert 'width="360"' in html and 'width="100%"' in html
    assert page.headers["X-Frame-Options"] == "DENY"  # the builder's own pages are never framed

    form = manager.get(f"{BASE}/{draft.id}/preview/form")
    body = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'class="survey"' in body and "Envoyer mes réponses" in body
    assert "Votre structure" in body and "Services de l&#39;État" in body and "Une seule réponse" in body
    assert form.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in form.headers["Content-Security-Policy"]
    assert "object-src 'none'" in form.headers["Content-Security-Policy"]

    english = manager.get(f"{BASE}/{draft.id}/preview/form?lang=en").get_data(as_text=True)
    assert "Your organisation" in english and "One answer" in english and "State services" in english
    assert "Send my answers" in english and "Votre structure" not in english


def test_export_then_import_through_the_pages_gives_the_same_questionnaire(manager):
    draft = new_draft(manager)
    exported = manager.get(f"{BASE}/{draft.id}/export.json")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{draft.family}-v1.json"'
    data = json.loads(exported.get_data(as_text=True))
    assert data["format"] == "retours-questionnaire" and len(data["questions"]) == 3

    page = manager.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(exported.get_data()), "questionnaire.json")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 302
    imported = db.session.get(Questionnaire, int(page.headers["Location"].rsplit("/", 1)[1]))
    assert imported.family != draft.family and imported.status == "draft"
    assert builder.definition_of(imported)["questions"] == builder.definition_of(draft)["questions"]


def upload(manager, content: bytes):
    return manager.post(
        f"{BASE}/import", data={"file": (io.BytesIO(content), "x.json")}, content_type="multipart/form-data"
    )


def test_an_import_with_errors_lists_every_problem_and_creates_nothing(manager):
    bad = {
        "format": "retours-questionnaire",
        "title": "<script>alert(1)</script>",
        "questions": [
            {"code": "a", "kind": "telepathy", "label": "?"},
            {"code": "b", "kind": "single_choice", "label": "Choix"},
            {"code": "b", "kind": "short_text"},
        ],
    }
    page = upload(manager, json.dumps(bad).encode())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "pas été importé" in html
    assert "type « telepathy » inconnu" in html
    assert "doit proposer au moins une option" in html
    assert "Question 3 : le champ « label » est obligatoire" in html
    assert "Le code « b » est utilisé par 2 questions" in html
    assert db.session.scalar(select(func.count(Questionnaire.id))) == 0

    page = upload(manager, b'{"format": "retours-questionnaire",\n "title": ')
    assert "pas un JSON valide (ligne 2" in page.get_data(as_text=True)
    page = upload(manager, "é".encode("latin-1"))
    assert "pas un texte UTF-8" in page.get_data(as_text=True)
    huge = {"format": "retours-questionnaire", "title": "X", "questions": [{"code": "q"}] * 10_000}
    assert "au maximum" in upload(manager, json.dumps(huge).encode()).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Questionnaire.id))) == 0


def test_two_managers_saving_the_same_draft_the_second_is_told_and_nothing_is_lost(app, manager, make_user):
    other = app.test_client()
    second = make_user(Role.MANAGER)
    assert other.post("/login", data={"email": second.email, "password": "correct-horse-battery"}).status_code == 302
    draft = new_draft(manager)
    overall = question(draft, "overall")
    url = f"{BASE}/{draft.id}/questions/{overall.id}/edit"
    form_a, form_b = manager.get(url), other.get(url)
    assert edit_version(form_a) == edit_version(form_b)

    fields = {"code": "overall", "kind": "satisfaction", "is_overall": "y", "is_required": "y"}
    saved = manager.post(url, data={**fields, "label": "Version de A", "edit_version": edit_version(form_a)})
    assert saved.status_code == 302
    late = other.post(url, data={**fields, "label": "Version de B", "edit_version": edit_version(form_b)})
    html = late.get_data(as_text=True)
    assert "Ce brouillon a été modifié entre-temps par quelqu&#39;un d&#39;autre : rechargez la page." in html
    assert 'value="Version de B"' in html  # B's text stays on screen to be copied
    assert question(draft, "overall").label == "Version de A"

    # The buttons carry the version too: a stale "remove" removes nothing.
    editor_b = other.get(f"{BASE}/{draft.id}")
    manager.post(
        f"{BASE}/{draft.id}/questions/{overall.id}/move",
        data={"edit_version": edit_version(editor_b), "direction": "down"},
    )
    page = other.post(
        f"{BASE}/{draft.id}/questions/{overall.id}/remove",
        data={"edit_version": edit_version(editor_b)},
        follow_redirects=True,
    )
    assert "rechargez la page" in page.get_data(as_text=True)
    assert codes(draft) == ["recommend", "overall", "liked"]


def test_a_save_racing_past_the_check_fails_at_the_database_instead_of_overwriting():
    draft = builder.create_from_library(CONFERENCE_WEBINAR)
    db.session.commit()
    seen = draft.edit_version
    # Another worker commits between our check and our flush: the row's version moves under us.
    db.session.execute(
        update(Questionnaire).where(Questionnaire.id == draft.id).values(edit_version=seen + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(StaleDataError):
        builder.update_draft(draft, seen, title="Écrasé ?")
    db.session.rollback()
    assert db.session.get(Questionnaire, draft.id).title == CONFERENCE_WEBINAR["title"]


def test_a_new_webinar_session_gets_the_questionnaire_chosen_for_webinars(manager, make_training):
    page = manager.get(f"{BASE}/defaults")
    assert page.status_code == 200 and "Conférence" in page.get_data(as_text=True)
    choices = {f"modality_{m.value}": "" for m in Modality}
    page = manager.post(f"{BASE}/defaults", data={**choices, "modality_webinaire": "conference-webinaire"})
    assert page.status_code == 302

    webinar = make_training("Les données du quartier", modality=Modality.WEBINAR)
    formation = make_training("Droit des étrangers", modality=Modality.TRAINING)
    for training in (webinar, formation):
        page = manager.post(
            f"/manage/trainings/{training.id}/sessions/new",
            data={"start_date": "2026-06-18", "half_days": "1", "department": ""},
        )
        assert page.status_code == 302
    reread()
    families = dict(
        db.session.execute(select(TrainingSession.training_id, Questionnaire.family).join(Questionnaire)).all()
    )
    assert families == {webinar.id: "conference-webinaire", formation.id: "evaluation-a-chaud"}

    # The session's own choice wins over its modality's.
    chosen = operations.ensure_default_questionnaire()
    db.session.commit()
    page = manager.post(
        f"/manage/trainings/{webinar.id}/sessions/new",
        data={"start_date": "2026-06-19", "half_days": "1", "department": "", "questionnaire": str(chosen.id)},
    )
    reread()
    newest = db.session.scalar(select(TrainingSession).order_by(TrainingSession.id.desc()).limit(1))
    assert newest.questionnaire_id == chosen.id


def test_a_session_changes_version_only_before_its_first_response(manager, make_session, answer_form):
    other = operations.create_questionnaire(CONFERENCE_WEBINAR)
    quiet, answered = make_session(), make_session()
    db.session.commit()
    assert answer_form(answered, {"q-overall": "4"}).status_code == 303
    form = {"start_date": "2026-06-18", "half_days": "1", "department": "", "place": "Évry"}

    page = manager.get(f"/manage/sessions/{quiet.id}/edit")
    assert f'<option value="{other.id}">' in page.get_data(as_text=True)
    assert (
        manager.post(f"/manage/sessions/{quiet.id}/edit", data={**form, "questionnaire": other.id}).status_code == 302
    )

    page = manager.post(f"/manage/sessions/{answered.id}/edit", data={**form, "questionnaire": other.id})
    assert page.status_code == 200
    assert "Cette session a déjà des réponses : elle garde sa version" in page.get_data(as_text=True)
    reread()
    assert db.session.get(TrainingSession, quiet.id).questionnaire_id == other.id
    kept = db.session.get(TrainingSession, answered.id)
    assert kept.questionnaire_id != other.id and kept.place != "Évry"  # nothing half-saved


def test_the_list_shows_each_questionnaire_with_its_sessions_and_responses(manager, make_session, answer_form):
    session = make_session()
    assert answer_form(session, {"q-overall": "3"}).status_code == 303
    new_draft(manager)
    html = manager.get(f"{BASE}/").get_data(as_text=True)
    row = re.search(r"Évaluation à chaud</a></td>(.*?)</tr>", html, re.S).group(1)
    assert "Publié" in row and re.findall(r'class="num">(\d+)<', row) == ["1", "1"]
    assert "Conférence" in html and "Brouillon" in html
    assert 'href="/manage/questionnaires/"' in manager.get("/manage/trainings").get_data(as_text=True)

    published = session.questionnaire
    assert manager.post(f"{BASE}/{published.id}/archive", data={}).status_code == 302
    reread()
    assert db.session.get(Questionnaire, published.id).status == "archived"
    assert db.session.get(TrainingSession, session.id).questionnaire_id == published.id


def test_the_order_dropped_is_saved_whole_and_a_stale_or_forged_one_changes_nothing(manager):
    draft = new_draft(manager)
    editor = manager.get(f"{BASE}/{draft.id}")
    ids = {code: question(draft, code).id for code in ("overall", "recommend", "liked")}
    dropped = {"order": f"{ids['liked']},{ids['overall']},{ids['recommend']}", "moved": ids["liked"]}
    page = manager.post(f"{BASE}/{draft.id}/reorder", data={**dropped, "edit_version": edit_version(editor)})
    assert page.status_code == 302 and page.headers["Location"].endswith(f"#question-{ids['liked']}")
    assert codes(draft) == ["liked", "overall", "recommend"]

    # The same drop from the page as it was before: someone (here, the same manager) saved since.
    page = manager.post(
        f"{BASE}/{draft.id}/reorder", data={**dropped, "edit_version": edit_version(editor)}, follow_redirects=True
    )
    assert "Ce brouillon a été modifié entre-temps" in page.get_data(as_text=True)

    current = edit_version(manager.get(f"{BASE}/{draft.id}"))
    liked, overall, recommend = ids["liked"], ids["overall"], ids["recommend"]
    for order, message in [
        (f"{recommend},{overall}", "modifié entre-temps"),  # a question missing
        (f"{recommend},{overall},{liked},999999", "modifié entre-temps"),  # one that is not the draft's
        (f"{recommend},{recommend},{overall}", "modifié entre-temps"),
        ("1;2;3", "n&#39;a pas pu être lu"),
        ("", "n&#39;a pas pu être lu"),
    ]:
        page = manager.post(
            f"{BASE}/{draft.id}/reorder", data={"order": order, "edit_version": current}, follow_redirects=True
        )
        assert page.status_code == 200 and message in page.get_data(as_text=True), order
        assert codes(draft) == ["liked", "overall", "recommend"]
