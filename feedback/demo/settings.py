"""The demo's fixed choices: its clock's zone, password, years, import keys and follow-up delay."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "demo-retours-2025"  # noqa: S105  (public on purpose: printed by `flask demo`)
OPEN_SESSION_KEY = "demo:open-now"
#: The date of the demo's open session (unless the demo is loaded before it): the report year's last session day.
OPEN_SESSION_DAY = date(2025, 12, 12)
#: The years of the demo: the report's year, and the one before, derived from it.
REPORT_YEAR = 2025
PREVIOUS_YEAR = 2024
#: Import keys of the demo's catalogue (the catalogue import's keys: `activite-<year>:<source line>`).
CATALOGUE_KEYS = tuple(f"activite-{year}:%" for year in (PREVIOUS_YEAR, REPORT_YEAR))
FOLLOWUP_FAMILY = "evaluation-a-froid"
FOLLOWUP_DELAY_DAYS = 90
