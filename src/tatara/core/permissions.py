"""The one permission gate.

Every read and write of scoped data asks here. A user's rights come only from role assignments
(organisation.RoleAssignment): a role grants actions (see organisation/roles.py), on one org
unit, optionally with all of its descendants. Nothing is allowed unless a grant says so.

- `allowed_units(user, action)`: the org units where `user` may do `action` (a queryset), or
  ALL when the user holds the action on the whole tree.
- `can(user, action, unit=None)`: a yes/no for one unit, or "anywhere" when unit is None.
- `Model.objects.visible_to(user, action)` (core.scoping.ScopedQuerySet) filters any query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from tatara.organisation.models import OrgUnit


class _All:
    def __repr__(self) -> str:
        return "ALL"


ALL: Any = _All()


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    include_descendants: bool


def role_allows(role: str, action: str) -> bool:
    """Whether `role` grants `action` (organisation/roles.py: its patterns, and the areas that
    opted the role in to wildcard patterns)."""
    from tatara.organisation.roles import ROLE_PERMISSIONS, pattern_allows

    return any(pattern_allows(role, pattern, action) for pattern in ROLE_PERMISSIONS.get(role, ()))


def grants_of(user: Any) -> list[Grant]:
    """The active role grants of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_tatara_grants", None)
    if cached is not None:
        return list(cached)
    from tatara.organisation.models import RoleAssignment

    rows = RoleAssignment.objects.filter(user=user, active=True).values_list(
        "role", "org_unit_id", "org_unit__path", "include_descendants"
    )
    grants = [Grant(*row) for row in rows]
    user._tatara_grants = grants
    return list(grants)


def forget_grants(user: Any) -> None:
    for attribute in ("_tatara_grants", "_tatara_single_root"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def _single_root(user: Any) -> bool:
    """Is the tree a single tree (one root)? Then a grant on the root covers every row,
    including rows not tied to a unit. Cached on the user object for the request."""
    cached = getattr(user, "_tatara_single_root", None)
    if cached is None:
        from tatara.organisation.models import OrgUnit

        cached = OrgUnit.objects.filter(parent__isnull=True).count() == 1
        user._tatara_single_root = cached
    return bool(cached)


def allowed_units(user: Any, action: str) -> Any:
    """Org units on which `user` may perform `action`: ALL, or a queryset of OrgUnit."""
    from tatara.organisation.models import OrgUnit

    if getattr(user, "is_superuser", False) and user.is_active:
        return ALL
    grants = [g for g in grants_of(user) if role_allows(g.role, action)]
    if not grants:
        return OrgUnit.objects.none()
    condition = Q()
    for grant in grants:
        if grant.include_descendants:
            # a grant on the root ("/<id>/") of a single tree covers everything
            if grant.unit_path.count("/") <= 2 and _single_root(user):
                return ALL
            condition |= Q(path__startswith=grant.unit_path)
        else:
            condition |= Q(pk=grant.unit_id)
    return OrgUnit.objects.filter(condition)


def can(user: Any, action: str, unit: OrgUnit | None = None) -> bool:
    """May `user` do `action` on `unit` (or, with unit None, on at least one unit)?"""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    for grant in grants_of(user):
        if not role_allows(grant.role, action):
            continue
        if unit is None:
            return True
        if grant.unit_id == unit.pk:
            return True
        if grant.include_descendants and unit.path.startswith(grant.unit_path):
            return True
    return False


def filter_by_scope(queryset: Any, user: Any, action: str, field: str | None) -> Any:
    """Restrict `queryset` to rows whose `field` (a path to an OrgUnit) the user may `action`.

    `field=None` marks group-wide reference data: all rows if the user holds the action anywhere.
    """
    if field is None:
        return queryset if can(user, action) else queryset.none()
    units = allowed_units(user, action)
    if units is ALL:
        return queryset
    return queryset.filter(**{f"{field}__in": units.values("pk")})


class SystemActor:
    """The actor of command-line and job work started without `--user`: an operator with
    shell access to the database, allowed everything and named in the audit trail."""

    pk = None
    id = None
    is_active = True
    is_authenticated = True
    is_superuser = True
    is_staff = False

    def __init__(self, label: str = "system") -> None:
        self.label = label

    def get_username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label


def holds_everywhere(user: Any, action: str) -> bool:
    """Whether `user` holds `action` on the whole tree: every unit of every root (in an
    installation without units yet: anywhere, which only an administrator does)."""
    from tatara.organisation.models import OrgUnit

    units = allowed_units(user, action)
    if units is ALL:
        return True
    if not OrgUnit.objects.exists():
        return can(user, action)
    return not OrgUnit.objects.exclude(pk__in=units.values("pk")).exists()


def require_whole_group(user: Any, action: str) -> None:
    """Raise PermissionDenied unless `user` holds `action` on the whole group: for work that
    acts on every unit at once (opening or closing the group's year, group-wide reference
    data). A grant on one company is not enough, whatever its role."""
    from django.core.exceptions import PermissionDenied

    if not holds_everywhere(user, action):
        raise PermissionDenied(f"not allowed: {action} on the whole group")


def require(user: Any, action: str, unit: OrgUnit | None = None) -> None:
    """Raise PermissionDenied unless `can(user, action, unit)`."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, unit):
        # The message names the action only: naming the unit would tell a caller outside its
        # scope that it exists.
        raise PermissionDenied(f"not allowed: {action}")
