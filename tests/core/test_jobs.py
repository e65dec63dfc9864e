"""Background jobs (core/jobs.py): a job runs its runner as its creator, records progress and
its outcome, and its page is seen only by its creator and by those who may view its unit.

Under tests the ImmediateBackend runs the task as soon as it is queued, and `start_job` queues
it when the transaction commits: `django_capture_on_commit_callbacks(execute=True)` makes that
happen inside a test's transaction. One test runs the real database queue and worker.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from tatara.core import jobs
from tatara.core.jobs import JobOutcome, Progress, read_progress, start_job, write_progress
from tatara.core.models import Job, JobStatus
from tatara.core.permissions import require
from tatara.core.tabular import CellError, ImportRejected

HERE = __name__


@pytest.fixture(autouse=True)
def _in_english():
    """Jobs run in the language active when they start: English here, whatever ran before."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _test_runners_allowed(monkeypatch):
    """Runners must be project code; this module's runners stand in for an area's."""
    monkeypatch.setattr(jobs, "RUNNER_PREFIX", "")


# --- runners used by the tests ---------------------------------------------------------------

ROWS = 5000


def counting_runner(*, job: Job, report: Any) -> JobOutcome:
    report(0, 0, "Reading")
    for done in range(1, ROWS + 1):
        report(done, ROWS, "Counting")
    return JobOutcome(
        summary=f"counted {ROWS} for {job.params['who']}",
        details={"rows": ROWS},
        file_name="counted.csv",
        file_content=b"n\r\n5000\r\n",
    )


def failing_runner(*, job: Job, report: Any) -> JobOutcome:
    report(10, 100, "Working")
    raise ValueError(f"{job.params['person']} broke it")  # data in the message


def rejecting_runner(*, job: Job, report: Any) -> JobOutcome:
    raise ImportRejected(
        [
            CellError("hr.xlsx", "People", 7, "org_unit", "unknown unit code 'nowhere'"),
            CellError("hr.xlsx", "People", 9, "email", "'nope' is not an e-mail address"),
        ]
    )


def gated_runner(*, job: Job, report: Any) -> JobOutcome:
    require(job.created_by, "organisation.manage")
    return JobOutcome(summary="managed")


def start(actor, runner="counting_runner", unit=None, **params):
    return start_job(
        actor=actor,
        kind="organisation.test",
        label="Test job",
        org_unit=unit,
        runner=f"{HERE}.{runner}",
        params={"who": actor.get_username(), **params},
    )


def run(django_capture_on_commit_callbacks, actor, runner="counting_runner", unit=None, **params):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(actor, runner, unit, **params)
    job.refresh_from_db()
    return job


# --- running ----------------------------------------------------------------------------------


