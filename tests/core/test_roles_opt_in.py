"""Roles are opt-in per area: a wildcard pattern ("*.view", "*") reaches only the areas that
named the role (organisation/roles.py WILDCARD_AREAS); a new area's actions go to no one until
it says who (issue 10: "*.view" would have handed a future hotline.view to the auditor)."""

import re
from pathlib import Path

import pytest

from tatara.core.permissions import can, role_allows
from tatara.organisation import roles
from tatara.organisation.roles import ROLE_PERMISSIONS, WILDCARD_AREAS, Role

SRC = Path(roles.__file__).resolve().parents[1]
ACTION = re.compile(r"\"([a-z_]+)\.(view|export|change|submit|approve|review|manage)\"")


@pytest.mark.parametrize("role", Role.values)
def test_a_new_area_is_granted_to_no_role_by_a_wildcard(role):
    for verb in ("view", "export", "change", "submit", "approve", "review", "manage"):
        assert not role_allows(role, f"hotline.{verb}"), (role, verb)


def test_a_pattern_that_names_the_area_grants_it(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AUDITOR, ("*.view", "hotline.view"))
    assert role_allows(Role.AUDITOR, "hotline.view")
    assert not role_allows(Role.AUDITOR, "hotline.change")


def test_an_area_that_opts_a_role_in_gets_its_wildcards(monkeypatch):
    monkeypatch.setitem(WILDCARD_AREAS, "hotline", frozenset({Role.CSR_ADMIN}))
    assert role_allows(Role.CSR_ADMIN, "hotline.manage")
    assert not role_allows(Role.AUDITOR, "hotline.view")


def test_every_area_the_code_checks_has_opted_its_roles_in():
    """An area whose actions the code checks but which is missing from WILDCARD_AREAS would
    lose every wildcard grant at once: the table names every such area, and no other."""
    used = {
        match.group(1)
        for path in SRC.rglob("*.py")
        for match in ACTION.finditer(path.read_text(encoding="utf-8"))
    }
    assert used == set(WILDCARD_AREAS), used ^ set(WILDCARD_AREAS)


def test_the_auditor_still_reads_every_area_it_did(world):
    auditor = world.users["auditor"]
    for area in ("cycle", "kpis", "emissions", "export_control", "screening", "organisation"):
        assert can(auditor, f"{area}.view") and not can(auditor, f"{area}.change")
