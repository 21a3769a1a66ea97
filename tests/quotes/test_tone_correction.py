"""Staff check the tones the model is unsure of and correct those it misread: every page and count follows at once,
and re-analyses keep it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.db import db
from feedback.models import AuditEvent, CommentPhrase, Quote, Role
from tests.htmltree import parse
from tests.quotes.conftest import analysis_of

#: Read as praise by the analysis; its author meant it as a complaint (the staff know the session ran two hours late).
PRAISE = "Une journée vraiment mémorable, merci à toute l'équipe pour ces échanges."

pytestmark = pytest.mark.usefixtures("every_comment_disclosed")


@pytest.fixture
def praised(droit, comment) -> int:
    answer_id = comment(droit, PRAISE)["liked"]
    comment(droit, "Des échanges très riches.")  # a theme of two comments: the suggestions page lists it
    analysis = analysis_of(answer_id)
    assert (analysis.tone, analysis.analysed_tone, analysis.is_quotable) == ("positive", "positive", True)
    return answer_id


def listed(client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return [node.text for node in parse(page.get_data(as_text=True)).find_all("blockquote", class_="comment-text")]


def correct(client, answer_id: int, tone: str, *, follow: bool = True):
    return client.post(
        f"/quotes/{answer_id}/ton",
        data={"tone": tone, "next": f"/quotes/{answer_id}"},
        follow_redirects=follow,
    )


def test_a_corrected_tone_is_what_pages_filters_and_suggestions_count(client, staff, praised):
    assert listed(client, "/quotes/suggestions?annee=2025") == [PRAISE]
    saved = correct(client, praised, "negative", follow=False)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/quotes/{praised}")

    page = client.get(f"/quotes/{praised}").get_data(as_text=True)
    assert "Ton corrigé : négatif." in page
    assert "Négatif (corrigé)" in page and "Ton corrigé par Camille Com" in page
    assert "L'analyse disait « positif »" in page  # the analysis' own reading stays visible
    assert listed(client, "/quotes/?ton=negative") == [PRAISE]
    assert PRAISE not in listed(client, "/quotes/?ton=positive")
    assert listed(client, "/quotes/suggestions?annee=2025") == []  # a complaint is no quote for the report

    analysis = analysis_of(praised)
    assert (analysis.tone, analysis.analysed_tone, analysis.is_quotable) == ("negative", "positive", False)
    phrases = db.session.execute(select(CommentPhrase.tone).where(CommentPhrase.answer_id == praised)).scalars().all()
    assert phrases and set(phrases) == {"negative"}  # themes count the comment's tone from its phrases
    quote = db.session.get(Quote, praised)
    assert quote.tone == "negative" and quote.tone_by_id == staff.id and quote.tone_dt is not None


def test_re_analyses_keep_the_correction_until_staff_give_the_tone_back(client, staff, praised, runner):
    correct(client, praised, "mixed")
    result = runner.invoke(args=["analyse", "--all"])
    assert result.exit_code == 0, result.output
    analysis = analysis_of(praised)
    assert (analysis.tone, analysis.analysed_tone) == ("mixed", "positive")
    assert listed(client, "/quotes/?ton=mixed") == [PRAISE]

    back = correct(client, praised, "")
    assert "Le commentaire reprend le ton de l&#39;analyse." in back.get_data(as_text=True)
    analysis = analysis_of(praised)
    assert (analysis.tone, analysis.is_quotable) == ("positive", True)
    assert db.session.get(Quote, praised).tone is None
    assert "(corrigé)" not in client.get(f"/quotes/{praised}").get_data(as_text=True)
    runner.invoke(args=["analyse", "--all"])
    assert analysis_of(praised).tone == "positive"


def test_an_unknown_tone_changes_nothing_and_agreeing_with_the_analysis_confirms_it(client, staff, praised):
    refused = correct(client, praised, "furieux")
    assert refused.status_code == 200 and "Ton non reconnu : rien n&#39;a changé." in refused.get_data(as_text=True)
    assert analysis_of(praised).tone == "positive" and db.session.get(Quote, praised) is None

    confirmed = correct(client, praised, "positive").get_data(as_text=True)
    assert "Ton vérifié : positif." in confirmed and "Positif (vérifié)" in confirmed
    assert db.session.get(Quote, praised).tone == "positive"


def test_each_correction_is_in_the_audit_log_without_the_comment(client, staff, praised):
    correct(client, praised, "negative")
    correct(client, praised, "")
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "quote.tone").order_by(AuditEvent.id))
    assert [(e.user_id, e.object_id, e.details) for e in events] == [
        (staff.id, str(praised), {"from": "analysis", "to": "negative"}),
        (staff.id, str(praised), {"from": "negative", "to": "analysis"}),
    ]


#: A complaint put as a fact: the model leans to criticism without being sure of it.
UNSURE = "On nous a fait recopier des fiches pendant des heures."


def test_verdicts_the_model_is_unsure_of_wait_for_staff_to_check_them(client, staff, droit, praised, comment):
    unsure = comment(droit, UNSURE)["liked"]
    assert analysis_of(unsure).tone_uncertain and not analysis_of(praised).tone_uncertain
    assert listed(client, "/quotes/?ton=a-verifier") == [UNSURE]
    tabs = parse(client.get("/quotes/").get_data(as_text=True)).find("nav", class_="tabs")
    assert any(a.text == "Tons à vérifier" and "ton=a-verifier" in a.get("href") for a in tabs.find_all("a"))
    card = parse(client.get("/quotes/?ton=a-verifier").get_data(as_text=True)).find("article", class_="comment")
    assert "(à vérifier)" in card.find(class_="tone").text
    assert "Valider le ton" in [button.text for button in card.find_all("button")]  # checked from the list itself

    checked = correct(client, unsure, analysis_of(unsure).analysed_tone).get_data(as_text=True)
    assert "Ton vérifié" in checked and "(vérifié)" in checked
    assert listed(client, "/quotes/?ton=a-verifier") == []
    correct(client, unsure, "")  # given back to the analysis: unchecked again
    assert listed(client, "/quotes/?ton=a-verifier") == [UNSURE]


def test_trainers_cannot_correct_the_tone_of_comments(client, auth, make_user, praised):
    auth.login(make_user(Role.TRAINER))
    assert correct(client, praised, "positive", follow=False).status_code in (403, 404)
    assert analysis_of(praised).tone == "positive"
