"""organisation.services: the tree's paths and kind rules, role grants, and their audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tatara.core.audit import trail_for
from tatara.core.models import AuditEvent
from tatara.organisation import services
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit, RoleAssignment
from tatara.organisation.roles import Role


@pytest.fixture
def tree(db, system):
    group = services.create_unit(actor=system, code="g", name="G", kind=UnitKind.GROUP)
    a = services.create_unit(
        actor=system, code="a", name="A", kind=UnitKind.COMPANY, parent=group, country="jp"
    )
    b = services.create_unit(actor=system, code="b", name="B", kind=UnitKind.COMPANY, parent=group)
    div = services.create_unit(
        actor=system, code="a-div", name="A div", kind=UnitKind.DIVISION, parent=a
    )
    site = services.create_unit(
        actor=system, code="a-site", name="A site", kind=UnitKind.SITE, parent=div
    )
    return {u.code: u for u in (group, a, b, div, site)}


def fresh(code):
    return OrgUnit.objects.get(code=code)


def test_create_unit_sets_path_and_depth(tree):
    g, a, div, site = (fresh(c) for c in ("g", "a", "a-div", "a-site"))
    assert g.path == f"/{g.pk}/" and g.depth == 0
    assert a.path == f"/{g.pk}/{a.pk}/" and a.depth == 1
    assert div.path == f"/{g.pk}/{a.pk}/{div.pk}/" and div.depth == 2
    assert site.path == f"{div.path}{site.pk}/" and site.depth == 3
    assert site.ancestor_ids() == [g.pk, a.pk, div.pk, site.pk]
    assert site.company() == a
    assert a.country == "JP"  # normalised


def test_create_unit_is_audited(tree, system):
    event = AuditEvent.objects.get(verb="org_unit.created", target_id=str(tree["a"].pk))
    assert event.actor is None and event.actor_label == "test-fixtures"
    assert event.org_unit_id == tree["a"].pk
    assert fresh("a").history.count() >= 1


@pytest.mark.parametrize(
    ("kind", "parent_code"),
    [
        (UnitKind.GROUP, "g"),  # a group is a root
        (UnitKind.COMPANY, None),  # a company sits under a group or a company
        (UnitKind.COMPANY, "a-div"),
        (UnitKind.DIVISION, "g"),  # a division sits under a company or a division
        (UnitKind.DIVISION, "a-site"),
        (UnitKind.SITE, None),
        (UnitKind.SITE, "g"),
    ],
)
def test_kind_rules_refuse_wrong_parents(tree, system, kind, parent_code):
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            actor=system,
            code="new",
            name="New",
            kind=kind,
            parent=tree[parent_code] if parent_code else None,
        )
    assert "parent" in caught.value.message_dict
    assert OrgUnit.objects.count() == before


@pytest.mark.parametrize(
    ("kind", "parent_code"),
    [
        (UnitKind.COMPANY, "a"),
        (UnitKind.DIVISION, "a-div"),
        (UnitKind.SITE, "a"),
        (UnitKind.SITE, "a-site"),
    ],
)
def test_kind_rules_allow_the_tree_shape(tree, system, kind, parent_code):
    unit = services.create_unit(
        actor=system, code="new", name="New", kind=kind, parent=tree[parent_code]
    )
    assert unit.parent == tree[parent_code]


def test_clean_names_the_rule(tree):
    unit = OrgUnit(code="x", name="X", kind=UnitKind.SITE, parent=None)
    with pytest.raises(ValidationError, match="cannot sit under"):
        unit.clean()


def test_duplicate_code_is_refused(tree, system):
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            actor=system, code="a", name="Again", kind=UnitKind.COMPANY, parent=tree["g"]
        )
    assert "code" in caught.value.message_dict


def test_move_unit_rewrites_the_subtree(tree, system):
    b = fresh("b")
    services.move_unit(actor=system, unit=fresh("a-div"), new_parent=b)
    div, site = fresh("a-div"), fresh("a-site")
    assert div.parent_id == b.pk
    assert div.path == f"{b.path}{div.pk}/" and div.depth == 2
    assert site.path == f"{div.path}{site.pk}/" and site.depth == 3
    # nothing is left under the old parent's path
    a = fresh("a")
    assert list(OrgUnit.objects.filter(path__startswith=a.path).values_list("code", flat=True)) == [
        "a"
    ]
    event = AuditEvent.objects.get(verb="org_unit.moved")
    assert event.data == {"from": "A", "to": "B"}
    # the subtree's old paths stay in the row history
    assert any(h.path.startswith(a.path) for h in site.history.all())


def test_move_unit_to_a_deeper_place_shifts_depths(system, tree):
    services.move_unit(actor=system, unit=fresh("b"), new_parent=fresh("a"))
    services.move_unit(actor=system, unit=fresh("a-div"), new_parent=fresh("b"))
    site = fresh("a-site")
    assert site.depth == 4
    assert site.ancestor_ids() == [fresh(c).pk for c in ("g", "a", "b", "a-div", "a-site")]


@pytest.mark.parametrize("target", ["a", "a-div", "a-site"])
def test_move_under_itself_or_a_descendant_is_refused(tree, system, target):
    before = dict(OrgUnit.objects.values_list("code", "path"))
    with pytest.raises((ValueError, ValidationError)):
        services.move_unit(actor=system, unit=fresh("a"), new_parent=fresh(target))
    assert dict(OrgUnit.objects.values_list("code", "path")) == before


def test_move_checks_the_kind_rules(tree, system):
    before = dict(OrgUnit.objects.values_list("code", "path"))
    with pytest.raises(ValidationError):
        services.move_unit(actor=system, unit=fresh("b"), new_parent=fresh("a-site"))
    assert dict(OrgUnit.objects.values_list("code", "path")) == before


def test_grant_role_is_idempotent_and_reactivates(tree, system, make_user):
    user = make_user(username="someone")
    first = services.grant_role(actor=system, user=user, role=Role.AUDITOR, org_unit=tree["a"])
    services.revoke_role(actor=system, assignment=first)
    again = services.grant_role(
        actor=system, user=user, role=Role.AUDITOR, org_unit=tree["a"], include_descendants=False
    )
    assert again.pk == first.pk
    row = RoleAssignment.objects.get(pk=first.pk)
    assert row.active and not row.include_descendants
    verbs = [e.what.split(" ")[0] for e in trail_for(row)]
    assert verbs.count("role.granted") == 2 and verbs.count("role.revoked") == 1


# Every service asks the gate itself, so CLI, jobs and any page or API caller agree.


def test_create_unit_refuses_users_without_manage(world):
    officer = world.users["company_risk_officer"]
    with pytest.raises(PermissionDenied):
        services.create_unit(
            actor=officer,
            code="rogue",
            name="Rogue",
            kind=UnitKind.DIVISION,
            parent=world.units["alpha"],
        )
    assert not OrgUnit.objects.filter(code="rogue").exists()


def test_grant_role_refuses_users_without_manage(world):
    officer = world.users["company_risk_officer"]
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=officer, user=officer, role=Role.CSR_ADMIN, org_unit=world.units["grp"]
        )
    assert not RoleAssignment.objects.filter(user=officer, role=Role.CSR_ADMIN).exists()


def test_move_unit_refuses_users_without_manage(world):
    officer = world.users["company_risk_officer"]
    with pytest.raises(PermissionDenied):
        services.move_unit(
            actor=officer, unit=world.units["alpha-div"], new_parent=world.units["bravo"]
        )
    assert OrgUnit.objects.get(code="alpha-div").parent_id == world.units["alpha"].pk


def test_revoke_role_refuses_users_without_manage(world):
    officer = world.users["company_risk_officer"]
    assignment = RoleAssignment.objects.get(user=world.users["officer_b"])
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=officer, assignment=assignment)
    assert RoleAssignment.objects.get(pk=assignment.pk).active


def test_group_boundary_is_recorded_and_audited(tree, system):
    import datetime as dt

    unit = tree["a-site"]
    services.set_group_boundary(
        actor=system,
        unit=unit,
        in_group_from=dt.date(2014, 11, 1),
        in_group_until=None,
        reason="Acquired.",
    )
    unit.refresh_from_db()
    assert unit.in_group_from == dt.date(2014, 11, 1) and unit.in_group_until is None
    assert unit.in_group_during(dt.date(2014, 4, 1), dt.date(2015, 3, 31))
    assert not unit.in_group_during(dt.date(2013, 4, 1), dt.date(2014, 3, 31))
    event = AuditEvent.objects.get(verb="org_unit.boundary_changed")
    assert event.data["from"] == "2014-11-01" and event.data["reason"] == "Acquired."
    with pytest.raises(ValidationError):
        services.set_group_boundary(
            actor=system,
            unit=unit,
            in_group_from=dt.date(2014, 11, 1),
            in_group_until=dt.date(2014, 10, 31),
        )


def test_group_boundary_needs_organisation_manage(tree, make_user, grant):
    import datetime as dt

    officer = make_user(username="officer")
    grant(officer, Role.COMPANY_RISK_OFFICER, tree["a"])
    with pytest.raises(PermissionDenied):
        services.set_group_boundary(
            actor=officer,
            unit=tree["a-site"],
            in_group_from=dt.date(2020, 1, 1),
            in_group_until=None,
        )
