"""Audit trail: explicit domain events plus the row history kept by django-simple-history.

Services call `record_event()` for what happened in business terms, and `stamp()` on each
instance they save so that the row history names the actor even outside a web request
(CLI, jobs), where simple-history's request middleware sees nobody.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tatara.core.models import AuditEvent


def actor_label(actor: Any) -> str:
    if actor is None or (getattr(actor, "pk", None) is None and hasattr(actor, "label")):
        if actor is not None:
            return str(actor.label)
        try:
            return f"system ({getpass.getuser()})"
        except Exception:  # pragma: no cover - no user database in some containers
            return "system"
    return str(actor.get_username())


def stamp(instance: models.Model, actor: Any, reason: str = "") -> models.Model:
    """Mark the next save of `instance` as done by `actor` (for its row history)."""
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor  # type: ignore[attr-defined]
    elif actor is not None:
        # an actor without a user row (the CLI operator, a job): name it in the change reason
        reason = f"[{actor_label(actor)}] {reason}".rstrip()
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    return instance


def record_event(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    org_unit: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        org_unit=org_unit,
        data=data or {},
    )


@dataclass
class TrailEntry:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, Any, Any]]


def trail_for(obj: models.Model, limit: int = 200) -> list[TrailEntry]:
    """The object's audit trail, newest first: its domain events and its row changes."""
    entries: list[TrailEntry] = []
    content_type = ContentType.objects.get_for_model(obj)
    for event in AuditEvent.objects.filter(target_type=content_type, target_id=str(obj.pk))[:limit]:
        detail = ", ".join(f"{k}: {v}" for k, v in event.data.items()) if event.data else ""
        entries.append(
            TrailEntry(
                event.created_at,
                event.actor_label,
                event.verb + (f" ({detail})" if detail else ""),
                [],
            )
        )
    history = getattr(obj, "history", None)
    if history is not None:
        records = list(history.select_related("history_user").all()[:limit])
        for newer, older in zip(records, [*records[1:], None], strict=False):
            changes: list[tuple[str, Any, Any]] = []
            if older is not None:
                delta = newer.diff_against(older)
                changes = [(c.field, c.old, c.new) for c in delta.changes]
            kind = {"+": "created", "~": "changed", "-": "deleted"}[newer.history_type]
            who = newer.history_user.get_username() if newer.history_user else "system"
            why = newer.history_change_reason or ""
            if not newer.history_user and why.startswith("[") and "]" in why:
                who, why = why[1 : why.index("]")], why[why.index("]") + 1 :].strip()
            reason = f" — {why}" if why else ""
            entries.append(TrailEntry(newer.history_date, who, f"row {kind}{reason}", changes))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
