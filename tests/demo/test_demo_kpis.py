"""The demo's KPI data reproduce the seed's FY2019 figures (table IV.1(4)) from approved
observations.

An independent check of the demo data, written with plain Django aggregates over the
observations after build_demo() — deliberately not through kpis.consolidation/evaluation, so
that the data and the engine are checked against each other rather than against themselves.
The rules, as issue 3 states them:
- only approved observations count;
- a unit counts toward the group only if it and every unit between it and the group root are
  consolidated, and only for periods it was in the group (in the demo only sites have dates);
- ratios and intensities are the summed numerator over the summed denominator;
- a reduction against the base year uses the base restated over the units in the group at
  the end of the target year (those that left drop out, those that joined count).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F, Q, Sum

from tatara.core import fiscal
from tatara.core.models import AuditEvent
from tatara.demo import kpi_data
from tatara.demo.builder import build_demo
from tatara.kpis.achievement import achievement, reduction_percent, suggested_rating
from tatara.kpis.choices import Frequency, ObservationStatus, TargetKind
from tatara.kpis.models import Observation, Target
from tatara.kpis.services import legal_target_value
from tatara.organisation.models import OrgUnit

TARGET_YEAR, BASE_YEAR = 2019, 2010
HUNDRED = Decimal(100)


def rounded(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


class Figures:
    """Group figures computed straight from the observations table."""

    def __init__(self, *, root: OrgUnit, include_unconsolidated: bool = False) -> None:
        units = {unit.pk: unit for unit in OrgUnit.objects.all()}

        def counts(unit: OrgUnit) -> bool:
            while unit.pk != root.pk:
                if not unit.consolidated and not include_unconsolidated:
                    return False
                unit = units[unit.parent_id]
            return True

        self.unit_ids = [
            unit.pk for unit in units.values() if unit.path.startswith(root.path) and counts(unit)
        ]

    def total(
        self,
        code: str,
        year: int,
        *,
        structure_on: dt.date | None = None,
        statuses: tuple[str, ...] = (ObservationStatus.APPROVED,),
    ) -> Decimal:
        """Sum of `code` over the counted units in fiscal year `year`: with the units in the
        group during each value's period, or (structure_on) those in the group on that day."""
        start, end = fiscal.bounds(year)
        rows = Observation.objects.filter(
            metric__code=code,
            status__in=statuses,
            org_unit_id__in=self.unit_ids,
            period_start__gte=start,
            period_end__lte=end,
        )
        joined, left = (
            (F("period_end"), F("period_start")) if structure_on is None else (structure_on,) * 2
        )
        rows = rows.filter(
            Q(org_unit__in_group_from__isnull=True) | Q(org_unit__in_group_from__lte=joined),
            Q(org_unit__in_group_until__isnull=True) | Q(org_unit__in_group_until__gte=left),
        )
        total = rows.aggregate(total=Sum("value"))["total"]
        assert total is not None, f"no approved {code} in FY{year}"
        return Decimal(total)

    def ratio(self, numerator: str, denominator: str, year: int, **kwargs: Any) -> Decimal:
        return self.total(numerator, year, **kwargs) / self.total(denominator, year, **kwargs) * 100

    def intensity(self, numerator: str, year: int, **kwargs: Any) -> Decimal:
        return self.total(numerator, year, **kwargs) / self.total(
            "production-volume", year, **kwargs
        )

    def reduction(self, numerator: str, *, restated: bool = True) -> Decimal:
        """Reduction in % of numerator per production unit, FY2019 against FY2010."""
        structure_on = fiscal.bounds(TARGET_YEAR)[1] if restated else None
        base = self.intensity(numerator, BASE_YEAR, structure_on=structure_on)
        return reduction_percent(base, self.intensity(numerator, TARGET_YEAR))


