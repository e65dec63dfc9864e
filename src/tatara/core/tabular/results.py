"""What an import did: counts by outcome, the changed rows with their kind, and a summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REMOVED)
SAMPLE_SIZE = 10  # changed rows of each kind kept for a dry run's report


def _n(number: int) -> str:
    return number_format(number, force_grouping=True)


@dataclass(frozen=True)
class Change:
    """One record an import created, updated or removed: the row it came from (None for a
    record removed because the file left it out), its outcome, a finer word the area uses
    ("mover", "leaver"), and the label people know it by (a code, an employee number)."""

    row: int | None
    outcome: str
    detail: str
    label: str


@dataclass
class ImportCounts:
    """What an import did to the rows of a file, and its one-line summary for people. Every
    changed record is kept as a `Change` (`changes`), so a dry run can show the first rows of
    each kind; an area with counts of its own subclasses and appends them in `details()`."""

    what: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    # the words of `Change.detail` for people, in the order the summary lists them
    detail_labels: dict[str, Any] = field(default_factory=dict)

    def record(
        self, outcome: str, label: str = "", *, row: int | None = None, detail: str = ""
    ) -> None:
        """Count one record's outcome; a changed one is also kept with its label."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown import outcome {outcome!r}")
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome != UNCHANGED:
            self.changes.append(Change(row, outcome, detail or outcome, label))

    def labels(self, detail: str) -> list[str]:
        """The labels of the changed records of one kind ("joiner", or an outcome), in order."""
        return [c.label for c in self.changes if c.detail == detail]

    def change_rows(self) -> list[tuple[str, str]]:
        """(label, kind) of every changed record, grouped by kind in the spec's order: the
        rows of the changes file an import job offers."""
        order = {d: i for i, d in enumerate(self.by_detail())}
        ordered = sorted(self.changes, key=lambda c: order.get(c.detail, len(order)))
        return [(c.label, c.detail) for c in ordered]

    def first(self, outcome: str, n: int = SAMPLE_SIZE) -> list[Change]:
        """The first `n` changes of an outcome: what a dry run shows of each."""
        return [c for c in self.changes if c.outcome == outcome][:n]

    def by_detail(self) -> dict[str, int]:
        """Changed records by kind: the spec's kinds first (zeros included), then any other."""
        found = Counter(c.detail for c in self.changes)
        order = [*self.detail_labels, *sorted(set(found) - set(self.detail_labels))]
        return {d: found[d] for d in order}

    def details(self) -> str:
        return ""

    def summary(self) -> str:
        """ "file: 3 created, 1 updated, 2 unchanged"; with `detail_labels`, the area's own
        words instead ("file: 2 joiners, 1 movers, ..., 2 unchanged")."""
        if self.detail_labels:
            found = Counter(c.detail for c in self.changes)
            parts = [f"{_n(found[d])} {label}" for d, label in self.detail_labels.items()]
            parts.append(_("%(n)s unchanged") % {"n": _n(self.unchanged)})
            text = f"{self.file}: {', '.join(parts)}"
        else:
            text = _(
                "%(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"
            ) % {
                "file": self.file,
                "created": _n(self.created),
                "updated": _n(self.updated),
                "unchanged": _n(self.unchanged),
            }
            if self.removed:
                text += _(", %(removed)s removed") % {"removed": _n(self.removed)}
        text += self.details()
        if self.dry_run:
            text += _(" (dry run: nothing was stored)")
        return text

    def counts(self) -> dict[str, int]:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.removed:
            counts["removed"] = self.removed
        return counts
