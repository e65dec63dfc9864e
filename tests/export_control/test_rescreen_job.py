"""Re-screening after a list update runs as a background job started by the system: a real
list load (a company watch list, through screening.services.load_list), the job queued after
the load commits, its progress and summary, who may see it, and what it changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tatara.core.jobs import job_actor
from tatara.core.models import AuditEvent, Job, JobStatus
from tatara.export_control import rescreen, services
from tatara.export_control.models import ScreeningRun, Transaction
from tatara.organisation.roles import Role
from tatara.screening import name_screening as screening_service
from tatara.screening.services import load_list

WATCH = "id,name,aliases,country,date_of_birth,identifier,note,kind\n"


@pytest.fixture
def group_officer(world, make_user, grant):
    user = make_user(username="eco_group")
    grant(user, Role.EXPORT_CONTROL_OFFICER, world.units["grp"])
    return user


@pytest.fixture
def watch_file(tmp_path: Path):
    def write(*rows: str) -> Path:
        path = tmp_path / f"watch-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(WATCH + "".join(r + "\n" for r in rows), encoding="utf-8")
        return path

    return write


@pytest.fixture
def open_transaction(officers, world):
    """A cleared, unshipped transaction of Alpha Co with a customer on no list (yet)."""
    screening_service.clear_cache()
    eco, alpha = officers["eco"], world.units["alpha"]
    item = services.create_item(actor=eco, org_unit=alpha, code="P-1", name="Pump")
    party = services.create_party(
        actor=eco, org_unit=alpha, name="Sunrise Precision Machinery", country="CN"
    )
    clean = services.create_party(actor=eco, org_unit=alpha, name="Harbour Logistics")
    transaction = services.create_transaction(
        actor=eco,
        org_unit=alpha,
        reference="T-1",
        date=dt.date(2024, 5, 10),
        destination="CN",
        lines=[(item, 1)],
        parties=[(party, "customer"), (clean, "consignee")],
    )
    assert transaction.status == "cleared"
    return transaction


def _load(path: Path, capture) -> None:
    with capture(execute=True):
        load_list(actor=rescreen.ACTOR, source="custom", path=path)


def test_a_list_load_queues_a_system_job_that_rescreens_the_affected_parties(
    open_transaction, watch_file, django_capture_on_commit_callbacks
):
    _load(
        watch_file("W-1,Sunrise Precision Machinery Co. Ltd,,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind=rescreen.JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.created_by is None and job.system_actor == "system:list-update"
    assert str(job_actor(job)) == "system:list-update"
    assert job.org_unit.parent is None  # the group's root: group-wide viewers only
    assert job.result["counts"] == {"parties": 2, "affected": 1, "runs": 1}
    assert "1 affected" in job.result["summary"]
    run = ScreeningRun.objects.get(pk=job.result["runs"][0])
    assert run.trigger == "rescreen" and run.actor_label == "system:list-update"
    assert "party-list-update" in [r["code"] for r in run.reasons]
    assert Transaction.objects.get(pk=open_transaction.pk).status == "screened"
    assert AuditEvent.objects.filter(
        verb="export_control.screened", actor_label="system:list-update"
    ).exists()

    # a second load that only removes the entry: the party whose hit named it is affected
    _load(watch_file("W-9,Someone Else Entirely,,DE,,,,entity"), django_capture_on_commit_callbacks)
    second = Job.objects.filter(kind=rescreen.JOB_KIND).order_by("-pk").first()
    assert second.pk != job.pk and second.status == JobStatus.SUCCEEDED
    assert second.result["counts"]["affected"] == 1


def test_an_unrelated_list_update_affects_no_one(
    open_transaction, watch_file, django_capture_on_commit_callbacks
):
    _load(
        watch_file("W-1,Volkov Industrial Group,,RU,,,,entity"), django_capture_on_commit_callbacks
    )
    job = Job.objects.get(kind=rescreen.JOB_KIND)
    assert job.result["counts"] == {"parties": 2, "affected": 0, "runs": 0}
    assert Transaction.objects.get(pk=open_transaction.pk).runs.count() == 1


def test_no_job_without_parties(db, watch_file, django_capture_on_commit_callbacks):
    _load(
        watch_file("W-1,Volkov Industrial Group,,RU,,,,entity"), django_capture_on_commit_callbacks
    )
    assert not Job.objects.filter(kind=rescreen.JOB_KIND).exists()


def test_the_job_page_is_for_group_wide_viewers_only(
    open_transaction, watch_file, django_capture_on_commit_callbacks, group_officer, officers, world
):
    _load(
        watch_file("W-1,Sunrise Precision Machinery,,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind=rescreen.JOB_KIND)
    client = Client()
    client.force_login(group_officer)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "system:list-update" in body and "Re-screen parties after the update" in body
    for user in (officers["eco"], world.users["company_risk_officer"]):
        other = Client()
        other.force_login(user)
        assert other.get(f"/jobs/{job.pk}/").status_code == 404


def test_progress_is_reported_in_both_steps(open_transaction, db):
    from export_control.screeners import record
    from tatara.screening.signals import ListDiff

    seen: list[tuple[int, int, str]] = []
    new = record("custom", "W-1", "Sunrise Precision Machinery")
    runs = rescreen.rescreen_after_list_change(
        ListDiff(added=("W-1",)),
        source="custom",
        entry_records=[new],
        progress=lambda done, total, message: seen.append((done, total, message)),
    )
    assert len(runs) == 1
    messages = [m for _d, _t, m in seen]
    assert messages[0].startswith("Checking parties") and seen[0][1] == 2
    assert seen[-1][:2] == (1, 1) and seen[-1][2].startswith("Screening the affected parties")


def test_the_version_page_and_the_queue_link_the_job(
    open_transaction, watch_file, django_capture_on_commit_callbacks, group_officer, officers
):
    from tatara.screening.models import ListVersion

    _load(
        watch_file("W-1,Sunrise Precision Machinery,,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind=rescreen.JOB_KIND)
    version = ListVersion.objects.get(pk=job.params["list_version"])
    client = Client()
    client.force_login(group_officer)
    body = client.get(f"/screening/versions/{version.pk}/").content.decode()
    assert 'data-testid="version-jobs"' in body and f'href="/jobs/{job.pk}/"' in body
    body = client.get("/export-control/").content.decode()
    assert 'data-testid="rescreen-jobs"' in body and "1 affected" in body
    # a company's officer sees neither the job nor its summary of the whole group
    company = Client()
    company.force_login(officers["eco"])
    body = company.get("/export-control/").content.decode()
    assert 'data-testid="rescreen-jobs"' not in body and f"/jobs/{job.pk}/" not in body
    body = company.get(f"/screening/versions/{version.pk}/").content.decode()
    assert f"/jobs/{job.pk}/" not in body


def test_a_list_update_puts_a_pending_override_back_to_the_officer(
    open_transaction, watch_file, django_capture_on_commit_callbacks, officers, world
):
    from tatara.export_control.views import awaiting_decision, pending_overrides

    _load(
        watch_file("W-1,Sunrise Precision Machinery,,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    transaction = Transaction.objects.get(pk=open_transaction.pk)
    eco, risk = officers["eco2"], world.users["group_risk_officer"]
    services.screen_transaction(actor=eco, transaction=transaction)
    decision = services.decide(
        actor=eco, transaction=transaction, decision_kind="clear", reason="A namesake"
    )
    assert decision.needs_second_approval
    assert [d.pk for d in pending_overrides(risk)] == [decision.pk]
    # the entry changes (a new alias): the transaction is screened again by the job
    _load(
        watch_file("W-1,Sunrise Precision Machinery,Sunrise PM,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    assert services.latest_run(transaction).trigger == "rescreen"
    assert pending_overrides(risk) == []
    row = awaiting_decision(eco).get(pk=transaction.pk)
    assert row.waiting_approval is False  # back in the officer's queue
    client = Client()
    client.force_login(risk)
    page = client.get(f"/export-control/transactions/{transaction.pk}/").content.decode()
    assert 'data-testid="decision-outdated"' in page and "/approve/" not in page
    with pytest.raises(ValidationError):
        services.approve_override(actor=risk, decision=decision)


def test_the_system_job_reads_in_the_viewers_language(
    open_transaction, watch_file, django_capture_on_commit_callbacks, group_officer
):
    from django.conf import settings

    _load(
        watch_file("W-1,Sunrise Precision Machinery,,CN,,,,entity"),
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get(kind=rescreen.JOB_KIND)
    client = Client()
    client.force_login(group_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    body = client.get("/export-control/").content.decode()
    assert "Re-screen parties" not in body and "の更新に伴う取引当事者の再審査" in body
    assert "影響あり1件" in body
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "の更新に伴う取引当事者の再審査" in page and "影響あり1件" in page
    transaction = Transaction.objects.get(pk=open_transaction.pk)
    detail = client.get(f"/export-control/transactions/{transaction.pk}/").content.decode()
    assert "自社ウォッチリストの更新が" in detail  # the list by its name, not its code "custom"
