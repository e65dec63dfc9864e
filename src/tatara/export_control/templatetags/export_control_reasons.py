"""{{ reason|reason_text }}: a stored screening reason in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from tatara.export_control.reasons import render

register = template.Library()


@register.filter
def reason_text(reason: Any) -> str:
    if isinstance(reason, Mapping):
        return render(reason)
    return str(getattr(reason, "text", reason) or "")
