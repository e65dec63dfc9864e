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

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import factories as f
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from export_control.screeners import Screener
from rest_framework.authtoken.models import Token

from tatara.core.models import AuditEvent, Job
from tatara.export_control import services
from tatara.export_control.models import Decision, Party, PartyBlock, ScreeningRun, Transaction
from tatara.organisation.roles import Role
from tatara.screening.models import BatchAlert, BatchScreening

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


# === export_control pages and API: the seven roles of tests/test_scope_matrix.py and the
# officer granted on company A ===============================================================
#
# Each division of the world (alpha-div, bravo-div) owns an item, a party and a transaction
# (a listed item to China: screened, awaiting a decision), made through the services and named
# with the unit's marker `~<code>:export~`. "A" targets are alpha-div's records, "B" targets
# bravo-div's — outside the scope of the company-A roles (company_risk_officer,
# compliance_dept, eco = export_control_officer_a). `{decision}` is an override (clearing a
# strong list hit) awaiting its second approval, made for the rows that need it.
#
# Besides the status: a GET 200 holds no `~<code>:export~` marker of a unit outside the
# viewer's scope (a company's officer never sees another company's transactions, parties or
# items); a refused POST left the database unchanged, an accepted one changed it.

EC_ROLES = (
    "anon",
    "csr_admin",
    "group_risk_officer",
    "company_risk_officer",
    "compliance_dept",
    "auditor",
    "employee",
    "eco",
)

