"""Organisation pages: the tree, a unit with its people and audit trail, people, HR import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tatara.core.models import AuditEvent
from tatara.organisation.models import Person


@pytest.fixture
def world(module_world, db):
    module_world.refresh()
    return module_world


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_tree_lists_units_parent_first(client, world):
    client.force_login(world.users["auditor"])
    html = page(client, "/organisation/")
    positions = [
        html.index(f"~{code}~")
        for code in ("grp", "alpha", "alpha-div", "alpha-site", "bravo", "bravo-div", "bravo-site")
    ]
    assert positions == sorted(positions)
    assert "/organisation/people/import/" not in html  # only managers see the import


def test_unit_page_shows_people_and_trail(client, world):
    client.force_login(world.users["csr_admin"])
    html = page(client, f"/organisation/units/{world.units['alpha-div'].pk}/")
    assert "Person ~alpha-div:person~" in html
    assert "org_unit.created" in html and "test-fixtures" in html  # the audit trail, with its actor
    assert "Person ~alpha-site:person~" not in html  # only the unit's own people


def test_people_list_searches_and_hides_leavers(client, world):
    Person.objects.filter(employee_number="EMP-bravo").update(is_active=False)
    client.force_login(world.users["auditor"])
    html = page(client, "/organisation/people/?q=bravo")
    assert "EMP-bravo-div" in html and "EMP-bravo-site" in html
    assert "EMP-bravo<" not in html and "EMP-alpha" not in html
    assert "EMP-bravo<" in page(client, "/organisation/people/?q=bravo&all=1")
    assert "EMP-alpha-div" in page(client, "/organisation/people/?q=~alpha-div:")


def upload(text, name="hr.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


FILE = (
    "employee_number,full_name,org_unit,email\n"
    "EMP-alpha,Person ~alpha:person~,alpha,emp-alpha@example.com\n"
    "EMP-alpha-div,Person ~alpha-div:person~,alpha-site,emp-alpha-div@example.com\n"  # a mover
    "N-1,New Joiner,bravo,n-1@example.com\n"
)


def test_import_page_checks_then_applies(client, world, django_capture_on_commit_callbacks):
    """The upload runs as a background job (tests/organisation/test_hr_import_job.py); its
    page shows the outcome."""
    client.force_login(world.users["csr_admin"])
    assert "HR master" in page(client, "/organisation/people/import/")
    before = list(Person.objects.order_by("pk").values())
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/organisation/people/import/",
            {"file": upload(FILE), "as_of": "2024-10-01", "dry_run": "on"},
        )
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    checked = client.get(started["Location"])
    html = checked.content.decode()
    assert "Checked, nothing changed" in html and "1 joiners, 1 movers" in html
    assert list(Person.objects.order_by("pk").values()) == before

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/organisation/people/import/", {"file": upload(FILE), "as_of": "2024-10-01"}
        )
    applied = client.get(started["Location"])
    assert "Applied: 1 joiners, 1 movers, 0 updated, 4 leavers" in applied.content.decode()
    assert Person.objects.get(employee_number="EMP-alpha-div").org_unit == world.units["alpha-site"]
    leaver = Person.objects.get(employee_number="EMP-bravo-div")
    assert (leaver.is_active, leaver.leave_date) == (False, dt.date(2024, 10, 1))
    event = AuditEvent.objects.filter(verb="people.imported").latest("id")
    assert event.actor == world.users["csr_admin"] and event.data["dry_run"] is False


def test_import_page_lists_every_error_and_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["csr_admin"])
    before = list(Person.objects.order_by("pk").values())
    bad = "employee_number,full_name,org_unit,email\nX-1,Bad,nowhere,\nX-2,Bad Mail,alpha,nope\n"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/organisation/people/import/", {"file": upload(bad), "as_of": "2024-10-01"}
        )
    html = client.get(started["Location"]).content.decode()
    assert "The file was refused: 2 problems. Nothing was changed." in html
    assert "<code>org_unit</code>" in html and "<code>email</code>" in html
    assert list(Person.objects.order_by("pk").values()) == before


def test_import_page_needs_organisation_manage(client, world):
    client.force_login(world.users["company_risk_officer"])
    before = list(Person.objects.order_by("pk").values())
    response = client.post(
        "/organisation/people/import/", {"file": upload(FILE), "as_of": "2024-10-01"}
    )
    assert response.status_code == 403
    assert list(Person.objects.order_by("pk").values()) == before
