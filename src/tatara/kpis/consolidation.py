"""Consolidated figures: approved observations summed up the organisation tree.

One GROUP BY query reads the sums per metric and unit, a column per fiscal year; the roll-up
to every ancestor happens in memory over the tree, which is small (hundreds of units) next to
the observations (millions). Rules:

- Only approved observations count.
- A unit's figure counts toward an ancestor only if the unit and every unit between them are
  consolidated (the ancestor itself may be unconsolidated: its own figure includes its units).
- A unit counts for the periods it was in the group (`in_group_from` … `in_group_until`, the
  tighter of its own and its ancestors' dates). Monthly values outside that window are left
  out; a fiscal-year value counts when the unit was in the group at any time of the year.
- Ratios and intensities are recomputed from the summed numerator and denominator, never
  averaged. A value entered directly for a ratio counts only at its own unit, and only where
  the parts are missing.
- Restatement: with `structure_year`, the units are those in the group at the end of that
  fiscal year, whatever the year of the figures — so a base year is compared like for like
  (a site sold since drops out of the base; a site bought since counts with its base-year
  data).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models.functions import ExtractYear

from tatara.core import fiscal
from tatara.kpis.choices import MetricKind, ObservationStatus
from tatara.kpis.models import Metric, Observation
from tatara.kpis.units import registry
from tatara.organisation.models import OrgUnit

ZERO = Decimal(0)


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    consolidated: bool
    joined: dt.date | None  # effective: the latest of its own and its ancestors' dates
    left: dt.date | None  # effective: the earliest

    def in_group_during(self, start: dt.date, end: dt.date) -> bool:
        return (self.joined is None or self.joined <= end) and (
            self.left is None or self.left >= start
        )

    def in_group_on(self, day: dt.date) -> bool:
        return self.in_group_during(day, day)


@dataclass
class Tree:
    """The organisation tree as plain data, with who counts toward whom."""

    units: dict[int, Unit]
    counts_toward: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Tree:
        rows = list(
            OrgUnit.objects.order_by("depth", "path").values(
                "id",
                "code",
                "name",
                "parent_id",
                "path",
                "consolidated",
                "in_group_from",
                "in_group_until",
            )
        )
        units: dict[int, Unit] = {}
        for row in rows:  # parents first (ordered by depth)
            parent = units.get(row["parent_id"]) if row["parent_id"] else None
            joined, left = row["in_group_from"], row["in_group_until"]
            if parent is not None:
                joined = _latest(joined, parent.joined)
                left = _earliest(left, parent.left)
            units[row["id"]] = Unit(
                id=row["id"],
                code=row["code"],
                name=row["name"],
                parent_id=row["parent_id"],
                path=row["path"],
                consolidated=row["consolidated"],
                joined=joined,
                left=left,
            )
        tree = cls(units)
        for unit in units.values():
            targets = [unit.id]
            node = unit
            while node.parent_id is not None and node.consolidated:
                targets.append(node.parent_id)
                node = units[node.parent_id]
            tree.counts_toward[unit.id] = targets
        return tree

    def children(self, unit_id: int) -> list[Unit]:
        return [u for u in self.units.values() if u.parent_id == unit_id]

    def contributors(self, scope_id: int) -> list[int]:
        """Units whose figures count toward `scope_id` (itself included)."""
        return [uid for uid, up in self.counts_toward.items() if scope_id in up]


def _latest(*days: dt.date | None) -> dt.date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


def _earliest(*days: dt.date | None) -> dt.date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


@cache
def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """How many `to_unit` one `from_unit` is (t/t → t/t is 1; kg/t → t/t is 0.001)."""
    quantity = registry().Quantity(1, from_unit).to(to_unit)
    return Decimal(str(quantity.magnitude))


def derived_factor(metric: Metric) -> Decimal:
    """numerator ÷ denominator, in their units, expressed in the metric's unit."""
    assert metric.numerator is not None and metric.denominator is not None
    return conversion_factor(
        f"({metric.numerator.unit}) / ({metric.denominator.unit})", metric.unit
    )


def fiscal_year_expression() -> Case:
    """The fiscal year of an observation's period_start, computed in the database."""
    first = fiscal.start_month()
    year = ExtractYear("period_start")
    if first == 1:
        return Case(default=year, output_field=IntegerField())
    return Case(
        When(Q(period_start__month__lt=first), then=year - 1),
        default=year,
        output_field=IntegerField(),
    )


