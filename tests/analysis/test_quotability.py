"""What makes a quotable comment, and the attribution of a quote: built from data, never from a name."""

from __future__ import annotations

import pytest

from feedback.analysis.comments import analyse_comment
from feedback.analysis.quotes import attribution, is_complete_sentence, is_quotable, word_count


def quotable(text: str) -> bool:
    analysis = analyse_comment(text)
    rules = [cue.rule for cue in analysis.tone.cues]
    return is_quotable(analysis.masked.text, analysis.tone.label, rules, analysis.masked.has_personal_data)


@pytest.mark.parametrize(
    "text",
    [
        "Une journée très riche, avec des échanges concrets entre collègues de terrain.",
        "Intéressant mais un peu théorique : davantage de cas pratiques aiderait vraiment.",
        "Il faudrait plus de temps pour les échanges entre participants l'après-midi.",  # constructive criticism
        "J'ai beaucoup appris sur l'accès aux droits, merci pour cette belle journée !",
    ],
)
def test_complete_positive_or_constructive_sentences_of_8_to_40_words_are_quotable(text):
    assert quotable(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Très bonne journée, merci.", "too short"),
        (" ".join(["Une journée vraiment très riche"] * 9) + ".", "more than 40 words"),
        ("Une journée très riche avec des échanges concrets entre collègues", "no final punctuation"),
        ("une journée très riche, avec des échanges concrets entre collègues de terrain.", "no capital letter"),
        ("UNE JOURNÉE TRÈS RICHE, AVEC DES ÉCHANGES CONCRETS ENTRE COLLÈGUES DE TERRAIN.", "shouted"),
        ("Merci à Madame Durand pour cette journée très riche et ces échanges concrets.", "a masked name"),
        ("Une journée très riche, écrivez-moi à claire@exemple.fr pour la suite du projet.", "a masked e-mail"),
        ("Une journée décevante et ennuyeuse, le contenu était confus et mal préparé.", "negative"),
        ("Les horaires de la session étaient indiqués sur la convocation envoyée avant.", "neutral"),
    ],
)
def test_other_comments_are_not_suggested(text, why):
    assert not quotable(text), why


def test_words_are_counted_as_a_reader_counts_them():
    assert word_count("L'échange était riche ! Vraiment .") == 4
    assert word_count("") == 0
    assert is_complete_sentence("Très bien « vraiment ».")
    assert is_complete_sentence("Super journée ! 😊")
    assert not is_complete_sentence("Super journée,")


PROFILES = {"association": "Association", "chef-projet-pdv": "Chef·fe de projet Politique de la ville"}


def test_the_attribution_names_a_profile_a_training_a_place_and_a_year_never_a_person():
    assert (
        attribution(
            profile="association",
            modality="Formation",
            training="Droit des  étrangers",
            department="Essonne",
            year=2025,
            profile_labels=PROFILES,
        )
        == "— Association, formation « Droit des étrangers », Essonne, 2025"
    )
    assert (
        attribution(profile=None, modality="Webinaire", training="QPV", department=None, year=2024)
        == "— Participant·e, webinaire « QPV », 2024"
    )
    assert attribution(profile="autre", modality=None, training=None, department=None, year=None) == "— Participant·e"


def test_the_attribution_reads_as_an_editor_writes_it_the_modality_once_and_no_nested_guillemets():
    """The issue's example: the modality was said twice and the guillemets nested."""
    assert (
        attribution(
            profile="association",
            modality="Webinaire",
            training="Webinaire évaluation des contrats engagements « Quartiers 2030 »",
            department=None,
            year=2025,
            profile_labels=PROFILES,
        )
        == "— Association, « Webinaire évaluation des contrats engagements “Quartiers 2030” », 2025"
    )
    # A title wrapped in its own guillemets, or holding straight quotes, is quoted once.
    assert (
        attribution(
            profile=None, modality="Formation", training="« Droit des étrangers »", department="Essonne", year=2025
        )
        == "— Participant·e, formation « Droit des étrangers », Essonne, 2025"
    )
    assert (
        attribution(profile=None, modality="Formation", training='Le "contrat de ville"', department=None, year=2025)
        == "— Participant·e, formation « Le “contrat de ville” », 2025"
    )
    # A first word that only begins with the modality is not the modality.
    assert (
        attribution(profile=None, modality="Formation", training="Formation-action QPV", department=None, year=2025)
        == "— Participant·e, formation « Formation-action QPV », 2025"
    )
