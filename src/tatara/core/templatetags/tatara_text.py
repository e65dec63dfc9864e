"""Template filters for user-written text stored with translations (core.TranslatableModel)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> Any:
    """`{{ subject|localized:"title" }}`: the field in the page's language, else the original."""
    if obj is None or not hasattr(obj, "localized"):
        return getattr(obj, field, "") if obj is not None else ""
    return obj.localized(field, (get_language() or "en").split("-")[0])