@dataclass
class Figures:
    """Consolidated figures for a set of metrics, years and units; `value()` reads them."""

    tree: Tree
    metrics: dict[int, Metric]
    # (metric id, year, unit id) → summed value over the unit and everyone counting toward it
    sums: dict[tuple[int, int, int], Decimal]
    # (metric id, year, unit id) → value entered directly for a derived metric at that unit
    direct: dict[tuple[int, int, int], Decimal]
    # (metric id, year) → the units that reported an approved value
    reporting: dict[tuple[int, int], set[int]] = field(default_factory=dict)

    def value(self, metric: Metric, year: int, unit_id: int) -> Decimal | None:
        if metric.kind == MetricKind.ABSOLUTE:
            return self.sums.get((metric.pk, year, unit_id))
        assert metric.numerator_id is not None and metric.denominator_id is not None
        numerator = self.sums.get((metric.numerator_id, year, unit_id))
        denominator = self.sums.get((metric.denominator_id, year, unit_id))
        if numerator is not None and denominator:
            return numerator / denominator * derived_factor(metric)
        return self.direct.get((metric.pk, year, unit_id))

    def parts(self, metric: Metric, year: int, unit_id: int) -> tuple[Decimal | None, ...]:
        if metric.kind == MetricKind.ABSOLUTE:
            return (self.sums.get((metric.pk, year, unit_id)),)
        return (
            self.sums.get((metric.numerator_id or 0, year, unit_id)),
            self.sums.get((metric.denominator_id or 0, year, unit_id)),
        )


def with_parts(metrics: Iterable[Metric]) -> dict[int, Metric]:
    """The metrics and the numerator/denominator metrics their values need."""
    needed: dict[int, Metric] = {}
    for metric in metrics:
        needed[metric.pk] = metric
        for part in (metric.numerator, metric.denominator):
            if part is not None:
                needed[part.pk] = part
    return needed


def consolidate(
    metrics: Iterable[Metric],
    years: Iterable[int],
    *,
    tree: Tree | None = None,
    structure_year: int | None = None,
) -> Figures:
    """Approved figures of `metrics` (and their parts) for `years`, at every unit of the tree.

    Without `structure_year`, a unit counts for the periods it was in the group; with it, the
    units in the group at the end of `structure_year` count, for every year (restatement).
    """
    tree = tree or Tree.load()
    needed = with_parts(metrics)
    year_list = sorted(set(years))
    if not needed or not year_list:
        return Figures(tree, needed, {}, {})
    restating = structure_year is not None
    with _aggregating():
        rows, columns = _year_sums(needed, year_list, tree, leave_out=not restating)
    return _roll_up(tree, needed, rows, list(columns.items()), structure_year)


def consolidate_with_restated(
    metrics: Iterable[Metric],
    years: Iterable[int],
    restate: Iterable[Metric],
    base_years: Iterable[int],
    structure_year: int,
    *,
    tree: Tree | None = None,
) -> tuple[Figures, Figures | None]:
    """`consolidate(metrics, years)` and `consolidate(restate, base_years,
    structure_year=structure_year)` — the same two results from one scan of the observations.

    The restated figures take every approved row of the base years; the others leave out the
    months a unit spent outside the group. The query sums both ways in one pass (`restate` and
    `base_years` must lie within `metrics` and `years`). None when nothing is to be restated.
    """
    tree = tree or Tree.load()
    needed = with_parts(metrics)
    restate_needed = with_parts(restate)
    year_list = sorted(set(years))
    base_list = sorted(set(base_years))
    if not restate_needed or not base_list:
        return consolidate(metrics, year_list, tree=tree), None
    if not set(restate_needed) <= set(needed) or not set(base_list) <= set(year_list):
        raise ValueError("restated metrics and base years must lie within the others")
    dated = _dated(tree)
    with _aggregating():
        rows, columns = _year_sums(needed, year_list, tree, leave_out=False)
        in_group_rows = rows
        if dated:
            # the dated units' rows again, without their months outside the group: a second,
            # small query (a few units) rather than extra filtered sums over every row
            inside, _columns = _year_sums(needed, year_list, tree, leave_out=True, only=dated)
            in_group_rows = [row for row in rows if row[1] not in dated] + inside
    figures = _roll_up(tree, needed, in_group_rows, list(columns.items()))
    restated = _roll_up(
        tree, restate_needed, rows, [(y, columns[y]) for y in base_list], structure_year
    )
    return figures, restated


def _dated(tree: Tree) -> set[int]:
    """The units with a date of joining or leaving the group (their own or an ancestor's)."""
    return {u.id for u in tree.units.values() if u.joined is not None or u.left is not None}


