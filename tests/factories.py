"""factory_boy factories and small builders shared by every area's tests (via tests/conftest.py).

Org units are made through `organisation.services.create_unit` so that their tree paths are
right; initiatives through `cycle.services`, so that test data went through the real flow.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from tatara.core.permissions import SystemActor
from tatara.cycle import services as cycle_services
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative, Subject
from tatara.organisation import services as org_services
from tatara.organisation.choices import EmploymentType, UnitKind
from tatara.organisation.models import OrgUnit, Person

PASSWORD = "correct-horse-battery-staple"
SYSTEM = SystemActor("test-fixtures")
# the second person of each two-person step (core.approvals): the fixtures draft and propose as
# SYSTEM, and approve and confirm as someone else, as people do
APPROVER = SystemActor("test-fixtures:approver")
REVIEWER = SystemActor("test-fixtures:reviewer")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)


class OrgUnitFactory(factory.Factory):
    """A unit made by the real service; a unit without a parent is a group."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    parent = None
    kind = factory.LazyAttribute(lambda o: UnitKind.GROUP if o.parent is None else UnitKind.COMPANY)
    country = "JP"

    @classmethod
    def _create(cls, model_class: Any, **kwargs: Any) -> OrgUnit:
        return org_services.create_unit(actor=SYSTEM, **kwargs)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.employee_number.lower()}@example.com")
    org_unit = factory.SubFactory(OrgUnitFactory)
    employment_type = EmploymentType.REGULAR
    language = "ja"


def grant(user: Any, role: str, unit: OrgUnit, *, include_descendants: bool = True) -> Any:
    return org_services.grant_role(
        actor=SYSTEM, user=user, role=role, org_unit=unit, include_descendants=include_descendants
    )


def subject(number: int) -> Subject:
    return Subject.objects.get(number=number)


def make_initiative(
    cycle: CycleYear,
    owner_unit: OrgUnit,
    *,
    subject_number: int = 2,
    planned: list[str] | None = None,
    next_planned: list[str] | None = None,
) -> Initiative:
    return cycle_services.create_initiative(
        actor=SYSTEM,
        cycle=cycle,
        subject=subject(subject_number),
        owner_unit=owner_unit,
        planned=planned or [f"Plan of {owner_unit.code}"],
        next_planned=next_planned or [],
    )


_ORDER = [Status.DRAFT, Status.APPROVED, Status.PROPOSED, Status.CONFIRMED]


def advance(
    initiative: Initiative,
    to: str,
    *,
    rating: int = 3,
    results: list[str] | None = None,
    next_planned: list[str] | None = None,
) -> Initiative:
    """Move an initiative forward through the real services to `to`: drafted and proposed by
    SYSTEM, approved by APPROVER, confirmed by REVIEWER (two people per decision).

    Results are entered on the way from approved to proposed (or when `to` is approved and
    `results` is given)."""
    initiative = Initiative.objects.get(pk=initiative.pk)
    target = _ORDER.index(Status(to))
    if _ORDER.index(Status(initiative.status)) > target:
        raise ValueError(f"{initiative} is already past {to}")
    if initiative.status == Status.DRAFT and target >= 1:
        cycle_services.approve_plan(actor=APPROVER, initiative=initiative)
    if initiative.status == Status.APPROVED and (target >= 2 or results is not None):
        cycle_services.enter_results(
            actor=SYSTEM,
            initiative=initiative,
            results=results or [f"Result of {initiative.owner_unit.code}"],
            next_planned=next_planned,
        )
    if initiative.status == Status.APPROVED and target >= 2:
        cycle_services.propose_rating(actor=SYSTEM, initiative=initiative, rating=rating)
    if initiative.status == Status.PROPOSED and target >= 3:
        cycle_services.confirm_rating(actor=REVIEWER, initiative=initiative)
    return Initiative.objects.get(pk=initiative.pk)
