"""FY2019 of the demo is closed (core.year_lock), and no path changes its records: every write
the issue found open — through the API, the pages, the command line, the imports and the
admin — is refused, and FY2019's ratings and KPI figures stay as they were. Then a reopening,
asked for by the CSR office and approved by the risk officer, lets a correction through and
marks it; closing the year again shuts it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import factories as f
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from rest_framework.test import APIClient

from tatara.core import year_lock
from tatara.core.models import AuditEvent, FiscalYear
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Evidence, Initiative, Measure
from tatara.demo import builder
from tatara.kpis.evaluation import evaluate
from tatara.kpis.models import CollectionRound, Observation, RatingOverride, Target


@pytest.fixture(scope="module")
def module_demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        yield builder.build_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo: Any, db: None) -> Any:
    return module_demo


def user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def api(name: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user(name))
    return client


def landfill_target() -> Target:
    return Target.objects.get(
        fiscal_year__year=2019, metric__code="landfill-rate", org_unit__parent__isnull=True
    )


def overridden() -> Initiative:
    return RatingOverride.objects.select_related("initiative").get().initiative


def pending_value() -> Observation:
    """The demo's late FY2019 value: submitted, never approved."""
    return Observation.objects.get(
        status="submitted", period_start__year=2019, period_end__year=2020
    )


def records() -> tuple[Any, ...]:
    """Everything of FY2019 a write could change, and the figures and ratings it gives."""
    fy2019_obs = Observation.objects.filter(
        period_start__gte="2019-04-01", period_end__lte="2020-03-31"
    )
    return (
        list(Target.objects.filter(fiscal_year__year=2019).order_by("pk").values()),
        sorted(Target.initiatives.through.objects.values_list("target_id", "initiative_id")),
        list(RatingOverride.objects.values("initiative_id", "rating", "reason")),
        list(fy2019_obs.order_by("pk").values("pk", "value", "status", "evidence")),
        list(Initiative.objects.filter(cycle__fiscal_year__year=2019).order_by("pk").values()),
        list(
            Measure.objects.filter(initiative__cycle__fiscal_year__year=2019)
            .order_by("pk")
            .values()
        ),
        list(CycleYear.objects.filter(fiscal_year__year=2019).values()),
        Evidence.objects.count(),
        CollectionRound.objects.filter(fiscal_year__year=2019).count(),
        [r.as_record() for r in evaluate(2019)],
    )


def test_the_demo_ends_with_fy2019_and_its_history_closed(demo: Any) -> None:
    assert year_lock.is_closed(2019)
    assert {2010, 2017, 2018, 2019} <= year_lock.closed_years()
    assert not year_lock.is_closed(2020)
    assert FiscalYear.objects.get(year=2019).closed_by_label == "csr"


def test_the_demo_takes_every_two_person_step_with_two_people(demo: Any) -> None:
    fy2019 = Initiative.objects.filter(cycle__fiscal_year__year=2019)
    assert {i.drafted_by_label for i in fy2019} == {"csr"}
    assert {i.proposed_by_label for i in fy2019} == {"officer-hm"}
    assert not fy2019.exclude(plan_waiver="", rating_waiver="").exists()
    approvals = AuditEvent.objects.filter(verb="initiative.plan_approved")
    assert set(approvals.values_list("actor_label", flat=True)) == {"risk"}
    confirmations = AuditEvent.objects.filter(verb="initiative.rating_confirmed")
    assert set(confirmations.values_list("actor_label", flat=True)) == {"csr"}
    entered = Observation.objects.exclude(submitted_by__isnull=True).filter(status="approved")
    assert entered.count() > 500
    assert not [o for o in entered if o.submitted_by_id == o.approved_by_id]


