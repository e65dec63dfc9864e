"""The Django admin keeps the scope paths right: units are created and moved by the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tatara.core.models import AuditEvent
from tatara.organisation.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-not-used-1")
    client.force_login(admin)
    return client


def unit_form(unit: OrgUnit | None = None, **changes):
    data = {
        "code": "",
        "name": "",
        "kind": "",
        "parent": "",
        "country": "",
        "consolidated": "on",
        "is_active": "on",
        "language": "en",
        "translations": "{}",
    }
    if unit is not None:
        data.update(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            parent=unit.parent_id or "",
            country=unit.country,
        )
    data.update(changes)
    return data


def test_units_created_and_moved_in_the_admin_get_right_paths(admin_client):
    add = "/admin/organisation/orgunit/add/"
    assert (
        admin_client.post(add, unit_form(code="g", name="Group", kind="group")).status_code == 302
    )
    group = OrgUnit.objects.get(code="g")
    for code, name in (("a", "Company A"), ("b", "Company B")):
        response = admin_client.post(
            add, unit_form(code=code, name=name, kind="company", parent=group.pk)
        )
        assert response.status_code == 302
    a, b = OrgUnit.objects.get(code="a"), OrgUnit.objects.get(code="b")
    admin_client.post(add, unit_form(code="site", name="Site", kind="site", parent=a.pk))
    site = OrgUnit.objects.get(code="site")
    assert (group.path, a.path, site.path) == (
        f"/{group.pk}/",
        f"/{group.pk}/{a.pk}/",
        f"{a.path}{site.pk}/",
    )

    response = admin_client.post(
        f"/admin/organisation/orgunit/{site.pk}/change/", unit_form(site, parent=b.pk)
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.parent_id == b.pk and site.path == f"{b.path}{site.pk}/"
    assert AuditEvent.objects.filter(verb="org_unit.moved", target_id=str(site.pk)).exists()
