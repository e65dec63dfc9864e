"""The shipped reference data: Appended Table 1 rows and the dated country groups."""

import datetime as dt

import pytest

from tatara.export_control.models import ControlRow, Country, CountryGroupPeriod

pytestmark = pytest.mark.django_db


def test_control_rows_are_shipped_in_order():
    codes = list(ControlRow.objects.values_list("code", flat=True))
    assert codes == ["1", "2", "3", "3-2", *[str(n) for n in range(4, 17)]]
    catch_all = ControlRow.objects.get(code="16")
    assert catch_all.is_catch_all
    assert catch_all.localized("title", "ja") == "キャッチオール規制"


def test_group_a_has_27_countries_today():
    today = dt.date(2024, 1, 1)
    group_a = [
        c.code
        for c in Country.objects.all()
        if (
            CountryGroupPeriod.objects.filter(country=c, valid_from__lte=today)
            .order_by("-valid_from")
            .values_list("group", flat=True)
            .first()
        )
        == "A"
    ]
    assert len(group_a) == 27
    assert "KR" in group_a
