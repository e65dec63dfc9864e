"""The list-changed hook: who wants to know when a list gets a new version.

    from tatara.screening.signals import on_list_changed

    @on_list_changed
    def rescreen(version: ListVersion, diff: ListDiff) -> None: ...

Receivers run after the load's transaction commits (`transaction.on_commit`), in the order
they registered, each with the new version and its `ListDiff` against the version it
replaced; a receiver that must do heavy work (re-screening every party) should queue a job.
A receiver's exception is logged and does not stop the others: the load is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tatara.screening.models import ListVersion

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListDiff:
    """What changed between two versions of a list, by the list's own entry ids. `changed`:
    entries in both whose names, kind, countries, dates of birth or programmes differ."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    previous_version_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }

    @property
    def affected(self) -> tuple[str, ...]:
        """Entry ids whose screening result may differ: added, removed or changed."""
        return self.added + self.removed + self.changed

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], previous_version_id: int | None = None) -> ListDiff:
        return cls(
            tuple(data.get("added", ())),
            tuple(data.get("removed", ())),
            tuple(data.get("changed", ())),
            previous_version_id,
        )


Receiver = Callable[["ListVersion", ListDiff], None]
receivers: list[Receiver] = []


def on_list_changed(receiver: Receiver) -> Receiver:
    """Register `receiver(version, diff)`; usable as a decorator. Registering twice is a no-op."""
    if receiver not in receivers:
        receivers.append(receiver)
    return receiver


def disconnect(receiver: Receiver) -> None:
    if receiver in receivers:
        receivers.remove(receiver)


def notify_list_changed(version: ListVersion, diff: ListDiff) -> None:
    for receiver in list(receivers):
        try:
            receiver(version, diff)
        except Exception:
            log.exception("list-changed receiver %r failed for version %s", receiver, version.pk)
