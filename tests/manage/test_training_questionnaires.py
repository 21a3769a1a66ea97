"""The training form's questionnaires: the one its new sessions get, and the follow-up sent after its last session."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from feedback.catalogue import operations
from feedback.db import db
from feedback.models import Role, Training, TrainingSession
from tests.htmltree import form_state, parse

TRAINING = {"title": "Accueillir les publics allophones", "axis": "linguistique-integration", "modality": "formation"}


@pytest.fixture
def manager(client, auth, make_user):
    auth.login(make_user(Role.MANAGER))
    return client


@pytest.fixture
def library():
    """The published questionnaires a manager can choose from."""
    hot = operations.ensure_default_questionnaire()
    peers = operations.ensure_family_questionnaire("reseau-de-pairs")
    cold = operations.ensure_family_questionnaire("evaluation-a-froid")
    db.session.commit()
    return hot, peers, cold


def form_of(page):
    return parse(page.get_data(as_text=True)).find("main").find("form", method="post")


def options(form, name: str) -> dict[str, str]:
    """value -> label of a select."""
    return {o.get("value"): o.text for o in form.find("select", name=name).find_all("option")}


def field_errors(page) -> dict[str, str]:
    tree = parse(page.get_data(as_text=True))
    return {p.get("id").removesuffix("-err"): p.text for p in tree.find_all("p", class_="error")}


def reread(training: Training) -> Training:
    db.session.rollback()
    return db.session.get(Training, training.id)


def test_the_form_offers_the_published_questionnaires_and_the_follow_up_families(manager, library):
    hot, peers, cold = library
    form = form_of(manager.get("/manage/trainings/new"))
    assert options(form, "questionnaire") == {
        "": "Selon la modalité (par défaut)",
        str(cold.id): "Évaluation à froid (v1)",
        str(hot.id): "Évaluation à chaud (v1)",
        str(peers.id): "Réseau de pairs (v1)",
    }
    assert options(form, "followup_family") == {
        "": "Pas de questionnaire de suivi",
        "evaluation-a-froid": "Évaluation à froid",
        "evaluation-a-chaud": "Évaluation à chaud",
        "reseau-de-pairs": "Réseau de pairs",
    }
    state = form_state(form)
    assert state["questionnaire"] == [""] and state["followup_family"] == [""]
    assert state["followup_delay_days"] == ["90"]
    assert form.find("label", for_="followup_delay_days").text.startswith("Délai avant le questionnaire de suivi")


def test_a_manager_sets_the_questionnaires_of_a_new_training(manager, library):
    _, peers, _ = library
    page = manager.post(
        "/manage/trainings/new",
        data={
            **TRAINING,
            "questionnaire": str(peers.id),
            "followup_family": "evaluation-a-froid",
            "followup_delay_days": "120",
        },
    )
    assert page.status_code == 302
    training = db.session.scalar(select(Training))
    assert (training.questionnaire_id, training.followup_family, training.followup_delay_days) == (
        peers.id,
        "evaluation-a-froid",
        120,
    )
    # Overridable per training: its new sessions answer the questionnaire chosen for it.
    session_form = form_state(form_of(manager.get(f"/manage/trainings/{training.id}/sessions/new")))
    created = manager.post(
        f"/manage/trainings/{training.id}/sessions/new",
        data={**session_form, "start_date": "2026-06-18", "half_days": "2"},
    )
    assert created.status_code == 302
    assert db.session.scalar(select(TrainingSession.questionnaire_id)) == peers.id


def test_the_edit_form_shows_the_stored_choices_and_saving_it_untouched_keeps_them(manager, library, make_training):
    _, peers, _ = library
    training = make_training()
    operations.set_training_questionnaires(
        training, questionnaire=peers, followup_family="evaluation-a-froid", followup_delay_days=60
    )
    db.session.commit()
    state = form_state(form_of(manager.get(f"/manage/trainings/{training.id}/edit")))
    assert (state["questionnaire"], state["followup_family"], state["followup_delay_days"]) == (
        [str(peers.id)],
        ["evaluation-a-froid"],
        ["60"],
    )
    assert manager.post(f"/manage/trainings/{training.id}/edit", data=state).status_code == 302
    training = reread(training)
    assert (training.questionnaire_id, training.followup_family, training.followup_delay_days) == (
        peers.id,
        "evaluation-a-froid",
        60,
    )


def test_a_manager_removes_the_follow_up_and_the_override(manager, library, make_training):
    _, peers, _ = library
    training = make_training()
    operations.set_training_questionnaires(
        training, questionnaire=peers, followup_family="evaluation-a-froid", followup_delay_days=60
    )
    db.session.commit()
    state = form_state(form_of(manager.get(f"/manage/trainings/{training.id}/edit")))
    page = manager.post(
        f"/manage/trainings/{training.id}/edit", data={**state, "questionnaire": "", "followup_family": ""}
    )
    assert page.status_code == 302
    training = reread(training)
    assert (training.questionnaire_id, training.followup_family) == (None, None)


def test_an_older_page_without_the_new_fields_changes_neither(manager, library, make_training):
    _, peers, _ = library
    training = make_training()
    operations.set_training_questionnaires(
        training, questionnaire=peers, followup_family="evaluation-a-froid", followup_delay_days=60
    )
    db.session.commit()
    page = manager.post(f"/manage/trainings/{training.id}/edit", data={**TRAINING, "title": "Nouveau titre"})
    assert page.status_code == 302
    training = reread(training)
    assert (training.title, training.questionnaire_id, training.followup_family, training.followup_delay_days) == (
        "Nouveau titre",
        peers.id,
        "evaluation-a-froid",
        60,
    )


def test_an_archived_follow_up_family_stays_selectable_for_its_training(manager, library, make_training):
    training = make_training()
    training.followup_family = "ancien-suivi"
    db.session.commit()
    form = form_of(manager.get(f"/manage/trainings/{training.id}/edit"))
    assert options(form, "followup_family")["ancien-suivi"] == "ancien-suivi (plus de version publiée)"
    assert manager.post(f"/manage/trainings/{training.id}/edit", data=form_state(form)).status_code == 302
    assert reread(training).followup_family == "ancien-suivi"


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"followup_delay_days": "0"}, "followup_delay_days", "Entre 1 et 730 jours."),
        ({"followup_delay_days": "731"}, "followup_delay_days", "Entre 1 et 730 jours."),
        ({"followup_delay_days": "trois mois"}, "followup_delay_days", "entier"),
        (
            {"followup_delay_days": "360"},
            "followup_delay_days",
            "Les adresses laissées sont effacées au bout de 365 jours : choisissez un délai de moins de 358 jours",
        ),
        ({"followup_family": "inconnu"}, "followup_family", "choix valide"),
        ({"questionnaire": "999999"}, "questionnaire", "choix valide"),
    ],
    ids=["zero", "too-long", "not-a-number", "beyond-retention", "unknown-family", "unknown-questionnaire"],
)
def test_bad_questionnaire_input_is_explained_in_french_and_nothing_is_written(
    manager, library, make_training, changed, field, message
):
    training = make_training("Titre conservé")
    data = {**TRAINING, "followup_family": "evaluation-a-froid", "followup_delay_days": "90", **changed}
    page = manager.post(f"/manage/trainings/{training.id}/edit", data=data)
    assert page.status_code == 200
    assert message in field_errors(page)[field]
    training = reread(training)
    assert (training.title, training.followup_family, training.followup_delay_days) == ("Titre conservé", None, 90)


def test_the_delay_is_shown_on_the_trainings_scores_page(manager, library, make_training, make_session):
    training = make_training()
    make_session(training, start_date=date(2026, 3, 10))
    operations.set_training_questionnaires(
        training, questionnaire=None, followup_family="evaluation-a-froid", followup_delay_days=120
    )
    db.session.commit()
    section = parse(manager.get(f"/scores/trainings/{training.id}").get_data(as_text=True)).find("section", id="suivi")
    assert "Le questionnaire de suivi part 120 jours après la dernière session, avec un rappel." in section.text
