import datetime as dt

import pytest

from tatara.core import fiscal
from tatara.cycle.services import get_or_create_fiscal_year


def test_default_start_is_april():
    assert fiscal.start_month() == 4
    assert fiscal.bounds(2019) == (dt.date(2019, 4, 1), dt.date(2020, 3, 31))
    assert fiscal.label(2019) == "FY2019"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2019, 3, 31), 2018),
        (dt.date(2019, 4, 1), 2019),
        (dt.date(2019, 12, 31), 2019),
        (dt.date(2020, 1, 1), 2019),
        (dt.date(2020, 3, 31), 2019),
        (dt.date(2020, 4, 1), 2020),
    ],
)
def test_year_of_dates_at_the_boundary(day, year):
    assert fiscal.year_of(day) == year


def test_a_year_holding_29_february_has_366_days():
    # FY2023 runs 2023-04-01 .. 2024-03-31 and so holds 2024-02-29.
    start, end = fiscal.bounds(2023)
    assert (end - start).days + 1 == 366


def test_start_month_comes_from_settings(settings):
    settings.TATARA_FY_START_MONTH = 1
    assert fiscal.bounds(2019) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert fiscal.year_of(dt.date(2019, 12, 31)) == 2019
    assert fiscal.year_of(dt.date(2020, 1, 1)) == 2020

    settings.TATARA_FY_START_MONTH = 10
    assert fiscal.bounds(2019) == (dt.date(2019, 10, 1), dt.date(2020, 9, 30))
    assert fiscal.year_of(dt.date(2019, 9, 30)) == 2018
    assert fiscal.year_of(dt.date(2019, 10, 1)) == 2019


def test_explicit_first_month_beats_settings(settings):
    settings.TATARA_FY_START_MONTH = 1
    assert fiscal.bounds(2019, first_month=7) == (dt.date(2019, 7, 1), dt.date(2020, 6, 30))
    assert fiscal.year_of(dt.date(2019, 6, 30), first_month=7) == 2018


@pytest.mark.parametrize("month", [0, 13])
def test_start_month_out_of_range_is_refused(settings, month):
    settings.TATARA_FY_START_MONTH = month
    with pytest.raises(ValueError, match="1-12"):
        fiscal.start_month()


def test_fiscal_year_rows_follow_the_configured_start(db, settings):
    settings.TATARA_FY_START_MONTH = 1
    fy = get_or_create_fiscal_year(2030)
    assert (fy.start_date, fy.end_date) == (dt.date(2030, 1, 1), dt.date(2030, 12, 31))
    assert str(fy) == "FY2030"
    # the row, once made, is not re-computed
    settings.TATARA_FY_START_MONTH = 4
    assert get_or_create_fiscal_year(2030).pk == fy.pk
