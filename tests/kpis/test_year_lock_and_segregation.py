"""The kpis area under the fiscal-year lock and the rule that the submitter of a value does not
approve it — through the services, the API, the pages and the imports. The emissions activity
of a closed year is refused too (its results land in the year's KPI figures)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from kpi_data import target as make_target

from tatara.core import fiscal, year_lock
from tatara.core.approvals import SamePersonError
from tatara.core.permissions import SystemActor
from tatara.core.tabular import ImportRejected
from tatara.emissions import services as emission_services
from tatara.kpis import initiative_ratings, rounds, services, table_io
from tatara.kpis.choices import TargetKind
from tatara.kpis.models import Metric, Observation, RatingOverride, Target

pytestmark = pytest.mark.django_db


def metric(code: str) -> Metric:
    return Metric.objects.get(code=code)


def record(actor: Any, world: Any, value: str = "13.7", unit: str = "alpha-site") -> Observation:
    start, end = fiscal.bounds(world.year)
    return services.record_observation(
        actor=actor,
        metric=metric("landfill-rate"),
        org_unit=world.units[unit],
        period_start=start,
        period_end=end,
        value=value,
    )


# --- segregation of duties -----------------------------------------------------------------


def test_the_submitter_does_not_approve_their_own_value(world: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    obs = record(csr, world)
    services.submit_observation(actor=csr, observation=obs)
    obs.refresh_from_db()
    assert (obs.submitted_by, obs.submitted_by_label) == (csr, "csr_admin")
    with pytest.raises(SamePersonError, match="You submitted this value"):
        services.approve_observation(actor=csr, observation=obs)
    services.approve_observation(actor=risk, observation=obs)
    assert Observation.objects.get(pk=obs.pk).approved_by == risk


def test_command_line_actors_are_told_apart_by_name(world: Any):
    alice = SystemActor("cli:alice")
    obs = record(alice, world)
    services.submit_observation(actor=alice, observation=obs)
    with pytest.raises(SamePersonError):
        services.approve_observation(actor=SystemActor("cli:alice"), observation=obs)
    services.approve_observation(actor=SystemActor("cli:bob"), observation=obs)


def test_the_rule_can_be_switched_off(world: Any, settings: Any):
    settings.SEGREGATION_OF_DUTIES = "0"
    csr = world.users["csr_admin"]
    obs = record(csr, world)
    services.submit_observation(actor=csr, observation=obs)
    services.approve_observation(actor=csr, observation=obs)
    assert Observation.objects.get(pk=obs.pk).status == "approved"


def test_the_api_and_the_approvals_page_refuse_the_submitter(world: Any, client: Any):
    csr = world.users["csr_admin"]
    obs = record(csr, world)
    services.submit_observation(actor=csr, observation=obs)
    client.force_login(csr)
    response = client.post(f"/api/v1/kpis/observations/{obs.pk}/approve/")
    assert response.status_code == 400 and "You submitted this value" in response.content.decode()
    page = client.get("/kpis/approvals/").content.decode()
    assert 'data-testid="own-value"' in page
    response = client.post("/kpis/approvals/", {"action": "approve", "ids": obs.pk}, follow=True)
    assert "You submitted this value" in response.content.decode()
    assert Observation.objects.get(pk=obs.pk).status == "submitted"
    client.force_login(world.users["group_risk_officer"])
    client.post("/kpis/approvals/", {"action": "approve", "ids": obs.pk})
    assert Observation.objects.get(pk=obs.pk).status == "approved"


# --- the fiscal-year lock ------------------------------------------------------------------


@pytest.fixture
def closed(world: Any) -> Any:
    """The world's year with a target, a draft, a submitted value and a linked initiative, then
    closed."""
    csr, officer = world.users["csr_admin"], world.users["company_risk_officer"]
    goal = make_target("landfill-rate", world.units["alpha"], world.year, TargetKind.AT_MOST, 14)
    draft = record(officer, world, "20", unit="alpha-site")
    officer_b = world.users["officer_b"]
    submitted = record(officer_b, world, "15", unit="bravo-site")
    services.submit_observation(actor=officer_b, observation=submitted)
    initiative = world.fresh("alpha-div")  # a draft: its rating basis may change while open
    initiative_ratings.link_target(actor=csr, target=goal, initiative=initiative)
    initiative_ratings.override_rating(actor=csr, initiative=initiative, rating=2, reason="r")
    year_lock.close_year(actor=csr, year=world.year)
    return world, goal, draft, submitted, initiative


def test_every_kpi_write_of_a_closed_year_is_refused(closed: Any):
    world, goal, draft, submitted, initiative = closed
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    start, end = fiscal.bounds(world.year)
    writes = [
        lambda: services.create_target(
            actor=csr,
            metric=metric("employees"),
            fiscal_year=goal.fiscal_year,
            org_unit=world.units["alpha"],
            kind=TargetKind.AT_LEAST,
            value=5,
        ),
        lambda: services.update_target(actor=csr, target=goal, kind=TargetKind.AT_MOST, value=40),
        lambda: initiative_ratings.unlink_target(actor=csr, target=goal, initiative=initiative),
        lambda: initiative_ratings.link_target(
            actor=csr, target=goal, initiative=world.fresh("bravo-div")
        ),
        lambda: initiative_ratings.override_rating(
            actor=csr, initiative=initiative, rating=1, reason="r"
        ),
        lambda: initiative_ratings.clear_override(actor=csr, initiative=initiative),
        lambda: record(csr, world, "30"),
        lambda: services.submit_observation(actor=csr, observation=draft),
        lambda: services.approve_observation(actor=risk, observation=submitted),
        lambda: services.return_observation(actor=risk, observation=submitted, note="x"),
        lambda: services.attach_evidence(
            actor=csr,
            observation=draft,
            uploaded_file=SimpleUploadedFile("late.pdf", b"%PDF-1.4"),
        ),
        lambda: rounds.open_round(
            actor=csr,
            org_unit=world.units["grp"],
            title="Late",
            fiscal_year=world.year,
            period_start=start,
            period_end=end,
            deadline=end + dt.timedelta(days=60),
            metrics=[metric("landfill-rate")],
            units=[world.units["alpha-site"]],
        ),
        lambda: emission_services.record_activity(
            actor=csr,
            org_unit=world.units["alpha-site"],
            activity="diesel",
            period_start=dt.date(world.year, 5, 1),
            period_end=dt.date(world.year, 5, 31),
            quantity="10",
            unit="L",
        ),
    ]
    before = (
        list(Target.objects.order_by("pk").values()),
        sorted(Target.initiatives.through.objects.values_list("target_id", "initiative_id")),
        list(RatingOverride.objects.values()),
        list(Observation.objects.order_by("pk").values()),
    )
    for write in writes:
        with pytest.raises(year_lock.YearClosed, match=f"FY{world.year} is closed"):
            write()
    assert before == (
        list(Target.objects.order_by("pk").values()),
        sorted(Target.initiatives.through.objects.values_list("target_id", "initiative_id")),
        list(RatingOverride.objects.values()),
        list(Observation.objects.order_by("pk").values()),
    )


def test_a_round_of_a_closed_year_is_neither_opened_nor_closed(world: Any):
    csr = world.users["csr_admin"]
    start, end = fiscal.bounds(world.year)
    made = rounds.open_round(
        actor=csr,
        org_unit=world.units["grp"],
        title="FY round",
        fiscal_year=world.year,
        period_start=start,
        period_end=end,
        deadline=end + dt.timedelta(days=60),
        metrics=[metric("landfill-rate")],
        units=[world.units["alpha-site"]],
    )
    year_lock.close_year(actor=csr, year=world.year)
    with pytest.raises(year_lock.YearClosed):
        rounds.close_round(actor=csr, collection_round=made)


def test_imports_name_every_row_of_a_closed_year(closed: Any, tmp_path: Any):
    world = closed[0]
    csr = world.users["csr_admin"]
    year, later = world.year, world.year + 1
    targets = (
        "metric,fiscal_year,org_unit,kind,value,base_year\n"
        f"landfill-rate,{year},alpha,at_most,40,\n"
        f"landfill-rate,{later},alpha,at_most,13,\n"
        f"employees,{year},alpha,at_least,5,\n"
    )
    with pytest.raises(ImportRejected) as refused:
        table_io.import_targets(io.BytesIO(targets.encode()), name="t.csv", actor=csr)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "fiscal_year"),
        (4, "fiscal_year"),
    ]
    assert all(f"FY{year} is closed" in e.message for e in refused.value.errors)
    assert not Target.objects.filter(fiscal_year__year=later).exists()  # all or nothing
    values = (
        "metric,org_unit,period,value,unit\n"
        f"landfill-rate,alpha-site,FY{year},30,\n"
        f"co2-emissions,alpha-site,{year + 1}-02,1,\n"  # February: still the closed year
        f"co2-emissions,alpha-site,{year + 1}-04,1,\n"  # April: the next, open year
    )
    with pytest.raises(ImportRejected) as refused:
        table_io.import_observations(io.BytesIO(values.encode()), name="v.csv", actor=csr)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "period"), (3, "period")]
    path = tmp_path / "t.csv"
    path.write_text(targets, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("kpi", "import-targets", str(path), stderr=err, stdout=io.StringIO())
    assert "row 2, column fiscal_year" in err.getvalue()


def test_the_pages_and_the_api_refuse_a_closed_years_kpis(closed: Any, client: Any):
    world, goal, _draft, _submitted, initiative = closed
    client.force_login(world.users["csr_admin"])
    response = client.patch(
        f"/api/v1/kpis/targets/{goal.pk}/", {"value": "40"}, content_type="application/json"
    )
    assert response.status_code == 400 and "is closed" in response.content.decode()
    response = client.post(f"/kpis/initiatives/{initiative.pk}/rating/clear/", follow=True)
    assert "is closed" in response.content.decode()
    assert RatingOverride.objects.filter(initiative=initiative).exists()
    response = client.post(
        f"/kpis/targets/{goal.pk}/initiatives/{initiative.pk}/unlink/", follow=True
    )
    assert "is closed" in response.content.decode()
    assert goal.initiatives.filter(pk=initiative.pk).exists()


def test_a_reopened_year_takes_the_change_and_marks_it(closed: Any, client: Any):
    world, goal, _draft, submitted, _initiative = closed
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Audit fix")
    year_lock.approve_reopening(actor=risk, reopening=reopening)
    services.update_target(actor=csr, target=goal, kind=TargetKind.AT_MOST, value=13)
    services.approve_observation(actor=risk, observation=submitted)
    assert [c.data["what"] for c in year_lock.changes_under(reopening)] == [
        "kpi_target.updated",
        "kpi_observation.approved",
    ]  # (and the value recorded below)
    client.force_login(csr)
    page = client.get(f"/kpis/targets/{goal.pk}/").content.decode()
    assert 'data-testid="reopened-mark"' in page and 'data-testid="year-reopened"' in page
    officer_b = world.users["officer_b"]
    start, end = fiscal.bounds(world.year)
    services.record_observation(
        actor=officer_b,
        metric=metric("waste-landfilled"),
        org_unit=world.units["bravo-site"],
        period_start=start,
        period_end=end,
        value="3",
    )
    client.force_login(officer_b)
    entry = client.get(f"/kpis/entry/?unit=bravo-site&period=FY{world.year}").content.decode()
    assert entry.count('data-testid="reopened-row"') == 1
