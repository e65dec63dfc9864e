"""Items and parties in and out of files through the pages (upload → background job → its
page), the API and the CLI; the party code on the pages and the API; bounded queries on the
lists. The import and export themselves: test_record_import.py.

The ImmediateBackend runs a job when `start_job`'s transaction commits;
`django_capture_on_commit_callbacks(execute=True)` makes that happen inside each test."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from export_control.screeners import Screener
from tatara.core.models import AuditEvent, Job, JobStatus
from tatara.export_control import record_import, services
from tatara.export_control.models import Item, Party

API = "/api/v1/export-control"
PARTIES = (
    "code,name,org_unit,country,roles\n"
    "C-1,Acme GmbH,,DE,customer\n"
    "C-2,Rosoboronexport,alpha-div,RU,end_user\n"
)
BAD = "code,name,org_unit,country\nC-1,Acme,,Atlantis\nC-2,Bravo's,bravo,DE\n"


@pytest.fixture(autouse=True)
def _in_english_with_test_lists(monkeypatch):
    """Jobs run in the language active when they start (English here), and screen against
    the tests' three hand-made list records."""
    monkeypatch.setattr(record_import, "snapshot_screener", Screener)
    with translation.override("en"):
        yield


@pytest.fixture
def alpha(world):
    return world.units["alpha"]


@pytest.fixture
def eco(officers):
    client = Client()
    client.force_login(officers["eco"])
    return client


