"""Every write of the screening lists: `load_list()`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.permissions import ALL, allowed_units
from tatara.screening.choices import ListSource, VersionStatus
from tatara.screening.models import EntryName, ListEntry, ListVersion, ScreeningList
from tatara.screening.namesakes import entry_identity
from tatara.screening.signals import ListDiff, notify_list_changed
from tatara.screening.sources import ListRecord, ParsedList, read_list
from tatara.screening.sources.files import refuse

ENTRY_BATCH = 2000
NAME_BATCH = 5000


def require_group_manage(actor: Any) -> None:
    """Lists are group-wide: loading one needs "screening.manage" on the whole tree (a grant
    on the group's root unit with its descendants, or the operator)."""
    if allowed_units(actor, "screening.manage") is not ALL:
        raise PermissionDenied("not allowed: screening.manage")


def fingerprint(record: ListRecord) -> str:
    """A hash of what screening uses: a change in it makes the entry "changed" in a diff."""
    names = sorted({(name, quality) for name, quality, _script, _primary in record.names()})
    payload = [
        record.kind,
        record.name,
        names,
        sorted(record.countries),
        sorted(str(b) for b in record.birth_dates),
        sorted(record.programmes),
    ]
    return hashlib.sha1(
        json.dumps(payload, ensure_ascii=False).encode(), usedforsecurity=False
    ).hexdigest()


def compute_diff(
    before: dict[str, str], after: dict[str, str], previous_version_id: int | None = None
) -> ListDiff:
    """Entry id → fingerprint of two versions → added, removed, changed (each sorted)."""
    return ListDiff(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(k for k in after.keys() & before.keys() if after[k] != before[k])),
        previous_version_id=previous_version_id,
    )


@dataclass
class LoadTimes:
    parse: float = 0.0
    store: float = 0.0


def load_list(
    *,
    actor: Any,
    source: str,
    path: Path | str,
    published: dt.date | None = None,
) -> ListVersion:
    """Read a list's official file(s) and store them as the list's new active version.

    The whole file is parsed and checked first; a refused file (`ImportRejected`) leaves the
    active version untouched. Then, in one transaction: the new version with its entries and
    names, the previous version marked superseded (kept), the diff against it by entry id,
    and an audit event with the counts. List-changed receivers run after the commit.
    Returns the version; `version.changes` is its ListDiff, `version.load_times` the timings.
    """
    require_group_manage(actor)
    if source not in ListSource.values:
        raise ValueError(f"unknown list source {source!r}")
    path = Path(path)
    started = time.perf_counter()
    parsed = read_list(source, path)
    if not parsed.records:
        raise refuse(path.name, _("the file holds no list entries"))
    parse_seconds = time.perf_counter() - started
    version, _diff = _store(actor=actor, parsed=parsed, path=path, published=published)
    version.load_times = LoadTimes(parse_seconds, time.perf_counter() - started - parse_seconds)  # type: ignore[attr-defined]
    return version


@transaction.atomic
def _store(
    *, actor: Any, parsed: ParsedList, path: Path, published: dt.date | None
) -> tuple[ListVersion, ListDiff]:
    source = parsed.source
    screening_list, _created = ScreeningList.objects.get_or_create(
        source=source, defaults={"name": str(ListSource(source).label)}
    )
    screening_list = ScreeningList.objects.select_for_update().get(pk=screening_list.pk)
    previous = screening_list.active_version
    before: dict[str, str] = {}
    if previous is not None:
        before = dict(previous.entries.values_list("entry_id", "fingerprint"))
        previous.status = VersionStatus.SUPERSEDED
        stamp(previous, actor, "superseded by a new load")
        previous.save(update_fields=["status"])
    prints = {record.entry_id: fingerprint(record) for record in parsed.records}
    diff = compute_diff(before, prints, previous.pk if previous else None)
    main = parsed.files[0]
    version = ListVersion(
        screening_list=screening_list,
        loaded_by=actor if getattr(actor, "pk", None) else None,
        loaded_by_label=actor_label(actor)[:150],
        file_name=path.name if path.is_file() else f"{path.name}/{main.name}",
        sha256=main.sha256,
        files=[f.__dict__ for f in parsed.files],
        published=published or parsed.published,
        status=VersionStatus.ACTIVE,
        entry_count=len(parsed.records),
        name_count=parsed.name_count,
        added_count=len(diff.added),
        removed_count=len(diff.removed),
        changed_count=len(diff.changed),
        previous=previous,
        diff=diff.to_json(),
    )
    stamp(version, actor, "list loaded")
    version.save()
    _bulk_store(version, parsed.records, prints)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: tens of thousands of rows were just added, and
        # until autovacuum's analyze runs a join over them may get a nested-loop plan that
        # takes minutes (ANALYZE counts this transaction's own inserts).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ListEntry._meta.db_table}, {EntryName._meta.db_table}")
    screening_list.active_version = version
    stamp(screening_list, actor, "new active version")
    screening_list.save(update_fields=["active_version"])
    record_event(
        actor=actor,
        verb="screening.list_loaded",
        target=version,
        data={
            "source": source,
            "files": [f.name for f in parsed.files],
            "sha256": main.sha256,
            "published": version.published.isoformat() if version.published else None,
            "entries": version.entry_count,
            "names": version.name_count,
            "previous_version": previous.pk if previous else None,
            **diff.counts,
        },
    )
    transaction.on_commit(lambda: notify_list_changed(version, diff))
    return version, diff


def _bulk_store(version: ListVersion, records: list[ListRecord], prints: dict[str, str]) -> None:
    for start in range(0, len(records), ENTRY_BATCH):
        chunk = records[start : start + ENTRY_BATCH]
        entries = ListEntry.objects.bulk_create(
            [
                ListEntry(
                    version=version,
                    entry_id=record.entry_id,
                    kind=record.kind,
                    name=record.name,
                    countries=list(record.countries),
                    birth_dates=[str(b) for b in record.birth_dates],
                    programmes=list(record.programmes),
                    remarks=record.remarks,
                    fingerprint=prints[record.entry_id],
                    identity=entry_identity(record),
                    raw=record.to_json(),
                )
                for record in chunk
            ]
        )
        names = [
            EntryName(
                entry=entry,
                name=name,
                quality=quality,
                script=script,
                name_type="primary" if primary else alias_type,
                is_primary=primary,
            )
            for entry, record in zip(entries, chunk, strict=True)
            for (name, quality, script, primary), alias_type in zip(
                record.names(), ("primary", *(a.type for a in record.aliases)), strict=True
            )
        ]
        EntryName.objects.bulk_create(names, batch_size=NAME_BATCH)
