"""`flask analyse-text` on small files, and the whole analysis run with the network cut off."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]

COMMENTS = [
    "Échanges riches, cas pratiques pertinents",
    "Trop théorique, pas assez de cas pratiques",
    "",
    "RAS",
    "Merci Claire Martin ! Échanges riches. claire.martin@exemple.fr",
]


def run(runner, *args: str):
    result = runner.invoke(args=["analyse-text", *args])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result, lines


def test_a_text_file_gives_one_json_line_per_comment_then_the_themes(runner, tmp_path):
    path = tmp_path / "commentaires.txt"
    path.write_text("\n".join(COMMENTS) + "\n", encoding="utf-8")
    names = tmp_path / "noms.txt"
    names.write_text("Claire Martin\n", encoding="utf-8")
    result, lines = run(runner, str(path), "--names", str(names))
    assert result.exit_code == 0, result.output
    comments, summary = lines[:-1], lines[-1]
    assert [c["text"] for c in comments] == [c for c in COMMENTS if c]
    assert [c["tone"] for c in comments] == ["positive", "negative", "neutral", "positive"]
    assert "cas pratiques" in comments[1]["phrases"]
    assert comments[1]["themes"] == [{"phrase": "cas pratiques", "key": "cas pratiqu", "tone": "negative"}]
    assert comments[3]["masked"] == "Merci [nom] ! Échanges riches. [e-mail]"
    assert {"words": "pas assez", "polarity": -1, "weight": 0.6, "rule": "lack"} in comments[1]["cues"]
    assert summary["comments"] == 4
    assert [(t["phrase"], t["count"]) for t in summary["themes"]] == [("cas pratiques", 2), ("échanges", 2)]
    riches = summary["themes"][1]
    assert riches["examples"] == [COMMENTS[0], "Merci [nom] ! Échanges riches. [e-mail]"]
    assert riches["tones"] == {"positive": 2}


def test_the_question_s_words_are_no_theme_of_its_answers(runner, tmp_path):
    path = tmp_path / "commentaires.txt"
    path.write_text("Des thèmes sur le logement\nLes thèmes : le logement, la santé\n", encoding="utf-8")
    result, lines = run(runner, str(path))
    assert [theme["phrase"] for theme in lines[0]["themes"]] == ["thèmes sur le logement"]
    assert lines[-1]["themes"] == []
    result, lines = run(runner, str(path), "--question", "Quels thèmes souhaitez-vous aborder ?")
    assert result.exit_code == 0, result.output
    assert [(t["phrase"], t["count"]) for t in lines[-1]["themes"]] == [("logement", 2)]
    assert [theme["phrase"] for theme in lines[1]["themes"]] == ["logement", "santé"]


def test_a_csv_column_is_read(runner, tmp_path):
    path = tmp_path / "export.csv"
    rows = ["id;Commentaire libre;note", "1;Super formation;4", "2;Trop long;2", '3;"Bien; mais trop court";3']
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    result, lines = run(runner, str(path), "--column", "commentaire LIBRE")
    assert result.exit_code == 0, result.output
    assert [(c["text"], c["tone"]) for c in lines[:-1]] == [
        ("Super formation", "positive"),
        ("Trop long", "negative"),
        ("Bien; mais trop court", "mixed"),
    ]


def test_an_xlsx_column_is_read(runner, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Session", "Verbatim"])
    sheet.append(["A", "Intéressant mais trop théorique"])
    sheet.append(["B", None])
    sheet.append(["C", 42])
    path = tmp_path / "retours.xlsx"
    workbook.save(path)
    result, lines = run(runner, str(path), "--column", "Verbatim")
    assert result.exit_code == 0, result.output
    read = [(c["text"], c["tone"]) for c in lines[:-1]]
    assert read == [("Intéressant mais trop théorique", "mixed"), ("42", "neutral")]


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("a.csv", b"id,texte\n1,bien\n", [], "précisez la colonne des commentaires avec --column (colonnes : « id »"),
        ("a.csv", b"id,texte\n1,bien\n", ["--column", "avis"], "pas de colonne « avis » (colonnes : « id », « te"),
        ("a.txt", b"bien\n", ["--column", "avis"], "--column ne vaut que pour un fichier CSV ou XLSX"),
        ("a.xls", b"\xd0\xcf\x11\xe0", [], "enregistrez le classeur en .xlsx"),
        ("a.xlsx", b"not a workbook", ["--column", "avis"], "classeur XLSX illisible"),
    ],
)
def test_a_bad_file_is_refused_in_french_without_output(runner, tmp_path, name, content, args, message):
    path = tmp_path / name
    path.write_bytes(content)
    result, lines = run(runner, str(path), *args)
    assert result.exit_code != 0
    assert message in result.output
    assert lines == []


def test_an_empty_file_gives_no_theme(runner, tmp_path):
    path = tmp_path / "vide.txt"
    path.write_text("\n\n", encoding="utf-8")
    result, lines = run(runner, str(path))
    assert result.exit_code == 0
    assert lines == [{"comments": 0, "themes": []}]


OFFLINE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("network is off")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from feedback.analysis.comments import analyse_comments, themes_of

analyses = analyse_comments(
    ["Intéressant mais trop théorique", "Cas pratiques utiles, merci M. Dupont", "Pas assez de cas pratiques", "RAS"],
    names=["Camille Durand"],
)
print([a.tone.label for a in analyses])
print([a.masked.text for a in analyses][1])
print([t.phrase for t in themes_of(analyses)])
"""


def test_the_analysis_runs_with_the_network_off():
    # A fresh interpreter: lexicons, the French dictionary and the rules load from installed files only.
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", OFFLINE], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['mixed', 'positive', 'negative', 'neutral']",
        "Cas pratiques utiles, merci M. [nom]",
        "['cas pratiques']",
    ]
