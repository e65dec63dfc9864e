"""Reads of the export_control area that are more than a gate.

Items and parties may belong to a transaction's unit or to a unit above it: a group keeps one
customer master (and often one item list) at the top, and every company's officer puts those
records on the company's transactions. So a user who may see (or enter) records somewhere may
also see — and use, read-only — the records of the units above: `usable(Party, viewer=...,
action="export_control.change")` is what the transaction form and the API offer; the writes
themselves (services.update_party …) still need the action on the record's own unit.
"""

from __future__ import annotations

from typing import Any

from tatara.core.permissions import ALL, allowed_units

VIEW = "export_control.view"


def unit_ids_with_ancestors(viewer: Any, action: str) -> Any:
    """Ids of the units where `viewer` may `action` and of every unit above them; ALL when
    they hold it on the whole tree."""
    units = allowed_units(viewer, action)
    if units is ALL:
        return ALL
    ids: set[int] = set()
    for path in units.values_list("path", flat=True):
        ids.update(int(part) for part in path.strip("/").split("/") if part)
    return ids


def usable(model: Any, *, viewer: Any, action: str = VIEW, queryset: Any = None) -> Any:
    """Items or parties (`model`, scoped by "org_unit") of the units where `viewer` may
    `action` and of the units above them (read-only for those)."""
    rows = queryset if queryset is not None else model.objects.all()
    ids = unit_ids_with_ancestors(viewer, action)
    if ids is ALL:
        return rows
    return rows.filter(org_unit_id__in=ids)
