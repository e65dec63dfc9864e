"""The permission gate: can(), allowed_units(), visible_to() — deny by default."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tatara.core.models import AuditEvent
from tatara.core.permissions import ALL, SystemActor, allowed_units, can, require
from tatara.cycle.models import CycleYear, Initiative, Measure, Subject
from tatara.organisation import services as org_services
from tatara.organisation.models import OrgUnit, Person, RoleAssignment
from tatara.organisation.roles import Role


def codes(units):
    return set(units.values_list("code", flat=True))


def owners(queryset):
    return {i.owner_unit.code for i in queryset.select_related("owner_unit")}


def test_company_officer_acts_on_its_company_and_below_only(world):
    officer = world.users["company_risk_officer"]
    u = world.units
    for code in ("alpha", "alpha-div", "alpha-site"):
        assert can(officer, "cycle.change", u[code]), code
    for code in ("grp", "bravo", "bravo-div", "bravo-site"):
        assert not can(officer, "cycle.change", u[code]), code
    assert codes(allowed_units(officer, "cycle.view")) == {"alpha", "alpha-div", "alpha-site"}


def test_actions_follow_the_role(world):
    officer = world.users["company_risk_officer"]
    unit = world.units["alpha-div"]
    assert can(officer, "cycle.submit", unit)
    assert not can(officer, "cycle.approve", unit)
    assert not can(officer, "cycle.review", unit)
    assert not can(officer, "cycle.manage", unit)
    risk = world.users["group_risk_officer"]
    assert can(risk, "cycle.approve", unit)
    assert not can(risk, "cycle.change", unit)
    auditor = world.users["auditor"]
    assert can(auditor, "cycle.view", unit) and can(auditor, "cycle.export", unit)
    assert not any(
        can(auditor, f"cycle.{verb}", unit)
        for verb in ("change", "submit", "approve", "review", "manage")
    )


def test_can_without_a_unit_means_anywhere(world):
    assert can(world.users["compliance_dept"], "cycle.change")
    assert not can(world.users["compliance_dept"], "cycle.manage")
    assert not can(world.users["employee"], "cycle.view")
    assert can(world.users["employee"], "self.view")


def test_group_role_covers_the_whole_tree(world):
    assert allowed_units(world.users["auditor"], "cycle.view") is ALL
    assert allowed_units(world.users["auditor"], "cycle.change").count() == 0
    assert Initiative.objects.visible_to(world.users["auditor"], "cycle.view").count() == 4


def test_visible_to_with_descendants(world):
    officer = world.users["company_risk_officer"]
    assert owners(Initiative.objects.visible_to(officer, "cycle.view")) == {"alpha", "alpha-div"}
    assert {p.org_unit.code for p in Person.objects.visible_to(officer, "organisation.view")} == {
        "alpha",
        "alpha-div",
        "alpha-site",
    }
    measures = Measure.objects.visible_to(officer, "cycle.view")
    assert {m.initiative.owner_unit.code for m in measures} == {"alpha", "alpha-div"}
    compliance = world.users["compliance_dept"]
    assert owners(Initiative.objects.visible_to(compliance, "cycle.view")) == {"alpha-div"}


def test_visible_to_without_descendants(world, make_user, grant):
    user = make_user(username="alpha-only")
    grant(user, Role.COMPANY_RISK_OFFICER, world.units["alpha"], include_descendants=False)
    assert owners(Initiative.objects.visible_to(user, "cycle.view")) == {"alpha"}
    assert codes(allowed_units(user, "cycle.view")) == {"alpha"}
    assert can(user, "cycle.change", world.units["alpha"])
    assert not can(user, "cycle.change", world.units["alpha-div"])


def test_group_grant_without_descendants_is_the_group_only(world, make_user, grant):
    user = make_user(username="group-only")
    grant(user, Role.AUDITOR, world.units["grp"], include_descendants=False)
    assert codes(allowed_units(user, "cycle.view")) == {"grp"}
    assert Initiative.objects.visible_to(user, "cycle.view").count() == 0


def test_a_group_grant_does_not_reach_a_second_tree(world, make_unit):
    other = make_unit(code="other-group", name="Other group")
    other_company = make_unit(code="other-co", parent=other)
    auditor = world.users["auditor"]
    assert allowed_units(auditor, "cycle.view") is not ALL
    visible = codes(allowed_units(auditor, "cycle.view"))
    assert "alpha" in visible and "bravo-site" in visible
    assert not visible & {"other-group", "other-co"}
    assert not can(auditor, "cycle.view", other_company)


def test_grant_and_revoke_take_effect_at_once(world, make_user):
    user = make_user(username="late")
    unit = world.units["bravo"]
    assert not can(user, "cycle.view", unit)
    assignment = org_services.grant_role(
        actor=world.system, user=user, role=Role.AUDITOR, org_unit=unit
    )
    assert can(user, "cycle.view", unit)
    org_services.revoke_role(actor=world.system, assignment=assignment)
    assert not can(user, "cycle.view", unit)
    assert Initiative.objects.visible_to(user, "cycle.view").count() == 0
    assert (
        AuditEvent.objects.filter(verb__in=["role.granted", "role.revoked"])
        .filter(target_id=str(assignment.pk))
        .count()
        == 2
    )


def test_inactive_assignment_grants_nothing(world, django_user_model):
    RoleAssignment.objects.filter(user=world.users["company_risk_officer"]).update(active=False)
    officer = django_user_model.objects.get(username="company_risk_officer")
    assert not can(officer, "cycle.view")
    assert Initiative.objects.visible_to(officer, "cycle.view").count() == 0
    assert allowed_units(officer, "cycle.view").count() == 0


def test_inactive_user_is_denied(world, django_user_model):
    django_user_model.objects.filter(username="csr_admin").update(is_active=False)
    admin = django_user_model.objects.get(username="csr_admin")
    assert not can(admin, "cycle.view", world.units["alpha"])
    assert Initiative.objects.visible_to(admin, "cycle.view").count() == 0
    assert Subject.objects.visible_to(admin, "cycle.view").count() == 0


def test_superuser_needs_no_grant(db, django_user_model, world):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12)
    assert can(root, "cycle.manage", world.units["bravo-site"])
    assert can(root, "anything.at-all")
    assert allowed_units(root, "cycle.view") is ALL
    assert Initiative.objects.visible_to(root, "cycle.view").count() == 4
    root.is_active = False
    assert not can(root, "cycle.view")


def test_system_actor_may_do_everything(world):
    actor = SystemActor("cli")
    assert can(actor, "cycle.manage", world.units["bravo"])
    assert OrgUnit.objects.visible_to(actor, "organisation.view").count() == len(world.units)


@pytest.mark.parametrize(
    "key",
    ["group_risk_officer", "auditor", "company_risk_officer", "compliance_dept", "employee"],
)
def test_unknown_actions_are_denied(world, key):
    user = world.users[key]
    for action in ("cycle.frobnicate", "hotline.view_reports", "nonsense"):
        assert not can(user, action)
        assert not can(user, action, world.units["alpha-div"])
    assert Initiative.objects.visible_to(user, "cycle.frobnicate").count() == 0


def test_no_grant_no_access(world, make_user):
    nobody = make_user(username="nobody")
    anonymous = AnonymousUser()
    for user in (nobody, anonymous, None):
        assert not can(user, "cycle.view")
        assert Initiative.objects.visible_to(user, "cycle.view").count() == 0
        assert Subject.objects.visible_to(user, "cycle.view").count() == 0
        assert CycleYear.objects.visible_to(user, "cycle.view").count() == 0
        with pytest.raises(PermissionDenied):
            require(user, "cycle.view")


def test_group_wide_reference_data_needs_the_action_somewhere(world):
    assert Subject.objects.visible_to(world.users["compliance_dept"], "cycle.view").count() == 9
    assert Subject.objects.visible_to(world.users["employee"], "cycle.view").count() == 0


def test_actions_must_be_namespaced(world):
    with pytest.raises(ValueError, match="namespaced"):
        Initiative.objects.visible_to(world.users["csr_admin"], "view")


def test_require_names_the_action_but_not_the_unit(world):
    # naming the unit would confirm to a caller outside its scope that it exists
    with pytest.raises(PermissionDenied) as refused:
        require(world.users["company_risk_officer"], "cycle.manage", world.units["bravo"])
    assert str(refused.value) == "not allowed: cycle.manage"
    assert "Bravo" not in str(refused.value)
