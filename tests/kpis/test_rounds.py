"""Collection rounds: opening within scope, the per-unit status, overdue units, and the link
from values to their round — status reads in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import factories as f
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tatara.core import fiscal
from tatara.core.models import AuditEvent
from tatara.kpis import rounds, services
from tatara.kpis.models import CollectionRound, Metric
from tatara.organisation.roles import Role

FY2019 = fiscal.bounds(2019)
DEADLINE = dt.date(2020, 5, 31)
LATE = dt.date(2020, 6, 1)


def metrics(*codes: str) -> list[Metric]:
    return list(Metric.objects.filter(code__in=codes))


def open_round(world, actor=None, org_unit="grp", units=("alpha-site", "alpha-div"), **extra):
    arguments = {
        "title": "FY2019 environment data",
        "fiscal_year": 2019,
        "period_start": FY2019[0],
        "period_end": FY2019[1],
        "deadline": DEADLINE,
        "metrics": metrics("co2-emissions", "landfill-rate"),
        "units": [world.units[code] for code in units],
    } | extra
    return rounds.open_round(
        actor=actor or world.users["csr_admin"], org_unit=world.units[org_unit], **arguments
    )


def enter(world, code, unit, value, period=FY2019, submit=True, approve=False):
    actor = world.system
    obs = services.record_observation(
        actor=actor,
        metric=Metric.objects.get(code=code),
        org_unit=world.units[unit],
        period_start=period[0],
        period_end=period[1],
        value=value,
    )
    if submit:
        services.submit_observation(actor=actor, observation=obs)
    if approve:  # by another person than the submitter (core.approvals)
        services.approve_observation(actor=f.APPROVER, observation=obs)
    return obs


def months_of_fy2019():
    start = FY2019[0]
    for i in range(12):
        year, month = start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1
        yield services.month_bounds(year, month)


def test_open_and_close(world):
    opened = open_round(world)
    assert opened.fiscal_year.year == 2019
    assert {m.code for m in opened.metrics.all()} == {"co2-emissions", "landfill-rate"}
    assert AuditEvent.objects.filter(verb="kpi_round.opened", target_id=str(opened.pk)).exists()
    with pytest.raises(PermissionDenied):
        rounds.close_round(actor=world.users["company_risk_officer"], collection_round=opened)
    rounds.close_round(actor=world.users["csr_admin"], collection_round=opened)
    assert CollectionRound.objects.get(pk=opened.pk).is_closed
    with pytest.raises(ValidationError, match="already closed"):
        rounds.close_round(actor=world.users["csr_admin"], collection_round=opened)


def test_scope_and_period_refusals(world, make_user, grant):
    with pytest.raises(PermissionDenied):  # may enter data, but not run rounds
        open_round(world, actor=world.users["company_risk_officer"], org_unit="alpha")
    alpha_admin = make_user(username="alpha-admin")
    grant(alpha_admin, Role.CSR_ADMIN, world.units["alpha"])
    with pytest.raises(PermissionDenied):
        open_round(world, actor=alpha_admin, org_unit="grp")
    with pytest.raises(ValidationError) as exc:
        open_round(world, actor=alpha_admin, org_unit="alpha", units=("alpha-site", "bravo-site"))
    assert "bravo-site" in " ".join(exc.value.message_dict["units"])
    assert open_round(world, actor=alpha_admin, org_unit="alpha").org_unit == world.units["alpha"]

    april = services.month_bounds(2019, 4)
    with pytest.raises(ValidationError) as exc:  # a yearly metric cannot be asked for a month
        open_round(world, period_start=april[0], period_end=april[1])
    assert "landfill-rate" in " ".join(exc.value.message_dict["metrics"])
    monthly = open_round(
        world,
        period_start=april[0],
        period_end=april[1],
        metrics=metrics("co2-emissions"),
        deadline=dt.date(2019, 5, 15),
    )
    assert monthly.period_end == april[1]
    with pytest.raises(ValidationError) as exc:
        open_round(
            world,
            title=" ",
            period_start=dt.date(2020, 4, 1),
            period_end=dt.date(2021, 3, 31),
            deadline=dt.date(2019, 1, 1),
            units=(),
            metrics=[],
        )
    assert set(exc.value.message_dict) == {"title", "period_start", "deadline", "units", "metrics"}


def test_status_per_unit(world, django_assert_num_queries):
    opened = open_round(world, units=("alpha-site", "alpha-div", "bravo-site"))
    # alpha-site: all twelve months of CO2 (submitted, some approved) and an approved landfill
    # rate; alpha-div: a draft only; bravo-site: nothing.
    for number, period in enumerate(months_of_fy2019()):
        enter(world, "co2-emissions", "alpha-site", "10", period, approve=number < 6)
    enter(world, "landfill-rate", "alpha-site", "12", approve=True)
    enter(world, "co2-emissions", "alpha-div", "120", submit=False)

    fresh = CollectionRound.objects.get(pk=opened.pk)
    with django_assert_num_queries(3):  # metrics, units, values
        status = rounds.round_status(fresh, today=dt.date(2020, 5, 1))
    by_unit = {s.unit.code: s for s in status.units}
    site, div, bravo = by_unit["alpha-site"], by_unit["alpha-div"], by_unit["bravo-site"]
    assert (site.expected, site.submitted, site.approved, site.state) == (2, 2, 1, "submitted")
    assert (div.expected, div.submitted, div.approved, div.state) == (2, 0, 0, "in_progress")
    assert (bravo.submitted, bravo.state, bravo.state_label) == (0, "not_started", "not started")
    assert not any(s.overdue for s in status.units)  # before the deadline

    late = rounds.round_status(fresh, today=LATE)
    assert [s.unit.code for s in late.overdue] == ["alpha-div", "bravo-site"]

    # the whole year answers a monthly metric too; everything approved → approved
    for period in months_of_fy2019():
        obs = fresh.observations.get(
            metric__code="co2-emissions", org_unit__code="alpha-site", period_start=period[0]
        )
        if obs.status == "submitted":
            services.approve_observation(actor=f.APPROVER, observation=obs)
    enter(world, "co2-emissions", "bravo-site", "100", approve=True)
    enter(world, "landfill-rate", "bravo-site", "10", approve=True)
    by_unit = {s.unit.code: s for s in rounds.round_status(fresh, today=LATE).units}
    assert by_unit["alpha-site"].state == by_unit["bravo-site"].state == "approved"
    assert not by_unit["bravo-site"].overdue and by_unit["alpha-div"].overdue


def test_overdue_units_across_visible_rounds_in_fixed_queries(world, system):
    group_round = open_round(world, units=("alpha-site", "bravo-site"))
    open_round(
        world, title="Bravo", org_unit="bravo", units=("bravo-div",), deadline=dt.date(2020, 4, 30)
    )
    closed = open_round(world, title="Closed", units=("alpha-div",))
    rounds.close_round(actor=system, collection_round=closed)
    open_round(world, title="Not due", units=("alpha-div",), deadline=dt.date(2021, 1, 1))
    enter(world, "co2-emissions", "alpha-site", "1")
    enter(world, "landfill-rate", "alpha-site", "1")

    auditor = world.users["auditor"]
    rounds.overdue_units(LATE, auditor)  # the user's grants are read once and cached
    with CaptureQueriesContext(connection) as two_rounds:
        late = rounds.overdue_units(LATE, auditor)
    assert [(o.collection_round.title, o.status.unit.code, o.days_late) for o in late] == [
        ("Bravo", "bravo-div", 32),
        (group_round.title, "bravo-site", 1),
    ]
    for number in range(3):
        open_round(world, title=f"More {number}", units=("alpha-div", "bravo-div"))
    with CaptureQueriesContext(connection) as five_rounds:
        assert len(rounds.overdue_units(LATE, auditor)) == 2 + 3 * 2
    assert len(five_rounds) == len(two_rounds) <= 5

    # bravo's officer sees bravo's own lateness: in the round bravo asked and in the group's,
    # never alpha's
    officer_b = world.users["officer_b"]
    seen = [
        (o.collection_round.title, o.status.unit.code)
        for o in rounds.overdue_units(LATE, officer_b)
    ]
    assert seen[0] == ("Bravo", "bravo-div")  # the earliest deadline first
    assert sorted(seen[1:]) == sorted(
        [(group_round.title, "bravo-site")] + [(f"More {n}", "bravo-div") for n in range(3)]
    )
    assert rounds.overdue_units(LATE, world.users["employee"]) == []


def test_values_link_to_their_round(world, system):
    opened = open_round(world)
    april = services.month_bounds(2019, 4)
    linked = enter(world, "co2-emissions", "alpha-site", "1", april, submit=False)
    assert linked.collection_round == opened  # found: a month inside the round's year
    outside = enter(world, "co2-emissions", "bravo-site", "1", submit=False)
    assert outside.collection_round is None  # bravo-site was not asked
    with pytest.raises(ValidationError) as exc:
        services.record_observation(
            actor=system,
            metric=Metric.objects.get(code="waste-generated"),
            org_unit=world.units["alpha-site"],
            period_start=FY2019[0],
            period_end=FY2019[1],
            value="1",
            collection_round=opened,
        )
    assert "does not ask alpha-site for waste-generated" in str(exc.value)
    rounds.close_round(actor=system, collection_round=opened)
    with pytest.raises(ValidationError, match="closed"):
        services.record_observation(
            actor=system,
            metric=Metric.objects.get(code="landfill-rate"),
            org_unit=world.units["alpha-site"],
            period_start=FY2019[0],
            period_end=FY2019[1],
            value="1",
            collection_round=opened,
        )
    again = enter(world, "landfill-rate", "alpha-site", "1", submit=False)
    assert again.collection_round is None  # a closed round takes no more values
