"""The metrics and legal parameters loaded by migration 0002."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tatara.kpis.models import LegalParameter, Metric
from tatara.kpis.reference_data import legal_parameter_rows, metric_rows
from tatara.kpis.services import parameter_in_force
from tatara.kpis.units import parse_unit

pytestmark = pytest.mark.django_db

SEED_METRICS = {
    "eco-products-sales-ratio",
    "co2-emissions",
    "co2-intensity",
    "waste-generated",
    "waste-intensity",
    "landfill-rate",
    "chemical-emissions",
    "chemical-intensity",
    "employment-diversity-rate",
    "women-career-track-ratio",
    "women-management-ratio",
    "disability-employment-rate",
    "working-hours-per-back-office-worker",
    "annual-leave-days",
    "training-participants",
    "social-contribution-spend",
    "compliance-training-sessions",
    "safety-health-audits",
}


def test_every_metric_of_the_file_is_loaded():
    codes = {row["code"] for row in metric_rows()}
    assert codes >= SEED_METRICS
    assert set(Metric.objects.values_list("code", flat=True)) == codes
    for metric in Metric.objects.all():
        parse_unit(metric.unit)
        assert metric.localized("name", "ja") != metric.name, metric.code
        assert metric.subject is not None, metric.code


def test_ratio_and_intensity_metrics_point_at_their_parts():
    landfill = Metric.objects.get(code="landfill-rate")
    assert (landfill.kind, landfill.unit, landfill.aggregation) == (
        "ratio",
        "percent",
        "ratio_of_sums",
    )
    assert landfill.numerator.code == "waste-landfilled"
    assert landfill.denominator.code == "waste-generated"
    co2 = Metric.objects.get(code="co2-intensity")
    assert co2.kind == "intensity"
    assert (co2.numerator.code, co2.denominator.code) == ("co2-emissions", "production-volume")
    assert co2.gri_disclosure == "305-4"
    for metric in Metric.objects.exclude(kind="absolute"):
        assert metric.numerator and metric.denominator, metric.code
        assert metric.aggregation == "ratio_of_sums"
        if metric.kind == "ratio":
            assert metric.unit == "percent"
            same = parse_unit(metric.numerator.unit).dimensionality
            assert parse_unit(metric.denominator.unit).dimensionality == same, metric.code
    for metric in Metric.objects.filter(kind="absolute"):
        assert metric.numerator is None and metric.aggregation == "sum"


def test_legal_parameters_loaded():
    assert LegalParameter.objects.count() == len(legal_parameter_rows()) == 4
    assert all("standards/README.md" in p.source for p in LegalParameter.objects.all())


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2018, 4, 1), "2.2"),
        (dt.date(2019, 4, 1), "2.2"),
        (dt.date(2021, 2, 28), "2.2"),
        (dt.date(2021, 3, 1), "2.3"),
        (dt.date(2024, 3, 31), "2.3"),
        (dt.date(2024, 4, 1), "2.5"),
        (dt.date(2026, 6, 30), "2.5"),
        (dt.date(2026, 7, 1), "2.7"),
        (dt.date(2030, 1, 1), "2.7"),
    ],
)
def test_disability_rate_in_force(day, rate):
    row = parameter_in_force("disability-employment-rate", day)
    assert row.value == Decimal(rate)
    assert row.unit == "percent"


def test_no_rate_before_the_first_row():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parameter_in_force("disability-employment-rate", dt.date(2018, 3, 31))
    with pytest.raises(ValidationError):
        parameter_in_force("no-such-parameter", dt.date(2020, 1, 1))
