"""Helpers for KPI engine tests: a small group and approved observations written directly.

The engine reads approved rows; how rows become approved is the services' business and is
tested there (and once more here, end to end, through the services).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factories as f

from tatara.core import fiscal
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis.choices import ObservationStatus
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit


def metric(code: str) -> Metric:
    return Metric.objects.get(code=code)


def month(year: int, number: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, number, 1)
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def put(
    code: str,
    unit: OrgUnit,
    year: int,
    value: Any,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    status: str = ObservationStatus.APPROVED,
) -> Observation:
    """An observation of metric `code` at `unit` for fiscal year `year` (or `period`)."""
    start, end = period or fiscal.bounds(year)
    return Observation.objects.create(
        metric=metric(code),
        org_unit=unit,
        period_start=start,
        period_end=end,
        value=Decimal(str(value)),
        original_value=Decimal(str(value)),
        original_unit=metric(code).unit,
        status=status,
    )


def target(
    code: str, unit: OrgUnit, year: int, kind: str, value: Any = None, **extra: Any
) -> Target:
    base = extra.pop("base_year", None)
    return Target.objects.create(
        metric=metric(code),
        fiscal_year=get_or_create_fiscal_year(year),
        org_unit=unit,
        kind=kind,
        value=None if value is None else Decimal(str(value)),
        base_year=get_or_create_fiscal_year(base) if base else None,
        **extra,
    )


def small_group() -> dict[str, OrgUnit]:
    """grp ─ alpha (company) ─ a1, a2 (sites); bravo (company, not consolidated) ─ b1;
    charlie (company, joined the group on 2019-10-01) ─ c1; delta (company, left 2015-06-30)
    ─ d1."""
    unit = f.OrgUnitFactory
    grp = unit(code="g", name="Group")
    alpha = unit(code="alpha", parent=grp)
    bravo = unit(code="bravo", parent=grp, consolidated=False)
    charlie = unit(code="charlie", parent=grp)
    delta = unit(code="delta", parent=grp)
    OrgUnit.objects.filter(pk=charlie.pk).update(in_group_from=dt.date(2019, 10, 1))
    OrgUnit.objects.filter(pk=delta.pk).update(in_group_until=dt.date(2015, 6, 30))
    units = {"g": grp, "alpha": alpha, "bravo": bravo, "charlie": charlie, "delta": delta}
    for code, parent in (
        ("a1", alpha),
        ("a2", alpha),
        ("b1", bravo),
        ("c1", charlie),
        ("d1", delta),
    ):
        units[code] = unit(code=code, parent=parent, kind=UnitKind.SITE)
    return {code: OrgUnit.objects.get(pk=u.pk) for code, u in units.items()}