def test_the_api_changes_nothing_of_a_closed_year(demo: Any) -> None:
    before = records()
    csr, risk = api("csr"), api("risk")
    target, initiative = landfill_target(), overridden()
    refused = [
        csr.patch(f"/api/v1/kpis/targets/{target.pk}/", {"value": "40"}, format="json"),
        csr.post(f"/api/v1/kpis/targets/{target.pk}/initiatives/", {"initiative": initiative.pk}),
        csr.post(
            "/api/v1/kpis/observations/",
            {
                "metric": "waste-landfilled",
                "org_unit": "yasugi-works",
                "period": "2019-05",
                "value": 900,
            },
            format="json",
        ),
        csr.post(f"/api/v1/kpis/observations/{pending_value().pk}/submit/"),
        risk.post(f"/api/v1/kpis/observations/{pending_value().pk}/approve/"),
        risk.post(f"/api/v1/kpis/observations/{pending_value().pk}/return/", {"note": "x"}),
        csr.post(
            f"/api/v1/initiatives/{initiative.pk}/plan/",
            {"planned": ["Rewritten"], "reason": "x"},
            format="json",
        ),
        csr.post(f"/api/v1/initiatives/{initiative.pk}/send-back/", {"note": "x"}),
        csr.patch("/api/v1/fiscal-years/2019/", {"note": "rewritten"}, format="json"),
        csr.post(
            "/api/v1/kpis/rounds/",
            {
                "title": "Late",
                "org_unit": "hm-group",
                "fiscal_year": 2019,
                "period": "FY2019",
                "deadline": "2099-01-01",
                "metrics": ["landfill-rate"],
                "units": ["yasugi-works"],
            },
            format="json",
        ),
    ]
    for response in refused:
        assert response.status_code == 400, response.content
        assert "FY2019 is closed" in response.content.decode()
    assert records() == before
    # the open year next to it still takes its writes
    response = csr.patch("/api/v1/fiscal-years/2020/", {"note": "FY2020 plan"}, format="json")
    assert response.status_code == 200 and response.json()["note"] == "FY2020 plan"


def test_the_pages_change_nothing_of_a_closed_year(demo: Any, client: Any) -> None:
    before = records()
    client.force_login(user("csr"))
    target, initiative = landfill_target(), overridden()
    linked = target.initiatives.first()
    posts = [
        (f"/kpis/targets/{target.pk}/", {"kind": "at_most", "value": "40"}),
        (f"/kpis/targets/{target.pk}/initiatives/{linked.pk}/unlink/", {}),
        (f"/kpis/targets/{target.pk}/initiatives/", {"initiative": initiative.pk}),
        (f"/kpis/initiatives/{initiative.pk}/rating/clear/", {}),
        (f"/kpis/initiatives/{initiative.pk}/rating/", {"rating": "1", "reason": "x"}),
        (
            "/kpis/entry/",
            {
                "unit": "yasugi-works",
                "period": "2019-05",
                "metric": "waste-landfilled",
                "value": "900",
                "action": "submit",
            },
        ),
        (f"/cycle/initiatives/{initiative.pk}/plan/", {"planned": "Rewritten", "reason": "x"}),
        (f"/cycle/initiatives/{initiative.pk}/send_back/", {"note": "x"}),
        (
            f"/cycle/initiatives/{initiative.pk}/evidence/",
            {"file": SimpleUploadedFile("late.pdf", b"%PDF-1.4"), "description": "late"},
        ),
        ("/cycle/2019/settings/", {"note": "rewritten", "plan_due": "2019-04-01"}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400), url
        assert "FY2019 is closed" in response.content.decode(), url
    client.force_login(user("risk"))
    response = client.post(
        "/kpis/approvals/", {"action": "approve", "ids": str(pending_value().pk)}, follow=True
    )
    assert "FY2019 is closed" in response.content.decode()
    assert records() == before
    # the pages offer none of these writes in the first place
    client.force_login(user("csr"))
    page = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
    assert 'data-testid="year-closed"' in page and 'data-testid="no-actions"' in page
    assert "rating/clear/" not in page and 'data-testid="override-frozen"' in page
    assert (
        'data-testid="target-form"'
        not in client.get(f"/kpis/targets/{target.pk}/").content.decode()
    )
    assert (
        'name="value"'
        not in client.get("/kpis/entry/?unit=yasugi-works&period=2019-05").content.decode()
    )
    client.force_login(user("risk"))
    queue = client.get("/kpis/approvals/").content.decode()
    assert 'data-testid="closed-year"' in queue


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_line_and_the_imports_change_nothing_of_a_closed_year(
    demo: Any, tmp_path: Path
) -> None:
    before = records()
    targets = _write(
        tmp_path,
        "targets.csv",
        "metric,fiscal_year,org_unit,kind,value,base_year\n"
        "landfill-rate,2019,hm-group,at_most,40,\n",
    )
    values = _write(
        tmp_path,
        "values.csv",
        "metric,org_unit,period,value,unit\nwaste-landfilled,yasugi-works,2019-05,900,\n",
    )
    table = tmp_path / "fy2019.csv"
    call_command("cycle", "export", "--fy", "2019", "--format", "csv", "-o", str(table))
    for command, args in (
        ("kpi", ["import-targets", targets, "--user", "csr"]),
        ("kpi", ["import-targets", targets]),  # the operator, allowed everything else
        ("kpi", ["import-observations", values, "--user", "csr"]),
        ("cycle", ["import", str(table), "--fy", "2019", "--replace", "--user", "csr"]),
        ("cycle", ["import", str(table), "--fy", "2019", "--replace"]),
    ):
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command(command, *args, stdout=io.StringIO(), stderr=err)
        assert "FY2019 is closed" in err.getvalue(), (command, args)
    assert records() == before


def test_the_admin_writes_no_record(demo: Any, client: Any) -> None:
    from django.contrib import admin

    before = records()
    client.force_login(user("admin"))
    initiative = overridden()
    history = initiative.history.order_by("history_id").first()
    for method, url in (
        ("get", "/admin/cycle/initiative/add/"),
        ("get", f"/admin/cycle/initiative/{initiative.pk}/delete/"),
        ("post", f"/admin/cycle/initiative/{initiative.pk}/delete/"),
        ("post", f"/admin/cycle/initiative/{initiative.pk}/change/"),
        ("post", f"/admin/cycle/initiative/{initiative.pk}/history/{history.history_id}/"),
        ("post", f"/admin/cycle/cycleyear/{initiative.cycle_id}/change/"),
        ("post", f"/admin/kpis/target/{landfill_target().pk}/change/"),
        ("post", f"/admin/core/fiscalyear/{initiative.cycle.fiscal_year_id}/change/"),
    ):
        response = getattr(client, method)(url, {"notes": "rewritten", "post": "yes"})
        assert response.status_code == 403, (method, url, response.status_code)
    assert client.get(f"/admin/cycle/initiative/{initiative.pk}/change/").status_code == 200
    assert records() == before
    # every record of these areas is read-only there; nothing else of theirs is registered
    request = type("Request", (), {"user": user("admin"), "method": "POST"})()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"core", "cycle", "kpis"}:
            for check in (
                model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request),
            ):
                assert check is False, model
    registered = {m._meta.model_name for m in admin.site._registry}
    assert not {"measure", "evidence", "ratingoverride", "collectionround"} & registered


