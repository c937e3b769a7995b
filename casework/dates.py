"""The dates the product accepts from a person or a file.

Wide enough for any case and any deadline, narrow enough that date arithmetic, time
zones and calendars never meet the end of the calendar (9999-12-31), where adding a day
or converting to UTC overflows. Checked at every boundary: forms, the case-format
import, the rules' fixed dates, and the models' ``full_clean``
(``casework.models.validate_legal_date``).
"""

from __future__ import annotations

from datetime import date, timedelta

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, kept within the calendar: near year 1 or 9999 it stops at the end.

    For what is shown (a ladder's rungs, a margin on an axis), never for a due date: a computed
    due date past the calendar is an error the deadline rules report.
    """
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
