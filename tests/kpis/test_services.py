"""Targets and observations through the services: the gate, the checks, the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tatara.core.models import AuditEvent
from tatara.cycle.services import get_or_create_fiscal_year
from tatara.kpis import services
from tatara.kpis.achievement import achievement, suggested_rating
from tatara.kpis.models import Metric, Observation, Target
from tatara.organisation.roles import Role

FY = dt.date(2019, 4, 1), dt.date(2020, 3, 31)
APRIL = dt.date(2019, 4, 1), dt.date(2019, 4, 30)


def metric(code: str) -> Metric:
    return Metric.objects.get(code=code)


def observe(actor, code, unit_obj, value, unit="", period=FY):
    return services.record_observation(
        actor=actor,
        metric=metric(code),
        org_unit=unit_obj,
        period_start=period[0],
        period_end=period[1],
        value=value,
        unit=unit,
    )


@pytest.fixture
def site_metric(db):
    """A monthly electricity metric in MWh, as a user would add one (not shipped)."""
    return Metric.objects.create(
        code="electricity", name="Electricity", unit="MWh", frequency="monthly"
    )


def test_unit_conversion_on_record(world, system, site_metric):
    site = world.units["alpha-site"]
    obs = observe(system, "electricity", site, "1500", unit="kWh", period=APRIL)
    obs.refresh_from_db()
    assert obs.value == Decimal("1.5")
    assert (obs.original_value, obs.original_unit) == (Decimal("1500"), "kWh")
    assert observe(system, "waste-generated", site, "1250", unit="kg").value == Decimal("1.25")
    assert observe(system, "co2-emissions", site, "3", unit="t").value == Decimal("3")
    with pytest.raises(ValidationError, match="kWh cannot be converted to t"):
        observe(system, "chemical-emissions", site, "10", unit="kWh")


def test_volume_conversion(world, system):
    Metric.objects.create(code="diesel", name="Diesel", unit="kL", frequency="monthly")
    obs = observe(system, "diesel", world.units["alpha-site"], "2500", unit="L", period=APRIL)
    assert obs.value == Decimal("2.5")


def test_periods(world, system):
    site = world.units["alpha-site"]
    observe(system, "co2-emissions", site, "1", period=APRIL)  # monthly metric: a month is fine
    with pytest.raises(ValidationError, match="fiscal year"):
        observe(system, "landfill-rate", site, "10", period=APRIL)  # yearly metric
    with pytest.raises(ValidationError, match="calendar month"):
        observe(
            system, "co2-emissions", site, "1", period=(dt.date(2019, 4, 2), dt.date(2019, 4, 30))
        )


def test_draft_submitted_approved(world, system):
    site = world.units["alpha-site"]
    officer, approver = world.users["company_risk_officer"], world.users["group_risk_officer"]
    obs = observe(officer, "landfill-rate", site, "13.7")
    assert obs.status == "draft"
    obs = observe(officer, "landfill-rate", site, "13.8")  # a draft can be corrected
    assert Observation.objects.filter(metric__code="landfill-rate").count() == 1
    services.submit_observation(actor=officer, observation=obs)
    assert obs.status == "submitted"
    with pytest.raises(ValidationError, match="already submitted"):
        observe(officer, "landfill-rate", site, "13.9")
    with pytest.raises(PermissionDenied):
        services.approve_observation(actor=officer, observation=obs)  # no approve right
    services.approve_observation(actor=approver, observation=obs)
    obs.refresh_from_db()
    assert (obs.status, obs.approved_by, obs.value) == ("approved", approver, Decimal("13.8"))
    assert obs.approved_at is not None
    with pytest.raises(ValidationError, match="Only a submitted"):
        services.approve_observation(actor=approver, observation=obs)
    verbs = list(
        AuditEvent.objects.filter(target_id=str(obs.pk), verb__startswith="kpi_observation")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "kpi_observation.recorded",
        "kpi_observation.recorded",
        "kpi_observation.submitted",
        "kpi_observation.approved",
    ]
    assert obs.history.count() >= 4


def test_submission_checks(world, system):
    site = world.units["alpha-site"]
    ratio = observe(system, "landfill-rate", site, "100.5")
    with pytest.raises(ValidationError, match="cannot exceed 100%"):
        services.submit_observation(actor=system, observation=ratio)
    ratio = observe(system, "landfill-rate", site, "100")
    services.submit_observation(actor=system, observation=ratio)
    negative = observe(system, "co2-emissions", site, "-1")
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.submit_observation(actor=system, observation=negative)
    assert Observation.objects.get(pk=negative.pk).status == "draft"


def test_permissions_on_the_unit(world, make_user, grant):
    outsider = make_user(username="kpi-outsider")
    bravo_site = world.units["bravo-site"]
    alpha_site = world.units["alpha-site"]
    with pytest.raises(PermissionDenied):
        observe(outsider, "co2-emissions", alpha_site, "1")
    officer_a = world.users["company_risk_officer"]
    with pytest.raises(PermissionDenied):
        observe(officer_a, "co2-emissions", bravo_site, "1")  # outside alpha's tree
    with pytest.raises(PermissionDenied):
        observe(world.users["auditor"], "co2-emissions", alpha_site, "1")  # read-only
    grant(outsider, Role.COMPANY_RISK_OFFICER, bravo_site)
    obs = observe(outsider, "co2-emissions", bravo_site, "1")
    services.submit_observation(actor=outsider, observation=obs)
    assert not AuditEvent.objects.filter(actor=outsider, org_unit=alpha_site).exists()


def test_create_targets(world, system):
    fy2019, fy2010 = get_or_create_fiscal_year(2019), get_or_create_fiscal_year(2010)
    grp = world.units["grp"]
    with pytest.raises(PermissionDenied):
        services.create_target(
            actor=world.users["company_risk_officer"],
            metric=metric("landfill-rate"),
            fiscal_year=fy2019,
            org_unit=world.units["alpha"],
            kind="at_most",
            value="14",
        )
    admin = world.users["csr_admin"]
    ceiling = services.create_target(
        actor=admin,
        metric=metric("landfill-rate"),
        fiscal_year=fy2019,
        org_unit=grp,
        kind="at_most",
        value="14",
    )
    assert ceiling.value == Decimal("14")
    assert AuditEvent.objects.filter(verb="kpi_target.created", target_id=str(ceiling.pk)).exists()
    reduction = services.create_target(
        actor=admin,
        metric=metric("co2-intensity"),
        fiscal_year=fy2019,
        org_unit=grp,
        kind="reduce_vs_base",
        value=5,
        base_year=fy2010,
    )
    assert reduction.base_year == fy2010
    with pytest.raises(ValidationError, match="base year"):
        services.create_target(
            actor=admin,
            metric=metric("waste-intensity"),
            fiscal_year=fy2019,
            org_unit=grp,
            kind="reduce_vs_base",
            value=12,
        )
    with pytest.raises(ValidationError, match="needs a value"):
        services.create_target(
            actor=admin,
            metric=metric("women-career-track-ratio"),
            fiscal_year=fy2019,
            org_unit=grp,
            kind="at_least",
        )
    assert Target.objects.visible_to(world.users["officer_b"], "kpis.view").count() == 0
    assert Target.objects.visible_to(world.users["auditor"], "kpis.view").count() == 2


@pytest.mark.parametrize(
    ("year", "rate"),
    [(2019, "2.2"), (2020, "2.2"), (2021, "2.3"), (2024, "2.5"), (2026, "2.5"), (2027, "2.7")],
)
def test_legal_minimum_resolves_to_the_rate_at_the_year_start(world, year, rate):
    target = services.create_target(
        actor=world.users["csr_admin"],
        metric=metric("disability-employment-rate"),
        fiscal_year=get_or_create_fiscal_year(year),
        org_unit=world.units["alpha"],
        kind="legal_minimum",
        legal_parameter="disability-employment-rate",
    )
    assert target.value is None
    assert services.legal_target_value(target) == Decimal(rate)


def test_seed_disability_rating_through_the_legal_parameter(world):
    target = services.create_target(
        actor=world.users["csr_admin"],
        metric=metric("disability-employment-rate"),
        fiscal_year=get_or_create_fiscal_year(2019),
        org_unit=world.units["grp"],
        kind="legal_minimum",
        legal_parameter="disability-employment-rate",
    )
    legal = services.legal_target_value(target)
    assert suggested_rating(achievement(target.kind, legal, Decimal("2.26"))) == 3
    with pytest.raises(ValidationError, match="legal parameter"):
        services.create_target(
            actor=world.users["csr_admin"],
            metric=metric("disability-employment-rate"),
            fiscal_year=get_or_create_fiscal_year(2017),
            org_unit=world.units["grp"],
            kind="legal_minimum",
            legal_parameter="disability-employment-rate",
        )
