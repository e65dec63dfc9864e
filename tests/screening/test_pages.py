"""Screening pages through the test client: the lists with their versions, a version's
diff, screening one name, batch upload → job → Excel; deny by default."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from tatara.core.jobs import execute
from tatara.core.models import Job
from tatara.core.permissions import SystemActor
from tatara.screening import services

SYSTEM = SystemActor("test")


def signed_in(world: Any, key: str) -> Client:
    client = Client()
    client.force_login(world.users[key])
    return client


PAGES = ["/screening/", "/screening/screen/", "/screening/batch/"]


@pytest.mark.parametrize("path", PAGES)
def test_deny_by_default(world: Any, path: str) -> None:
    assert Client().get(path).status_code == 302  # to the login page
    assert signed_in(world, "employee").get(path).status_code == 403
    assert signed_in(world, "auditor").get(path).status_code == 200


def test_lists_page_shows_versions_and_history(un: Any, world: Any, custom_csv: Path) -> None:
    first = services.load_list(actor=SYSTEM, source="custom", path=custom_csv)
    changed = custom_csv.parent / "watch2.csv"
    changed.write_text(
        "id,name,aliases,country,date_of_birth,identifier,note,kind\n"
        "W-1,Hans Muster,,CH,1961-04-12,,,person\n"
        "W-3,Northwind Export LLC,,RU,,,,entity\n",
        encoding="utf-8",
    )
    second = services.load_list(actor=SYSTEM, source="custom", path=changed)
    body = signed_in(world, "csr_admin").get("/screening/").content.decode()
    assert 'data-source="un"' in body and 'data-source="custom"' in body
    assert f'data-version="{first.pk}"' in body and f'data-version="{second.pk}"' in body
    assert "1,003" in body or "1003" in body
    page = signed_in(world, "auditor").get(f"/screening/versions/{second.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-entry="W-3"' in text and "Northwind Export LLC" in text  # added
    assert 'data-entry="W-2"' in text  # removed, named from the previous version
    assert 'data-entry="W-1"' in text  # changed: lost its aliases
    only_added = signed_in(world, "auditor").get(f"/screening/versions/{second.pk}/?change=added")
    assert 'data-entry="W-2"' not in only_added.content.decode()
    assert signed_in(world, "employee").get(f"/screening/versions/{second.pk}/").status_code == 403
    assert signed_in(world, "auditor").get("/screening/versions/999999/").status_code == 404


def test_the_un_diff_is_paginated(un: Any, world: Any) -> None:
    client = signed_in(world, "auditor")
    body = client.get(f"/screening/versions/{un.pk}/").content.decode()
    assert body.count("data-entry=") == 50
    last = client.get(f"/screening/versions/{un.pk}/?page=21").content.decode()
    assert last.count("data-entry=") == 1_003 - 20 * 50


def test_screen_a_name(un: Any, world: Any) -> None:
    client = signed_in(world, "company_risk_officer")
    response = client.get(
        "/screening/screen/",
        {"name": "Germain Katnga", "country": "CD", "date_of_birth": "1978-04-28"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="strong"' in body
    assert 'data-entry="un:CDi.006"' in body and "GERMAIN KATANGA" in body
    assert 'role="progressbar"' in body and "DRC" in body
    clear = client.get("/screening/screen/", {"name": "Hanako Yamamoto"}).content.decode()
    assert 'data-outcome="clear"' in clear
    bad = client.get("/screening/screen/", {"name": "X", "date_of_birth": "3 May"})
    assert "YYYY-MM-DD" in bad.content.decode() and "data-outcome" not in bad.content.decode()


def test_batch_upload_job_and_download(un: Any, world: Any) -> None:
    client = signed_in(world, "compliance_dept")
    upload = SimpleUploadedFile(
        "customers.csv", b"name,country\nGermain Katnga,CD\nHanako Yamamoto,JP\n"
    )
    response = client.post("/screening/batch/", {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get(kind="screening.batch")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert execute(job.pk) == "succeeded"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "1 strong" in page and "1 clear" in page
    download = client.get(f"/jobs/{job.pk}/result/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    values = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert values[1][4] == "CDi.006" and values[2][6] == "clear"
    # another user outside the job (company-level viewer) does not see it
    assert signed_in(world, "officer_b").get(f"/jobs/{job.pk}/").status_code == 404
    assert "customers.csv" in client.get("/screening/batch/").content.decode()


def test_batch_upload_with_a_bad_header_stays_on_the_form(world: Any) -> None:
    client = signed_in(world, "auditor")
    upload = SimpleUploadedFile("customers.csv", b"customer\nX\n")
    response = client.post("/screening/batch/", {"file": upload})
    assert response.status_code == 400  # the form again, with the file's errors
    assert "required column is missing" in response.content.decode()
    assert not Job.objects.filter(kind="screening.batch").exists()
    employee = signed_in(world, "employee")
    upload = SimpleUploadedFile("customers.csv", b"name\nX\n")
    assert employee.post("/screening/batch/", {"file": upload}).status_code == 403


def test_navigation_entry(world: Any) -> None:
    assert 'href="/screening/"' in signed_in(world, "auditor").get("/").content.decode()
    assert 'href="/screening/"' not in signed_in(world, "employee").get("/").content.decode()
