"""Shared fixtures for every area's tests.

`world` is a small group with one user per role, built through the real services:

    grp  Group Holdings (group)           csr_admin, group_risk_officer, auditor
    ├── alpha  Alpha Co (company A, JP)   company_risk_officer
    │   ├── alpha-div  (division)         compliance_dept          initiative (draft), person
    │   └── alpha-site (site)             employee                 person
    └── bravo  Bravo Co (company B, US)   officer_b (company_risk_officer)
        ├── bravo-div  (division)                                  initiative (draft), person
        └── bravo-site (site)                                      person

alpha and bravo each own a confirmed initiative (ratings 3 and 2) of FY `world.year`; every
role is granted with its unit's descendants. Every piece of data carries its unit's marker,
`~<code>~` in unit names and `~<code>:` in initiative texts and people's names, so that a test
can tell whose data a page or file shows (see `World.markers_outside`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import factories as f
import pytest
from django.db import transaction
from django.test.utils import override_settings

from tatara.cycle import services as cycle_services
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit, Person
from tatara.organisation.roles import Role

YEAR = 2024

# code, name, kind, parent code, country
UNITS = [
    ("grp", "Group Holdings", UnitKind.GROUP, None, "JP"),
    ("alpha", "Alpha Co", UnitKind.COMPANY, "grp", "JP"),
    ("alpha-div", "Alpha Division", UnitKind.DIVISION, "alpha", "JP"),
    ("alpha-site", "Alpha Site", UnitKind.SITE, "alpha", "JP"),
    ("bravo", "Bravo Co", UnitKind.COMPANY, "grp", "US"),
    ("bravo-div", "Bravo Division", UnitKind.DIVISION, "bravo", "US"),
    ("bravo-site", "Bravo Site", UnitKind.SITE, "bravo", "US"),
]

# user key (= username) → (role, unit code)
USERS = {
    "csr_admin": (Role.CSR_ADMIN, "grp"),
    "group_risk_officer": (Role.GROUP_RISK_OFFICER, "grp"),
    "auditor": (Role.AUDITOR, "grp"),
    "company_risk_officer": (Role.COMPANY_RISK_OFFICER, "alpha"),
    "compliance_dept": (Role.COMPLIANCE_DEPT, "alpha-div"),
    "employee": (Role.EMPLOYEE, "alpha-site"),
    "officer_b": (Role.COMPANY_RISK_OFFICER, "bravo"),
}

# owner unit code → (subject number, state, rating)
INITIATIVES = {
    "alpha": (2, Status.CONFIRMED, 3),
    "alpha-div": (3, Status.DRAFT, None),
    "bravo": (2, Status.CONFIRMED, 2),
    "bravo-div": (3, Status.DRAFT, None),
}


def unit_marker(code: str) -> str:
    return f"~{code}~"


def data_marker(code: str, kind: str) -> str:
    return f"~{code}:{kind}~"


@dataclass
class World:
    year: int
    cycle: CycleYear
    units: dict[str, OrgUnit]
    users: dict[str, Any]
    people: dict[str, Person]
    initiatives: dict[str, Initiative]
    system: Any = field(default=f.SYSTEM)

    def unit_codes_visible_to(self, key: str) -> set[str]:
        """Unit codes inside the scope of user `key` (its unit and everything below)."""
        role, code = USERS[key]
        if role == Role.EMPLOYEE:
            return set()  # an employee's role grants nothing on units ("self.view" only)
        top = self.units[code]
        return {c for c, unit in self.units.items() if unit.path.startswith(top.path)}

    def markers_outside(self, key: str) -> list[str]:
        """Markers that must not appear in anything shown to user `key`: the data of every
        unit outside their scope, and the names of those units unless they are ancestors of
        a unit in scope (a division's page may name its company)."""
        visible = self.unit_codes_visible_to(key)
        ancestors = {a for c in visible for a in self.units[c].ancestor_ids()}
        found = []
        for code, unit in self.units.items():
            if code in visible:
                continue
            found += [data_marker(code, "initiative"), data_marker(code, "person")]
            if unit.pk not in ancestors:
                found.append(unit_marker(code))
        return found

    def fresh(self, code: str) -> Initiative:
        """The initiative owned by unit `code`, as it is in the database now."""
        return Initiative.objects.get(pk=self.initiatives[code].pk)

    def refresh(self) -> None:
        """Re-read every object from the database (after a test changed them in memory)."""
        from django.contrib.auth import get_user_model

        def again(model: Any, objects: dict[str, Any]) -> dict[str, Any]:
            rows = model.objects.in_bulk([o.pk for o in objects.values()])
            return {key: rows[o.pk] for key, o in objects.items()}

        self.cycle = CycleYear.objects.get(pk=self.cycle.pk)
        self.units = again(OrgUnit, self.units)
        self.people = again(Person, self.people)
        self.initiatives = again(Initiative, self.initiatives)
        self.users = again(get_user_model(), self.users)


def build_world(year: int = YEAR) -> World:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent, country in UNITS:
        units[code] = f.OrgUnitFactory(
            code=code,
            name=f"{name} {unit_marker(code)}",
            kind=kind,
            parent=units[parent] if parent else None,
            country=country,
        )
    people = {
        code: f.PersonFactory(
            employee_number=f"EMP-{code}",
            full_name=f"Person {data_marker(code, 'person')}",
            org_unit=unit,
        )
        for code, unit in units.items()
        if unit.kind != UnitKind.GROUP
    }
    users = {}
    for key, (role, code) in USERS.items():
        users[key] = f.UserFactory(username=key)
        f.grant(users[key], role, units[code])
    cycle = cycle_services.open_year(actor=f.SYSTEM, year=year)
    initiatives = {
        code: f.make_initiative(
            cycle,
            units[code],
            subject_number=subject_number,
            planned=[f"Planned {data_marker(code, 'initiative')}"],
            next_planned=[f"Next {data_marker(code, 'initiative')} (ongoing)"],
        )
        for code, (subject_number, _state, _rating) in INITIATIVES.items()
    }
    for code, (_subject, state, rating) in INITIATIVES.items():
        initiatives[code] = f.advance(
            initiatives[code],
            state,
            rating=rating or 3,
            results=[f"Result {data_marker(code, 'initiative')}"],
        )
    return World(year, CycleYear.objects.get(pk=cycle.pk), units, users, people, initiatives)


# --- session-wide set-up --------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests last: each ends with a flush of every table (the live server needs real
    transactions), which would leave later tests — those that build a module-wide data set
    with `django_db_blocker` — without the reference data the migrations loaded. pytest-django
    has already put the other transactional tests after the rolled-back ones; this keeps that
    order and moves tests/e2e behind everything."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid.replace("\\", "/"))