def _year_sums(
    needed: dict[int, Metric],
    year_list: list[int],
    tree: Tree,
    *,
    leave_out: bool,
    only: set[int] | None = None,
) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """Sums of the approved observations per metric and unit, one column per fiscal year.

    Rows are (metric id, unit id, sum of year 1, …); `columns` maps each year to the index of
    its sum; a sum is None where the unit has no row that year. `leave_out` leaves out the
    months a unit spent outside the group; `only` limits the rows to those units.

    One GROUP BY metric and unit with a filtered sum per year: the database reads only the
    rows of those years (each year's own range of period_start — exactly the rows whose
    fiscal year is listed), and groups on two integer columns rather than on a computed
    fiscal year.
    """
    in_years = Q(pk__in=[])
    sums: dict[str, Sum] = {}
    columns: dict[int, int] = {}
    for year in year_list:
        start, end = fiscal.bounds(year)
        in_year = Q(period_start__gte=start, period_start__lte=end)
        in_years |= in_year
        columns[year] = 2 + len(sums)  # after metric id and unit id
        sums[f"y{year}"] = Sum("value", filter=in_year)
    queryset = Observation.objects.filter(
        in_years,
        metric_id__in=list(needed),
        status=ObservationStatus.APPROVED,
        period_end__lte=fiscal.bounds(year_list[-1])[1],
    )
    if only is not None:
        queryset = queryset.filter(org_unit_id__in=sorted(only))
    if leave_out:
        queryset = queryset.exclude(_outside_group(tree))
    rows = list(
        queryset.order_by()  # the default ordering would join the metric and unit tables
        .values("metric_id", "org_unit_id")
        .annotate(**sums)
        .values_list("metric_id", "org_unit_id", *sums)
    )
    return rows, columns


@contextmanager
def _aggregating() -> Iterator[None]:
    """One transaction for the aggregate queries of a consolidation, tuned for them."""
    alias = router.db_for_read(Observation)
    with transaction.atomic(using=alias):
        _tune_for_aggregation(alias)
        yield


def _tune_for_aggregation(alias: str) -> None:
    """On PostgreSQL, give this one aggregate enough memory to hash its groups in memory
    rather than spill to disk, and skip JIT compilation, which costs more than it saves on a
    query run once (`SET LOCAL`: until the end of the enclosing transaction only)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [settings.KPI_WORK_MEM],
        )


def _roll_up(
    tree: Tree,
    needed: dict[int, Metric],
    rows: list[tuple[Any, ...]],
    columns: list[tuple[int, int]],
    structure_year: int | None = None,
) -> Figures:
    """Each unit's yearly sums (`columns`: year and index in the row) added to every unit it
    counts toward; values entered for derived metrics kept at their unit."""
    direct: dict[tuple[int, int, int], Decimal] = {}
    reporting: dict[tuple[int, int], set[int]] = defaultdict(set)
    derived = {pk for pk, metric in needed.items() if metric.kind != MetricKind.ABSOLUTE}
    structure_end = fiscal.bounds(structure_year)[1] if structure_year is not None else None
    units = tree.units
    # unit id → {(metric id, year): the unit's own sum}, then its subtree's (below)
    totals: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    # unit id → the (year, row index) pairs whose sums count: the unit was in the group during
    # the year, or at the end of the structure year when restating. Worked out once per unit.
    plans: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        metric_id, unit_id = row[0], row[1]
        if metric_id not in needed:
            continue
        plan = plans.get(unit_id)
        if plan is None:
            plan = plans[unit_id] = _counting_columns(units.get(unit_id), columns, structure_end)
        is_derived = metric_id in derived
        own = totals[unit_id]
        for year, index in plan:
            value = row[index]  # a Decimal (the database layer converts sums of decimals)
            if value is None:
                continue
            reporting[(metric_id, year)].add(unit_id)
            if is_derived:
                direct[(metric_id, year, unit_id)] = value
            else:
                own[(metric_id, year)] = own.get((metric_id, year), ZERO) + value
    # Bottom-up, deepest units first: a consolidated unit adds its subtree's totals to its
    # parent — one addition per unit and figure, not one per row and ancestor.
    for unit in reversed(list(units.values())):  # Tree.load orders by depth
        below = totals.get(unit.id)
        if not below or unit.parent_id is None or not unit.consolidated:
            continue
        parent = totals[unit.parent_id]
        for key, value in below.items():
            parent[key] = parent[key] + value if key in parent else value
    sums = {
        (metric_id, year, unit_id): value
        for unit_id, figures in totals.items()
        for (metric_id, year), value in figures.items()
    }
    return Figures(tree, needed, sums, direct, dict(reporting))


def _counting_columns(
    unit: Unit | None, columns: list[tuple[int, int]], structure_end: dt.date | None
) -> list[tuple[int, int]]:
    if unit is None:
        return []
    if structure_end is not None:
        return list(columns) if unit.in_group_on(structure_end) else []
    return [(y, i) for y, i in columns if unit.in_group_during(*fiscal.bounds(y))]


def _outside_group(tree: Tree) -> Q:
    """Monthly observations of a unit from before it joined or after it left the group."""
    condition = Q(pk__in=[])
    for unit in tree.units.values():
        if unit.joined is not None:
            condition |= Q(org_unit_id=unit.id, period_end__lt=unit.joined)
        if unit.left is not None:
            condition |= Q(org_unit_id=unit.id, period_start__gt=unit.left)
    return condition


__all__ = [
    "Figures",
    "Tree",
    "Unit",
    "consolidate",
    "consolidate_with_restated",
    "conversion_factor",
    "derived_factor",
    "fiscal_year_expression",
    "with_parts",
]
