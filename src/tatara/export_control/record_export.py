"""Items and parties out to CSV or Excel, in the columns the import reads (record_columns.py),
so that an exported file, edited and imported again, changes just what was edited.

Only the records in the viewer's scope ("export_control.view") are written; lists are one
entry a line, mappings `KEY: value` lines, flags yes/no. Text cells that a spreadsheet would
run as a formula are guarded (core.tabular), and equal data gives equal bytes.
"""

from __future__ import annotations

from typing import Any

from tatara.core.permissions import require
from tatara.core.tabular import CONTENT_TYPES, FORMATS, write_table
from tatara.export_control import record_columns as layout
from tatara.export_control.models import Item, Party

VIEW = "export_control.view"


def item_rows(*, viewer: Any) -> list[list[Any]]:
    """The items in the viewer's scope, one list of cells each, by unit and code."""
    require(viewer, VIEW)
    items = (
        Item.objects.visible_to(viewer, VIEW)
        .select_related("org_unit", "control_row")
        .order_by("org_unit__path", "code", "pk")
    )
    return [
        [
            item.code,
            item.name,
            item.org_unit.code,
            item.item_kind,
            item.control_row.code if item.control_row else "",
            item.sub_item,
            "yes" if item.catch_all_applicable else "no",
            layout.join_mapping(item.foreign_classifications),
            item.notes,
        ]
        for item in items
    ]


def party_rows(*, viewer: Any) -> list[list[Any]]:
    """The parties in the viewer's scope, one list of cells each, by unit, code and name."""
    require(viewer, VIEW)
    parties = (
        Party.objects.visible_to(viewer, VIEW)
        .select_related("org_unit")
        .order_by("org_unit__path", "code", "name", "pk")
    )
    return [
        [
            party.code,
            party.name,
            party.org_unit.code,
            party.party_kind,
            layout.join_list(party.aliases or []),
            party.address,
            party.country,
            party.date_of_birth,
            layout.join_mapping(party.identifiers),
            ", ".join(party.roles or []),
        ]
        for party in parties
    ]


def export_records(what: str, *, viewer: Any, fmt: str = "csv") -> tuple[bytes, str, str]:
    """(file bytes, content type, file name) of the items or parties in the viewer's scope."""
    if what not in layout.WHAT:
        raise ValueError(f"unknown records {what!r}; use {', '.join(layout.WHAT)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    rows = item_rows(viewer=viewer) if what == "items" else party_rows(viewer=viewer)
    data = write_table(layout.FILE_COLUMNS[what], rows, fmt, what)
    return data, CONTENT_TYPES[fmt], f"export-control-{what}.{fmt}"