# fmt: off
EC_EXPECTED = """
# method path                                          target | anon     csr  risk officer compl auditor employee eco
# --- pages -----------------------------------------------------------------------------------------------------------
GET   /export-control/                                    -   | 302      200  200  200     200   200     403      200
GET   /export-control/transactions/                       -   | 302      200  200  200     200   200     403      200
GET   /export-control/transactions/?outcome=licence_required&destination=CN - | 302 200 200 200 200 200 403 200
GET   /export-control/transactions/new/                   -   | 302      200  403  200     200   403     403      200
GET   /export-control/transactions/{tx}/                  A   | 302      200  200  200     200   200     403      200
GET   /export-control/transactions/{tx}/                  B   | 302      200  200  404     404   200     403      404
GET   /export-control/transactions/{tx}/edit/             A   | 302      200  403  200     200   403     403      200
GET   /export-control/transactions/{tx}/edit/             B   | 302      200  403  404     404   403     403      404
GET   /export-control/parties/                            -   | 302      200  200  200     200   200     403      200
GET   /export-control/parties/new/                        -   | 302      200  403  200     200   403     403      200
GET   /export-control/parties/{party}/                    A   | 302      200  200  200     200   200     403      200
GET   /export-control/parties/{party}/                    B   | 302      200  200  404     404   200     403      404
GET   /export-control/parties/{party}/edit/               A   | 302      200  403  200     200   403     403      200
GET   /export-control/parties/{party}/edit/               B   | 302      200  403  404     404   403     403      404
GET   /export-control/items/                              -   | 302      200  200  200     200   200     403      200
GET   /export-control/items/new/                          -   | 302      200  403  200     200   403     403      200
GET   /export-control/items/{item}/                       A   | 302      200  200  200     200   200     403      200
GET   /export-control/items/{item}/                       B   | 302      200  200  404     404   200     403      404
GET   /export-control/items/{item}/edit/                  A   | 302      200  403  200     200   403     403      200
GET   /export-control/items/{item}/edit/                  B   | 302      200  403  404     404   403     403      404
GET   /export-control/parties/import/                     -   | 302      200  403  200     200   403     403      200
GET   /export-control/items/import/                       -   | 302      200  403  200     200   403     403      200
GET   /export-control/parties/export/?format=csv          -   | 302      200  200  200     200   200     403      200
GET   /export-control/items/export/?format=csv            -   | 302      200  200  200     200   200     403      200
GET   /export-control/countries/                          -   | 302      200  200  200     200   200     403      200
GET   /export-control/summary/                            -   | 302      200  200  200     200   200     403      200
# --- page actions (302 = done and sent back to the page; for anon: sent to the login page) ---------------------------
POST  /export-control/transactions/new/                   A   | 302      302  403  302     302   403     403      302
POST  /export-control/transactions/new/                   B   | 302      302  403  400     400   403     403      400
POST  /export-control/transactions/{tx}/edit/             A   | 302      302  403  302     302   403     403      302
POST  /export-control/transactions/{tx}/edit/             B   | 302      302  403  404     404   403     403      404
POST  /export-control/transactions/{tx}/decide/           A   | 302      302  403  403     403   403     403      302
POST  /export-control/transactions/{tx}/decide/           B   | 302      302  403  404     404   403     403      404
POST  /export-control/transactions/{tx}/screen/           A   | 302      302  403  302     302   403     403      302
POST  /export-control/transactions/{tx}/screen/           B   | 302      302  403  404     404   403     403      404
POST  /export-control/decisions/{decision}/approve/       A   | 302      302  302  403     403   403     403      403
POST  /export-control/decisions/{decision}/approve/       B   | 302      302  302  404     404   403     403      404
POST  /export-control/parties/new/                        A   | 302      302  403  302     302   403     403      302
POST  /export-control/parties/{party}/edit/               A   | 302      302  403  302     302   403     403      302
POST  /export-control/parties/{party}/edit/               B   | 302      302  403  404     404   403     403      404
POST  /export-control/parties/{party}/screen/             A   | 302      302  403  302     302   403     403      302
POST  /export-control/parties/{party}/screen/             B   | 302      302  403  404     404   403     403      404
POST  /export-control/parties/{party}/block/              A   | 302      302  403  403     403   403     403      302
POST  /export-control/parties/{party}/block/              B   | 302      302  403  404     404   403     403      404
GET   /export-control/batch-alerts/{alert}/block/         A   | 302      200  403  403     403   403     403      200
GET   /export-control/batch-alerts/{alert}/block/         B   | 302      200  403  404     404   403     403      404
POST  /export-control/batch-alerts/{alert}/block/         A   | 302      302  403  403     403   403     403      302
POST  /export-control/batch-alerts/{alert}/block/         B   | 302      302  403  404     404   403     403      404
POST  /export-control/items/new/                          A   | 302      302  403  302     302   403     403      302
POST  /export-control/items/{item}/edit/                  A   | 302      302  403  302     302   403     403      302
POST  /export-control/items/{item}/edit/                  B   | 302      302  403  404     404   403     403      404
POST  /export-control/parties/import/                     A   | 302      302  403  302     302   403     403      302
POST  /export-control/parties/import/                     B   | 302      302  403  400     400   403     403      400
POST  /export-control/items/import/                       A   | 302      302  403  302     302   403     403      302
POST  /export-control/items/import/                       B   | 302      302  403  400     400   403     403      400
# --- API -------------------------------------------------------------------------------------------------------------
GET   /api/v1/export-control/transactions/                -   | 401/403  200  200  200     200   200     200      200
GET   /api/v1/export-control/transactions/{tx}/           A   | 401/403  200  200  200     200   200     404      200
GET   /api/v1/export-control/transactions/{tx}/           B   | 401/403  200  200  404     404   200     404      404
GET   /api/v1/export-control/transactions/{tx}/runs/      A   | 401/403  200  200  200     200   200     404      200
GET   /api/v1/export-control/transactions/{tx}/runs/      B   | 401/403  200  200  404     404   200     404      404
GET   /api/v1/export-control/parties/                     -   | 401/403  200  200  200     200   200     200      200
GET   /api/v1/export-control/parties/{party}/             A   | 401/403  200  200  200     200   200     404      200
GET   /api/v1/export-control/parties/{party}/             B   | 401/403  200  200  404     404   200     404      404
GET   /api/v1/export-control/items/                       -   | 401/403  200  200  200     200   200     200      200
GET   /api/v1/export-control/items/{item}/                A   | 401/403  200  200  200     200   200     404      200
GET   /api/v1/export-control/items/{item}/                B   | 401/403  200  200  404     404   200     404      404
GET   /api/v1/export-control/parties/export/?format=csv   -   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/export-control/items/export/?format=csv     -   | 401/403  200  200  200     200   200     403      200
GET   /api/v1/export-control/decisions/                   -   | 401/403  200  200  200     200   200     200      200
GET   /api/v1/export-control/control-rows/                -   | 401/403  200  200  200     200   200     200      200
GET   /api/v1/export-control/countries/                   -   | 401/403  200  200  200     200   200     200      200
POST  /api/v1/export-control/transactions/{tx}/screen/    A   | 401/403  200  403  200     200   403     404      200
POST  /api/v1/export-control/transactions/{tx}/screen/    B   | 401/403  200  403  404     404   403     404      404
POST  /api/v1/export-control/parties/{party}/screen/      A   | 401/403  200  403  200     200   403     404      200
POST  /api/v1/export-control/parties/{party}/screen/      B   | 401/403  200  403  404     404   403     404      404
POST  /api/v1/export-control/parties/{party}/block/       A   | 401/403  200  403  403     403   403     404      200
POST  /api/v1/export-control/parties/{party}/block/       B   | 401/403  200  403  404     404   403     404      404
POST  /api/v1/export-control/parties/block-from-alert/    A   | 401/403  201  403  403     403   403     404      201
POST  /api/v1/export-control/parties/block-from-alert/    B   | 401/403  201  403  404     404   403     404      404
POST  /api/v1/export-control/decisions/                   A   | 401/403  201  403  403     403   403     403      201
POST  /api/v1/export-control/decisions/                   B   | 401/403  201  403  403     403   403     403      400
POST  /api/v1/export-control/decisions/{decision}/approve/ A  | 401/403  200  200  403     403   403     404      403
POST  /api/v1/export-control/decisions/{decision}/approve/ B  | 401/403  200  200  404     404   403     404      404
POST  /api/v1/export-control/parties/import/              A   | 401/403  202  403  202     202   403     403      202
POST  /api/v1/export-control/parties/import/              B   | 401/403  202  403  400     400   403     403      400
POST  /api/v1/export-control/items/import/                A   | 401/403  202  403  202     202   403     403      202
POST  /api/v1/export-control/items/import/                B   | 401/403  202  403  400     400   403     403      400
"""
# fmt: on

