"""The rating-with-labels and grid kinds: rendered stacked and labelled, parsed, stored and aggregated."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback.catalogue import operations
from feedback.dashboard.queries import scale_distributions
from feedback.db import db
from feedback.models import Answer, Response, TrainingSession
from tests.conftest import form_token
from tests.htmltree import parse

RATING_AND_GRID = {
    "family": "atelier",
    "title": "Atelier",
    "questions": [
        {"code": "overall", "kind": "satisfaction", "is_overall": True, "is_required": True, "label": "Globalement ?"},
        {
            "code": "mood",
            "kind": "rating",
            "label": "Votre humeur en sortant",
            "options": [
                {"value": "3", "label": "🙂 Content·e"},
                {"value": "2", "label": "😐 Mitigé·e"},
                {"value": "1", "label": "🙁 Déçu·e"},
            ],
        },
        {
            "code": "parts",
            "kind": "grid",
            "is_required": True,
            "label": "Chaque temps de la journée",
            "options": [
                {"value": "matin", "label": "La plénière du matin"},
                {"value": "ateliers", "label": "Les ateliers"},
                {"value": "synthese", "label": "La synthèse"},
            ],
        },
    ],
}


@pytest.fixture
def workshop_session(make_training, make_session):
    training = make_training("Atelier coopératif")
    training.questionnaire = operations.create_questionnaire(RATING_AND_GRID)
    db.session.commit()
    return make_session(training)


def post(client, session, data):
    token = form_token(client.get(f"/s/{session.public_code}").get_data(as_text=True))
    return client.post(f"/s/{session.public_code}", data={"token": token, **data})


def test_the_grid_is_one_labelled_block_per_item_and_the_rating_shows_words(client, workshop_session):
    tree = parse(client.get(f"/s/{workshop_session.public_code}").get_data(as_text=True))
    legends = [legend.text.strip() for legend in tree.find_all("legend")]
    assert {"La plénière du matin", "Les ateliers", "La synthèse"} <= set(legends)
    page = client.get(f"/s/{workshop_session.public_code}").get_data(as_text=True)
    assert 'name="q-parts-ateliers" value="4"' in page and "🙂 Content·e" in page


def test_grid_and_rating_answers_are_stored_with_their_item_and_level(client, workshop_session):
    response = post(
        client,
        workshop_session,
        {"q-overall": "4", "q-mood": "2", "q-parts-matin": "3", "q-parts-ateliers": "4", "q-parts-synthese": "1"},
    )
    assert response.status_code == 303
    stored = {
        (a.question.code, a.option.value if a.option else None, a.number) for a in db.session.scalars(select(Answer))
    }
    assert stored == {
        ("overall", None, 4),
        ("mood", "2", 2),
        ("parts", "matin", 3),
        ("parts", "ateliers", 4),
        ("parts", "synthese", 1),
    }


def test_a_required_grid_with_a_missing_line_keeps_the_other_lines(client, workshop_session):
    page = post(client, workshop_session, {"q-overall": "4", "q-parts-matin": "3", "q-parts-ateliers": "2"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Répondez pour chaque ligne." in html
    assert 'name="q-parts-matin" value="3" checked' in html and 'name="q-parts-ateliers" value="2" checked' in html


@pytest.mark.parametrize(
    "data",
    [
        {"q-mood": "5"},  # not one of the rating's levels
        {"q-mood": "🙂"},
        {"q-parts-matin": "9", "q-parts-ateliers": "2", "q-parts-synthese": "2"},
    ],
)
def test_out_of_range_levels_are_refused_with_a_message(client, workshop_session, data):
    full = {"q-overall": "4", "q-parts-matin": "3", "q-parts-ateliers": "2", "q-parts-synthese": "2"}
    page = post(client, workshop_session, {**full, **data})
    assert page.status_code == 422
    assert "Choisissez" in page.get_data(as_text=True)
    assert db.session.scalar(select(Answer.id).limit(1)) is None


def test_distributions_list_each_grid_item_and_the_rating_words(client, workshop_session):
    for levels in [("4", "3", "1"), ("3", "3", "2"), ("4", "1", "2")]:
        data = {"q-overall": "4", "q-mood": levels[2], "q-parts-matin": levels[0], "q-parts-ateliers": levels[1]}
        assert post(client, workshop_session, {**data, "q-parts-synthese": "4"}).status_code == 303
    dists = {d.label: d for d in scale_distributions(TrainingSession.id == workshop_session.id)}
    matin = dists["Chaque temps de la journée — La plénière du matin"]
    assert matin.counts == {4: 2, 3: 1}
    assert dists["Chaque temps de la journée — La synthèse"].counts == {4: 3}
    mood = dists["Votre humeur en sortant"]
    assert mood.levels == [(3, "🙂 Content·e"), (2, "😐 Mitigé·e"), (1, "🙁 Déçu·e")]
    assert mood.counts == {1: 1, 2: 2}


def test_one_answer_per_device_when_the_questionnaire_asks_for_it(client, make_session, answer_form):
    session = make_session()
    answer_form(session, {"q-overall": "4"})
    answer_form(session, {"q-overall": "3"})  # off by default: a shared tablet answers twice
    assert db.session.scalar(select(func.count(Response.id))) == 2

    session.questionnaire.is_one_per_device = True
    db.session.commit()
    client.delete_cookie(f"answered-{session.public_code}", path=f"/s/{session.public_code}")
    assert answer_form(session, {"q-overall": "4"}).status_code == 303
    again = client.get(f"/s/{session.public_code}")
    assert "déjà répondu" in again.get_data(as_text=True) and 'name="q-overall"' not in again.get_data(as_text=True)
    other_device = client.application.test_client()
    assert 'name="q-overall"' in other_device.get(f"/s/{session.public_code}").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == 3
