"""The one-row-per-session format: ISO or French dates, one training per title."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from feedback.imports.catalogue_rows import (
    MAX_PARTICIPANTS,
    MAX_PLACE,
    MAX_REFERENCE,
    MAX_SESSION_DAYS,
    MAX_SPEAKER,
    MAX_TITLE,
    SESSION_COLUMNS,
    SESSIONS,
    CatalogueFile,
    Cells,
    SessionSpec,
    TrainingSpec,
)
from feedback.imports.parsing import (
    axis_from_text,
    fold,
    half_days_per_day,
    modality_from_text,
)
from feedback.imports.tables import Problem, Table
from feedback.models.catalogue import Axis, Modality


def _title_hash(title: str) -> str:
    normal = " ".join(fold(title).split())
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


class SessionReader:
    def __init__(self, table: Table, columns: dict[str, int], year: int | None):
        self.table, self.columns = table, columns
        self.labels = {spec.key: spec.label for spec in SESSION_COLUMNS}
        for spec in SESSION_COLUMNS:
            if spec.key in columns:
                self.labels[spec.key] = table.header[columns[spec.key]]

    # Over the complexity limit: groups rows into trainings and sessions, with a problem per inconsistency.
    def read(self, problems: list[Problem]) -> CatalogueFile:  # noqa: C901
        trainings: dict[str, TrainingSpec] = {}
        references: dict[str, int] = {}
        numbers: Counter[tuple] = Counter()
        for row in self.table.rows:
            cells = Cells(row, self.columns, self.labels, problems)
            before = len(problems)
            title = cells.bounded_text("title", MAX_TITLE, required=True)
            axis = self._choice(cells, "axis", axis_from_text, "axe")
            modality = self._choice(cells, "modality", modality_from_text, "modalité")
            department = cells.department("department")
            start = cells.date("start_date", required=True)
            end = cells.date("end_date", required=False)
            if start and end:
                if end < start:
                    cells.fail("end_date", "la date de fin précède la date de début.")
                elif (end - start).days >= MAX_SESSION_DAYS:
                    cells.fail("end_date", f"une session de plus de {MAX_SESSION_DAYS} jours : vérifiez les dates.")
            half_days = cells.integer("half_days", maximum=100)
            participants = cells.integer("participants", maximum=MAX_PARTICIPANTS)
            place = cells.bounded_text("place", MAX_PLACE)
            speakers = self._speakers(cells)
            reference = cells.bounded_text("reference", MAX_REFERENCE)
            if reference:
                if reference in references:
                    cells.fail("reference", f"référence déjà donnée à la ligne {references[reference]}.")
                references.setdefault(reference, row.line)
            if len(problems) > before or not (title and axis and modality and start):
                continue
            training_key = f"formation:{_title_hash(title)}"
            training = trainings.get(training_key)
            if training is None:
                training = trainings[training_key] = TrainingSpec(training_key, title, axis, modality, [])
            elif (training.axis, training.modality) != (axis, modality):
                cells.fail(
                    "axis" if training.axis != axis else "modality",
                    f"la formation « {title[:60]} » a un autre axe ou une autre modalité à la ligne "
                    f"{training.lines[0]}.",
                )
                continue
            training.lines.append(row.line)
            end = end if end and end != start else None
            days = ((end - start).days + 1) if end else 1
            if reference:
                key = f"session:{reference}"
            else:
                slot = (training_key, start, department)
                numbers[slot] += 1
                key = (
                    f"session:{training_key[10:26]}:{start.isoformat()}:"
                    f"{department.value if department else 'x'}:{numbers[slot]}"
                )
            training.sessions.append(
                SessionSpec(
                    key=key,
                    start_date=start,
                    end_date=end,
                    half_days=half_days if half_days is not None else half_days_per_day(modality) * days,
                    department=department,
                    participants=participants,
                    line=row.line,
                    place=place,
                    speakers=speakers,
                )
            )
        return CatalogueFile(SESSIONS, self.table.encoding, len(self.table.rows), list(trainings.values()))

    @staticmethod
    def _choice(cells: Cells, key: str, reader, what: str):
        value = cells.text(key)
        if not value:
            if not cells.refused(key):
                cells.fail(key, f"{what} obligatoire.")
            return None
        found = reader(value)
        if found is None:
            enum = Axis if key == "axis" else Modality
            codes = ", ".join(m.value for m in enum)
            cells.fail(key, f"{what} inconnu(e) « {value[:60]} » (codes acceptés : {codes}, ou leur libellé).")
        return found

    @staticmethod
    def _speakers(cells: Cells) -> tuple[str, ...]:
        value = cells.text("speakers")
        names = []
        for name in re.split(r"[;|\n]", value):
            name = " ".join(name.split())
            if not name:
                continue
            if len(name) > MAX_SPEAKER:
                cells.fail("speakers", f"nom d'intervenant·e trop long (au plus {MAX_SPEAKER} caractères).")
                continue
            if name not in names:
                names.append(name)
        return tuple(names)
