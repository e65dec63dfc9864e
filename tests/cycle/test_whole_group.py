"""`cycle.manage` on one company does not act on the whole group: opening a year, changing its
deadlines, moving its phase and carrying it forward need the grant on the group (issue 10:
a subsidiary's CSR admin could carry the group's year forward through the API)."""

import pytest
from django.core.exceptions import PermissionDenied

from tatara.core.models import AuditEvent
from tatara.core.permissions import holds_everywhere
from tatara.cycle import services
from tatara.cycle.models import CycleYear


@pytest.fixture
def company_admin(world, make_user, grant):
    user = make_user(username="alpha-csr")
    grant(user, "csr_admin", world.units["alpha"])
    return user


def _state():
    return (
        list(CycleYear.objects.values_list("fiscal_year__year", "phase", "plan_due")),
        AuditEvent.objects.count(),
    )


def test_a_company_grant_is_not_the_whole_group(world, company_admin):
    assert not holds_everywhere(company_admin, "cycle.manage")
    assert holds_everywhere(world.users["csr_admin"], "cycle.manage")
    before = _state()
    with pytest.raises(PermissionDenied):
        services.open_year(actor=company_admin, year=world.year + 5)
    with pytest.raises(PermissionDenied):
        services.set_phase(actor=company_admin, cycle=world.cycle, phase="results")
    with pytest.raises(PermissionDenied):
        services.update_year(
            actor=company_admin,
            cycle=world.cycle,
            plan_due=None,
            results_due=None,
            review_due=None,
        )
    with pytest.raises(PermissionDenied):
        services.carry_forward(actor=company_admin, cycle=world.cycle, allow_unconfirmed=True)
    assert _state() == before


def test_the_api_refuses_a_company_admins_carry_forward_and_year_opening(
    client, world, company_admin
):
    client.force_login(company_admin)
    before = _state()
    url = f"/api/v1/fiscal-years/{world.year}/carry-forward/"
    assert client.post(url).status_code == 403
    assert client.post("/api/v1/fiscal-years/", {"year": world.year + 5}).status_code == 403
    patch = client.patch(
        f"/api/v1/fiscal-years/{world.year}/", {"note": "x"}, content_type="application/json"
    )
    assert patch.status_code == 403
    assert _state() == before


def test_the_group_csr_office_still_opens_a_year(world):
    cycle = services.open_year(actor=world.users["csr_admin"], year=world.year + 5)
    assert cycle.fiscal_year.year == world.year + 5
