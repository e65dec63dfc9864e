"""Fiscal periods. A fiscal year is named after the calendar year in which it starts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def start_month() -> int:
    month = int(getattr(settings, "TATARA_FY_START_MONTH", 4))
    if not 1 <= month <= 12:
        raise ValueError(f"TATARA_FY_START_MONTH must be 1-12, not {month}")
    return month


def bounds(year: int, first_month: int | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year `year` (FY2019 with April start: 2019-04-01..2020-03-31)."""
    month = first_month or start_month()
    start = dt.date(year, month, 1)
    next_start = dt.date(year + 1, month, 1)
    return start, next_start - dt.timedelta(days=1)


def year_of(day: dt.date, first_month: int | None = None) -> int:
    """The fiscal year a date belongs to."""
    month = first_month or start_month()
    return day.year if day.month >= month else day.year - 1


def label(year: int) -> str:
    return f"FY{year}"
