"""The scope matrix of the batch screening review (screening/batch_views.py, batch_api.py):
the seven roles of tests/test_scope_matrix.py and an export-control officer granted on
company A (`eco`), against a batch of alpha-div ("A") and one of bravo-div ("B").

Each test stores, in its own transaction, a batch per division with a strong alert to review
(`{alert}`) and one whose clearing by the division's own officer awaits a second approval
(`{awaiting}`); file names and names carry the unit's marker `~<code>:batch~`. Besides the
status: a GET 200 holds no marker of a unit outside the viewer's scope; a refused POST leaves
the alerts and the audit trail unchanged, an accepted one changes them.
"""

from __future__ import annotations

import json
from typing import Any

import factories as f
import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tatara.core.models import AuditEvent
from tatara.organisation.roles import Role
from tatara.screening import batch, name_screening
from tatara.screening import batch_review as review
from tatara.screening.models import BatchAlert
from tatara.screening.name_screening import HitView, ScreeningResult

ROLES = (
    "anon",
    "csr_admin",
    "group_risk_officer",
    "company_risk_officer",
    "compliance_dept",
    "auditor",
    "employee",
    "eco",
)
TARGETS = {"A": "alpha-div", "B": "bravo-div"}

# fmt: off
EXPECTED = """
# method path                                       target | anon     csr  risk officer compl auditor employee eco
GET   /screening/batch/                                -   | 302      200  200  200     200   200     403      200
GET   /screening/batch/{batch}/                        A   | 302      200  200  200     200   200     403      200
GET   /screening/batch/{batch}/                        B   | 302      200  200  404     404   200     403      404
GET   /screening/batch/{batch}/?status=all             A   | 302      200  200  200     200   200     403      200
GET   /screening/batch/{batch}/review.xlsx             A   | 302      200  200  200     200   200     403      200
GET   /screening/batch/{batch}/review.xlsx             B   | 302      200  200  404     404   200     403      404
POST  /screening/batch/alerts/{alert}/decide/          A   | 302      302  403  403     403   403     403      302
POST  /screening/batch/alerts/{alert}/decide/          B   | 302      302  403  404     404   403     403      404
POST  /screening/batch/alerts/{awaiting}/approve/      A   | 302      302  302  403     403   403     403      403
POST  /screening/batch/alerts/{awaiting}/approve/      B   | 302      302  302  404     404   403     403      404
GET   /api/v1/screening/batches/                       -   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/screening/batches/{batch}/               A   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/screening/batches/{batch}/               B   | 401/403  200  200  404     404   200     403      404
GET   /api/v1/screening/alerts/                        -   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/screening/alerts/{alert}/                A   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/screening/alerts/{alert}/                B   | 401/403  200  200  404     404   200     403      404
POST  /api/v1/screening/alerts/{alert}/decide/         A   | 401/403  200  403  403     403   403     403      200
POST  /api/v1/screening/alerts/{alert}/decide/         B   | 401/403  200  403  404     404   403     403      404
POST  /api/v1/screening/alerts/{awaiting}/approve/     A   | 401/403  200  200  403     403   403     403      403
POST  /api/v1/screening/alerts/{awaiting}/approve/     B   | 401/403  200  200  404     404   403     403      404
"""
# fmt: on


def params() -> list[Any]:
    found = []
    for line in EXPECTED.strip().splitlines():
        if line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        method, path, target = left.split()
        for role, expected in zip(ROLES, right.split(), strict=True):
            found.append(
                pytest.param(
                    method, path, target, expected, role, id=f"{method} {path} [{target}]-{role}"
                )
            )
    return found


def marker(code: str) -> str:
    return f"~{code}:batch~"


def stored_batch(unit: Any, decider: Any) -> dict[str, int]:
    code = unit.code
    rows = []
    for n in (2, 3):
        party = batch.Party(n, f"Customer {n} {marker(code)}", "CN", None, None)
        hit = HitView(0.95, 0.95, "un", "UN", f"X.{n}", None, "Listed Name", "entity", (), ())
        result = ScreeningResult(party.name, (hit,), name_screening.outcome_of([hit]), (1,))
        rows.append(batch.RowResult(party, result))
    stored = review.store_batch(
        actor=decider,
        org_unit=unit,
        file_name=f"master {marker(code)}.csv",
        result=batch.BatchResult(rows, (1,)),
    )
    pending, awaiting = stored.alerts.order_by("row")
    review.decide_alert(actor=decider, alert=awaiting, decision="clear", reason="namesake")
    return {"batch": stored.pk, "alert": pending.pk, "awaiting": awaiting.pk}


@pytest.fixture
def data(module_world: Any, db: None) -> dict[str, Any]:
    module_world.refresh()
    eco = f.UserFactory(username="batch-eco")
    f.grant(eco, Role.EXPORT_CONTROL_OFFICER, module_world.units["alpha"])
    found: dict[str, Any] = {"world": module_world, "eco": eco}
    for key, code in TARGETS.items():
        decider = f.UserFactory(username=f"batch-decider-{code}")
        f.grant(decider, Role.EXPORT_CONTROL_OFFICER, module_world.units[code])
        found[key] = stored_batch(module_world.units[code], decider)
    return found


def visible_codes(world: Any, role: str) -> set[str]:
    if role == "eco":
        top = world.units["alpha"]
        return {c for c, u in world.units.items() if u.path.startswith(top.path)}
    return world.unit_codes_visible_to(role)


def state() -> tuple[Any, ...]:
    return (
        list(BatchAlert.objects.order_by("pk").values("pk", "status", "reason", "approved_at")),
        AuditEvent.objects.count(),
    )


BODIES = {"decide": {"decision": "confirm", "reason": "same person"}}


@pytest.mark.parametrize(("method", "path", "target", "expected", "role"), params())
def test_batch_review_scope(
    data: dict[str, Any], method: str, path: str, target: str, expected: str, role: str
) -> None:
    world = data["world"]
    ids = data.get(target, data["A"])
    url = path.format(**ids)
    client = Client()
    if role != "anon":
        user = data["eco"] if role == "eco" else world.users[role]
        if url.startswith("/api/"):
            token, _created = Token.objects.get_or_create(user=user)
            client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        else:
            client.force_login(user)
    before = state()
    if method == "GET":
        response = client.get(url)
    else:
        body = dict(BODIES.get(url.rstrip("/").rsplit("/", 1)[-1], {}))
        if url.startswith("/api/"):
            response = client.post(url, json.dumps(body), content_type="application/json")
        else:
            prefixed = {f"a{ids['alert']}-{k}": v for k, v in body.items()}
            response = client.post(url, prefixed)
    allowed = {int(s) for s in expected.split("/")}
    assert response.status_code in allowed, (
        f"{method} {url} as {role}: {response.status_code}, expected {expected}"
    )
    if method == "GET" and response.status_code == 200 and role != "anon":
        content = response.content
        text = content.decode("utf-8", "replace") if not url.endswith(".xlsx") else ""
        if url.endswith(".xlsx"):
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(content)).active
            text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)  # type: ignore[union-attr]
        for code in world.units:
            if code not in visible_codes(world, role):
                assert marker(code) not in text, f"{role} sees {code}'s batch on {url}"
    if method == "POST":
        changed = state() != before
        if response.status_code in (200, 302) and role != "anon":
            assert changed, f"{method} {url} as {role} answered {response.status_code}, no change"
        else:
            assert not changed, f"{method} {url} as {role} was refused but changed data"