def test_a_job_runs_to_success_with_progress_and_a_result_file(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    writes: list[Progress] = []
    real_write = jobs.write_progress
    monkeypatch.setattr(jobs, "write_progress", lambda pk, p: (writes.append(p), real_write(pk, p)))
    job = run(django_capture_on_commit_callbacks, world.users["csr_admin"], unit=world.units["grp"])

    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (ROWS, ROWS)
    assert job.result["summary"] == "counted 5000 for csr_admin"
    assert job.result["rows"] == ROWS and job.result["errors"] == []
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    assert job.task_id
    assert job.result_file.read() == b"n\r\n5000\r\n"
    # progress was written per phase and at the end, not once per row
    assert 3 <= len(writes) < 50, len(writes)
    assert writes[-1] == Progress(ROWS, ROWS, "Counting")
    assert not jobs._progress_path(job.pk).exists()  # the live progress is cleaned up


def test_the_runner_runs_as_the_creator_and_the_gate_applies(
    world, django_capture_on_commit_callbacks
):
    allowed = run(django_capture_on_commit_callbacks, world.users["csr_admin"], "gated_runner")
    assert allowed.status == JobStatus.SUCCEEDED and allowed.result["summary"] == "managed"

    refused = run(
        django_capture_on_commit_callbacks, world.users["company_risk_officer"], "gated_runner"
    )
    assert refused.status == JobStatus.FAILED
    assert refused.message.startswith("Refused")


def test_a_creator_who_was_deactivated_runs_nothing(world, django_capture_on_commit_callbacks):
    user = world.users["csr_admin"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start(user, "gated_runner")
    user.is_active = False
    user.save()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message.startswith("Refused")


def test_an_internal_error_fails_with_a_generic_message_and_logs_no_data(
    world, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO, logger="tatara.core.jobs"):
        job = run(
            django_capture_on_commit_callbacks,
            world.users["csr_admin"],
            "failing_runner",
            person="Sato Hanako <sato@example.com>",
        )
    assert job.status == JobStatus.FAILED
    assert "internal error" in job.message
    assert "Sato" not in job.message and job.result["errors"] == []
    assert (job.progress_done, job.progress_total) == (10, 100)  # where it stopped
    logged = caplog.text
    assert "ValueError" in logged and "failing_runner" in logged  # the traceback's frames
    assert "Sato" not in logged and "sato@example.com" not in logged


def test_a_rejected_file_lists_its_errors_with_row_and_column(
    world, django_capture_on_commit_callbacks
):
    job = run(django_capture_on_commit_callbacks, world.users["csr_admin"], "rejecting_runner")
    assert job.status == JobStatus.FAILED
    assert job.result["errors"] == [
        "hr.xlsx, sheet People, row 7, column org_unit: unknown unit code 'nowhere'",
        "hr.xlsx, sheet People, row 9, column email: 'nope' is not an e-mail address",
    ]
    assert job.result["error_count"] == 2
    assert job.result["error_details"][0] == {
        "file": "hr.xlsx",
        "sheet": "People",
        "row": 7,
        "column": "org_unit",
        "message": "unknown unit code 'nowhere'",
    }


def test_a_job_runs_once(world, django_capture_on_commit_callbacks):
    job = run(django_capture_on_commit_callbacks, world.users["csr_admin"])
    finished = job.finished_at
    assert jobs.execute(job.pk) == "skipped"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.finished_at == finished


def test_start_job_needs_a_user_and_a_project_runner(world, monkeypatch, system):
    with pytest.raises(ValueError, match="started by a user"):
        start(system)
    with pytest.raises(ValueError, match="started by a SystemActor"):
        jobs.start_job(
            actor=world.users["csr_admin"],
            kind="core.test",
            label="x",
            org_unit=None,
            runner="tatara.core.jobs.job_actor",
            params={},
            system_job=True,
        )
    monkeypatch.setattr(jobs, "RUNNER_PREFIX", "tatara.")
    with pytest.raises(Exception, match="runners live in the project"):
        start(world.users["csr_admin"])
    assert not Job.objects.exists()


def test_live_progress_is_read_while_running(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = start(world.users["csr_admin"])
    assert read_progress(job) == Progress(0, 0, "Waiting to start")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job.refresh_from_db()
    write_progress(job.pk, Progress(1200, 20000, "Applying changes"))
    live = read_progress(job)
    assert live == Progress(1200, 20000, "Applying changes") and live.percent == 6


# --- the job page -----------------------------------------------------------------------------


@pytest.fixture
def finished_job(world, django_capture_on_commit_callbacks):
    """A job of csr_admin's, filed under company A (alpha)."""
    return run(
        django_capture_on_commit_callbacks, world.users["csr_admin"], unit=world.units["alpha"]
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("csr_admin", 200),  # the creator
        ("company_risk_officer", 200),  # organisation.view on alpha
        ("auditor", 200),  # organisation.view on the whole group
        ("officer_b", 404),  # company B's officer
        ("compliance_dept", 404),  # only alpha's division: not the company itself
        ("employee", 404),
    ],
)
def test_job_page_visible_to_creator_and_unit_viewers_only(
    client, world, finished_job, who, status
):
    client.force_login(world.users[who])
    for url in (
        f"/jobs/{finished_job.pk}/",
        f"/jobs/{finished_job.pk}/progress/",
        f"/jobs/{finished_job.pk}/result/",
    ):
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_sign_in(client, finished_job):
    response = client.get(f"/jobs/{finished_job.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_creator_sees_own_job_without_scope(client, world, django_capture_on_commit_callbacks):
    job = run(
        django_capture_on_commit_callbacks, world.users["officer_b"], unit=world.units["alpha"]
    )
    client.force_login(world.users["officer_b"])
    assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_finished_job_page_shows_outcome_and_download(client, world, finished_job):
    client.force_login(world.users["csr_admin"])
    html = client.get(f"/jobs/{finished_job.pk}/").content.decode()
    assert "Test job" in html and "Succeeded" in html
    assert "counted 5000 for csr_admin" in html
    assert 'aria-valuenow="100"' in html and "bg-success" in html
    assert "hx-trigger" not in html  # finished: no polling
    download = client.get(f"/jobs/{finished_job.pk}/result/")
    assert download.status_code == 200
    assert 'filename="counted.csv"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"n\r\n5000\r\n"


def test_failed_job_page_lists_errors(client, world, django_capture_on_commit_callbacks):
    job = run(django_capture_on_commit_callbacks, world.users["csr_admin"], "rejecting_runner")
    client.force_login(world.users["csr_admin"])
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Failed" in html and "The file was refused: 2 problems. Nothing was changed." in html
    assert "<code>org_unit</code>" in html and "<code>email</code>" in html
    assert "<td>7</td>" in html and "<td>9</td>" in html and "People" in html
    assert client.get(f"/jobs/{job.pk}/result/").status_code == 404  # no result file


def test_progress_fragment_polls_while_running_and_returns_the_bar(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = start(world.users["csr_admin"])
    client.force_login(world.users["csr_admin"])
    queued = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Queued" in queued and 'hx-trigger="every 1s"' in queued
    assert f'hx-get="/jobs/{job.pk}/progress/"' in queued

    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    write_progress(job.pk, Progress(5000, 20000, "Applying changes"))
    fragment = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html and "<nav" not in html  # only the progress part
    assert 'role="progressbar"' in html and 'aria-valuenow="25"' in html
    assert 'style="width: 25%"' in html and "Applying changes" in html
    assert "5,000 of 20,000" in html
    assert 'hx-trigger="every 1s"' in html
    assert fragment["Cache-Control"].startswith("max-age=0")

    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress_done=1)
    done = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    html = done.content.decode()
    assert "hx-trigger" not in html  # polling stops
    assert 'hx-swap-oob="innerHTML"' in html  # the end is announced to screen readers


# --- the real queue and worker --------------------------------------------------------------


def test_the_database_worker_runs_a_queued_job(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """`tatara db_worker` picks the job from the database queue and runs it.

    It runs inside the test's transaction (a transactional test would flush the data the
    migrations loaded, which later tests need), so the worker's between-tasks connection
    housekeeping, which would close that transaction's connection, is switched off."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        with django_capture_on_commit_callbacks(execute=True):
            job = start(world.users["csr_admin"], unit=world.units["grp"])
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.task_id  # queued, not run
        assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
        # the worker installs its own signal handlers and sets its loggers' levels: put back
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        loggers = {n: logging.getLogger(n).level for n in ("django_tasks", "django_tasks_db")}
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            for name, level in loggers.items():
                logging.getLogger(name).setLevel(level)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (ROWS, ROWS)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_visible_job_refuses_anonymous(finished_job):
    assert jobs.visible_job(viewer=AnonymousUser(), pk=finished_job.pk) is None


def acting_runner(*, job: Job, report: Any) -> JobOutcome:
    actor = jobs.job_actor(job)
    require(actor, "organisation.manage")
    return JobOutcome(summary=f"ran as {actor}")


def test_a_system_job_runs_as_its_system_actor_and_is_seen_in_scope_only(
    world, system, django_capture_on_commit_callbacks
):
    from tatara.core.permissions import SystemActor

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            actor=SystemActor("system:test"),
            kind="organisation.test",
            label="System job",
            org_unit=world.units["grp"],
            runner=f"{HERE}.acting_runner",
            params={},
            system_job=True,
        )
    job.refresh_from_db()
    assert job.created_by is None and job.system_actor == "system:test"
    assert job.status == JobStatus.SUCCEEDED and job.result["summary"] == "ran as system:test"
    assert job.started_by_label == "system:test"
    assert jobs.visible_job(viewer=world.users["csr_admin"], pk=job.pk) == job
    assert jobs.visible_job(viewer=world.users["company_risk_officer"], pk=job.pk) is None
    # a user's job whose creator is gone does not fall back to running as the system
    with django_capture_on_commit_callbacks(execute=False):
        users_job = start(world.users["csr_admin"], "acting_runner")
    Job.objects.filter(pk=users_job.pk).update(created_by=None)
    assert jobs.execute(users_job.pk) == JobStatus.FAILED
