"""Every write to the organisation tree, people and role grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tatara.core.audit import record_event, stamp
from tatara.core.permissions import ALL, allowed_units, forget_grants, require, require_whole_group
from tatara.organisation.models import OrgUnit, RoleAssignment


def _require_subtree(actor: Any, unit: OrgUnit) -> None:
    """A grant that reaches below `unit` needs the actor's right over every unit below it."""
    allowed = allowed_units(actor, "organisation.manage")
    if allowed is ALL:
        return
    outside = OrgUnit.objects.filter(path__startswith=unit.path).exclude(
        pk__in=allowed.values("pk")
    )
    if outside.exists():
        raise PermissionDenied("not allowed: organisation.manage")


def _path_of(unit: OrgUnit) -> tuple[str, int]:
    if unit.parent_id is None:
        return f"/{unit.pk}/", 0
    parent = OrgUnit.objects.only("path", "depth").get(pk=unit.parent_id)
    return f"{parent.path}{unit.pk}/", parent.depth + 1


@transaction.atomic
def create_unit(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    country: str = "",
    consolidated: bool = True,
    name_ja: str = "",
) -> OrgUnit:
    if parent is None:
        require_whole_group(actor, "organisation.manage")
    else:
        require(actor, "organisation.manage", parent)
    unit = OrgUnit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        country=country.upper(),
        consolidated=consolidated,
        translations={"ja": {"name": name_ja}} if name_ja else {},
    )
    unit.full_clean(exclude=["path"])
    stamp(unit, actor)
    unit.save()
    unit.path, unit.depth = _path_of(unit)
    unit.save(update_fields=["path", "depth"])
    record_event(actor=actor, verb="org_unit.created", target=unit, org_unit=unit)
    return unit


UNIT_FIELDS = ("name", "name_ja", "kind", "country", "consolidated")


@transaction.atomic
def update_unit(*, actor: Any, unit: OrgUnit, reason: str = "", **values: Any) -> list[str]:
    """Change a unit's name (English, Japanese), kind, country or consolidation; returns the
    fields that changed (none: nothing is saved). Its place in the tree: move_unit; when it
    joined or left the group: set_group_boundary."""
    require(actor, "organisation.manage", unit)
    unknown = set(values) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"not unit fields: {', '.join(sorted(unknown))}")
    before = {
        "name": unit.name,
        "name_ja": (unit.translations or {}).get("ja", {}).get("name", ""),
        "kind": unit.kind,
        "country": unit.country,
        "consolidated": unit.consolidated,
    }
    if "country" in values:
        values["country"] = (values["country"] or "").upper()
    changed = [f for f, v in values.items() if before[f] != v]
    if not changed:
        return []
    for field_name in changed:
        if field_name == "name_ja":
            translations = dict(unit.translations or {})
            ja = {k: v for k, v in translations.get("ja", {}).items() if k != "name"}
            if values["name_ja"]:
                ja["name"] = values["name_ja"]
            translations["ja"] = ja
            unit.translations = {k: v for k, v in translations.items() if v}
        else:
            setattr(unit, field_name, values[field_name])
    unit.full_clean(exclude=["path"])
    stamp(unit, actor, reason)
    unit.save()
    record_event(
        actor=actor,
        verb="org_unit.changed",
        target=unit,
        org_unit=unit,
        data={f: {"from": before[f], "to": values[f]} for f in changed},
    )
    return changed


@transaction.atomic
def move_unit(*, actor: Any, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    require(actor, "organisation.manage", unit)
    require(actor, "organisation.manage", new_parent)
    """Re-parent a unit and its whole subtree, keeping paths right."""
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": "a unit cannot move under itself or its descendants"})
    old_path = unit.path
    old_parent = unit.parent
    unit.parent = new_parent
    unit.full_clean(exclude=["path"])
    stamp(unit, actor)
    unit.path, unit.depth = _path_of(unit)
    unit.save()
    depth_shift = unit.depth - (old_path.count("/") - 2)
    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
        child.path = unit.path + child.path[len(old_path) :]
        child.depth += depth_shift
        stamp(child, actor)
        child.save(update_fields=["path", "depth"])
    record_event(
        actor=actor,
        verb="org_unit.moved",
        target=unit,
        org_unit=unit,
        data={"from": str(old_parent), "to": str(new_parent)},
    )
    return unit


@transaction.atomic
def set_group_boundary(
    *,
    actor: Any,
    unit: OrgUnit,
    in_group_from: dt.date | None,
    in_group_until: dt.date | None,
    reason: str = "",
) -> OrgUnit:
    """Record when a unit joined or left the group (an acquisition, a sale, a closure).

    Consolidated KPI figures count the unit only for that time, and reduction targets restate
    their base year to the group as it is in the target year (docs/decisions/0010)."""
    require(actor, "organisation.manage", unit)
    if in_group_from and in_group_until and in_group_until < in_group_from:
        raise ValidationError(
            {"in_group_until": _("The unit cannot leave the group before it joined.")}
        )
    before = {"from": unit.in_group_from, "until": unit.in_group_until}
    unit.in_group_from, unit.in_group_until = in_group_from, in_group_until
    unit.full_clean(exclude=["path"])
    stamp(unit, actor, reason)
    unit.save(update_fields=["in_group_from", "in_group_until"])
    record_event(
        actor=actor,
        verb="org_unit.boundary_changed",
        target=unit,
        org_unit=unit,
        data={
            "before": {k: v.isoformat() if v else None for k, v in before.items()},
            "from": in_group_from.isoformat() if in_group_from else None,
            "until": in_group_until.isoformat() if in_group_until else None,
            "reason": reason,
        },
    )
    return unit


@transaction.atomic
def grant_role(
    *, actor: Any, user: Any, role: str, org_unit: OrgUnit, include_descendants: bool = True
) -> RoleAssignment:
    require(actor, "organisation.manage", org_unit)
    if include_descendants:
        _require_subtree(actor, org_unit)
    assignment = RoleAssignment.objects.filter(user=user, role=role, org_unit=org_unit).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, org_unit=org_unit)
    assignment.include_descendants = include_descendants
    assignment.active = True
    stamp(assignment, actor)
    assignment.save()
    forget_grants(user)
    record_event(
        actor=actor,
        verb="role.granted",
        target=assignment,
        org_unit=org_unit,
        data={"user": user.get_username(), "role": role, "descendants": include_descendants},
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: Any, assignment: RoleAssignment) -> None:
    require(actor, "organisation.manage", assignment.org_unit)
    end_assignment(actor=actor, assignment=assignment)


def end_assignment(*, actor: Any, assignment: RoleAssignment, reason: str = "") -> None:
    """Deactivate a grant, with history and event. No gate: callers decide who may (revoke_role
    checks the actor's rights; the HR import ends a leaver's roles because they left)."""
    stamp(assignment, actor, reason)
    assignment.active = False
    assignment.save(update_fields=["active"])
    forget_grants(assignment.user)
    record_event(
        actor=actor,
        verb="role.revoked",
        target=assignment,
        org_unit=assignment.org_unit,
        data={"reason": reason} if reason else {},
    )
