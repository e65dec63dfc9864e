"""The demo's KPI data: the targets of the seed's FY2019 table (and the FY2020 plans) and the
site and company observations behind them, for the base year FY2010 and FY2017–FY2019
(data/fy2019_kpis.yaml, which explains how the figures reproduce the seed's).

The target year's values (FY2019) go through the real flow: the unit's risk officer (or the
CSR office where a unit has none) records and submits each value, the Group Risk Management
Officer approves it (~590 values). The earlier years (~1,720 values) are history: they are
written in bulk, already approved, with their row history and one audit event per year.
Measured on SQLite, entering them through the services too (three calls per value, each with
its checks, row history and event) takes the whole demo build from about 12 s to about 29 s,
and the tests that build the demo with it; and the jump check would ask for a reason for
ordinary history (1 → 2 women managers at a small company), so past years are loaded as the
records they are rather than replayed as entries.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import yaml
from simple_history.utils import bulk_create_with_history

from tatara.core import fiscal
from tatara.core.audit import record_event
from tatara.core.models import FiscalYear
from tatara.core.permissions import can
from tatara.cycle.models import Initiative
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis import initiative_ratings
from tatara.kpis import services as kpi_services
from tatara.kpis.choices import Frequency, ObservationStatus
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation import services as org_services
from tatara.organisation.models import OrgUnit

DATA_FILE = Path(__file__).resolve().parent / "data" / "fy2019_kpis.yaml"
DEFAULT_STEP = Decimal("0.1")
# who enters a unit's values: the first of these whose scope holds the unit, else the CSR office
OFFICERS = ("officer-hm", "officer-us", "officer-cn")
SOURCE = "Monthly site report (demo)"
HISTORY_SOURCE = "FY%(year)s records, loaded for the demo"


@dataclass(frozen=True)
class Entry:
    """One value to enter: a metric for a unit and a period (a month or a fiscal year)."""

    unit: OrgUnit
    metric: Metric
    start: dt.date
    end: dt.date
    value: Decimal


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return data


def months_of(year: int) -> list[tuple[dt.date, dt.date]]:
    """The calendar months of fiscal year `year`, first to last."""
    start, _end = fiscal.bounds(year)
    months = []
    for offset in range(12):
        index = start.month - 1 + offset
        first = dt.date(start.year + index // 12, index % 12 + 1, 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        months.append((first, last))
    return months


def spread(total: Decimal, weights: list[Decimal], step: Decimal) -> list[Decimal]:
    """`total` split by `weights`, each part rounded to `step`; the last part takes the rest,
    so the parts sum to `total` exactly."""
    weight_sum = sum(weights, Decimal(0))
    parts = [
        (total * weight / weight_sum / step).to_integral_value(ROUND_HALF_EVEN) * step
        for weight in weights[:-1]
    ]
    parts.append(total - sum(parts, Decimal(0)))
    return parts


def left_before(unit: OrgUnit, day: dt.date) -> bool:
    return unit.in_group_until is not None and unit.in_group_until < day


def entries(
    data: dict[str, Any], units: dict[str, OrgUnit], metrics: dict[str, Metric]
) -> Iterator[tuple[int, Entry]]:
    """(fiscal year, entry) for every figure of the data file: monthly metrics as 12 months
    (fewer after the unit left the group), yearly ones as one fiscal-year value."""
    seasons = {name: [Decimal(str(w)) for w in ws] for name, ws in data["seasons"].items()}
    steps = {code: Decimal(str(step)) for code, step in data.get("steps", {}).items()}
    for unit_code, by_metric in data["figures"].items():
        unit = units[unit_code]
        for metric_code, by_year in by_metric.items():
            metric = metrics[metric_code]
            for year, figure in by_year.items():
                total = Decimal(str(figure))
                if metric.frequency != Frequency.MONTHLY:
                    start, end = fiscal.bounds(int(year))
                    yield int(year), Entry(unit, metric, start, end, total)
                    continue
                season = seasons[data.get("metric_seasons", {}).get(metric_code, unit.country)]
                kept = [
                    (month, weight)
                    for month, weight in zip(months_of(int(year)), season, strict=True)
                    if not left_before(unit, month[0])
                ]
                values = spread(total, [w for _m, w in kept], steps.get(metric_code, DEFAULT_STEP))
                for ((start, end), _weight), value in zip(kept, values, strict=True):
                    yield int(year), Entry(unit, metric, start, end, value)


def set_boundary(data: dict[str, Any], units: dict[str, OrgUnit], actor: Any) -> None:
    """When units joined or left the group."""
    for code, dates in data.get("boundary", {}).items():
        org_services.set_group_boundary(
            actor=actor,
            unit=units[code],
            in_group_from=dates.get("in_group_from"),
            in_group_until=dates.get("in_group_until"),
            reason=dates.get("reason", ""),
        )


def create_targets(
    data: dict[str, Any], root: OrgUnit, metrics: dict[str, Metric], actor: Any
) -> int:
    for row in data["targets"]:
        base = row.get("base_year")
        kpi_services.create_target(
            actor=actor,
            metric=metrics[row["metric"]],
            fiscal_year=get_or_create_fiscal_year(int(row["fiscal_year"])),
            org_unit=root,
            kind=row["kind"],
            value=row.get("value"),
            base_year=get_or_create_fiscal_year(int(base)) if base else None,
            legal_parameter=row.get("legal_parameter", ""),
        )
    return len(data["targets"])


def load_history(
    year: int, batch: list[Entry], *, approver: Any, actor: Any, root: OrgUnit
) -> None:
    """A past year's values in bulk, already approved (see the module docstring for why)."""
    approved_at = dt.datetime(year + 1, 5, 31, 9, 0, tzinfo=dt.UTC)
    source = HISTORY_SOURCE % {"year": year}
    rows = [
        Observation(
            metric=entry.metric,
            org_unit=entry.unit,
            period_start=entry.start,
            period_end=entry.end,
            value=entry.value,
            original_value=entry.value,
            original_unit=entry.metric.unit,
            source=source,
            status=ObservationStatus.APPROVED,
            approved_by=approver,
            approved_at=approved_at,
        )
        for entry in batch
    ]
    bulk_create_with_history(
        rows,
        Observation,
        batch_size=500,
        default_user=approver,
        default_change_reason=source,
        default_date=approved_at,
    )
    record_event(
        actor=actor,
        verb="kpi_observation.loaded",
        org_unit=root,
        data={
            "fiscal_year": year,
            "count": len(rows),
            "status": ObservationStatus.APPROVED,
            "approved_by": approver.get_username(),
            "source": source,
        },
    )


