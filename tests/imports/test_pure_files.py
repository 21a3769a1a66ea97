"""Reading hostile files: encodings, sizes, headers, formulas, dates that do not exist (no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.imports.attendance import attendance_key, normalise_person, parse_attendance, person_hash
from feedback.imports.catalogue import REPORT, SESSIONS, parse_catalogue, split_participants
from feedback.imports.parsing import scan_french_dates
from feedback.imports.tables import FileRejected, read_table
from tests.imports.helpers import SESSION_HEADER, as_file, csv_bytes, report_rows, xlsx_bytes

KINDS = ["csv", "xlsx"]


def problems_of(data: bytes, name: str, **options) -> list[str]:
    with pytest.raises(FileRejected) as refused:
        parse_catalogue(read_table(data, name), **options)
    return [str(p) for p in refused.value.problems]


# -- encodings and sizes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "said"),
    [("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8 (avec BOM)"), ("cp1252", False, "Windows-1252")],
)
def test_accented_csv_in_each_accepted_encoding_reads_the_same(encoding, bom, said):
    rows = [SESSION_HEADER, ["Santé des aînées", "precarite-sante", "formation", "Val-de-Marne", "2025-03-04"]]
    table = read_table(csv_bytes(rows, encoding=encoding, bom=bom, delimiter=";"), "liste.csv")
    assert table.encoding == said
    catalogue = parse_catalogue(table)
    assert catalogue.trainings[0].title == "Santé des aînées"
    assert catalogue.sessions[0].department.value == "94"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b" \r\n\r\n", "Le fichier ne contient aucune ligne."),
        (b"titre,axe\x00\x01", "pas un fichier texte"),
        ("titre,axe\n".encode("utf-16"), "UTF-16"),
        (b"titre,axe\n\x81\x8d\x8f", "encodage non reconnu"),
        (b"PK\x03\x04not really a zip", "Classeur XLSX illisible"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_reason(data, message):
    with pytest.raises(FileRejected) as refused:
        read_table(data, "fichier.csv" if not data.startswith(b"PK") else "fichier.xlsx")
    assert message in str(refused.value)


def test_size_and_row_caps():
    rows = [SESSION_HEADER] + [["T", "regional", "formation", "", "2025-01-01"]] * 30
    with pytest.raises(FileRejected, match="taille permise"):
        read_table(csv_bytes(rows), "f.csv", max_bytes=100)
    with pytest.raises(FileRejected, match="plus de 10 lignes"):
        read_table(csv_bytes(rows), "f.csv", max_rows=10)
    with pytest.raises(FileRejected, match="plus de 10 lignes"):
        read_table(xlsx_bytes(rows), "f.xlsx", max_rows=10)
    with pytest.raises(FileRejected, match=r"\.xls n'est pas lu"):
        read_table(b"\xd0\xcf\x11\xe0", "ancien.xls")


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    with pytest.raises(FileRejected, match="trop volumineux une fois décompressé"):
        read_table(buffer.getvalue(), "bombe.xlsx")


def test_malformed_quotes_give_their_line():
    data = (
        b"titre,axe,modalite,date_debut\r\n"
        b'"ok",regional,formation,2025-01-01\r\n'
        b'"bad"x,regional,formation,2025-01-02\r\n'
    )
    assert problems_of(data, "f.csv") == [
        "ligne 3 : CSV mal formé (guillemet mal placé) : vérifiez les guillemets de cette ligne."
    ]


# -- headers ---------------------------------------------------------------------------------------------------


def test_an_unknown_header_lists_both_formats_expected_columns():
    (problem,) = problems_of(csv_bytes([["nom", "prix"], ["a", "1"]]), "f.csv")
    assert "format de fichier non reconnu" in problem
    assert "« nom », « prix »" in problem
    assert "source_line" in problem and "date_debut" in problem


def test_missing_repeated_and_unknown_columns_are_named():
    missing = problems_of(csv_bytes([["titre", "date_debut"], ["A", "2025-01-01"]]), "f.csv")
    assert missing == [
        "ligne 1 : colonnes manquantes pour le format « une ligne par session » : axe, modalite. Colonnes attendues : "
        "titre, axe, modalite, departement (facultative), date_debut, date_fin (facultative), demi_journees "
        "(facultative), participants (facultative), lieu (facultative), intervenants (facultative), reference "
        "(facultative)."
    ]
    repeated = problems_of(
        csv_bytes(
            [
                ["titre", "axe", "modalite", "date_debut", "Titre", "couleur"],
                ["A", "regional", "formation", "2025-01-01", "B", "x"],
            ]
        ),
        "f.csv",
    )
    assert repeated == [
        "ligne 1, colonne « Titre » : la colonne « titre » apparaît deux fois.",
        "ligne 1, colonne « couleur » : colonne inconnue : renommez-la ou retirez-la.",
    ]


# -- every problem of every row, by line and column ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_problem_is_listed_by_line_and_column(kind):
    rows = [
        SESSION_HEADER,
        ["Bonne ligne", "regional", "formation", "91", "2025-03-04", "", "2", "12", "Évry", ""],
        ["", "axe-inconnu", "formation", "93", "2025-02-30", "", "", "-3", "", ""],
        ['=HYPERLINK("http://evil/")', "regional", "cours", "", "31/02/2025", "", "1,5", "douze", "", ""],
        ["Dates à l'envers", "regional", "formation", "", "2025-05-10", "2025-05-01", "", "", "@SUM(A1)", ""],
    ]
    data, name = as_file(rows, kind)
    assert problems_of(data, name) == [
        "ligne 3, colonne « axe » : axe inconnu(e) « axe-inconnu » (codes acceptés : politique-ville, "
        "familles-education-jeunesse, linguistique-integration, precarite-sante, cohesion-participation, "
        "transition-culture, regional, national, ou leur libellé).",
        "ligne 3, colonne « date_debut » : la date « 2025-02-30 » n'existe pas.",
        "ligne 3, colonne « departement » : département inconnu « 93 » (attendu : 91, 94, 77 ou vide).",
        "ligne 3, colonne « participants » : un nombre positif est attendu.",
        "ligne 3, colonne « titre » : cette cellule est obligatoire.",
        "ligne 4, colonne « date_debut » : la date « 31/02/2025 » n'existe pas.",
        "ligne 4, colonne « demi_journees » : un nombre entier est attendu, pas « 1,5 ».",
        "ligne 4, colonne « modalite » : modalité inconnu(e) « cours » (codes acceptés : formation, reseau-pairs, "
        "appui-territorialise, conference, rencontre, seminaire, webinaire, ou leur libellé).",
        "ligne 4, colonne « participants » : un nombre entier est attendu, pas « douze ».",
        "ligne 4, colonne « titre » : cette cellule ressemble à une formule (elle commence par =, +, @ ou -…( ) : "
        "elle est refusée ; écrivez la valeur elle-même.",
        "ligne 5, colonne « date_fin » : la date de fin précède la date de début.",
        "ligne 5, colonne « lieu » : cette cellule ressemble à une formule (elle commence par =, +, @ ou -…( ) : "
        "elle est refusée ; écrivez la valeur elle-même.",
    ]


def test_a_real_xlsx_formula_is_refused():
    rows = [SESSION_HEADER, ["Titre", "regional", "formation", "", "2025-01-01", "", "", "=1+1", "", ""]]
    assert problems_of(xlsx_bytes(rows), "f.xlsx") == [
        "ligne 2, colonne « participants » : cette cellule ressemble à une formule (elle commence par =, +, @ ou -…( ) "
        ": elle est refusée ; écrivez la valeur elle-même."
    ]


def test_xlsx_typed_cells_are_read_as_such():
    rows = [
        SESSION_HEADER,
        ["Webinaire", "Activité régionale", "Webinaire", 94, date(2025, 4, 29), None, 1, 203.0, "En ligne", "A; B ;A"],
    ]
    (session,) = parse_catalogue(read_table(xlsx_bytes(rows), "f.xlsx")).sessions
    assert (session.start_date, session.department.value, session.participants) == (date(2025, 4, 29), "94", 203)
    assert session.speakers == ("A", "B")


# -- the report's format -------------------------------------------------------------------------------------------


def test_the_real_catalogue_reads_without_a_problem_and_keeps_every_row_total():
    rows = report_rows()
    catalogue = parse_catalogue(read_table(csv_bytes(rows), "activite-2025.csv"))
    assert catalogue.format == REPORT
    header = rows[0]
    assert catalogue.rows == len(rows) - 1 == 122
    assert len(catalogue.trainings) == len({r[header.index("source_line")] for r in rows[1:]}) == 105
    per_line: dict[int, int] = {}
    for session in catalogue.sessions:
        per_line[session.line] = per_line.get(session.line, 0) + (session.participants or 0)
    for line, row in enumerate(rows[1:], start=2):
        expected = int(row[header.index("participations")] or 0)
        assert per_line.get(line, 0) == expected, (line, row)


def report_file(*rows: list[str], year_column: bool = True) -> bytes:
    header = [
        "axis",
        "modality",
        "title",
        "department",
        "meetings",
        "participations",
        "dates",
        "first_date_iso",
        "source_line",
    ]
    if not year_column:
        header = header[:7] + header[8:]
        rows = tuple(r[:7] + r[8:] for r in rows)
    return csv_bytes([header, *rows])


def test_shared_dates_are_dealt_in_order_and_participations_split_exactly():
    """ATFPB: one action, two départements, five dates written once for both (the report's own layout)."""
    data = report_file(
        [
            "POLITIQUE DE LA VILLE",
            "FORMATION",
            "ATFPB",
            "94",
            "5",
            "67",
            "20 ET 21 MARS | 7 AVRIL | 16 ET 15 JANVIER",
            "2025-01-15",
            "524",
        ],
        [
            "POLITIQUE DE LA VILLE",
            "FORMATION",
            "ATFPB",
            "77",
            "5",
            "47",
            "20 ET 21 MARS | 7 AVRIL | 16 ET 15 JANVIER",
            "2025-01-15",
            "524",
        ],
    )
    (training,) = parse_catalogue(read_table(data, "f.csv")).trainings
    got = [(s.department.value, s.start_date, s.participants, s.half_days) for s in training.sessions]
    assert got == [
        ("94", date(2025, 3, 20), 23, 2),
        ("94", date(2025, 3, 21), 22, 2),
        ("94", date(2025, 4, 7), 22, 2),
        ("77", date(2025, 1, 15), 24, 2),
        ("77", date(2025, 1, 16), 23, 2),
    ]
    assert [s.key for s in training.sessions] == [
        "activite-2025:524:94:1",
        "activite-2025:524:94:2",
        "activite-2025:524:94:3",
        "activite-2025:524:77:1",
        "activite-2025:524:77:2",
    ]


def test_meetings_counting_multi_day_sessions_merge_consecutive_days():
    """Two meetings over four days, two départements: one two-day session each."""
    data = report_file(
        [
            "LINGUISTIQUE",
            "FORMATION",
            "DISCRIMINATIONS",
            "94",
            "2",
            "23",
            "2 ET 3 DÉCEMBRE | 9 ET 10 DÉCEMBRE",
            "2025-12-02",
            "1536",
        ],
        [
            "LINGUISTIQUE",
            "FORMATION",
            "DISCRIMINATIONS",
            "91",
            "2",
            "44",
            "2 ET 3 DÉCEMBRE | 9 ET 10 DÉCEMBRE",
            "2025-12-02",
            "1536",
        ],
    )
    catalogue = parse_catalogue(read_table(data, "f.csv"))
    got = [(s.start_date, s.end_date, s.half_days, s.participants) for s in catalogue.sessions]
    assert got == [(date(2025, 12, 2), date(2025, 12, 3), 4, 23), (date(2025, 12, 9), date(2025, 12, 10), 4, 44)]
    assert catalogue.notes == []


def test_report_rows_problems_and_notes():
    data = report_file(
        ["PRÉCARITÉ", "RÉSEAU DE PAIRS", "RÉSEAU", "91", "4", "30", "31 FÉVRIER | 12", "", "10"],
        ["AXE INCONNU", "", "X", "", "", "", "3 MARS", "2025-03-04", "11"],
        ["ACTIVITÉ NATIONALE", "GROUPE DE TRAVAIL", "GROUPE", "", "9", "", "", "", "12"],
        ["ACTIVITÉ NATIONALE", "", "PARTICIPATIONS SANS DATE", "", "", "40", "", "", "13"],
        ["ACTIVITÉ NATIONALE", "", "LIGNE SANS ACTION", "", "", "", "2 MAI", "", ""],
    )
    assert problems_of(data, "f.csv") == [
        "ligne 2, colonne « dates » : le 31 février 2025 n'existe pas.",
        "ligne 2, colonne « dates » : aucun mois reconnu après « 12 ».",
        "ligne 3, colonne « axis » : axe inconnu « AXE INCONNU » (attendu : l'un des six axes du rapport, "
        "ACTIVITÉ RÉGIONALE ou ACTIVITÉ NATIONALE).",
        "ligne 3, colonne « dates » : la première date lue (03/03/2025) n'est pas celle de first_date_iso "
        "(04/03/2025).",
        "ligne 5, colonne « dates » : des participations sans aucune date : indiquez au moins une date.",
        "ligne 6, colonne « source_line » : la référence de l'action est obligatoire (ses lignes la partagent).",
    ]


def test_the_year_comes_from_first_date_iso_or_must_be_given():
    row = ["ACTIVITÉ RÉGIONALE", "SÉMINAIRE", "S", "", "1", "20", "7 AVRIL", "", "5"]
    assert "année des dates inconnue" in problems_of(report_file(row, year_column=False), "f.csv")[0]
    catalogue = parse_catalogue(read_table(report_file(row, year_column=False), "f.csv"), year=2026)
    assert catalogue.sessions[0].start_date == date(2026, 4, 7)
    assert catalogue.trainings[0].key == "activite-2026:5"


def test_a_cycle_over_the_new_year_puts_its_later_months_in_the_next_year():
    row = ["ACTIVITÉ RÉGIONALE", "FORMATION", "CYCLE", "", "2", "20", "20 NOVEMBRE | 15 JANVIER", "2025-11-20", "8"]
    catalogue = parse_catalogue(read_table(report_file(row), "f.csv"))
    assert [s.start_date for s in catalogue.sessions] == [date(2025, 11, 20), date(2026, 1, 15)]


def test_split_participants_is_exact():
    assert split_participants(10, 3) == [4, 3, 3]
    assert split_participants(2, 3) == [1, 1, 0]
    assert split_participants(None, 2) == [None, None]
    for total in range(0, 50):
        for parts in range(1, 9):
            assert sum(split_participants(total, parts)) == total


def test_strict_french_dates_report_what_the_lenient_reading_skips():
    assert scan_french_dates("15 MAI | 13 NOVEMBRE") == ([[date(2025, 5, 15)], [date(2025, 11, 13)]], [])
    assert scan_french_dates("30 ET 31 AVRIL | 123 JUIN")[1] == [
        "le 31 avril 2025 n'existe pas",
        "nombre illisible « 123 »",
    ]


def test_session_format_keys_are_stable_and_distinct():
    rows = [
        SESSION_HEADER + ["reference"],
        ["Atelier", "regional", "formation", "91", "2025-01-10", "", "", "", "", "", ""],
        ["Atelier", "regional", "formation", "91", "2025-01-10", "", "", "", "", "", ""],
        ["atelier", "regional", "formation", "", "10/01/2025", "11/01/2025", "", "", "", "", "REF-1"],
        ["Autre", "regional", "formation", "", "2025-01-10", "", "", "", "", "", "REF-1"],
        ["Atelier", "national", "formation", "", "2025-02-10", "", "", "", "", "", ""],
    ]
    assert problems_of(csv_bytes(rows), "f.csv") == [
        "ligne 5, colonne « reference » : référence déjà donnée à la ligne 4.",
        "ligne 6, colonne « axe » : la formation « Atelier » a un autre axe ou une autre modalité à la ligne 2.",
    ]
    catalogue = parse_catalogue(read_table(csv_bytes(rows[:4]), "f.csv"))
    assert catalogue.format == SESSIONS
    (training,) = catalogue.trainings  # the same title, whatever its case
    keys = [s.key for s in training.sessions]
    assert len(set(keys)) == 3 and keys[2] == "session:REF-1"
    assert training.sessions[2].half_days == 4  # two days of training, none given
    assert keys == [s.key for s in parse_catalogue(read_table(xlsx_bytes(rows[:4]), "f.xlsx")).sessions]


# -- attendance lists ------------------------------------------------------------------------------------------


KEY = attendance_key("a test secret")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hélène Vasseur", "helene  VASSEUR"),
        ("VASSEUR Hélène", "Hélène Vasseur"),
        ("Jean-Pierre L'Hôte", "jean pierre l hote"),
        ("Camille.Martin@Example.org", "camille.martin@example.org"),
        ("Camille Martin <camille.martin@example.org>", "camille.martin@example.org"),
        ("Œdipe Straße", "oedipe strasse"),
    ],
)
def test_the_same_person_written_differently_gives_the_same_hash(one, other):
    assert person_hash(normalise_person(one)[0], KEY) == person_hash(normalise_person(other)[0], KEY)


