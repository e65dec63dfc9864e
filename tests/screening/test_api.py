"""Screening API through the test client: screen one name, lists and versions with diff
counts, batch upload → job; deny by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tatara.core.jobs import execute
from tatara.core.permissions import SystemActor
from tatara.screening import services

SYSTEM = SystemActor("test")


def api(world: Any, key: str) -> Client:
    client = Client()
    client.force_login(world.users[key])
    return client


def test_screen_one_name(un: Any, world: Any) -> None:
    response = api(world, "company_risk_officer").post(
        "/api/v1/screening/screen/",
        {
            "name": "Germain Katnga",
            "country": "CD",
            "date_of_birth": "1978-04-28",
            "kind": "person",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "strong" and data["list_versions"] == [un.pk]
    hit = data["hits"][0]
    assert (hit["source"], hit["list_entry_id"], hit["level"]) == ("un", "CDi.006", "strong")
    assert hit["matched_name"] == "GERMAIN KATANGA" and hit["programmes"] == ["DRC"]
    assert hit["reasons"]
    clear = api(world, "auditor").post(
        "/api/v1/screening/screen/", {"name": "Hanako Yamamoto"}, content_type="application/json"
    )
    assert clear.json()["outcome"] == "clear"


def test_screen_validates(world: Any) -> None:
    client = api(world, "auditor")
    bad = client.post(
        "/api/v1/screening/screen/",
        {"name": "", "date_of_birth": "May 1970", "kind": "ship"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"name", "date_of_birth", "kind"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/screening/screen/"),
        ("get", "/api/v1/screening/lists/"),
        ("get", "/api/v1/screening/versions/"),
        ("post", "/api/v1/screening/batch/"),
    ],
)
def test_deny_by_default(world: Any, method: str, path: str) -> None:
    assert getattr(Client(), method)(path).status_code in (401, 403)
    response = getattr(api(world, "employee"), method)(path, {"name": "X"})
    assert response.status_code == 403


def test_lists_and_versions(un: Any, world: Any, custom_csv: Any) -> None:
    custom = services.load_list(actor=SYSTEM, source="custom", path=custom_csv)
    client = api(world, "auditor")
    lists = {row["source"]: row for row in client.get("/api/v1/screening/lists/").json()}
    assert lists["un"]["active_version"]["id"] == un.pk
    assert lists["un"]["active_version"]["entry_count"] == 1_003
    assert client.get("/api/v1/screening/lists/custom/").json()["active_version"]["id"] == custom.pk
    versions = client.get("/api/v1/screening/versions/?source=custom").json()
    assert [v["id"] for v in versions["results"]] == [custom.pk]
    assert versions["results"][0]["added_count"] == 2
    diff = client.get(f"/api/v1/screening/versions/{custom.pk}/diff/").json()
    assert diff == {
        "version": custom.pk,
        "previous": None,
        "added": ["W-1", "W-2"],
        "removed": [],
        "changed": [],
    }


def test_batch_upload_and_progress(un: Any, world: Any) -> None:
    client = api(world, "auditor")
    upload = SimpleUploadedFile("erp.csv", b"name,country\nGermain Katnga,CD\nHanako Yamamoto,JP\n")
    response = client.post("/api/v1/screening/batch/", {"file": upload})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["result"] is None
    execute(job["id"])
    done = client.get(f"/api/v1/screening/batch/{job['id']}/").json()
    assert done["status"] == "succeeded"
    assert done["counts"]["strong"] == 1 and done["counts"]["clear"] == 1
    assert done["result"] == f"/jobs/{job['id']}/result/"
    assert api(world, "officer_b").get(f"/api/v1/screening/batch/{job['id']}/").status_code == 404
    bad = client.post(
        "/api/v1/screening/batch/", {"file": SimpleUploadedFile("erp.csv", b"customer\nX\n")}
    )
    assert bad.status_code == 400 and "required column" in str(bad.json()["file"])
