"""Reads of the organisation tree and people, always scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tatara.organisation.models import OrgUnit, Person


def units(*, viewer: Any, action: str = "organisation.view") -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.visible_to(viewer, action)
        .select_related("parent")
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
        .order_by("path")
    )


def people(*, viewer: Any, action: str = "organisation.view") -> QuerySet[Person]:
    return Person.objects.visible_to(viewer, action).select_related("org_unit")


def tree(*, viewer: Any, action: str = "organisation.view") -> list[OrgUnit]:
    """The visible units in tree order: each unit followed by its children, siblings in the
    order they were created (paths are ids, so sorting them as text would put /1/16/ before
    /1/2/)."""
    rows = list(units(viewer=viewer, action=action))
    children: dict[int | None, list[OrgUnit]] = {}
    visible = {u.pk for u in rows}
    for unit in rows:
        parent = unit.parent_id if unit.parent_id in visible else None
        children.setdefault(parent, []).append(unit)
    ordered: list[OrgUnit] = []

    def walk(parent: int | None) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.pk):
            ordered.append(unit)
            walk(unit.pk)

    walk(None)
    return ordered


def setup_panel(user: Any) -> Any:
    """The first steps of a real installation, on the dashboard of the one who may take them
    (the administrator), while no organisation unit exists (README, "A real installation")."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from tatara.core.dashboard import Panel, Task
    from tatara.core.permissions import can

    if OrgUnit.objects.exists() or not can(user, "organisation.manage"):
        return None
    you = _("You")
    steps = [
        (
            _("1. Import the organisation units: the group, its companies, divisions and sites"),
            reverse("organisation:import", args=["units"]),
        ),
        (
            _("2. Create the people who sign in (Django admin → Users)"),
            reverse("admin:auth_user_add"),
        ),
        (_("3. Import their role grants"), reverse("organisation:import", args=["roles"])),
        (
            _("4. Import the HR master: the employees and their units"),
            reverse("organisation:people-import"),
        ),
        (
            _("5. Open the fiscal year, or import a CSR table exported elsewhere"),
            reverse("cycle:open-year"),
        ),
    ]
    return Panel(
        title=_("Set up your group"),
        tasks=[Task(title=title, url=url, who=you) for title, url in steps],
        summary=[(_("No organisation unit exists yet: start here."), "")],
    )