def pytest_configure(config: Any) -> None:
    # WhiteNoise warns when STATIC_ROOT was never collected; under test it serves from the
    # finders (WHITENOISE_USE_FINDERS), so the warning says nothing.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(scope="session", autouse=True)
def _fast_and_checked(django_test_environment: None) -> Any:
    """Fast password hashing and static files for the whole run, and a silent sanity check: the settings know
    they are under test, Django's system checks pass and no model change lacks a migration.
    Prints nothing; fails every test with the reason when something is wrong."""
    from django.apps import apps
    from django.conf import settings
    from django.core import checks
    from django.db.migrations.autodetector import MigrationAutodetector
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    problems = []
    if not settings.TESTING:
        problems.append("settings.TESTING is off under pytest")
    problems += [
        str(m)
        for m in checks.run_checks(include_deployment_checks=False)
        if m.level >= checks.ERROR
    ]
    from tatara.screening.matching import compiled_state

    state, stale = compiled_state()
    if state == "stale":  # the tests would run the old compiled matcher, not the source
        problems.append(
            f"compiled matcher older than its source ({', '.join(stale)}): make install"
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps)).changes(
        graph=loader.graph
    )
    if changes:
        problems.append(f"models changed without migrations in: {', '.join(sorted(changes))}")
    if problems:
        pytest.fail("test set-up check failed:\n" + "\n".join(problems), pytrace=False)
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # WhiteNoise otherwise walks every app's static files each time a test client starts
        # (once per test); looking files up on request serves the same files.
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_unless_asked() -> Any:
    """Each test starts in the default language: a request in Japanese activates it for the
    whole thread (the test client runs in the test's thread), which would otherwise carry over
    into the next test's messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# --- data -----------------------------------------------------------------------------------


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """One `world` for a whole module, inside a transaction rolled back at the module's end.

    Use it through a module-level override, so each test still rolls back its own changes and
    starts from fresh copies of the objects:

        @pytest.fixture
        def world(module_world, db):
            module_world.refresh()
            return module_world
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def system() -> Any:
    return f.SYSTEM


@pytest.fixture
def password() -> str:
    return f.PASSWORD


@pytest.fixture
def make_user(db: None) -> Any:
    return f.UserFactory


@pytest.fixture
def make_unit(db: None) -> Any:
    return f.OrgUnitFactory


@pytest.fixture
def make_person(db: None) -> Any:
    return f.PersonFactory


@pytest.fixture
def grant(db: None) -> Any:
    return f.grant


@pytest.fixture
def make_initiative(db: None) -> Any:
    return f.make_initiative


@pytest.fixture
def advance(db: None) -> Any:
    return f.advance
