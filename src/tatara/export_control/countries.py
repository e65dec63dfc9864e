"""Country groups on a day: `group_on(country, day)`; the engine's view of a destination
(`country_info`: its group, flags and Japan's measures in force, reference_data.measures_on)."""

from __future__ import annotations

import datetime as dt

from tatara.export_control.assessment import GROUP_C, CountryInfo
from tatara.export_control.models import Country, CountryGroupPeriod
from tatara.export_control.reference_data import measures_on


def _code(country: Country | str) -> str:
    return country.code if isinstance(country, Country) else str(country or "").strip().upper()


def group_on(country: Country | str, day: dt.date) -> CountryGroupPeriod | None:
    """The period of `country` (a Country or an ISO code) in force on `day`: the latest
    valid_from on or before it; None when the data has none (unknown country, or a day before
    the data starts)."""
    return (
        CountryGroupPeriod.objects.filter(country__code=_code(country), valid_from__lte=day)
        .select_related("country")
        .order_by("-valid_from")
        .first()
    )


def country_info(country: Country | str, day: dt.date) -> CountryInfo:
    """The engine's view of a destination on `day`; unknown → Group C, `known` False."""
    code = _code(country)
    period = group_on(code, day)
    measures = measures_on(code, day)
    if period is None:
        name = Country.objects.filter(code=code).values_list("name", flat=True).first()
        return CountryInfo(
            code=code, group=GROUP_C, known=False, name=name or code, measures=measures
        )
    return CountryInfo(
        code=code,
        group=period.group,
        arms_embargo=period.arms_embargo,
        embargo=period.embargo,
        known=True,
        name=period.country.name,
        measures=measures,
    )


def groups_on(day: dt.date) -> list[tuple[Country, CountryGroupPeriod | None]]:
    """Every country in the data with its period on `day` (None before its first period)."""
    periods: dict[int, CountryGroupPeriod] = {}
    for period in CountryGroupPeriod.objects.filter(valid_from__lte=day).order_by("valid_from"):
        periods[period.country_id] = period  # the latest one wins
    return [(country, periods.get(country.pk)) for country in Country.objects.order_by("code")]