EC_TARGETS = {"A": "alpha-div", "B": "bravo-div"}
EC_ECO_UNIT = "alpha"

EC_BODIES: dict[str, dict[str, Any]] = {
    "/export-control/transactions/new/": {
        "org_unit": "{unit}",
        "reference": "NEW-{unit_code}",
        "transaction_kind": "shipment",
        "date": "2019-07-01",
        "destination": "DE",
        "item_0": "{item}",
        "quantity_0": "2",
        "party_0": "{party}",
        "role_0": "customer",
    },
    "/export-control/transactions/{tx}/edit/": {
        "reference": "EDITED-{unit_code}",
        "transaction_kind": "shipment",
        "date": "2019-07-01",
        "destination": "US",
        "item_0": "{item}",
        "quantity_0": "2",
    },
    "/export-control/transactions/{tx}/decide/": {"decision_kind": "block", "reason": "Matrix"},
    "/export-control/transactions/{tx}/screen/": {},
    "/export-control/decisions/{decision}/approve/": {},
    "/export-control/parties/new/": {
        "org_unit": "{unit}",
        "name": "New party {unit_code}",
        "party_kind": "entity",
        "country": "DE",
    },
    "/export-control/parties/{party}/edit/": {
        "name": "Edited party",
        "party_kind": "entity",
        "country": "FR",
    },
    "/export-control/parties/{party}/screen/": {},
    "/export-control/parties/{party}/block/": {"reason": "Matrix"},
    "/export-control/batch-alerts/{alert}/block/": {"party": "new", "reason": "Matrix"},
    "/api/v1/export-control/parties/{party}/block/": {"reason": "Matrix"},
    "/api/v1/export-control/parties/block-from-alert/": {"alert": "{alert}", "reason": "Matrix"},
    "/export-control/items/new/": {
        "org_unit": "{unit}",
        "code": "NEW-{unit_code}",
        "name": "New item",
        "item_kind": "goods",
    },
    "/export-control/items/{item}/edit/": {
        "code": "EDITED",
        "name": "Edited",
        "item_kind": "goods",
    },
    "/api/v1/export-control/transactions/{tx}/screen/": {},
    "/api/v1/export-control/parties/{party}/screen/": {},
    "/api/v1/export-control/decisions/": {
        "transaction": "{tx}",
        "decision_kind": "block",
        "reason": "Matrix",
    },
    "/api/v1/export-control/decisions/{decision}/approve/": {},
    # imports: the upload (a "file" body is sent as multipart) becomes a job, which the matrix
    # does not run (its transaction never commits); the default unit is the target's
    "/export-control/parties/import/": {
        "file": "code,name\nM-{unit_code},Matrix party\n",
        "org_unit": "{unit}",
    },
    "/export-control/items/import/": {
        "file": "code,name\nM-{unit_code},Matrix item\n",
        "org_unit": "{unit}",
    },
    "/api/v1/export-control/parties/import/": {
        "file": "code,name\nM-{unit_code},Matrix party\n",
        "unit": "{unit_code}",
    },
    "/api/v1/export-control/items/import/": {
        "file": "code,name\nM-{unit_code},Matrix item\n",
        "unit": "{unit_code}",
    },
}


