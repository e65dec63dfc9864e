"""The reopening of a closed fiscal year through the page, the API and the command line, and
the approver's task on the dashboard: asked for with a reason, approved by another person,
withdrawn, closed again; the changes made under it listed."""

from __future__ import annotations

import io
from typing import Any

import factories as f
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tatara.core import year_lock
from tatara.core.models import ReopeningStatus, YearReopening
from tatara.cycle import services as cycle_services
from tatara.cycle.choices import Status

pytestmark = pytest.mark.django_db


def test_the_page_asks_approves_and_closes_again(world: Any, client: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    year = world.year
    client.force_login(csr)
    client.post(f"/fiscal-years/{year}/close/")
    assert year_lock.is_closed(year)
    page = client.get("/fiscal-years/").content.decode()
    assert f'data-testid="state-{year}"' in page and f"Ask to reopen FY{year}" in page
    response = client.post(f"/fiscal-years/{year}/reopen/", {"reason": " "}, follow=True)
    assert "Give the reason" in response.content.decode()
    client.post(f"/fiscal-years/{year}/reopen/", {"reason": "The auditor's correction"})
    reopening = YearReopening.objects.get()
    page = client.get(f"/fiscal-years/reopenings/{reopening.pk}/").content.decode()
    assert 'data-testid="awaiting"' in page and "Approve the reopening" not in page
    # the approver sees a task, the page and the button
    client.force_login(risk)
    dashboard = client.get("/").content.decode()
    assert f"/fiscal-years/reopenings/{reopening.pk}/" in dashboard
    assert "Approve or refuse the reopening" in dashboard
    client.post(f"/fiscal-years/reopenings/{reopening.pk}/approve/")
    reopening.refresh_from_db()
    assert reopening.status == ReopeningStatus.OPEN and reopening.approved_by == risk
    # a change under it is listed with a link to the record
    client.force_login(csr)
    cycle_services.return_for_rework(actor=csr, initiative=world.fresh("alpha"), note="Fix")
    page = client.get(f"/fiscal-years/reopenings/{reopening.pk}/").content.decode()
    assert 'data-testid="change-count">1<' in page
    assert f'href="/cycle/initiatives/{world.initiatives["alpha"].pk}/"' in page
    assert "close it again" in client.get("/").content.decode()
    # the initiative sent back must be confirmed again before the year closes
    refused = client.post(f"/fiscal-years/{year}/close/", follow=True).content.decode()
    assert "is not confirmed again" in refused
    reopening.refresh_from_db()
    assert reopening.status == ReopeningStatus.OPEN
    f.advance(world.fresh("alpha"), Status.CONFIRMED)
    client.post(f"/fiscal-years/{year}/close/")
    reopening.refresh_from_db()
    assert reopening.status == ReopeningStatus.ENDED and year_lock.is_closed(year)


def test_a_company_officer_sees_only_their_scopes_changes(world: Any, client: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    year_lock.close_year(actor=csr, year=world.year)
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Fix")
    year_lock.approve_reopening(actor=risk, reopening=reopening)
    cycle_services.return_for_rework(actor=csr, initiative=world.fresh("bravo"), note="Fix")
    client.force_login(world.users["company_risk_officer"])
    page = client.get(f"/fiscal-years/reopenings/{reopening.pk}/").content.decode()
    assert 'data-testid="change-count">0<' in page and "~bravo" not in page
    assert "Close FY" not in page and "Approve the reopening" not in page
    assert client.post(f"/fiscal-years/{world.year}/close/").status_code == 403  # not group-wide
    assert year_lock.open_reopening(world.year) == reopening
    client.force_login(world.users["employee"])
    assert client.get("/fiscal-years/").status_code == 403


def test_the_api(world: Any, client: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    client.force_login(csr)
    response = client.post(f"/api/v1/year-locks/{world.year}/close/")
    assert response.status_code == 200 and response.json()["closed"] is True
    response = client.post(f"/api/v1/year-locks/{world.year}/reopen/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(f"/api/v1/year-locks/{world.year}/reopen/", {"reason": "Fix"})
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.post(f"/api/v1/year-reopenings/{pk}/approve/")
    assert response.status_code == 400 and "someone other" in response.content.decode()
    client.force_login(world.users["company_risk_officer"])
    assert client.post(f"/api/v1/year-reopenings/{pk}/approve/").status_code == 403
    client.force_login(risk)
    response = client.post(f"/api/v1/year-reopenings/{pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    detail = client.get(f"/api/v1/year-locks/{world.year}/").json()
    assert detail["closed"] is False and detail["reopening"]["id"] == pk
    client.force_login(csr)
    cycle_services.return_for_rework(actor=csr, initiative=world.fresh("alpha"), note="Fix")
    changes = client.get(f"/api/v1/year-reopenings/{pk}/changes/").json()
    assert [c["what"] for c in changes] == ["initiative.returned"]
    assert changes[0]["target_type"] == "cycle.initiative"
    client.force_login(world.users["employee"])
    assert client.get("/api/v1/year-locks/").status_code == 403


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("fiscal-year", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_line(world: Any):
    year = str(world.year)
    assert f"FY{year}  open" in run("list")
    assert "closed" in run("close", "--fy", year, "--user", "csr_admin")
    with pytest.raises(CommandError, match="permission denied"):
        run("reopen", "--fy", year, "--reason", "Fix", "--user", "company_risk_officer")
    run("reopen", "--fy", year, "--reason", "Fix")  # the operator, cli:<os user>
    with pytest.raises(CommandError, match="someone other"):
        run("approve", "--fy", year)  # the same operator
    assert "reopened" in run("approve", "--fy", year, "--user", "group_risk_officer")
    assert "reopened" in run("list")
    assert "closed again" in run("close", "--fy", year, "--user", "csr_admin")
    run("reopen", "--fy", year, "--reason", "Second fix", "--user", "csr_admin")
    assert "withdrawn" in run("withdraw", "--fy", year, "--user", "csr_admin")
    with pytest.raises(CommandError, match="awaits approval"):
        run("approve", "--fy", year, "--user", "group_risk_officer")
    assert "Second fix" in run("changes", "--fy", year)
    assert year_lock.is_closed(world.year)