def collect() -> dict[str, Any]:
    root = OrgUnit.objects.get(parent__isnull=True)
    group = Figures(root=root)
    everyone = Figures(root=root, include_unconsolidated=True)
    structure_on = fiscal.bounds(TARGET_YEAR)[1]
    out: dict[str, Any] = {
        "eco": group.ratio("sales-eco-products", "sales-total", 2019),
        "landfill": group.ratio("waste-landfilled", "waste-generated", 2019),
        "disability": group.ratio("disability-workers-counted", "workers-counted", 2019),
        "career": group.ratio("career-track-women", "career-track-employees", 2019),
        "career_2018": group.ratio("career-track-women", "career-track-employees", 2018),
        "diversity": group.ratio("new-hires-diverse", "new-hires", 2019),
        "management": group.ratio("managers-women", "managers", 2019),
        "co2": group.reduction("co2-emissions"),
        "waste": group.reduction("waste-generated"),
        "chemicals": group.reduction("chemical-emissions"),
        "hours": {
            year: group.total("back-office-working-hours", year)
            / group.total("back-office-workers", year)
            for year in (2018, 2019)
        },
        "leave": {
            year: group.total("annual-leave-days-total", year) / group.total("employees", year)
            for year in (2018, 2019)
        },
        "training": group.total("training-participants", 2019),
        "compliance": group.total("compliance-training-sessions", 2019),
        "audits": group.total("safety-health-audits", 2019),
        "social": group.total("social-contribution-spend", 2019),
        # the same figures with one rule broken, to show that the data make each rule matter
        "landfill_with_unconsolidated": everyone.ratio("waste-landfilled", "waste-generated", 2019),
        "eco_with_unconsolidated": everyone.ratio("sales-eco-products", "sales-total", 2019),
        "waste_with_unconsolidated": everyone.reduction("waste-generated"),
        "co2_as_reported": group.reduction("co2-emissions", restated=False),
        "social_with_submitted": group.total(
            "social-contribution-spend",
            2019,
            statuses=(ObservationStatus.APPROVED, ObservationStatus.SUBMITTED),
        ),
    }
    ratings = {}
    for target in Target.objects.filter(fiscal_year__year=TARGET_YEAR).select_related("metric"):
        metric = target.metric
        assert metric.numerator is not None and metric.denominator is not None
        parts = (metric.numerator.code, metric.denominator.code)
        if target.kind == TargetKind.REDUCE_VS_BASE:
            assert target.base_year is not None
            base = group.total(parts[0], target.base_year.year, structure_on=structure_on)
            base /= group.total(parts[1], target.base_year.year, structure_on=structure_on)
            actual = group.total(parts[0], TARGET_YEAR) / group.total(parts[1], TARGET_YEAR)
            value = achievement(target.kind, Decimal(target.value), actual, base)
        else:
            goal = (
                legal_target_value(target)
                if target.kind == TargetKind.LEGAL_MINIMUM
                else Decimal(target.value)
            )
            value = achievement(target.kind, goal, group.ratio(*parts, TARGET_YEAR))
        ratings[metric.code] = suggested_rating(value)
    out["ratings"] = ratings
    out["structure"] = check_structure()
    return out


def check_structure() -> dict[str, Any]:
    """Facts about the observations themselves: monthly sums, periods, who approved."""
    data = kpi_data.load()
    rows = Observation.objects.select_related("metric", "org_unit", "approved_by")
    sums: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    periods: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    approvers = set()
    for row in rows.filter(status=ObservationStatus.APPROVED):
        year = fiscal.year_of(row.period_start)
        key = (row.org_unit.code, row.metric.code, year)
        sums[key] += Decimal(row.value)
        whole_year = (row.period_start, row.period_end) == fiscal.bounds(year)
        periods[key].add("year" if whole_year else "month")
        if whole_year:
            assert row.metric.frequency == Frequency.YEARLY, key
        approvers.add(row.approved_by.username if row.approved_by else None)
    expected = {
        (unit, metric, int(year)): Decimal(str(value))
        for unit, by_metric in data["figures"].items()
        for metric, by_year in by_metric.items()
        for year, value in by_year.items()
    }
    months = Observation.objects.filter(
        org_unit__code="hm-tools-jp-kuwana", metric__code="production-volume"
    )
    return {
        "sums_match": dict(sums) == expected,
        "mixed_periods": [key for key, kinds in periods.items() if len(kinds) > 1],
        "approvers": approvers,
        "kuwana_fy2018_months": months.filter(period_start__gte=dt.date(2018, 4, 1)).count(),
        "fy2019_through_services": AuditEvent.objects.filter(
            verb="kpi_observation.approved", actor__username="risk"
        ).count(),
        "fy2019_rows": Observation.objects.filter(
            status=ObservationStatus.APPROVED, period_start__gte=dt.date(2019, 4, 1)
        ).count(),
        "jump_reasons": Observation.objects.exclude(jump_reason="").count(),
        "pending": sorted(
            Observation.objects.exclude(status=ObservationStatus.APPROVED).values_list(
                "status", flat=True
            )
        ),
    }


