"""The README's "A real installation", followed step by step on an empty database (migrated,
nothing loaded): the administrator, the organisation units, the people who sign in and their
roles, the HR master, then a CSR table exported elsewhere — and the dashboard saying what to
do first while no unit exists."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tatara.cycle.models import Initiative
from tatara.organisation.models import OrgUnit, Person, RoleAssignment

UNITS = (
    "code,name_en,name_ja,kind,parent,country,consolidated\n"
    "grp,Example Group,エグザンプルグループ,group,,JP,yes\n"
    "ex-jp,Example Japan,エグザンプル株式会社,company,grp,JP,yes\n"
    "ex-jp-plant,Nagoya Plant,名古屋工場,site,ex-jp,JP,yes\n"
    "ex-us,Example Americas,,company,grp,US,yes\n"
)
ROLES = "username,role,unit,with_descendants\ncsr,csr_admin,grp,yes\nrisk-us,company_risk_officer,ex-us,yes\n"
PEOPLE = (
    "employee_number,full_name,org_unit,email\n"
    "1001,Sato Hanako,ex-jp-plant,sato@example.com\n"
    "2001,Jane Miller,ex-us,jane@example.com\n"
)
TABLE = (
    "subject_no,subject,planned,results,rating,next_planned\n"
    '2,Organizational Governance,"Hold the CSR committee twice a year\nReview the CSR policy",'
    "Held twice,3,Hold it twice again\n"
    "5,The Environment,Cut CO2 per unit by 1%,,,\n"
)


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in {"units": UNITS, "roles": ROLES, "people": PEOPLE, "table": TABLE}.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_the_readme_path_from_an_empty_database(db, client, files, monkeypatch):
    assert not OrgUnit.objects.exists() and not get_user_model().objects.exists()
    # 1. the administrator
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password-0123")
    call_command("createsuperuser", "--noinput", username="admin", email="admin@example.com")
    assert client.login(username="admin", password="a-long-admin-password-0123")
    dashboard = client.get("/").content.decode()
    assert "Set up your group" in dashboard
    for url in ("/organisation/units/import/", "/admin/auth/user/add/", "/cycle/open/"):
        assert f'href="{url}"' in dashboard
    # 2. the organisation units (checked first, then applied)
    call_command("organisation", "import-units", str(files["units"]), "--dry-run")
    assert not OrgUnit.objects.exists()
    call_command("organisation", "import-units", str(files["units"]))
    assert OrgUnit.objects.count() == 4
    assert "Set up your group" not in client.get("/").content.decode()
    # 3. the people who sign in, in the Django admin, and their roles from a file
    for username in ("csr", "risk-us"):
        response = client.post(
            "/admin/auth/user/add/",
            {
                "username": username,
                "usable_password": "true",
                "password1": "a-long-user-password-0123",
                "password2": "a-long-user-password-0123",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    call_command("organisation", "import-roles", str(files["roles"]))
    assert RoleAssignment.objects.filter(active=True).count() == 2
    # 4. the HR master
    call_command("organisation", "import-people", str(files["people"]), "--as-of", "2026-04-01")
    assert Person.objects.filter(is_active=True).count() == 2
    # 5. a CSR table exported elsewhere opens its year
    call_command("cycle", "import", str(files["table"]), "--fy", "2019")
    assert Initiative.objects.filter(cycle__fiscal_year__year=2019).count() == 2
    # the CSR office signs in and sees it; the US risk officer sees only the US company
    client.logout()
    assert client.login(username="csr", password="a-long-user-password-0123")
    table = client.get("/cycle/2019/").content.decode()
    assert "Hold the CSR committee twice a year" in table
    client.logout()
    assert client.login(username="risk-us", password="a-long-user-password-0123")
    units = client.get("/api/v1/org-units/").json()
    assert {u["code"] for u in units.get("results", units)} == {"ex-us"}
