"""Targets evaluated from consolidated figures: actual, achievement and the suggested rating.

A whole fiscal year is evaluated with a fixed number of queries whatever its size: the
targets, the tree, the legal parameters and one GROUP BY that sums the year's and the base
years' figures both as reported and restated to the target year's group structure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.kpis.achievement import (
    ACHIEVEMENT_PLACES,
    MET,
    MOSTLY,
    achievement,
    reduction_percent,
    suggested_rating,
)
from tatara.kpis.choices import MetricKind, TargetKind
from tatara.kpis.consolidation import Figures, Tree, consolidate, consolidate_with_restated
from tatara.kpis.models import LegalParameter, Metric, Target

PERCENT = Decimal(100)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Evaluation:
    """One target of one fiscal year, evaluated.

    `target` is what the target asks for in the metric's unit — for a reduction, the targeted
    reduction in percent; `actual` is comparable with it — for a reduction, the achieved
    reduction in percent (the metric's own figure is `actual_value`). `achievement` is a
    fraction (1 = exactly met); `rating` 1–3 stars, None when it cannot be computed (`note`
    says why).
    """

    target_id: int
    metric: str
    metric_name: str
    metric_unit: str
    org_unit: str
    org_unit_name: str
    fiscal_year: int
    kind: str
    target: Decimal | None
    actual: Decimal | None
    actual_value: Decimal | None
    base_year: int | None
    base_value: Decimal | None
    base_as_reported: Decimal | None
    achievement: Decimal | None
    rating: int | None
    note: str

    @property
    def achievement_percent(self) -> Decimal | None:
        """The achievement in percent to 0.1, rounded to nearest from the ratio the rating is
        computed from — except that it never rounds up onto a rating threshold the ratio does
        not reach: 89.99 % shows as 89.9 % beside ★ (not 90.0 %), 99.96 % as 99.9 % beside ★★."""
        if self.achievement is None:
            return None
        exact = self.achievement.quantize(ACHIEVEMENT_PLACES, rounding=ROUND_HALF_EVEN) * PERCENT
        shown = exact.quantize(TENTH, rounding=ROUND_HALF_EVEN)
        for threshold in (MOSTLY * PERCENT, MET * PERCENT):
            if exact < threshold <= shown:
                shown = threshold - TENTH
        return shown

    def as_record(self) -> dict[str, Any]:
        """The record `tatara kpi evaluate` and the API print (numbers as JSON numbers)."""
        return {
            "metric": self.metric,
            "metric_name": self.metric_name,
            "org_unit": self.org_unit,
            "fiscal_year": self.fiscal_year,
            "kind": self.kind,
            "unit": self.metric_unit,
            "target": _number(self.target),
            "actual": _number(self.actual),
            "achievement": _number(self.achievement_percent),
            "rating": self.rating,
            "actual_value": _number(self.actual_value),
            "base_year": self.base_year,
            "base_value": _number(self.base_value),
            "note": self.note,
        }


RECORD_FIELDS = [
    "metric",
    "metric_name",
    "org_unit",
    "fiscal_year",
    "kind",
    "unit",
    "target",
    "actual",
    "achievement",
    "rating",
    "actual_value",
    "base_year",
    "base_value",
    "note",
]


def _number(value: Decimal | None, places: int = 6) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, places).normalize()
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def targets_for(fiscal_year: int, user: Any = None) -> list[Target]:
    queryset = (
        Target.objects.all() if user is None else Target.objects.visible_to(user, "kpis.view")
    )
    return list(
        queryset.filter(fiscal_year__year=fiscal_year)
        .select_related(
            "metric__numerator", "metric__denominator", "org_unit", "base_year", "fiscal_year"
        )
        .order_by("metric__code", "org_unit__path")
    )


def evaluate(
    fiscal_year: int,
    *,
    user: Any = None,
    targets: list[Target] | None = None,
    tree: Tree | None = None,
) -> list[Evaluation]:
    """Every target of `fiscal_year` (those `user` may view, when given), evaluated."""
    targets = targets_for(fiscal_year, user) if targets is None else targets
    if not targets:
        return []
    tree = tree or Tree.load()
    metrics = {t.metric_id: t.metric for t in targets}
    base_years = {t.base_year.year for t in targets if t.base_year is not None}
    reduced = [t.metric for t in targets if t.kind == TargetKind.REDUCE_VS_BASE]
    # the year's figures and the base years restated to its structure, from one scan
    figures, restated = consolidate_with_restated(
        metrics.values(),
        {fiscal_year, *base_years},
        reduced if base_years else [],
        base_years,
        fiscal_year,
        tree=tree,
    )
    legal = _legal_rates({t.legal_parameter for t in targets if t.legal_parameter})
    return [_evaluate_one(t, figures, restated, legal) for t in targets]


def _legal_rates(codes: set[str]) -> dict[str, list[tuple[dt.date, Decimal]]]:
    rates: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    if codes:
        for row in LegalParameter.objects.filter(code__in=codes).order_by("valid_from"):
            rates[row.code].append((row.valid_from, Decimal(row.value)))
    return rates


def _rate_on(rates: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal | None:
    applying = [value for valid_from, value in rates if valid_from <= day]
    return applying[-1] if applying else None


def _evaluate_one(
    target: Target,
    figures: Figures,
    restated: Figures | None,
    legal: dict[str, list[tuple[dt.date, Decimal]]],
) -> Evaluation:
    metric, year, unit_id = target.metric, target.fiscal_year.year, target.org_unit_id
    actual_value = figures.value(metric, year, unit_id)
    goal = Decimal(target.value) if target.value is not None else None
    base_year = target.base_year.year if target.base_year is not None else None
    base_value = base_reported = None
    actual = actual_value
    notes: list[str] = []
    if target.kind == TargetKind.LEGAL_MINIMUM:
        goal = _rate_on(legal.get(target.legal_parameter, []), target.fiscal_year.start_date)
        if goal is None:
            notes.append(_("No legal rate applies in this fiscal year."))
    if target.kind == TargetKind.REDUCE_VS_BASE and base_year is not None:
        base_reported = figures.value(metric, base_year, unit_id)
        if restated is not None:
            base_value = restated.value(metric, base_year, unit_id)
            missing = _missing_in_base(metric, figures, restated, year, base_year, unit_id)
            if missing:
                notes.append(
                    _("Base year restated without figures from: %(units)s.")
                    % {"units": ", ".join(missing)}
                )
        actual = None
        if actual_value is not None and base_value:
            actual = reduction_percent(base_value, actual_value)
        elif base_value is not None and base_value == 0:
            notes.append(_("The base-year figure is zero: no reduction can be computed."))
        elif base_value is None:
            notes.append(
                _("No approved figures for the base year FY%(year)s.") % {"year": base_year}
            )
    if actual_value is None:
        notes.append(_("No approved figures for FY%(year)s.") % {"year": year})
    reached: Decimal | None = None
    if actual is not None and actual_value is not None and goal is not None:
        try:
            reached = achievement(target.kind, goal, actual_value, base_value)
        except ValueError as exc:
            notes.append(str(exc))
    return Evaluation(
        target_id=target.pk,
        metric=metric.code,
        metric_name=str(metric.localized("name", get_language())),
        metric_unit=metric.unit,
        org_unit=target.org_unit.code,
        org_unit_name=target.org_unit.name,
        fiscal_year=year,
        kind=target.kind,
        target=goal,
        actual=actual,
        actual_value=actual_value,
        base_year=base_year,
        base_value=base_value,
        base_as_reported=base_reported,
        achievement=reached,
        rating=suggested_rating(reached) if reached is not None else None,
        note=" ".join(notes),
    )


def _missing_in_base(
    metric: Metric, figures: Figures, restated: Figures, year: int, base_year: int, scope: int
) -> list[str]:
    """Units counting toward `scope` with figures this year but none in the restated base."""
    tree = figures.tree
    part = metric.numerator if metric.kind != MetricKind.ABSOLUTE else metric
    if part is None:
        return []
    now = figures.reporting.get((part.pk, year), set())
    then = restated.reporting.get((part.pk, base_year), set())
    return sorted(
        tree.units[uid].code for uid in now - then if scope in tree.counts_toward.get(uid, [])
    )


# --- for pages: a metric's trend and its breakdown by unit ----------------------------------


@dataclass(frozen=True)
class TrendPoint:
    year: int
    actual: Decimal | None
    target: Decimal | None
    target_kind: str


def trend(
    metric: Metric, unit_id: int, years: Iterable[int], tree: Tree | None = None
) -> list[TrendPoint]:
    """The metric's consolidated figure at one unit per fiscal year, beside that year's target.

    For a reduction, the target is the figure the reduction would reach from the base year
    restated to that year's group, as the evaluation compares it (docs/decisions/0010); the
    base year's own point stays the figure as reported then."""
    tree = tree or Tree.load()
    year_list = sorted(set(years))
    targets = {
        t.fiscal_year.year: t
        for t in Target.objects.filter(metric=metric, org_unit_id=unit_id).select_related(
            "metric__numerator", "metric__denominator", "fiscal_year", "base_year"
        )
    }
    base_years = {t.base_year.year for t in targets.values() if t.base_year is not None}
    figures = consolidate([metric], {*year_list, *base_years}, tree=tree)
    legal = _legal_rates({t.legal_parameter for t in targets.values() if t.legal_parameter})
    points = []
    for year in year_list:
        target = targets.get(year)
        goal: Decimal | None = None
        if target is not None:
            base = _restated_base(target, tree)
            goal = _target_level(target, base, legal)
        points.append(
            TrendPoint(
                year, figures.value(metric, year, unit_id), goal, target.kind if target else ""
            )
        )
    return points


def _restated_base(target: Target, tree: Tree) -> Decimal | None:
    if target.kind != TargetKind.REDUCE_VS_BASE or target.base_year is None:
        return None
    base_year = target.base_year.year
    restated = consolidate(
        [target.metric], [base_year], tree=tree, structure_year=target.fiscal_year.year
    )
    return restated.value(target.metric, base_year, target.org_unit_id)


def _target_level(
    target: Target, base: Decimal | None, legal: dict[str, list[tuple[dt.date, Decimal]]]
) -> Decimal | None:
    if target.kind == TargetKind.LEGAL_MINIMUM:
        return _rate_on(legal.get(target.legal_parameter, []), target.fiscal_year.start_date)
    if target.kind == TargetKind.REDUCE_VS_BASE:
        if base is None or target.value is None:
            return None
        return base * (1 - Decimal(target.value) / PERCENT)
    return Decimal(target.value) if target.value is not None else None


@dataclass(frozen=True)
class Share:
    unit_id: int
    code: str
    name: str
    value: Decimal | None
    counts: bool  # counts toward the parent's figure (consolidated and in the group)


def breakdown(metric: Metric, year: int, unit_id: int, tree: Tree | None = None) -> list[Share]:
    """The figure of each unit directly below `unit_id`, and whether it counts toward it."""
    tree = tree or Tree.load()
    figures = consolidate([metric], [year], tree=tree)
    start, end = fiscal.bounds(year)
    return [
        Share(
            child.id,
            child.code,
            child.name,
            figures.value(metric, year, child.id),
            child.consolidated and child.in_group_during(start, end),
        )
        for child in sorted(tree.children(unit_id), key=lambda u: u.path)
    ]
