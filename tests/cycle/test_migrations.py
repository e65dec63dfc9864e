"""The data migrations of the two-person steps and the year lock, run on today's models."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps

from tatara.core import year_lock
from tatara.cycle import services
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative
from tatara.kpis.models import Observation

pytestmark = pytest.mark.django_db


def test_years_of_closed_cycles_are_closed_and_waiting_steps_named(world: Any, advance: Any):
    officer = world.users["company_risk_officer"]
    CycleYear.objects.filter(pk=world.cycle.pk).update(phase="closed")  # closed before the lock
    initiative = advance(world.fresh("alpha-div"), Status.APPROVED, results=["Done"])
    services.propose_rating(actor=officer, initiative=initiative, rating=2)
    Initiative.objects.filter(pk=initiative.pk).update(proposed_by=None, proposed_by_label="")
    Initiative.objects.filter(pk=world.initiatives["bravo-div"].pk).update(drafted_by_label="")
    import_module("tatara.cycle.migrations.0004_close_closed_years").forwards(apps, None)
    assert year_lock.is_closed(world.year)
    fresh = Initiative.objects.get(pk=initiative.pk)
    assert (fresh.proposed_by, fresh.proposed_by_label) == (officer, "company_risk_officer")
    assert world.fresh("bravo-div").drafted_by_label == "test-fixtures"


def test_submitters_of_waiting_values_are_named(world: Any):
    from tatara.core import fiscal
    from tatara.kpis import services as kpi_services
    from tatara.kpis.models import Metric

    officer = world.users["company_risk_officer"]
    start, end = fiscal.bounds(world.year)
    value = kpi_services.record_observation(
        actor=officer,
        metric=Metric.objects.get(code="waste-landfilled"),
        org_unit=world.units["alpha-site"],
        period_start=start,
        period_end=end,
        value="3",
    )
    kpi_services.submit_observation(actor=officer, observation=value)
    Observation.objects.filter(pk=value.pk).update(submitted_by=None, submitted_by_label="")
    import_module("tatara.kpis.migrations.0006_name_submitters").forwards(apps, None)
    assert Observation.objects.get(pk=value.pk).submitted_by == officer
