"""The lock of a fiscal year on the pages of its records: `{% year_lock_banner year %}` says a
year is closed (or reopened, and why), `{% reopened_marks obj %}` marks a record changed while
its year was reopened, with a link to each reopening (core.year_lock)."""

from __future__ import annotations

from typing import Any

from django import template

from tatara.core import year_lock

register = template.Library()


@register.inclusion_tag("core/_year_lock_banner.html")
def year_lock_banner(year: int, state: year_lock.LockState | None = None) -> dict[str, Any]:
    """`state`: the page's year_lock.lock_state(year) when it has one (saves two queries)."""
    if state is None or state.year != year:
        state = year_lock.lock_state(year)
    return {"year": year, "closed": state.closed, "reopening": state.reopening}


@register.inclusion_tag("core/_reopened_marks.html")
def reopened_marks(obj: Any) -> dict[str, Any]:
    return {"reopenings": year_lock.reopenings_touching(obj) if obj is not None else []}
