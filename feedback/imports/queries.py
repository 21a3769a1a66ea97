"""The imports area's reads: the activity figures its imports feed, computed in `feedback/activity.py`.

They live one layer down, with the shared helpers, because the report reads them too (areas never import each
other); this module names them for the area, under the names its pages and tests have always used.
"""

from __future__ import annotations

from feedback.activity import (
    ActivityFigures,
    Dimension,
    activity_breakdown,
    activity_totals,
    attendance_figures,
    participations_by_training,
    session_figures,
)

__all__ = [
    "ActivityFigures",
    "Dimension",
    "activity_breakdown",
    "activity_totals",
    "attendance_figures",
    "participations_by_training",
    "session_figures",
]