@dataclass(frozen=True)
class EcCase:
    method: str
    path: str
    target: str
    expected: str

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def ec_params() -> list[Any]:
    found = []
    for line in EC_EXPECTED.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, right = line.split("|")
        method, path, target = left.split()
        for role, expected in zip(EC_ROLES, right.split(), strict=True):
            case = EcCase(method, path, target, expected)
            found.append(pytest.param(case, role, id=f"{method} {path} [{target}]-{role}"))
    return found


def ec_marker(code: str) -> str:
    return f"~{code}:export~"


# --- data -------------------------------------------------------------------------------------


@pytest.fixture
def ec_world(module_world, db):
    module_world.refresh()
    return module_world


@pytest.fixture(scope="module")
def export_data(module_world, users, django_db_blocker):
    """The export-control officer and, at each division, an item, a party and a screened
    transaction (rolled back with the module world)."""
    ids: dict[str, Any] = {}
    with django_db_blocker.unblock():
        ids["eco"] = users["export_control_officer_a"]  # granted on EC_ECO_UNIT
        deciders = {}
        for code in EC_TARGETS.values():
            unit = module_world.units[code]
            system = module_world.system
            item = services.create_item(
                actor=system,
                org_unit=unit,
                code=f"I-{code}",
                name=f"Steel {ec_marker(code)}",
                control_row="4",
            )
            party = services.create_party(
                actor=system,
                org_unit=unit,
                name=f"Customer {ec_marker(code)}",
                country="CN",
                screener=Screener(),
            )
            tx = services.create_transaction(
                actor=system,
                org_unit=unit,
                reference=f"TX-{ec_marker(code)}",
                date=dt.date(2019, 6, 1),
                destination="CN",
                lines=[(item, 5, "kg")],
                parties=[(party, "customer")],
                end_use=f"Shafts {ec_marker(code)}",
                screener=Screener(),
            )
            batch = BatchScreening.objects.create(
                org_unit=unit, file_name=f"batch-{code}.csv", created_by_label="matrix", counts={}
            )
            alert = BatchAlert.objects.create(
                batch=batch,
                row=2,
                name=f"Listed Co {ec_marker(code)}",
                outcome="strong",
                best_score=0.99,
                hits=[],
                status="confirmed",
                reason="Matrix",
            )
            ids[code] = {"item": item.pk, "party": party.pk, "tx": tx.pk, "alert": alert.pk}
            deciders[code] = f.UserFactory(username=f"decider-{code}")
            f.grant(deciders[code], Role.EXPORT_CONTROL_OFFICER, unit)
        ids["deciders"] = deciders
    yield ids


