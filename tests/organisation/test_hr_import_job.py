"""The HR master import as a background job: the upload page stores the file with a job and
sends the user to the job's page, where the progress and then the outcome show.

The ImmediateBackend runs the job when `start_job`'s transaction commits;
`django_capture_on_commit_callbacks(execute=True)` makes that happen inside each test.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from tatara.core.models import AuditEvent, Job, JobStatus
from tatara.organisation.hr_import import import_people
from tatara.organisation.models import Person

GOOD = (
    "employee_number,full_name,org_unit,email\n"
    "EMP-alpha,Person ~alpha:person~,alpha,emp-alpha@example.com\n"
    "EMP-alpha-div,Person ~alpha-div:person~,alpha-site,emp-alpha-div@example.com\n"  # a mover
    "N-1,New Joiner,bravo,n-1@example.com\n"
)
BAD = "employee_number,full_name,org_unit,email\nX-1,Bad Unit,nowhere,\nX-2,Bad Mail,alpha,nope\n"


@pytest.fixture(autouse=True)
def _in_english():
    """Jobs run in the language active when they start: English here, whatever ran before."""
    with translation.override("en"):
        yield


def upload(text, name="hr.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def people():
    return list(Person.objects.order_by("pk").values())


def post(client, text, callbacks, **data):
    with callbacks(execute=True):
        return client.post(
            "/organisation/people/import/",
            {"file": upload(text), "as_of": "2024-10-01", **data},
        )


def test_upload_creates_a_job_runs_it_and_shows_the_outcome(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["csr_admin"])
    response = post(client, GOOD, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "organisation.people_import" and job.created_by == world.users["csr_admin"]
    assert job.org_unit == world.units["grp"]  # filed under the group: the HR office's scope
    assert job.params["file_name"] == "hr.csv" and job.input_file.read().decode() == GOOD
    assert job.status == JobStatus.SUCCEEDED
    total = 3 + 4  # three rows, four people missing from the file
    assert (job.progress_done, job.progress_total) == (total, total)
    assert job.result["counts"] == {"created": 1, "updated": 1, "unchanged": 1, "removed": 4}
    assert job.result["kinds"] == {
        "joiner": 1,
        "mover": 1,
        "updated": 0,
        "leaver": 4,
        "rejoined": 0,
    }
    # the HR changes were applied, as the uploader
    assert Person.objects.get(employee_number="EMP-alpha-div").org_unit == world.units["alpha-site"]
    leaver = Person.objects.get(employee_number="EMP-bravo-div")
    assert (leaver.is_active, leaver.leave_date) == (False, dt.date(2024, 10, 1))
    event = AuditEvent.objects.filter(verb="people.imported").latest("id")
    assert event.actor == world.users["csr_admin"] and event.data["dry_run"] is False

    html = client.get(response["Location"]).content.decode()
    assert "Import HR master hr.csv" in html and "Succeeded" in html
    assert "Applied: 1 joiners, 1 movers, 0 updated, 4 leavers" in html
    assert 'aria-valuenow="100"' in html
    changes = client.get(f"/jobs/{job.pk}/result/")
    rows = b"".join(changes.streaming_content).decode().splitlines()
    assert rows[0] == "employee_number,change"
    assert "N-1,joiner" in rows and "EMP-alpha-div,mover" in rows and "EMP-bravo,leaver" in rows


def test_check_only_changes_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["csr_admin"])
    before = people()
    post(client, GOOD, django_capture_on_commit_callbacks, dry_run="on")
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.label == "Check HR master hr.csv"
    assert job.result["summary"].startswith("Checked, nothing changed: 1 joiners, 1 movers")
    assert people() == before


def test_a_bad_file_fails_with_row_and_column_errors_and_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["csr_admin"])
    before = people()
    response = post(client, BAD, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.result["errors"] == [
        "hr.csv, row 2, column org_unit: unknown unit code 'nowhere'",
        "hr.csv, row 3, column email: 'nope' is not an e-mail address",
    ]
    assert people() == before
    assert not AuditEvent.objects.filter(verb="people.imported").exists()

    html = client.get(response["Location"]).content.decode()
    assert "Failed" in html
    assert "The file was refused: 2 problems. Nothing was changed." in html
    assert "<code>org_unit</code>" in html and "<code>email</code>" in html
    assert "<td>2</td>" in html and "<td>3</td>" in html


def test_another_companys_officer_cannot_see_the_job(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["csr_admin"])
    job_url = post(client, GOOD, django_capture_on_commit_callbacks)["Location"]
    client.logout()
    assert client.get(job_url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(world.users["officer_b"])
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "progress/").status_code == 404
    assert client.get(job_url + "result/").status_code == 404
    client.force_login(world.users["auditor"])  # views the whole group
    assert client.get(job_url).status_code == 200


def test_only_managers_may_start_an_import(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["company_risk_officer"])
    response = post(client, GOOD, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_import_page_lists_recent_imports(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["csr_admin"])
    post(client, BAD, django_capture_on_commit_callbacks)
    html = client.get("/organisation/people/import/").content.decode()
    job = Job.objects.get()
    assert "Recent imports" in html and f'href="/jobs/{job.pk}/"' in html


def test_the_job_page_of_a_queued_import_polls_for_progress(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["csr_admin"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/organisation/people/import/", {"file": upload(GOOD), "as_of": "2024-10-01"}
        )
    html = client.get(response["Location"]).content.decode()
    assert "Queued" in html and 'hx-trigger="every 1s"' in html
    fragment = client.get(response["Location"] + "progress/").content.decode()
    assert 'role="progressbar"' in fragment and "<html" not in fragment


# --- the progress callback --------------------------------------------------------------------


def many_rows(n, unit="alpha"):
    lines = ["employee_number,full_name,org_unit"]
    lines += [f"M-{i:05d},Person {i},{unit}" for i in range(n)]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def test_import_people_reports_progress_every_200_rows(world, system):
    calls = []
    changes = import_people(
        many_rows(450),
        name="big.csv",
        actor=system,
        as_of=dt.date(2024, 10, 1),
        progress=lambda done, total, message: calls.append((done, total, message)),
    )
    assert len(changes.labels("joiner")) == 450 and len(changes.labels("leaver")) == 6
    total = 450 + 6
    assert calls[0] == (0, 0, "Reading the file")
    assert (0, 450, "Checking 450 rows") in calls
    assert [c[0] for c in calls if c[2] == "Applying changes"] == [0, 200, 400]
    assert calls[-1] == (total, total, "Saving")


def test_import_people_still_works_without_progress(world, system):
    changes = import_people(
        many_rows(3), name="small.csv", actor=system, as_of=dt.date(2024, 10, 1)
    )
    assert len(changes.labels("joiner")) == 3


def test_the_command_prints_progress_lines(world, tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_bytes(many_rows(450).getvalue())
    call_command("import_people", str(path), "--as-of", "2024-10-01", "--dry-run")
    out = capsys.readouterr().out
    assert "Reading the file" in out and "Checking 450 rows" in out
    assert "Applying changes 0/456 (0%)" in out and "Saving 456/456 (100%)" in out
    assert out.rstrip().endswith(
        "hr.csv: 450 joiners, 0 movers, 0 updated, 6 leavers, 0 rejoined, 0 unchanged"
        " (dry run: nothing was stored)"
    )


def test_import_scope_unit_is_the_highest_unit_managed(world, grant, make_user):
    from tatara.core.tabular.jobs import scope_unit

    def import_scope_unit(user):
        return scope_unit(user, "organisation.manage")

    assert import_scope_unit(world.users["csr_admin"]) == world.units["grp"]
    manager = make_user(username="alpha-hr")
    grant(manager, "csr_admin", world.units["alpha"])
    assert import_scope_unit(manager) == world.units["alpha"]
    assert import_scope_unit(world.users["auditor"]) is None


def test_the_job_speaks_the_uploaders_language(
    client, world, django_capture_on_commit_callbacks, settings
):
    client.force_login(world.users["csr_admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    with translation.override("en"):  # the request activates Japanese; do not leak it
        post(client, BAD, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.language == "ja"
    assert "行" in job.result["errors"][0]  # "row" in Japanese, from the worker
