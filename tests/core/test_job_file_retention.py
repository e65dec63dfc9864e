"""Uploaded job inputs (HR masters, customer lists) and result files are kept for a retention
period (TATARA_JOB_FILE_RETENTION_DAYS), then deleted; the jobs, their counts and errors stay."""

import datetime as dt
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from tatara.core.jobs import purge_files
from tatara.core.models import Job, JobStatus


def _job(days_ago, *, finished=True):
    job = Job.objects.create(
        kind="organisation.people_import",
        label="Import HR master hr.csv",
        status=JobStatus.SUCCEEDED if finished else JobStatus.RUNNING,
        runner="tatara.core.tabular.jobs.run_import_job",
        finished_at=timezone.now() - dt.timedelta(days=days_ago) if finished else None,
        result={"summary": "Applied: 3 joiners", "counts": {"created": 3}},
    )
    job.input_file.save("hr.csv", ContentFile(b"employee_number,full_name\n1,Sato\n"))
    job.result_file.save("changes.csv", ContentFile(b"employee_number,change\n1,joiner\n"))
    return job


def test_files_older_than_the_retention_go_and_the_jobs_stay(db, settings):
    settings.TATARA_JOB_FILE_RETENTION_DAYS = 30
    old, recent, running = _job(31), _job(29), _job(0, finished=False)
    paths = [Path(old.input_file.path), Path(old.result_file.path)]
    assert all(p.exists() for p in paths)
    assert purge_files() == 2
    assert not any(p.exists() for p in paths)
    old.refresh_from_db()
    assert not old.input_file and not old.result_file
    assert old.result["counts"] == {"created": 3} and "files_deleted" in old.result
    for kept in (recent, running):
        kept.refresh_from_db()
        assert kept.input_file and Path(kept.input_file.path).exists()
    assert purge_files() == 0  # nothing left to delete


def test_the_command_takes_another_period(db, capsys):
    job = _job(3)
    call_command("jobs", "purge-files", "--days", "2")
    assert "2 file(s)" in capsys.readouterr().out
    job.refresh_from_db()
    assert not job.input_file


def test_a_finished_job_clears_old_files_on_its_way_out(
    client, world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    old = _job(400)
    client.force_login(world.users["csr_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/organisation/people/import/",
            {
                "file": SimpleUploadedFile("hr.csv", b"employee_number,full_name,org_unit\n"),
                "as_of": "2024-10-01",
                "dry_run": "on",
            },
        )
    old.refresh_from_db()
    assert not old.input_file