def enterer(unit: OrgUnit, users: dict[str, Any], cache: dict[int, Any]) -> Any:
    """The unit's risk officer when one covers it, else the CSR office."""
    if unit.pk not in cache:
        cache[unit.pk] = next(
            (
                users[name]
                for name in OFFICERS
                if can(users[name], "kpis.change", unit) and can(users[name], "kpis.submit", unit)
            ),
            users["csr"],
        )
    return cache[unit.pk]


def enter(entry: Entry, actor: Any, status: str, source: str = SOURCE) -> Observation:
    observation = kpi_services.record_observation(
        actor=actor,
        metric=entry.metric,
        org_unit=entry.unit,
        period_start=entry.start,
        period_end=entry.end,
        value=entry.value,
        source=source,
    )
    if status != ObservationStatus.DRAFT:
        observation = kpi_services.submit_observation(actor=actor, observation=observation)
    return observation


def add_pending(
    data: dict[str, Any],
    units: dict[str, OrgUnit],
    metrics: dict[str, Metric],
    users: dict[str, Any],
    cache: dict[int, Any],
) -> int:
    """Values entered but not approved yet: they count nowhere until approved."""
    for row in data.get("pending", []):
        unit, metric = units[row["unit"]], metrics[row["metric"]]
        if "month" in row:
            start = row["month"]
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        else:
            start, end = fiscal.bounds(int(row["fiscal_year"]))
        entry = Entry(unit, metric, start, end, Decimal(str(row["value"])))
        enter(entry, enterer(unit, users, cache), row["status"])
    return len(data.get("pending", []))


def link_initiatives(data: dict[str, Any], year: int, csr: Any) -> int:
    """Link the year's targets to the table's initiatives, and record the overrides."""
    targets = {
        t.metric.code: t
        for t in Target.objects.filter(
            fiscal_year__year=year, org_unit__parent__isnull=True
        ).select_related("metric", "org_unit", "fiscal_year")
    }

    def initiative(row: dict[str, Any]) -> Initiative:
        return Initiative.objects.select_related("cycle__fiscal_year", "owner_unit").get(
            cycle__fiscal_year__year=year, subject__number=row["subject"], position=row["position"]
        )

    links = 0
    for row in data.get("links", []):
        found = initiative(row)
        for code in row["metrics"]:
            initiative_ratings.link_target(actor=csr, target=targets[code], initiative=found)
            links += 1
    for row in data.get("overrides", []):
        initiative_ratings.override_rating(
            actor=csr, initiative=initiative(row), rating=row["rating"], reason=row["reason"]
        )
    return links


def build_kpis(users: dict[str, Any], units: dict[str, OrgUnit], actor: Any) -> dict[str, int]:
    """Targets and observations of the demo. `actor` (the demo builder) sets the units' time in
    the group; the CSR office sets targets; officers enter; the risk officer approves."""
    data = load()
    csr, approver = users["csr"], users["risk"]
    root = next(unit for unit in units.values() if unit.parent_id is None)
    metrics = {metric.code: metric for metric in Metric.objects.all()}
    set_boundary(data, units, actor)
    targets = create_targets(data, root, metrics, csr)
    target_year = int(data["target_year"])
    history: dict[int, list[Entry]] = {}
    current: list[Entry] = []
    for year, entry in entries(data, units, metrics):
        get_or_create_fiscal_year(year)
        (current if year == target_year else history.setdefault(year, [])).append(entry)
    for year in sorted(history):
        load_history(year, history[year], approver=approver, actor=csr, root=root)
    cache: dict[int, Any] = {}
    for entry in current:
        observation = enter(entry, enterer(entry.unit, users, cache), ObservationStatus.SUBMITTED)
        kpi_services.approve_observation(actor=approver, observation=observation)
    pending = add_pending(data, units, metrics, users, cache)
    links = link_initiatives(data, target_year, csr)
    return {
        "links": links,
        "targets": targets,
        "observations": sum(map(len, history.values())) + len(current) + pending,
        "approved": sum(map(len, history.values())) + len(current),
        "years": FiscalYear.objects.count(),
    }