def test_different_people_and_keys_give_different_hashes():
    camille = normalise_person("Camille Martin")[0]
    assert camille != normalise_person("Camille Martine")[0]
    assert person_hash(camille, KEY) != person_hash(camille, attendance_key("another secret"))
    assert normalise_person("pas@une-adresse") == (None, "adresse e-mail invalide.")
    assert normalise_person("12345") == (None, "ni un nom ni une adresse e-mail.")


@pytest.mark.parametrize("kind", KINDS)
def test_attendance_columns_and_plain_lists(kind):
    rows = [["Prénom", "Nom", "Session"], ["Hélène", "Vasseur", 3], ["Karim", "Belkacem", 3], ["", "", 3]]
    data, name = as_file(rows, kind)
    parsed = parse_attendance(read_table(data, name), KEY)
    assert parsed.has_session_column and parsed.blank_rows == 1
    assert [(e.line, e.session_ref) for e in parsed.entries] == [(2, "3"), (3, "3")]
    assert parsed.entries[0].person_hash == person_hash("name:helene vasseur", KEY)

    plain = parse_attendance(read_table(csv_bytes([["Hélène Vasseur"], ["karim.b@example.org"]]), "liste.csv"), KEY)
    assert not plain.has_session_column and [e.line for e in plain.entries] == [1, 2]


def test_attendance_problems_never_echo_the_names():
    rows = [["email", "nom"], ["pas-une-adresse@", "Secret Dupont"], ["", "=cmd|' /C calc'!A0"]]
    with pytest.raises(FileRejected) as refused:
        parse_attendance(read_table(csv_bytes(rows), "l.csv"), KEY)
    listed = [str(p) for p in refused.value.problems]
    assert listed == [
        "ligne 2, colonne « email » : adresse e-mail invalide.",
        "ligne 3, colonne « nom » : cette cellule ressemble à une formule (elle commence par =, +, @ ou -…( ) : elle "
        "est refusée ; écrivez la valeur elle-même.",
    ]
    assert not any("Dupont" in p or "pas-une-adresse" in p for p in listed)
    with pytest.raises(FileRejected, match="aucune colonne de personnes"):
        parse_attendance(read_table(csv_bytes([["a", "b"], ["1", "2"]]), "l.csv"), KEY)
