"""Personal data masked before staff read or quote a comment; ordinary words and numbers left alone."""

from __future__ import annotations

import pytest

from feedback.analysis.masking import EMAIL, LINK, NAME, PHONE, mask, mask_personal_data


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "01 45 67 89 10",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "06\u00a012\u00a034\u00a056\u00a078",
    ],
)
def test_french_phone_numbers_are_masked(phone):
    masked = mask_personal_data(f"Rappelez-moi au {phone}, merci.")
    assert masked.text == f"Rappelez-moi au {PHONE}, merci."
    assert masked.found == {PHONE: 1}


@pytest.mark.parametrize(
    "text",
    [
        "Le 12.05.2025 à 14 h 30, salle 204",
        "3 sessions de 2 heures, 45 participants",
        "Numéro de dossier 2025-0142",
        "Note : 8/10",
        "Code postal 91000",
    ],
)
def test_dates_and_ordinary_numbers_are_kept(text):
    assert mask(text) == text


def test_e_mail_addresses_and_links_are_masked():
    text = "Écrivez à claire.martin+retours@exemple-asso.fr ou voir https://exemple.fr/page?id=3. Aussi www.exemple.org"
    masked = mask_personal_data(text)
    assert masked.text == f"Écrivez à {EMAIL} ou voir {LINK}. Aussi {LINK}"
    assert masked.found == {EMAIL: 1, LINK: 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci à Madame Durand pour son écoute", f"Merci à Madame {NAME} pour son écoute"),
        ("M. Dupont et Mme Lefèvre-Martin", f"M. {NAME} et Mme {NAME}"),
        ("Monsieur Jean Dubois était excellent", f"Monsieur {NAME} était excellent"),
        ("Mme de La Tour a bien animé", f"Mme {NAME} a bien animé"),
        ("Monsieur le maire a ouvert la journée", "Monsieur le maire a ouvert la journée"),
        ("Merci Madame !", "Merci Madame !"),
    ],
)
def test_capitalised_names_after_a_civility_are_masked(text, expected):
    assert mask(text) == expected


def test_known_names_are_masked_in_any_case_or_accents():
    names = ["Claire Martin", "Jérôme Lefèvre"]
    assert mask("Merci à claire martin et JEROME LEFEVRE", names) == f"Merci à {NAME} et {NAME}"
    # A part of a known name is masked where capitalised, never the ordinary word.
    assert mask("Claire a donné une explication claire", names) == f"{NAME} a donné une explication claire"
    assert mask("Lefèvre au top", names) == f"{NAME} au top"
    masked = mask_personal_data("Claire Martin, Claire et martin", names)
    assert masked.text == f"{NAME}, {NAME} et martin"
    assert masked.found == {NAME: 2}


def test_nothing_found_leaves_the_text_as_it_was_in_nfc():
    import unicodedata

    text = unicodedata.normalize("NFD", "Très bonne journée")
    masked = mask_personal_data(text, ["Claire Martin"])
    assert masked.text == unicodedata.normalize("NFC", text)
    assert not masked.has_personal_data


def test_hostile_text_is_masked_without_error():
    text = '<script>alert(1)</script> =HYPERLINK("http://x.fr") \x00\x1f M. <b>Dupont</b> 06 12 34 56 78'
    masked = mask(text, ["<b>"])
    assert PHONE in masked and LINK in masked and "<script>" in masked


@pytest.mark.parametrize(
    "text",
    ["a" * 5000, "a." * 2500, "x@" + "a." * 2499, "é" * 5000, "06" * 2500, "M. " + "Aa " * 1665, "@" * 5000],
)
def test_a_5000_character_comment_is_analysed_in_reasonable_time(text):
    import time

    from feedback.analysis.comments import analyse_comment

    analyse_comment("Bien", names=["Claire Martin"])  # lexicons loaded
    started = time.perf_counter()
    analysis = analyse_comment(text, names=["Claire Martin"])
    assert time.perf_counter() - started < 1.5
    assert analysis.tone.label in ("neutral", "negative", "positive", "mixed")
