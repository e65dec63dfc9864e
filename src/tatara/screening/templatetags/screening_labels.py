"""Labels of list sources and entry kinds in the reader's language: a hit stores the codes
(`un`, `person`), the page shows "UN Security Council consolidated list" / "個人"."""

from __future__ import annotations

from django import template

from tatara.screening.choices import EntryKind, ListSource

register = template.Library()


@register.filter
def list_label(source: str) -> str:
    """The list's name for a source code ("un" → its translated name); unknown codes as they are."""
    try:
        return str(ListSource(source).label)
    except ValueError:
        return source


@register.filter
def kind_label(kind: str) -> str:
    try:
        return str(EntryKind(kind).label)
    except ValueError:
        return kind