def upload(text, name="customers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post_import(client, what, text, callbacks, name="customers.csv", **data):
    with callbacks(execute=True):
        return client.post(f"/export-control/{what}/import/", {"file": upload(text, name), **data})


# --- pages ------------------------------------------------------------------------------------


def test_the_import_page_runs_a_job_and_shows_the_outcome(
    eco, officers, alpha, django_capture_on_commit_callbacks
):
    page = eco.get("/export-control/parties/import/").content.decode()
    assert 'name="file"' in page and 'name="dry_run"' in page and "Default unit" in page
    assert "<code>aliases</code>" in page and 'data-testid="export-links"' in page

    response = post_import(
        eco, "parties", PARTIES, django_capture_on_commit_callbacks, org_unit=alpha.pk
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "export_control.party_import" and job.org_unit == alpha
    assert job.label == "Import parties customers.csv" and job.created_by == officers["eco"]
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert job.result["screening"] == {"clear": 1, "strong": 1}
    assert Party.objects.get(code="C-1").org_unit == alpha
    assert Party.objects.get(code="C-2").screening_outcome == "strong"
    assert AuditEvent.objects.get(verb="export_control.parties_imported").actor == officers["eco"]

    html = eco.get(response["Location"]).content.decode()
    assert "Succeeded" in html and 'aria-valuenow="100"' in html
    assert "customers.csv: 2 created, 0 updated, 0 unchanged; screening: 1 strong hit(s)" in html
    assert 'href="/export-control/parties/"' in html  # back to the list
    changes = eco.get(f"/jobs/{job.pk}/result/")
    rows = b"".join(changes.streaming_content).decode().splitlines()
    assert rows[0] == "row,org_unit,code,name,change,fields,screening"
    assert rows[2] == "3,alpha-div,C-2,Rosoboronexport,created,,strong"
    assert "customers.csv" in eco.get("/export-control/parties/import/").content.decode()


def test_check_only_changes_nothing(eco, alpha, django_capture_on_commit_callbacks):
    post_import(
        eco,
        "items",
        "code,name\nA-1,Lathe\n",
        django_capture_on_commit_callbacks,
        name="items.csv",
        org_unit=alpha.pk,
        dry_run="on",
    )
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.label == "Check items items.csv"
    assert job.result["summary"].endswith("(dry run: nothing was stored)")
    assert not Item.objects.exists()


def test_a_bad_file_fails_with_every_error_listed(eco, alpha, django_capture_on_commit_callbacks):
    response = post_import(
        eco, "parties", BAD, django_capture_on_commit_callbacks, org_unit=alpha.pk
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.result["errors"] == [
        "customers.csv, row 2, column country: 'Atlantis' is neither an ISO 3166-1 alpha-2 "
        "code nor a country name known to Tatara",
        "customers.csv, row 3, column org_unit: unknown unit code 'bravo', or outside your "
        "scope (export_control.change)",
    ]
    assert not Party.objects.exists()
    html = eco.get(response["Location"]).content.decode()
    assert "Failed" in html and "The file was refused: 2 problems. Nothing was changed." in html
    assert "<code>org_unit</code>" in html and "Atlantis" in html


def test_a_wrong_header_or_file_type_is_refused_on_the_form_at_once(
    eco, alpha, django_capture_on_commit_callbacks
):
    response = post_import(
        eco, "items", "code,colour\nA,red\n", django_capture_on_commit_callbacks, org_unit=alpha.pk
    )
    assert response.status_code == 400 and not Job.objects.exists()
    page = response.content.decode()
    assert "customers.csv, row 1, column name: required column is missing" in page
    assert "column colour: unknown column" in page
    response = post_import(
        eco,
        "items",
        "%PDF",
        django_capture_on_commit_callbacks,
        name="items.pdf",
        org_unit=alpha.pk,
    )
    assert response.status_code == 400
    assert "unsupported file type .pdf; use .csv or .xlsx" in response.content.decode()
    response = post_import(eco, "items", "", django_capture_on_commit_callbacks, org_unit=alpha.pk)
    assert response.status_code == 400  # Django's own check of the upload
    assert "The submitted file is empty." in response.content.decode()


def test_the_default_unit_must_be_in_scope(eco, world, django_capture_on_commit_callbacks):
    response = post_import(
        eco,
        "parties",
        PARTIES,
        django_capture_on_commit_callbacks,
        org_unit=world.units["bravo"].pk,
    )
    assert response.status_code == 400 and not Job.objects.exists()


def test_list_pages_link_import_and_export_and_show_the_code(eco, world, officers, alpha):
    services.create_party(
        actor=officers["eco"], org_unit=alpha, code="ERP-77", name="Acme", screener=Screener()
    )
    page = eco.get("/export-control/parties/").content.decode()
    assert 'href="/export-control/parties/import/"' in page
    assert 'href="/export-control/parties/export/?format=xlsx"' in page and "ERP-77" in page
    assert "Acme" in eco.get("/export-control/parties/?q=erp-77").content.decode()
    page = eco.get("/export-control/items/").content.decode()
    assert 'href="/export-control/items/import/"' in page
    assert 'href="/export-control/items/export/?format=csv"' in page
    party = Party.objects.get()
    assert "ERP-77" in eco.get(f"/export-control/parties/{party.pk}/").content.decode()
    assert 'value="ERP-77"' in eco.get(f"/export-control/parties/{party.pk}/edit/").content.decode()
    response = eco.post(
        f"/export-control/parties/{party.pk}/edit/",
        {"code": "ERP-78", "name": "Acme", "party_kind": "entity"},
    )
    assert response.status_code == 302 and Party.objects.get().code == "ERP-78"
    services.create_party(actor=officers["eco"], org_unit=alpha, name="Other", screener=Screener())
    response = eco.post(
        "/export-control/parties/new/",
        {"org_unit": alpha.pk, "code": "ERP-78", "name": "Copy", "party_kind": "entity"},
    )
    assert response.status_code == 400
    assert "Another party of this unit has the code ERP-78." in response.content.decode()
    # who may only read sees the export links, not the import
    reader = Client()
    reader.force_login(world.users["auditor"])
    page = reader.get("/export-control/parties/").content.decode()
    assert "/export-control/parties/import/" not in page and "/parties/export/?format=csv" in page


def test_the_export_pages(eco, officers, alpha):
    services.create_item(actor=officers["eco"], org_unit=alpha, code="LATHE", name="=Lathe")
    response = eco.get("/export-control/items/export/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="export-control-items.csv"'
    assert response.content.splitlines()[1] == b"LATHE,'=Lathe,alpha,goods,,,yes,,"
    response = eco.get("/export-control/items/export/?format=xlsx")
    assert load_workbook(io.BytesIO(response.content)).active["B2"].value == "'=Lathe"
    assert eco.get("/export-control/items/export/?format=pdf").status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_list_pages_with_the_new_links_make_a_bounded_number_of_queries(
    eco, officers, alpha, django_assert_max_num_queries, n
):
    for i in range(n):
        services.create_party(
            actor=officers["eco"], org_unit=alpha, code=f"P-{i}", name=f"P {i}", screener=Screener()
        )
        services.create_item(
            actor=officers["eco"], org_unit=alpha, code=f"I-{i}", name="I", control_row="4"
        )
    for url in (
        "/export-control/parties/",
        "/export-control/items/",
        "/export-control/parties/import/",
    ):
        with django_assert_max_num_queries(16):
            assert eco.get(url).status_code == 200


# --- API --------------------------------------------------------------------------------------


def test_api_import_is_accepted_as_a_job_and_polled(eco, alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = eco.post(f"{API}/parties/import/", {"file": upload(PARTIES), "unit": "alpha"})
    assert response.status_code == 202
    body = response.json()
    job = Job.objects.get()
    assert body["id"] == job.pk and body["page"] == f"/jobs/{job.pk}/"
    status = eco.get(f"{API}/parties/import/{job.pk}/").json()
    assert status["status"] == "succeeded"
    assert status["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert status["result"] == f"/jobs/{job.pk}/result/"
    assert eco.get(f"{API}/items/import/{job.pk}/").status_code == 404  # another kind of job
    assert Party.objects.filter(org_unit=alpha).count() == 1


def test_api_import_errors(eco, world, django_capture_on_commit_callbacks):
    response = eco.post(f"{API}/items/import/", {"file": upload("code,colour\nA,red\n")})
    assert response.status_code == 400 and not Job.objects.exists()
    assert response.json()["file"] == [
        "customers.csv, row 1, column name: required column is missing",
        "customers.csv, row 1, column colour: unknown column; expected catch_all_applicable, "
        "code, control_row, foreign_classifications, item_kind, name, notes, org_unit, sub_item",
    ]
    response = eco.post(
        f"{API}/items/import/", {"file": upload("code,name\nA,B\n"), "unit": "bravo"}
    )
    assert response.status_code == 400 and "unit" in response.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = eco.post(f"{API}/parties/import/", {"file": upload(BAD), "unit": "alpha"})
    assert response.status_code == 202
    status = eco.get(f"{API}/parties/import/{response.json()['id']}/").json()
    assert status["status"] == "failed"
    assert [(e["row"], e["column"]) for e in status["errors"]] == [(2, "country"), (3, "org_unit")]
    reader = Client()
    reader.force_login(world.users["auditor"])
    assert reader.post(f"{API}/parties/import/", {"file": upload(PARTIES)}).status_code == 403
    job_path = f"{API}/parties/import/{response.json()['id']}/"
    assert reader.get(job_path).status_code == 200  # the job is in the auditor's view
    outsider = Client()
    outsider.force_login(world.users["officer_b"])
    assert outsider.get(job_path).status_code == 404


def test_api_export(eco, world, officers, alpha):
    services.create_party(
        actor=officers["eco"], org_unit=alpha, code="C-9", name="Acme", screener=Screener()
    )
    services.create_party(
        actor=officers["eco_b"],
        org_unit=world.units["bravo"],
        name="Bravo ~bravo~",
        screener=Screener(),
    )
    response = eco.get(f"{API}/parties/export/?format=csv")
    assert response.status_code == 200 and b"C-9,Acme,alpha" in response.content
    assert b"~bravo~" not in response.content
    response = eco.get(f"{API}/parties/export/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert eco.get(f"{API}/parties/export/?format=json").status_code == 400
    assert eco.get(f"{API}/parties/").json()["results"][0]["code"] == "C-9"
    party = Party.objects.get(code="C-9")
    response = eco.patch(
        f"{API}/parties/{party.pk}/", {"code": "C-10"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["code"] == "C-10"


# --- CLI --------------------------------------------------------------------------------------


def test_cli_import_export_round_trip(world, officers, tmp_path):
    source = tmp_path / "items.csv"
    source.write_text("code,name,control_row\nMAR,Maraging steel,4\nPUMP,Pump,\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "export-control", "import-items", str(source), "--unit", "alpha", "--dry-run", stdout=out
    )
    assert out.getvalue().startswith("checked items: items.csv: 2 created, 0 updated, 0 unchanged")
    assert not Item.objects.exists()
    out = io.StringIO()
    call_command(
        "export-control",
        "import-items",
        str(source),
        "--unit",
        "alpha",
        "--user",
        "eco",
        stdout=out,
    )
    assert out.getvalue().startswith("imported items: items.csv: 2 created")
    assert AuditEvent.objects.get(verb="export_control.items_imported").actor == officers["eco"]
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        out = io.StringIO()
        call_command("export-control", "export-items", "-o", str(target), stdout=out)
        assert out.getvalue().strip() == f"wrote items to {target}"
        out = io.StringIO()
        call_command("export-control", "import-items", str(target), stdout=out)
        assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_cli_errors(world, officers, tmp_path, monkeypatch):
    bad = tmp_path / "parties.csv"
    bad.write_text(BAD, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command(
            "export-control",
            "import-parties",
            str(bad),
            "--unit",
            "alpha",
            "--user",
            "eco",
            stderr=err,
        )
    assert "parties.csv, row 3, column org_unit: unknown unit code 'bravo'" in err.getvalue()
    assert not Party.objects.exists()
    with pytest.raises(CommandError, match="no such file"):
        call_command("export-control", "import-parties", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="--unit: no unit"):
        call_command("export-control", "import-parties", str(bad), "--unit", "nowhere")
    with pytest.raises(CommandError, match="permission denied"):
        call_command("export-control", "import-parties", str(bad), "--user", "auditor")
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("export-control", "export-parties", "-o", str(tmp_path / "x.json"))


def test_the_admin_shows_the_party_code_read_only(officers, alpha, client):
    from django.contrib.auth import get_user_model

    services.create_party(
        actor=officers["eco"], org_unit=alpha, code="ERP-5", name="Acme", screener=Screener()
    )
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used-1")
    client.force_login(root)
    page = client.get("/admin/export_control/party/?q=ERP-5").content.decode()
    assert "ERP-5" in page and "Acme" in page
    assert client.get("/admin/export_control/party/add/").status_code == 403
