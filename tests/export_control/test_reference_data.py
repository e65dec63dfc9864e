"""The shipped reference data: Appended Table 1 rows and the dated country groups."""

import datetime as dt

import pytest

from tatara.export_control.countries import group_on
from tatara.export_control.models import ControlRow, Country, CountryGroupPeriod
from tatara.export_control.reference_data import measure_rows, measures_on, red_flag_rules

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


def test_every_group_period_names_its_source_and_unverified_rows_say_verify():
    for period in CountryGroupPeriod.objects.all():
        assert period.source, period
        if not period.verified:
            assert "verify" in period.note.lower() or "verify" in period.source.lower(), period


def test_group_d_table_3_2_north_korea_and_group_b():
    def group(code):
        return group_on(code, dt.date(2026, 1, 1))

    embargoed = CountryGroupPeriod.objects.filter(arms_embargo=True)
    assert set(embargoed.values_list("country__code", flat=True)) == {
        "AF",
        "CF",
        "CD",
        "IQ",
        "LB",
        "LY",
        "KP",
        "SO",
        "SS",
        "SD",
    }
    assert group("KP").embargo and not group("IQ").embargo and not group("IR").embargo
    assert {group(c).group for c in ("EE", "LV", "LT", "IN", "TR")} == {"B"}
    assert group("RU").group == "C" and not group("RU").verified


def test_measures_are_dated_with_sources_and_apply_from_their_day():
    rows = measure_rows()
    assert rows and all(r["source"] and "verified" in r for r in rows)
    assert all(r["effect"] in ("ban-listed", "check", "note") for r in rows)
    assert measures_on("RU", dt.date(2022, 3, 17)) == ()
    on_day = {m.code for m in measures_on("RU", dt.date(2022, 3, 18))}
    assert "ru-by-regime-items" in on_day and "ru-luxury-goods" not in on_day
    assert "ru-luxury-goods" in {m.code for m in measures_on("RU", dt.date(2022, 4, 5))}
    assert "ru-luxury-goods" not in {m.code for m in measures_on("BY", dt.date(2024, 1, 1))}
    assert measures_on("CN", dt.date(2024, 1, 1)) == ()


def test_red_flag_rules_load_with_exceptions_and_negations():
    rules = red_flag_rules()
    terms = {term for _category, term in rules.terms}
    assert "核" not in terms and "enrichment" not in terms and "核兵器" in terms
    assert "not for" in rules.negations_before and "ではない" in rules.negations_after