def test_a_reopening_lets_a_correction_through_and_marks_it(demo: Any, client: Any) -> None:
    csr, risk = user("csr"), user("risk")
    reopening = year_lock.request_reopening(
        actor=csr, year=2019, reason="The research division's late social spend is confirmed."
    )
    client.force_login(csr)
    refused = client.post(f"/fiscal-years/reopenings/{reopening.pk}/approve/", follow=True)
    assert "approved by someone other than the person who asked" in refused.content.decode()
    assert year_lock.is_closed(2019)
    client.force_login(risk)
    client.post(f"/fiscal-years/reopenings/{reopening.pk}/approve/")
    assert not year_lock.is_closed(2019)
    value = pending_value()
    response = api("risk").post(f"/api/v1/kpis/observations/{value.pk}/approve/")
    assert response.status_code == 200, response.content
    (change,) = year_lock.changes_under(reopening)
    assert change.target_id == str(value.pk) and change.data["what"] == "kpi_observation.approved"
    page = client.get(f"/fiscal-years/reopenings/{reopening.pk}/").content.decode()
    assert 'data-testid="change-count">1<' in page
    # a change to an initiative is marked on its page
    initiative = overridden()
    client.force_login(csr)
    client.post(f"/cycle/initiatives/{initiative.pk}/send_back/", {"note": "Reconsider"})
    assert Initiative.objects.get(pk=initiative.pk).status == Status.APPROVED
    page = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
    assert 'data-testid="reopened-mark"' in page and 'data-testid="year-reopened"' in page
    refused = client.post("/fiscal-years/2019/close/", follow=True).content.decode()
    assert "is not confirmed again" in refused and not year_lock.is_closed(2019)
    f.advance(initiative, Status.CONFIRMED, rating=initiative.rating or 3)
    client.post("/fiscal-years/2019/close/")
    assert year_lock.is_closed(2019)
    response = api("csr").post(
        f"/api/v1/initiatives/{initiative.pk}/propose-rating/", {"rating": 3}, format="json"
    )
    assert response.status_code == 400 and "FY2019 is closed" in response.content.decode()