def ec_make_override(world: Any, data: dict[str, Any], code: str) -> int:
    """A strong list hit cleared by the division's own officer: waits for a second approval."""
    unit = world.units[code]
    screener = Screener()
    party = services.create_party(
        actor=world.system, org_unit=unit, name="Rosoboronexport", screener=screener
    )
    tx = services.create_transaction(
        actor=world.system,
        org_unit=unit,
        reference=f"HIT-{ec_marker(code)}",
        date=dt.date(2019, 6, 2),
        destination="DE",
        parties=[(party, "customer")],
        screener=screener,
    )
    decision = services.decide(
        actor=data["deciders"][code], transaction=tx, decision_kind="clear", reason="Namesake"
    )
    assert decision.is_pending_approval
    return decision.pk


def ec_fill(template: Any, world: Any, data: dict[str, Any], target: str) -> Any:
    if isinstance(template, dict):
        return {k: ec_fill(v, world, data, target) for k, v in template.items()}
    if not isinstance(template, str):
        return template
    code = EC_TARGETS.get(target, "alpha-div")
    ids = data[code]
    return template.format(
        tx=ids["tx"],
        party=ids["party"],
        item=ids["item"],
        decision=ids.get("decision", 0),
        alert=ids["alert"],
        unit=world.units[code].pk,
        unit_code=code,
    )


def ec_user_of(world: Any, data: dict[str, Any], role: str) -> Any:
    return data["eco"] if role == "eco" else world.users[role]


def ec_visible_codes(world: Any, role: str) -> set[str]:
    if role == "anon":
        return set()
    if role == "eco":
        top = world.units[EC_ECO_UNIT]
        return {c for c, u in world.units.items() if u.path.startswith(top.path)}
    return world.unit_codes_visible_to(role)


def ec_state() -> tuple[Any, ...]:
    return (
        list(Transaction.objects.order_by("pk").values()),
        list(Decision.objects.order_by("pk").values()),
        list(Party.objects.order_by("pk").values("pk", "name", "screened_at")),
        PartyBlock.objects.count(),
        ScreeningRun.objects.count(),
        AuditEvent.objects.count(),
        Job.objects.count(),
    )


# --- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "role"), ec_params())
def test_export_control_scope(case: EcCase, role: str, ec_world: Any, export_data: Any) -> None:
    world, data = ec_world, export_data
    code = EC_TARGETS.get(case.target, "alpha-div")
    if "{decision}" in case.path:
        data[code]["decision"] = ec_make_override(world, data, code)
    path = ec_fill(case.path, world, data, case.target)
    client = Client()
    if role != "anon":
        user = ec_user_of(world, data, role)
        if case.is_api:
            token, _created = Token.objects.get_or_create(user=user)
            client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        else:
            client.force_login(user)
    before = ec_state() if case.method == "POST" else None
    if case.method == "GET":
        response = client.get(path)
    elif "file" in EC_BODIES[case.path]:
        body = ec_fill(EC_BODIES[case.path], world, data, case.target)
        body["file"] = SimpleUploadedFile("records.csv", body["file"].encode(), "text/csv")
        response = client.post(path, body)
    elif case.is_api:
        body = ec_fill(EC_BODIES[case.path], world, data, case.target)
        response = client.post(path, json.dumps(body), content_type="application/json")
    else:
        response = client.post(path, ec_fill(EC_BODIES[case.path], world, data, case.target))
    allowed = {int(s) for s in case.expected.split("/")}
    assert response.status_code in allowed, (
        f"{case.method} {path} as {role}: {response.status_code}, expected {case.expected}"
    )
    if case.method == "GET" and response.status_code == 200:
        body = response.content.decode()
        for other, _unit in world.units.items():
            if other not in ec_visible_codes(world, role):
                assert ec_marker(other) not in body, f"{role} sees {other}'s data on {path}"
    if case.method == "POST":
        changed = ec_state() != before
        if response.status_code in (200, 201, 202, 302) and role != "anon":
            assert changed, f"{case.method} {path} as {role} answered {response.status_code} "
            "but changed nothing"
        else:
            assert not changed, f"{case.method} {path} as {role} was refused but changed data"
