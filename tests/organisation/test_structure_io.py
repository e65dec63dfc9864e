"""The organisation tree and role grants in and out as files (a real group without the demo):
units created, renamed, moved and sold by a re-import with history, never wiped; grants given,
changed and revoked; the scope of a company's admin; the CLI verbs and their exit status."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tatara.core.models import AuditEvent
from tatara.core.tabular import ImportRejected, read_table
from tatara.organisation import structure_io
from tatara.organisation.models import OrgUnit, RoleAssignment

UNITS = (
    "code,name_en,name_ja,kind,parent,country,consolidated,in_group_from,in_group_until\n"
    "grp,Tatara Group,タタラグループ,group,,JP,yes,,\n"
    "alpha,Alpha Corp,アルファ株式会社,company,grp,JP,yes,,\n"
    "alpha-plant,Alpha Plant,アルファ工場,site,alpha,JP,yes,,\n"
    "beta,Beta Inc,,company,grp,US,no,2021-04-01,\n"
)


def _file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def _tree():
    return [
        (u.code, u.name, u.parent.code if u.parent else "", u.consolidated, u.in_group_until)
        for u in OrgUnit.objects.select_related("parent").order_by("path")
    ]


def test_an_empty_database_gets_its_tree_from_a_file(db, system):
    result = structure_io.import_units(_file(UNITS), actor=system, name="units.csv")
    assert (result.created, result.updated) == (4, 0)
    assert _tree() == [
        ("grp", "Tatara Group", "", True, None),
        ("alpha", "Alpha Corp", "grp", True, None),
        ("alpha-plant", "Alpha Plant", "alpha", True, None),
        ("beta", "Beta Inc", "grp", False, None),
    ]
    alpha = OrgUnit.objects.get(code="alpha")
    assert alpha.translations == {"ja": {"name": "アルファ株式会社"}}
    assert OrgUnit.objects.get(code="beta").in_group_from == dt.date(2021, 4, 1)
    assert AuditEvent.objects.filter(verb="org_units.imported").count() == 1


def test_a_reimport_renames_moves_and_sells_with_history_and_never_wipes(db, system):
    structure_io.import_units(_file(UNITS), actor=system)
    pks = dict(OrgUnit.objects.values_list("code", "pk"))
    changed = (
        "code,name_en,kind,parent,in_group_until\n"
        "alpha,Alpha Corporation,company,grp,\n"  # renamed
        "alpha-plant,Alpha Plant,site,beta,\n"  # moved to another company
        "beta,Beta Inc,company,grp,2025-03-31\n"  # sold
    )
    result = structure_io.import_units(_file(changed), actor=system, name="units.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 3, 0)
    assert _tree() == [
        ("grp", "Tatara Group", "", True, None),  # not in the file: as it was
        ("alpha", "Alpha Corporation", "grp", True, None),
        ("beta", "Beta Inc", "grp", False, dt.date(2025, 3, 31)),
        ("alpha-plant", "Alpha Plant", "beta", True, None),
    ]
    assert dict(OrgUnit.objects.values_list("code", "pk")) == pks  # updated in place
    alpha = OrgUnit.objects.get(code="alpha")
    assert alpha.translations == {"ja": {"name": "アルファ株式会社"}}  # name_ja not in the file
    assert [h.name for h in alpha.history.all()][:2] == ["Alpha Corporation", "Alpha Corp"]
    plant = OrgUnit.objects.get(code="alpha-plant")
    assert plant.path.startswith(OrgUnit.objects.get(code="beta").path)
    # the same file again changes nothing
    again = structure_io.import_units(_file(changed), actor=system)
    assert (again.updated, again.unchanged) == (0, 3)


def test_bad_rows_are_all_named_and_nothing_changes(db, system):
    structure_io.import_units(_file(UNITS), actor=system)
    before = _tree()
    bad = (
        "code,name_en,kind,parent\n"
        "gamma,Gamma,company,nowhere\n"  # row 2: unknown parent
        "gamma-site,Gamma Site,site,gamma-late\n"  # row 3: parent only on a later row
        "gamma-late,Late,company,grp\n"
        "delta,Delta,branch,grp\n"  # row 5: unknown kind
        "alpha-plant,Alpha Plant,site,grp\n"  # row 6: a site cannot sit under the group
    )
    with pytest.raises(ImportRejected) as refused:
        structure_io.import_units(_file(bad), actor=system, name="units.csv")
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(2, "parent"), (3, "parent"), (5, "kind"), (6, "parent")}
    messages = {(e.row, e.column): e.message for e in refused.value.errors}
    assert messages[(3, "parent")].startswith("unknown unit code 'gamma-late'")
    assert messages[(6, "parent")] == "A Site / office cannot sit under group."
    assert _tree() == before


def test_a_company_admin_changes_only_the_company(db, system, make_user, grant):
    structure_io.import_units(_file(UNITS), actor=system)
    admin = make_user(username="alpha-admin")
    grant(admin, "csr_admin", OrgUnit.objects.get(code="alpha"))
    before = _tree()
    with pytest.raises(ImportRejected) as refused:
        structure_io.import_units(
            _file(
                "code,name_en,kind,parent\n"
                "alpha-lab,Alpha Lab,site,alpha\n"  # fine
                "beta-site,Beta Site,site,beta\n"  # row 3: beta is outside: unknown
                "beta,Beta Renamed,company,grp\n"  # row 4: another company's code
            ),
            actor=admin,
        )
    messages = {(e.row, e.column): e.message for e in refused.value.errors}
    assert messages == {
        (3, "parent"): "unknown unit code 'beta' (a parent comes on an earlier row)",
        (4, "code"): "this code belongs to a unit outside your scope",
        (4, "parent"): "unknown unit code 'grp' (a parent comes on an earlier row)",
    }
    assert _tree() == before
    result = structure_io.import_units(
        _file("code,name_en,kind,parent\nalpha-lab,Alpha Lab,site,alpha\n"), actor=admin
    )
    assert result.created == 1


def test_an_exported_file_reads_back_and_changes_nothing(db, system):
    structure_io.import_units(_file(UNITS), actor=system)
    for fmt in ("csv", "xlsx"):
        data, _type, name = structure_io.export("units", viewer=system, fmt=fmt)
        assert name == f"organisation-units.{fmt}"
        table = read_table(io.BytesIO(data), name=name)
        assert table.columns == list(structure_io.UNIT_HEADER)
        assert [r.text("code") for r in table.rows] == ["grp", "alpha", "alpha-plant", "beta"]
    data = structure_io.export("units", viewer=system, fmt="csv")[0]
    assert structure_io.import_units(io.BytesIO(data), actor=system).unchanged == 4


def test_roles_are_granted_changed_and_revoked_from_a_file(db, system, make_user):
    structure_io.import_units(_file(UNITS), actor=system)
    make_user(username="sato")
    make_user(username="kim")
    grants = (
        "username,role,unit,with_descendants\n"
        "sato,csr_admin,grp,yes\n"
        "kim,company_risk_officer,beta,no\n"
    )
    result = structure_io.import_roles(_file(grants), actor=system, name="roles.csv")
    assert result.created == 2
    kim = RoleAssignment.objects.get(user__username="kim")
    assert (kim.role, kim.org_unit.code, kim.include_descendants) == (
        "company_risk_officer",
        "beta",
        False,
    )
    changed = (
        "username,role,unit,with_descendants,active\n"
        "sato,csr_admin,grp,yes,yes\n"  # unchanged
        "kim,company_risk_officer,beta,yes,yes\n"  # reach changed
        "kim,auditor,alpha,yes,no\n"  # revoking what is not granted: nothing
    )
    result = structure_io.import_roles(_file(changed), actor=system)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    revoke = "username,role,unit,active\nkim,company_risk_officer,beta,no\n"
    result = structure_io.import_roles(_file(revoke), actor=system)
    assert result.removed == 1
    assert not RoleAssignment.objects.get(user__username="kim").active
    rows = structure_io.role_rows(viewer=system)
    assert rows == [["sato", "csr_admin", "grp", "yes", "yes"]]


def test_bad_grants_are_named(db, system, make_user):
    structure_io.import_units(_file(UNITS), actor=system)
    make_user(username="sato")
    bad = (
        "username,role,unit\n"
        "nobody,csr_admin,grp\n"
        "sato,boss,grp\n"
        "sato,auditor,nowhere\n"
        "sato,auditor,alpha\n"
        "sato,auditor,alpha\n"
    )
    with pytest.raises(ImportRejected) as refused:
        structure_io.import_roles(_file(bad), actor=system)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "username"),
        (3, "role"),
        (4, "unit"),
        (6, "role"),
    ]
    assert not RoleAssignment.objects.exists()


def test_the_cli_verbs_import_export_and_refuse(db, tmp_path, capsys):
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    call_command("organisation", "import-units", str(units), "--dry-run")
    assert "units.csv: 4 created" in capsys.readouterr().out
    assert not OrgUnit.objects.exists()
    call_command("organisation", "import-units", str(units))
    out = tmp_path / "out.xlsx"
    call_command("organisation", "export-units", "-o", str(out))
    assert [r.text("code") for r in read_table(out).rows] == [
        "grp",
        "alpha",
        "alpha-plant",
        "beta",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_en,kind,parent\nx,X,site,nowhere\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 error"):
        call_command("organisation", "import-units", str(bad))
    assert "bad.csv, row 2, column parent: unknown unit code 'nowhere'" in capsys.readouterr().err


def test_every_verbs_help_lists_its_columns(capsys):
    from tatara.organisation.management.commands.organisation import Command

    parser = Command().create_parser("tatara", "organisation")
    verbs = parser._subparsers._group_actions[0].choices  # argparse has no API for its verbs
    for verb in ("import-units", "import-roles", "import-people"):
        text = verbs[verb].format_help()
        assert "columns:" in text
    assert (
        "  parent (text, up to 50 characters, optional): the code of the unit above; "
        "empty for the group\n" in verbs["import-units"].format_help()
    )


# --- the page and the API (the engine's job) ------------------------------------------------


def _upload(text, name="units.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_import_page_documents_the_columns_and_runs_a_job(
    client, db, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(username="root", is_superuser=True)
    client.force_login(admin)
    page = client.get("/organisation/units/import/").content.decode()
    assert 'data-testid="import-columns"' in page
    for column in structure_io.UNIT_HEADER:
        assert f"<code>{column}</code>" in page
    assert "the code of the unit above; empty for the group" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organisation/units/import/", {"file": _upload(UNITS)})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job_page = client.get(response["Location"]).content.decode()
    assert "Import organisation units units.csv" in job_page
    assert "Applied: 4 created, 0 updated, 0 unchanged" in job_page
    assert [u for u, *_ in _tree()] == ["grp", "alpha", "alpha-plant", "beta"]


def test_only_an_organisation_manager_may_open_or_post_the_import(client, world):
    client.force_login(world.users["company_risk_officer"])
    assert client.get("/organisation/units/import/").status_code == 403
    before = _tree()
    response = client.post("/organisation/roles/import/", {"file": _upload("x", "r.csv")})
    assert response.status_code == 403 and _tree() == before


def test_the_api_imports_through_a_job_and_reports_it(
    client, db, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(username="root", is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/org-units/import/", {"file": _upload(UNITS), "dry_run": "true"}
        )
    assert response.status_code == 202, response.content
    job = response.json()
    assert not OrgUnit.objects.exists()  # a check only
    status = client.get(f"/api/v1/org-units/import/{job['id']}/").json()
    assert status["status"] == "succeeded"
    assert status["counts"] == {"created": 4, "updated": 0, "unchanged": 0}
    # a wrong header is refused at once, naming the column
    bad = client.post("/api/v1/org-units/import/", {"file": _upload("code,nom\nx,y\n")})
    assert bad.status_code == 400
    assert "column nom: unknown column" in str(bad.json()["file"])
    # another import kind's job id, or one that does not exist, is not found here
    assert client.get(f"/api/v1/role-assignments/import/{job['id']}/").status_code == 404
    assert client.get("/api/v1/org-units/import/999999999/").status_code == 404


def test_a_check_shows_the_first_rows_of_each_outcome(
    client, db, make_user, system, django_capture_on_commit_callbacks
):
    structure_io.import_units(_file(UNITS), actor=system)
    client.force_login(make_user(username="root", is_superuser=True))
    changed = (
        "code,name_en,kind,parent\nalpha,Alpha Corporation,company,grp\nnew-co,New Co,company,grp\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/organisation/units/import/", {"file": _upload(changed), "dry_run": "on"}
        )
    html = client.get(response["Location"]).content.decode()
    assert "Checked, nothing changed: 1 created, 1 updated, 0 unchanged" in html
    assert 'data-testid="job-first-rows"' in html
    assert "Would be created" in html and "<td>new-co</td>" in html
    assert "Would be updated" in html and "<td>alpha</td>" in html
    assert not OrgUnit.objects.filter(code="new-co").exists()
