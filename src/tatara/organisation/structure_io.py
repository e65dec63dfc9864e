"""The organisation tree and the role grants in and out as files, for a real group set up
without the demo (README, "A real installation").

Units: `code,name_en,name_ja,kind,parent,country,consolidated,in_group_from,in_group_until`
(kinds: group, company, division, site; `parent` a unit code, empty for the group itself).
A unit is matched by its code: a new code is a new unit, a known one gets the values of the
columns the file has — a renamed unit keeps its code and its history, a company sold gets its
`in_group_until`; a unit the file leaves out stays as it is (never a wipe). A parent must be a
unit in the importer's scope or a unit on an earlier row of the file (an export lists parents
first).

Roles: `username,role,unit,with_descendants,active`: a grant per row (granted, or its reach
changed); `active` "no" revokes it. Grants the file leaves out stay.

Both on the import engine (core/tabular): the whole file checked first, applied all or
nothing through the services (create_unit, update_unit, move_unit, set_group_boundary,
grant_role, revoke_role: the gate, history and events are theirs).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tatara.core.permissions import ALL, allowed_units, require
from tatara.core.tabular import CONTENT_TYPES, FORMATS, CellError, ImportCounts, write_table
from tatara.core.tabular.columns import (
    Boolean,
    Choice,
    Column,
    Date,
    Lookup,
    Text,
    unit_column,
)
from tatara.core.tabular.engine import ImportContext, ImportSpec, Record, RowError, run_import
from tatara.core.tabular.results import CREATED, REMOVED, UNCHANGED, UPDATED
from tatara.organisation import services
from tatara.organisation.choices import UnitKind
from tatara.organisation.models import OrgUnit, RoleAssignment
from tatara.organisation.roles import Role

MANAGE = "organisation.manage"
VIEW = "organisation.view"


def _limit(name: str) -> int:
    return int(OrgUnit._meta.get_field(name).max_length)  # type: ignore[union-attr,arg-type]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# --- units ------------------------------------------------------------------------------------

UNIT_COLUMNS = (
    Column(
        "code",
        Text(_limit("code")),
        required=True,
        blank=False,
        help=gettext_lazy("the unit's code, its key: letters, digits, - and _"),
    ),
    Column("name_en", Text(_limit("name")), required=True, blank=False, attr="name"),
    Column("name_ja", Text(_limit("name")), default=""),
    Column("kind", Choice(UnitKind), required=True, blank=False),
    Column(
        "parent",
        Text(_limit("code")),
        default="",
        help=gettext_lazy("the code of the unit above; empty for the group"),
    ),
    Column("country", Text(2), default="", help=gettext_lazy("ISO 3166-1 alpha-2")),
    Column("consolidated", Boolean(), default=True),
    Column("in_group_from", Date()),
    Column("in_group_until", Date()),
)
UNIT_HEADER = tuple(c.name for c in UNIT_COLUMNS)


def _scope_codes(context: ImportContext) -> dict[str, OrgUnit]:
    def load() -> dict[str, OrgUnit]:
        units = allowed_units(context.actor, MANAGE)
        queryset = OrgUnit.objects.all() if units is ALL else units
        return {u.code: u for u in queryset.select_related("parent")}

    found: dict[str, OrgUnit] = context.cached("units in scope", load)
    return found


def _check_units(records: list[Record], context: ImportContext) -> Iterable[CellError]:
    """A code taken by a unit outside the scope cannot be created or changed; a parent is a
    unit in scope or one on an earlier row (an unknown code reads as unknown, in or out of
    scope alike)."""
    in_scope = _scope_codes(context)
    codes = [r.get("code") for r in records]
    taken = set(
        OrgUnit.objects.filter(code__in=codes)
        .exclude(pk__in=[u.pk for u in in_scope.values()])
        .values_list("code", flat=True)
    )
    errors: list[CellError] = []
    earlier: set[str] = set()
    for record in records:
        code = record.get("code")
        if code in taken:
            errors.append(record.error("code", _("this code belongs to a unit outside your scope")))
        parent = record.get("parent", "")
        if parent and parent not in in_scope and parent not in earlier:
            message = (
                _("is this row's own code")
                if parent == code
                else _("unknown unit code %(code)s (a parent comes on an earlier row)")
                % {"code": repr(parent)}
            )
            errors.append(record.error("parent", message))
        earlier.add(code)
    return errors


def _before_units(context: ImportContext) -> None:
    context.state["units"] = dict(_scope_codes(context))


def _apply_unit(record: Record, context: ImportContext) -> None:
    actor, units = context.actor, context.state["units"]
    code = record["code"]
    parent = units.get(record["parent"]) if record.get("parent") else None
    if record.get("parent") and parent is None:  # its row was refused
        raise RowError(
            _("unit %(code)s was refused on its own row") % {"code": repr(record["parent"])},
            "parent",
        )
    unit = units.get(code)
    try:
        if unit is None:
            unit = services.create_unit(
                actor=actor,
                code=code,
                name=record["name"],
                name_ja=record.get("name_ja", ""),
                kind=record["kind"],
                parent=parent,
                country=record.get("country", ""),
                consolidated=record.get("consolidated", True),
            )
            if record.get("in_group_from") or record.get("in_group_until"):
                services.set_group_boundary(
                    actor=actor,
                    unit=unit,
                    in_group_from=record.get("in_group_from"),
                    in_group_until=record.get("in_group_until"),
                    reason="unit import",
                )
            units[code] = unit
            context.result.record(CREATED, code, row=record.row.number)
            return
        changed = services.update_unit(
            actor=actor,
            unit=unit,
            reason="unit import",
            **{f: record[f] for f in services.UNIT_FIELDS if f in record},
        )
        if "parent" in record and parent is not None and unit.parent_id != parent.pk:
            services.move_unit(actor=actor, unit=unit, new_parent=parent)
            changed.append("parent")
        elif "parent" in record and parent is None and unit.parent_id is not None:
            raise RowError(_("a unit cannot leave the tree; give its parent"), "parent")
        boundary = {
            f: record.get(f, getattr(unit, f))
            for f in ("in_group_from", "in_group_until")
            if context.has(f)
        }
        if any(getattr(unit, f) != v for f, v in boundary.items()):
            values = {"in_group_from": unit.in_group_from, "in_group_until": unit.in_group_until}
            services.set_group_boundary(
                actor=actor, unit=unit, reason="unit import", **(values | boundary)
            )
            changed.append("boundary")
    except PermissionDenied as exc:
        raise RowError(_("you may not add or change a unit here"), "parent") from exc
    if changed:
        context.result.record(UPDATED, code, row=record.row.number)
    else:
        context.result.record(UNCHANGED)


UNITS = ImportSpec(
    what="units",
    name="organisation.units_import",
    label=gettext_lazy("organisation units"),
    action=MANAGE,
    columns=UNIT_COLUMNS,
    apply_row=_apply_unit,
    key="code",
    check=_check_units,
    before=_before_units,
    event="org_units.imported",
    needs_rows=True,
)


def import_units(
    source: str | Path | IO[bytes], *, actor: Any, name: str | None = None, **kwargs: Any
) -> ImportCounts:
    return run_import(UNITS, source, actor=actor, name=name, **kwargs)


def unit_rows(*, viewer: Any) -> list[list[Any]]:
    """The units in the viewer's scope in tree order (parents first), in the import's
    columns."""
    require(viewer, VIEW)
    units = OrgUnit.objects.visible_to(viewer, VIEW).select_related("parent").order_by("path")
    return [
        [
            unit.code,
            unit.name,
            (unit.translations or {}).get("ja", {}).get("name", ""),
            unit.kind,
            unit.parent.code if unit.parent else "",
            unit.country,
            _yes(unit.consolidated),
            unit.in_group_from,
            unit.in_group_until,
        ]
        for unit in units
    ]


# --- roles ------------------------------------------------------------------------------------


def _users(context: ImportContext) -> dict[str, Any]:
    return {u.get_username(): u for u in get_user_model().objects.filter(is_active=True)}


ROLE_COLUMNS = (
    Column(
        "username",
        Lookup(_users, noun=gettext_lazy("user")),
        required=True,
        blank=False,
        attr="user",
        help=gettext_lazy("an active user's sign-in name"),
    ),
    Column("role", Choice(Role), required=True, blank=False),
    unit_column("unit", MANAGE, required=True, blank=False),
    Column(
        "with_descendants",
        Boolean(),
        default=True,
        help=gettext_lazy("yes: the units below too"),
    ),
    Column("active", Boolean(), default=True, help=gettext_lazy("no: revoke the grant")),
)
ROLE_HEADER = tuple(c.name for c in ROLE_COLUMNS)


def _check_roles(records: list[Record], context: ImportContext) -> Iterable[CellError]:
    seen: dict[tuple[int, str, int], int] = {}
    errors = []
    for record in records:
        if not all(k in record for k in ("user", "role", "unit")):
            continue
        key = (record["user"].pk, record["role"], record["unit"].pk)
        if key in seen:
            errors.append(
                record.error(
                    "role",
                    _("the same grant appears again (first on row %(row)d)") % {"row": seen[key]},
                )
            )
        seen.setdefault(key, record.row.number)
    return errors


def _apply_role(record: Record, context: ImportContext) -> None:
    user, role, unit = record["user"], record["role"], record["unit"]
    label = f"{user.get_username()} {role} {unit.code}"
    descendants = record.get("with_descendants", True)
    current = RoleAssignment.objects.filter(user=user, role=role, org_unit=unit).first()
    try:
        if not record.get("active", True):
            if current is None or not current.active:
                context.result.record(UNCHANGED)
                return
            services.revoke_role(actor=context.actor, assignment=current)
            context.result.record(REMOVED, label, row=record.row.number)
            return
        if current is not None and current.active and current.include_descendants == descendants:
            context.result.record(UNCHANGED)
            return
        services.grant_role(
            actor=context.actor,
            user=user,
            role=role,
            org_unit=unit,
            include_descendants=descendants,
        )
    except PermissionDenied as exc:
        raise RowError(
            _("you may not grant roles on every unit below this one"), "with_descendants"
        ) from exc
    outcome = CREATED if current is None or not current.active else UPDATED
    context.result.record(outcome, label, row=record.row.number)


ROLES = ImportSpec(
    what="roles",
    name="organisation.roles_import",
    label=gettext_lazy("role grants"),
    action=MANAGE,
    columns=ROLE_COLUMNS,
    apply_row=_apply_role,
    check=_check_roles,
    event="roles.imported",
    needs_rows=True,
)


def import_roles(
    source: str | Path | IO[bytes], *, actor: Any, name: str | None = None, **kwargs: Any
) -> ImportCounts:
    return run_import(ROLES, source, actor=actor, name=name, **kwargs)


def role_rows(*, viewer: Any) -> list[list[Any]]:
    """The active grants on units in the viewer's scope, by unit, user and role."""
    require(viewer, VIEW)
    units = OrgUnit.objects.visible_to(viewer, VIEW)
    grants = (
        RoleAssignment.objects.filter(active=True, org_unit__in=units)
        .select_related("user", "org_unit")
        .order_by("org_unit__path", "user__username", "role")
    )
    return [
        [g.user.get_username(), g.role, g.org_unit.code, _yes(g.include_descendants), "yes"]
        for g in grants
    ]


def export(what: str, *, viewer: Any, fmt: str = "csv") -> tuple[bytes, str, str]:
    """(file bytes, content type, file name) of the units or the grants in the viewer's
    scope, in the columns their import reads."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    if what == "units":
        header, rows = UNIT_HEADER, unit_rows(viewer=viewer)
    elif what == "roles":
        header, rows = ROLE_HEADER, role_rows(viewer=viewer)
    else:
        raise ValueError(f"unknown table {what!r}; use units or roles")
    return write_table(header, rows, fmt, what), CONTENT_TYPES[fmt], f"organisation-{what}.{fmt}"
