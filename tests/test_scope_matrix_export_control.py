"""The scope matrix of the export-control officer's areas (screening, export_control).

tests/test_scope_matrix.py has seven role columns and no export-control officer; this
table adds the officer, granted on the group root (`export_control_officer`) and on
company A only (`export_control_officer_a`), beside the roles that bound it: the group risk
officer (`*.view`, `*.approve`), the auditor (read-only) and the employee (nothing). Rows are
additive: each area appends its pages and endpoints (and, for a POST, its body in BODIES).

For a POST, `WRITES` lists the paths that store something: a refused request must leave the
state unchanged, an accepted one change it. Screening a name stores nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import factories as f
import pytest
from django.conf import settings
from django.test import Client

from tatara.core.models import AuditEvent, Job

ROLES = (
    "anon",
    "export_control_officer",
    "export_control_officer_a",
    "group_risk_officer",
    "auditor",
    "employee",
)

# fmt: off
EXPECTED = """
# method path                                          | anon     eco  eco_a risk auditor employee
# --- screening pages ------------------------------------------------------------------------
GET   /screening/                                      | 302      200  200   200  200     403
GET   /screening/screen/?name=Hanako+Yamamoto          | 302      200  200   200  200     403
GET   /screening/batch/                                | 302      200  200   200  200     403
# --- screening API --------------------------------------------------------------------------
GET   /api/v1/screening/lists/                         | 401/403  200  200   200  200     403
GET   /api/v1/screening/versions/                      | 401/403  200  200   200  200     403
POST  /api/v1/screening/screen/                        | 401/403  200  200   200  200     403
"""
# fmt: on

BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/screening/screen/": {"name": "Hanako Yamamoto", "country": "JP"},
}
WRITES: set[str] = set()


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: str

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def parse(table: str) -> list[tuple[Case, str]]:
    cases = []
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        method, path = left.split()
        for role, expected in zip(ROLES, right.split(), strict=True):
            cases.append((Case(method, path, expected), role))
    return cases


@pytest.fixture(scope="module")
def users(module_world: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        found = {
            key: module_world.users[key] for key in ("group_risk_officer", "auditor", "employee")
        }
        officer = f.UserFactory(username="export_control_officer")
        f.grant(officer, "export_control_officer", module_world.units["grp"])
        officer_a = f.UserFactory(username="export_control_officer_a")
        f.grant(officer_a, "export_control_officer", module_world.units["alpha"])
        found["export_control_officer"] = officer
        found["export_control_officer_a"] = officer_a
    return found


@pytest.fixture(scope="module")
def sessions(users: dict[str, Any], django_db_blocker: Any) -> dict[str, str]:
    with django_db_blocker.unblock():
        cookies = {}
        for role in ROLES[1:]:
            browser = Client()
            browser.force_login(users[role])
            cookies[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def state() -> tuple[Any, ...]:
    return (AuditEvent.objects.count(), Job.objects.count())


def test_the_table_covers_every_role() -> None:
    rows = {(c.method, c.path) for c, _ in parse(EXPECTED)}
    assert len(parse(EXPECTED)) == len(rows) * len(ROLES)
    assert {p for m, p in rows if m == "POST"} == set(BODIES)


@pytest.mark.parametrize(
    ("case", "role"),
    [pytest.param(c, r, id=f"{c.method} {c.path}-{r}") for c, r in parse(EXPECTED)],
)
def test_scope(sessions: dict[str, str], db: None, client: Client, case: Case, role: str) -> None:
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    before = state()
    if case.method == "GET":
        response = client.get(case.path)
    elif case.is_api:
        response = client.post(
            case.path, data=json.dumps(BODIES[case.path]), content_type="application/json"
        )
    else:
        response = client.post(case.path, data=BODIES[case.path])
    allowed = {int(code) for code in case.expected.split("/")}
    assert response.status_code in allowed, (
        f"{role}: {case.method} {case.path} gave {response.status_code}, expected {case.expected}"
    )
    if role == "anon" and not case.is_api:
        assert response["Location"].startswith("/accounts/login/?next=")
    if case.method == "POST":
        refused = response.status_code >= 400 or role == "anon"
        if refused or case.path not in WRITES:
            assert state() == before, f"{role}'s {case.method} {case.path} changed data"
        else:
            assert state() != before, f"{role}'s accepted {case.method} {case.path} changed nothing"
