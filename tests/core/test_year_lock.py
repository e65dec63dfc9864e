"""core.year_lock: a closed year refuses writes until a second-approved reopening is open."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tatara.core import year_lock
from tatara.core.approvals import SamePersonError
from tatara.core.models import AuditEvent, FiscalYear, ReopeningStatus
from tatara.core.permissions import SystemActor


def test_an_open_year_passes_and_marks_nothing(world):
    assert year_lock.require_open(actor=world.system, year=world.year, what="x") is None
    assert year_lock.require_open(actor=world.system, year=1999, what="x") is None  # unknown
    assert not AuditEvent.objects.filter(verb=year_lock.CHANGED_WHILE_REOPENED).exists()


def test_a_closed_year_refuses_every_write(world):
    csr = world.users["csr_admin"]
    year_lock.close_year(actor=csr, year=world.year)
    assert year_lock.is_closed(world.year)
    assert world.year in year_lock.closed_years()
    with pytest.raises(year_lock.YearClosed, match=f"FY{world.year} is closed"):
        year_lock.require_open(actor=csr, year=world.year, what="x")
    start, end = FiscalYear.objects.get(year=world.year).start_date, dt.date(world.year + 1, 4, 30)
    # a period reaching into the next (open) year still touches the closed one
    with pytest.raises(year_lock.YearClosed):
        year_lock.require_open_period(actor=csr, start=start, end=end, what="x")
    year_lock.require_open_period(actor=csr, start=dt.date(world.year + 1, 4, 1), end=end, what="x")


def test_reopening_needs_a_reason_a_second_person_and_marks_changes(world):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    year_lock.close_year(actor=csr, year=world.year)
    with pytest.raises(ValidationError):
        year_lock.request_reopening(actor=csr, year=world.year, reason="  ")
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Auditor's fix")
    with pytest.raises(ValidationError):  # one pending reopening per year
        year_lock.request_reopening(actor=csr, year=world.year, reason="again")
    assert year_lock.is_closed(world.year)  # not open before the approval
    with pytest.raises(SamePersonError):
        year_lock.approve_reopening(actor=csr, reopening=reopening)
    reopening = year_lock.approve_reopening(actor=risk, reopening=reopening)
    assert reopening.status == ReopeningStatus.OPEN
    assert not year_lock.is_closed(world.year)

    initiative = world.initiatives["alpha"]
    found = year_lock.require_open(
        actor=csr, year=world.year, what="initiative.notes", target=initiative
    )
    assert found == reopening
    change = year_lock.changes_under(reopening).get()
    assert change.target_id == str(initiative.pk) and change.data["what"] == "initiative.notes"

    year_lock.close_year(actor=csr, year=world.year)  # ends the reopening
    reopening.refresh_from_db()
    assert reopening.status == ReopeningStatus.ENDED and reopening.ended_at
    assert year_lock.is_closed(world.year)
    with pytest.raises(year_lock.YearClosed):
        year_lock.require_open(actor=csr, year=world.year, what="x")
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="fiscal.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "fiscal.year_closed",
        "fiscal.reopening_requested",
        "fiscal.reopening_approved",
        "fiscal.changed_while_reopened",
        "fiscal.reopening_ended",
    ]


def test_only_group_wide_roles_close_reopen_and_approve(world):
    csr = world.users["csr_admin"]
    year_lock.close_year(actor=csr, year=world.year)
    for key in ("company_risk_officer", "auditor", "employee", "group_risk_officer"):
        with pytest.raises(PermissionDenied):
            year_lock.request_reopening(actor=world.users[key], year=world.year, reason="r")
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="r")
    for key in ("company_risk_officer", "auditor", "officer_b"):
        with pytest.raises(PermissionDenied):
            year_lock.approve_reopening(actor=world.users[key], reopening=reopening)
    with pytest.raises(PermissionDenied):
        year_lock.close_year(actor=world.users["group_risk_officer"], year=world.year)


def test_the_command_line_operator_cannot_approve_their_own_request(world):
    year_lock.close_year(actor=world.system, year=world.year)
    reopening = year_lock.request_reopening(
        actor=SystemActor("cli:alice"), year=world.year, reason="r"
    )
    with pytest.raises(SamePersonError):
        year_lock.approve_reopening(actor=SystemActor("cli:alice"), reopening=reopening)
    year_lock.withdraw_reopening(actor=SystemActor("cli:bob"), reopening=reopening)
    reopening.refresh_from_db()
    assert reopening.status == ReopeningStatus.WITHDRAWN
    assert year_lock.is_closed(world.year)
