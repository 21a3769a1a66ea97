"""Reading the attendees' addresses a manager pastes or imports: what is kept, what is refused and where."""

from __future__ import annotations

import pytest

from feedback.distribution.addresses import CsvUnreadable, parse_csv, parse_pasted
from feedback.mail import normalise_email


def test_pasted_addresses_one_a_line_or_separated_by_commas_and_semicolons_are_lower_cased_and_kept_once():
    text = (
        "Camille.Martin@Exemple.FR\n  lea@exemple.fr ; sam@exemple.fr,\n\n"
        "CAMILLE.martin@exemple.fr\r\nAli <ali@exemple.fr>"
    )
    result = parse_pasted(text)
    assert result.addresses == [
        "camille.martin@exemple.fr",
        "lea@exemple.fr",
        "sam@exemple.fr",
        "ali@exemple.fr",
    ]
    assert result.invalid == [] and result.duplicates == 1


def test_invalid_entries_are_listed_with_their_line_number_and_a_french_reason():
    result = parse_pasted("ok@exemple.fr\npas-une-adresse\nlea@exemple.fr, sam@\njosé@exemple.fr")
    assert result.addresses == ["ok@exemple.fr", "lea@exemple.fr"]
    assert [(e.line, e.value, e.reason) for e in result.invalid] == [
        (2, "pas-une-adresse", "il manque le @"),
        (3, "sam@", "adresse e-mail invalide"),
        (4, "josé@exemple.fr", "les caractères accentués ne sont pas acceptés avant le @"),
    ]


@pytest.mark.parametrize(
    "value",
    ["a@b", "@exemple.fr", "a b@exemple.fr", "a@exemple..fr", "x" * 250 + "@exemple.fr", "a@exemple.fr\x00"],
)
def test_malformed_addresses_are_refused(value):
    with pytest.raises(ValueError):
        normalise_email(value)


def test_an_internationalised_domain_is_sent_in_its_ascii_form():
    assert normalise_email("Lea@Exemple-É.fr") == "lea@xn--exemple--i1a.fr"


def test_a_csv_with_an_email_column_named_courriel_semicolons_and_excel_encoding():
    data = "Nom;Prénom;Courriel;Structure\nMartin;Camille;Camille@Exemple.fr;Mairie\nDurand;Léa;;CCAS\n".encode(
        "cp1252"
    )
    result = parse_csv(data)
    assert result.addresses == ["camille@exemple.fr"] and result.invalid == []


@pytest.mark.parametrize("name", ["email", "E-mail", "MAIL", "courriel", "Adresse e-mail"])
def test_the_email_column_is_found_by_its_name_even_when_another_column_holds_addresses(name):
    data = f"Responsable,{name}\nchef@exemple.fr,a@exemple.fr\nchef@exemple.fr,b@exemple.fr\n".encode()
    assert parse_csv(data).addresses == ["a@exemple.fr", "b@exemple.fr"]


def test_without_a_named_column_the_first_column_of_addresses_is_taken_and_typos_in_it_reported():
    data = (
        "\ufeffNom,Adresse pro,Ville\nMartin,camille@exemple.fr,Évry\n"
        "Durand,lea@exemple,Créteil\nSy,sy@exemple.fr,Melun"
    )
    result = parse_csv(data.encode("utf-8"))
    assert result.addresses == ["camille@exemple.fr", "sy@exemple.fr"]
    assert [(e.line, e.value) for e in result.invalid] == [(3, "lea@exemple")]


def test_a_csv_without_header_starts_at_its_first_line():
    result = parse_csv(b"camille@exemple.fr\nlea@exemple\n")
    assert result.addresses == ["camille@exemple.fr"]
    assert [(e.line, e.value) for e in result.invalid] == [(2, "lea@exemple")]


def test_line_numbers_follow_the_file_even_with_a_quoted_field_over_two_lines():
    data = b'email,note\n"a@exemple.fr","deux\nlignes"\nfaux,x\n'
    result = parse_csv(data)
    assert [(e.line, e.value) for e in result.invalid] == [(4, "faux")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x00\x00binary", "n'est pas un fichier CSV"),
        (b"", "vide"),
        (b"nom,ville\nMartin,Evry\n", "Aucune colonne d'adresses e-mail"),
    ],
)
def test_an_unreadable_file_gets_a_french_explanation(data, message):
    with pytest.raises(CsvUnreadable, match=message):
        parse_csv(data)