@pytest.fixture(scope="module")
def kpi(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo, built once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(carry_forward=False)
        yield collect()
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("figure", "places", "seed"),
    [
        ("eco", "0.1", "20.2"),
        ("landfill", "0.1", "13.7"),
        ("disability", "0.01", "2.26"),
        ("career", "0.1", "5.1"),
        ("career_2018", "0.1", "4.7"),  # "5.1% (up by 0.4% from the previous year)"
        ("diversity", "1", "38"),
        ("management", "0.1", "1.4"),
        ("co2", "0.1", "1.4"),
        ("waste", "1", "17"),
        ("chemicals", "1", "23"),
        ("training", "1", "7022"),
        ("compliance", "1", "80"),
        ("audits", "1", "12"),
        ("social", "1", "150000000"),
    ],
)
def test_group_figures_are_the_seeds(kpi, figure, places, seed):
    assert rounded(kpi[figure], places) == Decimal(seed)


def test_year_on_year_changes_are_the_seeds(kpi):
    # "Reduced total annual working hours per back-office worker by 54 hours from the previous
    # year and increased the number of days of annual leave taken by 2.0 days"
    assert rounded(kpi["hours"][2018] - kpi["hours"][2019], "1") == 54
    assert rounded(kpi["leave"][2019] - kpi["leave"][2018], "0.1") == Decimal("2.0")
    assert rounded(kpi["leave"][2019], "0.1") - rounded(kpi["leave"][2018], "0.1") == Decimal("2.0")


def test_ratings_are_the_seeds(kpi):
    assert kpi["ratings"] == {
        "eco-products-sales-ratio": 1,
        "co2-intensity": 1,
        "waste-intensity": 3,
        "landfill-rate": 3,
        "chemical-intensity": 1,
        "disability-employment-rate": 3,
        "women-career-track-ratio": 3,
        "employment-diversity-rate": 1,
    }


def test_each_rule_changes_a_figure(kpi):
    assert rounded(kpi["landfill_with_unconsolidated"], "0.1") == Decimal("15.1")
    assert rounded(kpi["eco_with_unconsolidated"], "0.1") == Decimal("22.0")
    assert rounded(kpi["waste_with_unconsolidated"], "1") == 16
    assert rounded(kpi["co2_as_reported"], "1") == 19
    assert kpi["social_with_submitted"] == Decimal("152400000")


def test_observations_are_the_data_file_through_the_flow(kpi):
    facts = kpi["structure"]
    assert facts["sums_match"], "approved observations do not sum to fy2019_kpis.yaml"
    assert facts["mixed_periods"] == []
    assert facts["approvers"] == {"risk"}
    assert facts["kuwana_fy2018_months"] == 6  # sold on 2018-09-30
    # every FY2019 value was recorded, submitted and approved through the services, and
    # none moved enough against the period before to need a reason
    assert facts["fy2019_through_services"] == facts["fy2019_rows"] > 500
    assert facts["jump_reasons"] == 0
    assert facts["pending"] == ["draft", "submitted", "submitted"]


def test_spread_keeps_exact_sums():
    weights = [Decimal(w) for w in kpi_data.load()["seasons"]["JP"]]
    for total, step in [("45.1", "0.1"), ("206583", "1"), ("35154000000", "1000000")]:
        parts = kpi_data.spread(Decimal(total), weights, Decimal(step))
        assert sum(parts) == Decimal(total) and len(parts) == 12 and min(parts) > 0
        assert all(part % Decimal(step) == 0 for part in parts)


def test_the_engine_gives_the_seeds_ratings_and_the_table_its_ratings(kpi, db):
    from tatara.cycle.models import Initiative
    from tatara.kpis.evaluation import evaluate
    from tatara.kpis.initiative_ratings import rating_for

    group = [r for r in evaluate(2019) if r.org_unit == "hm-group"]
    assert {r.metric: r.rating for r in group} == kpi["ratings"]
    initiatives = Initiative.objects.filter(
        cycle__fiscal_year__year=2019, kpi_targets__isnull=False
    )
    rated = {
        (i.subject.number, i.position): (rating_for(i), i.rating) for i in initiatives.distinct()
    }
    assert len(rated) == 6
    for (subject, position), (kpi_rating, table_rating) in rated.items():
        # every linked initiative's rating is the seed's table rating
        assert kpi_rating.rating == table_rating, (subject, position)
    diversity, _table = rated[(4, 1)]
    assert diversity.suggested == 1 and diversity.override is not None
