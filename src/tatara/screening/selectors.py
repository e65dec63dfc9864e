"""Reads of the screening lists: the lists and their versions for people, and every active
name for the matcher."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import QuerySet

from tatara.screening.choices import VersionStatus
from tatara.screening.models import EntryName, ListVersion, ScreeningList


def lists(*, viewer: Any) -> QuerySet[ScreeningList]:
    return (
        ScreeningList.objects.visible_to(viewer, "screening.view")
        .select_related("active_version")
        .order_by("source")
    )


def versions(*, viewer: Any, source: str) -> QuerySet[ListVersion]:
    return (
        ListVersion.objects.visible_to(viewer, "screening.view")
        .filter(screening_list__source=source)
        .select_related("list")
        .order_by("-loaded_at", "-pk")
    )


class ActiveName(NamedTuple):
    """One name of one entry of an active list version, as the matcher needs it."""

    entry_pk: int
    source: str  # "ofac-sdn", "un", ...
    entry_id: str  # the list's own id: OFAC ent_num, UN reference number ...
    name: str
    quality: str  # "strong" / "weak"
    kind: str  # person, entity, vessel, aircraft, unknown
    countries: tuple[str, ...]
    birth_dates: tuple[str, ...]  # BirthDate texts: "1971-05-03", "1971", "1973/1974", "~1960"
    programmes: tuple[str, ...]
    script: str
    is_primary: bool


def active_names() -> list[ActiveName]:
    """Every name (primary and aliases) of every active list version, in one query.

    Not gated: the matcher that calls it gates its own callers; nothing here is scoped (lists
    are group-wide reference data). Entries' tuples are shared between their names."""
    rows = (
        EntryName.objects.filter(entry__version__status=VersionStatus.ACTIVE)
        .order_by("entry_id", "-is_primary", "pk")
        .values_list(
            "entry_id",
            "entry__version__screening_list__source",
            "entry__entry_id",
            "name",
            "quality",
            "entry__kind",
            "entry__countries",
            "entry__birth_dates",
            "entry__programmes",
            "script",
            "is_primary",
        )
    )
    shared: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    names = []
    for (
        pk,
        source,
        entry_id,
        name,
        quality,
        kind,
        countries,
        dates,
        programmes,
        script,
        primary,
    ) in rows.iterator(chunk_size=5000):
        facts = shared.get(pk)
        if facts is None:
            facts = shared[pk] = (
                tuple(countries or ()),
                tuple(dates or ()),
                tuple(programmes or ()),
            )
        names.append(ActiveName(pk, source, entry_id, name, quality, kind, *facts, script, primary))
    return names
