"""The officer's review of a batch screening: the job keeps the alerts of a real screening
(the UN list), the officer clears or confirms each with a reason, clearing a strong hit waits
for a second approver, and pages, API, download and dashboard show it within scope."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from tatara.core.approvals import SamePersonError
from tatara.core.dashboard import panels_for
from tatara.core.jobs import execute
from tatara.core.models import AuditEvent, Job
from tatara.core.permissions import SystemActor
from tatara.organisation.roles import Role
from tatara.screening import batch, name_screening
from tatara.screening import batch_review as review
from tatara.screening.models import BatchAlert, BatchScreening
from tatara.screening.name_screening import HitView, ScreeningResult

SYSTEM = SystemActor("test")
INPUT = (
    "name,country,date_of_birth\n"
    "Germain Katnga,CD,1978-04-28\n"
    "Hanako Yamamoto,JP,1980-01-02\n"
    "SULTANI MAKENGA,,1973\n"
)


@pytest.fixture
def eco(world: Any, make_user: Any, grant: Any) -> dict[str, Any]:
    """Export-control officers of Alpha Co and Bravo Co."""
    users = {}
    for key, unit in (("eco", "alpha"), ("eco_b", "bravo")):
        users[key] = make_user(username=key)
        grant(users[key], Role.EXPORT_CONTROL_OFFICER, world.units[unit])
    return users


def screened(world: Any, user: Any, unit: str = "alpha", text: str = INPUT) -> BatchScreening:
    upload = SimpleUploadedFile("customers.csv", text.encode(), content_type="text/csv")
    job = batch.start_batch(actor=user, upload=upload, org_unit=world.units[unit])
    assert execute(job.pk) == "succeeded", Job.objects.get(pk=job.pk).result
    return BatchScreening.objects.get(job=job)


def hit(score: float, entry: str = "X.1") -> HitView:
    return HitView(score, score, "un", "UN", entry, None, "Some Listed Name", "person", (), ())


def made_batch(world: Any, actor: Any, scores: list[float], unit: str = "alpha") -> BatchScreening:
    """A batch stored from hand-made results, one alert per score."""
    rows = []
    for n, score in enumerate(scores, 2):
        party = batch.Party(n, f"Name {n}", None, None, None)
        views = (hit(score, f"X.{n}"),)
        result = ScreeningResult(party.name, views, name_screening.outcome_of(views), (1,))
        rows.append(batch.RowResult(party, result))
    return review.store_batch(
        actor=actor,
        org_unit=world.units[unit],
        file_name="made.csv",
        result=batch.BatchResult(rows, (1,)),
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- services ------------------------------------------------------------------------------


def test_the_batch_job_keeps_the_alerts_for_review(un: Any, world: Any, eco: Any) -> None:
    found = screened(world, eco["eco"])
    assert found.org_unit == world.units["alpha"] and found.file_name == "customers.csv"
    assert found.counts["rows"] == 3 and found.counts["clear"] == 1
    alerts = list(found.alerts.order_by("row"))
    assert [a.row for a in alerts] == [2, 4]  # the clear name is not an alert
    first = alerts[0]
    assert first.outcome == "strong" and first.status == "pending"
    assert first.hits[0]["list_entry_id"] == "CDi.006" and first.hits[0]["reasons"]
    assert (first.country, first.date_of_birth) == ("CD", "1978-04-28")
    job = found.job
    assert job.result["next_url"] == f"/screening/batch/{found.pk}/"
    assert job.org_unit == world.units["alpha"]
    assert AuditEvent.objects.filter(verb="screening.batch_stored").count() == 1


def test_clearing_a_strong_hit_waits_for_another_persons_approval(
    un: Any, world: Any, eco: Any
) -> None:
    found = screened(world, eco["eco"])
    alert = found.alerts.get(row=2)
    review.decide_alert(
        actor=eco["eco"], alert=alert, decision="clear", reason="Born 1990, not the listed man"
    )
    alert.refresh_from_db()
    assert alert.status == "awaiting_approval" and alert.decided_by == eco["eco"]
    with pytest.raises(PermissionDenied):  # the officer holds no screening.approve
        review.approve_alert(actor=eco["eco"], alert=alert)
    risk = world.users["group_risk_officer"]
    review.approve_alert(actor=risk, alert=alert)
    alert.refresh_from_db()
    assert alert.status == "cleared" and alert.approved_by == risk and alert.approved_at
    with pytest.raises(ValidationError):
        review.approve_alert(actor=risk, alert=alert)
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="screening.batch_alert").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["screening.batch_alert_approved", "screening.batch_alert_decided"]
    assert alert.history.count() == 2  # decided, approved (stored in bulk: the batch event)


def test_the_decider_cannot_approve_their_own_clearing(world: Any) -> None:
    admin = world.users["csr_admin"]  # holds review and approve
    alert = made_batch(world, admin, [0.95]).alerts.get()
    review.decide_alert(actor=admin, alert=alert, decision="clear", reason="namesake")
    with pytest.raises(SamePersonError):
        review.approve_alert(actor=admin, alert=alert)


def test_a_review_alert_clears_at_once_and_decisions_are_final(world: Any, eco: Any) -> None:
    found = made_batch(world, eco["eco"], [0.86, 0.95])
    weak, strong = found.alerts.get(best_score=0.86), found.alerts.get(best_score=0.95)
    assert weak.outcome == "review" and strong.outcome == "strong"
    with pytest.raises(ValidationError) as error:
        review.decide_alert(actor=eco["eco"], alert=weak, decision="clear", reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        review.decide_alert(actor=eco["eco"], alert=weak, decision="maybe", reason="x")
    review.decide_alert(actor=eco["eco"], alert=weak, decision="clear", reason="other address")
    review.decide_alert(actor=eco["eco"], alert=strong, decision="confirm", reason="same DOB")
    assert BatchAlert.objects.get(pk=weak.pk).status == "cleared"
    assert BatchAlert.objects.get(pk=strong.pk).status == "confirmed"
    with pytest.raises(ValidationError):
        review.decide_alert(actor=eco["eco"], alert=strong, decision="clear", reason="changed")


def test_an_override_awaiting_approval_may_be_confirmed_instead(world: Any, eco: Any) -> None:
    alert = made_batch(world, eco["eco"], [0.97]).alerts.get()
    review.decide_alert(actor=eco["eco"], alert=alert, decision="clear", reason="namesake")
    review.decide_alert(actor=eco["eco"], alert=alert, decision="confirm", reason="on 2nd look")
    assert BatchAlert.objects.get(pk=alert.pk).status == "confirmed"


def test_review_is_scoped_by_the_batchs_unit(world: Any, eco: Any) -> None:
    found = made_batch(world, eco["eco"], [0.95, 0.88])
    alert = found.alerts.first()
    with pytest.raises(PermissionDenied):  # another company's officer
        review.decide_alert(actor=eco["eco_b"], alert=alert, decision="confirm", reason="x")
    with pytest.raises(PermissionDenied):  # a company risk officer may view, not review
        review.decide_alert(
            actor=world.users["company_risk_officer"], alert=alert, decision="confirm", reason="x"
        )
    assert list(review.batches(viewer=eco["eco_b"])) == []
    assert list(review.batches(viewer=world.users["company_risk_officer"])) == [found]
    assert list(review.batches(viewer=world.users["employee"])) == []
    with pytest.raises(PermissionDenied):  # a batch for a unit outside the uploader's scope
        made_batch(world, eco["eco"], [0.9], unit="bravo")


# --- pages ---------------------------------------------------------------------------------


def test_the_review_page_flow(un: Any, world: Any, eco: Any) -> None:
    found = screened(world, eco["eco"])
    officer = client_for(eco["eco"])
    listing = officer.get("/screening/batch/").content.decode()
    assert f'href="/screening/batch/{found.pk}/"' in listing and "2 to review" in listing
    page = officer.get(f"/screening/batch/{found.pk}/").content.decode()
    assert page.count('data-testid="alert-form"') == 2
    assert "GERMAIN KATANGA" in page and "CDi.006" in page and "Why this score" in page
    alert = found.alerts.get(row=2)
    # htmx: the alert's card comes back, awaiting the second approval
    response = officer.post(
        f"/screening/batch/alerts/{alert.pk}/decide/",
        {f"a{alert.pk}-decision": "clear", f"a{alert.pk}-reason": "Born 1990"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    card = response.content.decode()
    assert card.startswith("\n<li") or card.lstrip().startswith("<li")
    assert 'data-status="awaiting_approval"' in card and "Born 1990" in card
    # without htmx: back to the page; a missing reason is refused and nothing changes
    other = found.alerts.get(row=4)
    response = officer.post(
        f"/screening/batch/alerts/{other.pk}/decide/", {f"a{other.pk}-decision": "confirm"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#alert-{other.pk}")
    assert BatchAlert.objects.get(pk=other.pk).status == "pending"
    # the group risk officer approves the clearing
    risk = client_for(world.users["group_risk_officer"])
    page = risk.get(f"/screening/batch/{found.pk}/?status=awaiting_approval").content.decode()
    assert 'data-testid="alert-approve"' in page and 'data-testid="alert-form"' not in page
    assert risk.post(f"/screening/batch/alerts/{alert.pk}/approve/").status_code == 302
    assert BatchAlert.objects.get(pk=alert.pk).status == "cleared"
    # the download holds every hit with the review beside it
    download = officer.get(f"/screening/batch/{found.pk}/review.xlsx")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == review.COLUMNS
    cleared = [r for r in rows[1:] if r[0] == 2]
    assert cleared and cleared[0][9] == "cleared" and cleared[0][10] == "Born 1990"
    assert cleared[0][13]  # approved by


def test_pages_refuse_out_of_scope_and_unauthorised_actions(world: Any, eco: Any) -> None:
    found = made_batch(world, eco["eco"], [0.95])
    alert = found.alerts.get()
    outsider = client_for(eco["eco_b"])
    assert outsider.get(f"/screening/batch/{found.pk}/").status_code == 404
    assert outsider.get(f"/screening/batch/{found.pk}/review.xlsx").status_code == 404
    body = {f"a{alert.pk}-decision": "confirm", f"a{alert.pk}-reason": "x"}
    assert outsider.post(f"/screening/batch/alerts/{alert.pk}/decide/", body).status_code == 404
    viewer = client_for(world.users["company_risk_officer"])  # may view, not decide
    page = viewer.get(f"/screening/batch/{found.pk}/").content.decode()
    assert 'data-testid="alert-form"' not in page
    assert viewer.post(f"/screening/batch/alerts/{alert.pk}/decide/", body).status_code == 403
    assert viewer.post(f"/screening/batch/alerts/{alert.pk}/approve/").status_code == 403
    assert (
        client_for(world.users["employee"]).get(f"/screening/batch/{found.pk}/").status_code == 403
    )
    assert BatchAlert.objects.get(pk=alert.pk).status == "pending"


def test_the_review_page_runs_a_fixed_number_of_queries(world: Any, eco: Any) -> None:
    officer = client_for(eco["eco"])
    counts = []
    for n in (3, 20):
        found = made_batch(world, eco["eco"], [0.85 + i * 0.005 for i in range(n)])
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(f"/screening/batch/{found.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as queries:
        officer.get("/screening/batch/")
    assert len(queries) <= 15


def test_the_dashboard_lists_what_awaits_review_and_approval(world: Any, eco: Any) -> None:
    found = made_batch(world, eco["eco"], [0.95, 0.86])
    titles = [t.title for p in panels_for(eco["eco"]) for t in p.tasks]
    assert "Review 2 alerts of made.csv" in titles
    review.decide_alert(
        actor=eco["eco"], alert=found.alerts.get(best_score=0.95), decision="clear", reason="x"
    )
    risk_titles = [t.title for p in panels_for(world.users["group_risk_officer"]) for t in p.tasks]
    assert any(t.startswith("Second approval: clearing row") for t in risk_titles)
    assert not [t for p in panels_for(eco["eco_b"]) for t in p.tasks if "made.csv" in t.title]


# --- API -----------------------------------------------------------------------------------


def api_for(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_the_api_lists_decides_and_approves(world: Any, eco: Any) -> None:
    found = made_batch(world, eco["eco"], [0.95, 0.86])
    officer = api_for(eco["eco"])
    listed = officer.get("/api/v1/screening/batches/").json()
    assert [b["id"] for b in listed["results"]] == [found.pk]
    assert listed["results"][0]["open_alerts"] == 2 and listed["results"][0]["org_unit"] == "alpha"
    alerts = officer.get(f"/api/v1/screening/alerts/?batch={found.pk}&status=open").json()
    assert [a["best_score"] for a in alerts["results"]] == [0.95, 0.86]
    strong = alerts["results"][0]["id"]
    bad = officer.post(f"/api/v1/screening/alerts/{strong}/decide/", {"decision": "clear"})
    assert bad.status_code == 400
    done = officer.post(
        f"/api/v1/screening/alerts/{strong}/decide/", {"decision": "clear", "reason": "namesake"}
    )
    assert done.status_code == 200 and done.json()["status"] == "awaiting_approval"
    assert officer.post(f"/api/v1/screening/alerts/{strong}/approve/").status_code == 403
    approved = api_for(world.users["group_risk_officer"]).post(
        f"/api/v1/screening/alerts/{strong}/approve/"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "cleared"
    outsider = api_for(eco["eco_b"])
    assert outsider.get(f"/api/v1/screening/batches/{found.pk}/").status_code == 404
    assert outsider.get("/api/v1/screening/alerts/").json()["results"] == []
    assert api_for(world.users["employee"]).get("/api/v1/screening/batches/").status_code == 403


def test_the_api_upload_takes_the_unit(un: Any, world: Any, eco: Any) -> None:
    client = api_for(eco["eco"])
    upload = SimpleUploadedFile("erp.csv", INPUT.encode())
    response = client.post("/api/v1/screening/batch/", {"file": upload, "org_unit": "alpha-div"})
    assert response.status_code == 202, response.content
    assert Job.objects.get(pk=response.json()["id"]).org_unit == world.units["alpha-div"]
    upload = SimpleUploadedFile("erp.csv", INPUT.encode())
    refused = client.post("/api/v1/screening/batch/", {"file": upload, "org_unit": "bravo"})
    assert refused.status_code == 400 and "org_unit" in refused.json()


def test_the_review_page_in_japanese(un: Any, world: Any, eco: Any) -> None:
    from django.conf import settings

    found = screened(world, eco["eco"])
    officer = client_for(eco["eco"])
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = officer.get(f"/screening/batch/{found.pk}/").content.decode()
    assert "の確認" in page and "該当なし：問題なしとする" in page
    assert "国連安全保障理事会 統合制裁リスト" in page and "個人" in page  # list and kind names
    assert "UN Security Council consolidated list" not in page
