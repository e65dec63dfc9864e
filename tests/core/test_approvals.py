"""core.approvals: the one check behind every second approval and segregation-of-duties rule."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tatara.core.approvals import (
    First,
    SamePersonError,
    enabled_rules,
    require_other_person,
    rule_enabled,
    same_person,
    segregate,
)
from tatara.core.permissions import SystemActor


def test_same_user_is_the_same_person_and_another_is_not(world):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    first = First.of(csr)
    assert same_person(csr, first)
    assert not same_person(risk, first)
    with pytest.raises(SamePersonError):
        require_other_person(csr, first=first)
    require_other_person(risk, first=first)


def test_system_actors_are_told_apart_by_label(world):
    first = First.of(SystemActor("cli:alice"))
    assert first.user_id is None
    assert same_person(SystemActor("cli:alice"), first)
    assert not same_person(SystemActor("cli:bob"), first)
    # a user is never the same person as a system actor, nor the reverse
    assert not same_person(world.users["csr_admin"], first)
    assert not same_person(SystemActor("csr_admin"), First.of(world.users["csr_admin"]))


def test_a_first_step_by_nobody_is_nobody_s(world):
    assert not same_person(world.users["csr_admin"], First(None, ""))
    assert not same_person(SystemActor(""), First(None, ""))


def test_segregation_is_on_by_default_and_configurable(settings, world):
    csr = world.users["csr_admin"]
    assert enabled_rules() == {"kpis.observation", "cycle.plan", "cycle.rating"}
    with pytest.raises(SamePersonError, match="not yours"):
        segregate(csr, rule="kpis.observation", first=First.of(csr), message="not yours")
    settings.SEGREGATION_OF_DUTIES = "0"
    assert segregate(csr, rule="kpis.observation", first=First.of(csr), message="x") == ""
    settings.SEGREGATION_OF_DUTIES = "cycle.rating"
    assert not rule_enabled("kpis.observation")
    assert rule_enabled("cycle.rating")
    settings.SEGREGATION_OF_DUTIES = "kpis.observation,typo"
    with pytest.raises(ImproperlyConfigured, match="typo"):
        enabled_rules()


def test_a_waiver_needs_both_the_right_and_a_reason(world):
    csr = world.users["csr_admin"]
    first = First.of(csr)
    with pytest.raises(SamePersonError):
        segregate(csr, rule="cycle.rating", first=first, message="m", waiver="  ", may_waive=True)
    with pytest.raises(SamePersonError):
        segregate(csr, rule="cycle.rating", first=first, message="m", waiver="why", may_waive=False)
    assert (
        segregate(
            csr, rule="cycle.rating", first=first, message="m", waiver=" why ", may_waive=True
        )
        == "why"
    )
