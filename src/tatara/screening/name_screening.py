"""Party screening for the rest of Tatara: one name against every active list, the index
those screenings use, and re-screening after a list update.

    from tatara.screening import name_screening

    result = name_screening.screen_name("Mohamed Ali", country="IR", birth_date="1965", kind="person")
    result.outcome            # "clear" | "review" | "strong"
    result.hits               # [HitView(score, source, list_name, list_entry_id, entry_pk, ...)]
    result.list_versions      # ids of the active versions screened against

    @name_screening.register_rescreen
    def rescreen(change: name_screening.ListChange) -> None:   # .version, .diff (and diff-like)
        outcome = name_screening.rescreen_against_change(change, parties)   # parties: PartyQuery
        outcome.hits      # party key -> ScreeningResult (hits on added/changed entries only)
        outcome.removed   # party key -> (source, entry id) of its existing hits now removed
        outcome.dropped   # party key -> existing hits on changed entries that no longer match

Screening is not gated here: callers gate their own callers (a page needs
`screening.view`, a transaction's screening the right to edit the transaction). Lists are
group-wide reference data, so the result is the same for everyone.

The index (`active_index()`) is built once per set of active versions and cached for the
process; each call checks the set with one small query and rebuilds after a load. See
docs/areas/screening.md ("Screening service", "Re-screening").
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from tatara.screening.matching import (
    ALERT_THRESHOLD,
    REPORT_THRESHOLD,
    STRONG_THRESHOLD,
    Hit,
    MatchIndex,
    MatchRecord,
)
from tatara.screening.signals import ListDiff, on_list_changed

if TYPE_CHECKING:
    from tatara.screening.models import ListVersion

log = logging.getLogger(__name__)

CLEAR, REVIEW, STRONG = "clear", "review", "strong"
OUTCOMES = (CLEAR, REVIEW, STRONG)


# --- results ---------------------------------------------------------------------------------


def hit_level(score: float) -> str:
    """ "strong" (≥ STRONG_THRESHOLD), "alert" (≥ ALERT_THRESHOLD) or "weak" (shown only)."""
    if score >= STRONG_THRESHOLD:
        return "strong"
    if score >= ALERT_THRESHOLD:
        return "alert"
    return "weak"


@dataclass(frozen=True)
class HitView:
    """One hit: a list entry whose best name scored at least the report threshold."""

    score: float
    name_score: float  # the name alone, before evidence (country, birth date, kind)
    source: str  # "ofac-sdn", "un", ...
    list_name: str
    list_entry_id: str  # the list's own id: OFAC ent_num, UN reference number ...
    entry_pk: int | None  # screening.ListEntry pk (None for records not from the database)
    matched_name: str  # the primary name or alias that matched
    kind: str
    programmes: tuple[str, ...]
    reasons: tuple[str, ...]
    # hits with the same group matched the same name with the same score (entries no
    # name-only screen can tell apart: the same person on two lists, branches of one body)
    group: int = 0
    # ListEntry.identity: who the entry is (names, countries, dates, identifiers), the key of
    # remembered clearings; "" for records not from the database
    entry_identity: str = ""
    # the ClearedMatch that cleared this party against this entry before (namesakes.py): the
    # hit is shown but does not count toward the outcome
    cleared_before: int | None = None

    @property
    def level(self) -> str:
        return hit_level(self.score)

    @property
    def is_alert(self) -> bool:
        return self.score >= ALERT_THRESHOLD

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "name_score": self.name_score,
            "level": self.level,
            "source": self.source,
            "list_name": self.list_name,
            "list_entry_id": self.list_entry_id,
            "entry_pk": self.entry_pk,
            "matched_name": self.matched_name,
            "kind": self.kind,
            "programmes": list(self.programmes),
            "reasons": list(self.reasons),
            "group": self.group,
            "entry_identity": self.entry_identity,
            "cleared_before": self.cleared_before,
        }


def outcome_of(hits: Sequence[HitView] | Sequence[Hit]) -> str:
    """No hit at or above ALERT → clear; the best at or above STRONG → strong; else review.
    Hits cleared before (a remembered namesake) do not count."""
    best = max((h.score for h in hits if not getattr(h, "cleared_before", None)), default=0.0)
    if best >= STRONG_THRESHOLD:
        return STRONG
    if best >= ALERT_THRESHOLD:
        return REVIEW
    return CLEAR


@dataclass(frozen=True)
class ScreeningResult:
    """The hits of one name, best first, and what they add up to."""

    name: str
    hits: tuple[HitView, ...]
    outcome: str  # CLEAR, REVIEW or STRONG
    list_versions: tuple[int, ...]  # the active versions screened against
    country: str | None = None
    birth_date: str | None = None
    kind: str | None = None

    @property
    def best(self) -> HitView | None:
        return self.hits[0] if self.hits else None

    @property
    def alerts(self) -> tuple[HitView, ...]:
        return tuple(h for h in self.hits if h.is_alert)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "birth_date": self.birth_date,
            "kind": self.kind,
            "outcome": self.outcome,
            "list_versions": list(self.list_versions),
            "hits": [h.to_json() for h in self.hits],
        }


# --- the index of the active versions --------------------------------------------------------


@dataclass(frozen=True)
class ActiveIndex:
    """A MatchIndex of every active version, with what the hits need to be shown."""

    key: tuple[tuple[int, str], ...]  # (version pk, loaded_at) of each active version
    index: MatchIndex
    list_names: Mapping[str, str]  # source -> list name
    build_seconds: float = 0.0
    identities: Mapping[int, str] = field(default_factory=dict)  # entry pk -> identity

    @property
    def version_ids(self) -> tuple[int, ...]:
        return tuple(pk for pk, _loaded in self.key)


_lock = threading.Lock()
_cached: ActiveIndex | None = None


def _active_key() -> tuple[tuple[int, str], ...]:
    """One small query: which versions are active (their load time tells a reused pk)."""
    from tatara.screening.choices import VersionStatus
    from tatara.screening.models import ListVersion

    rows = (
        ListVersion.objects.filter(status=VersionStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "loaded_at")
    )
    return tuple((pk, loaded.isoformat() if loaded else "") for pk, loaded in rows)


def _build_index(records: Iterable[MatchRecord]) -> MatchIndex:
    # MatchRecord is frozen; the matcher's RecordLike protocol declares plain (settable)
    # attributes, which mypy does not accept from a frozen dataclass.
    return MatchIndex.build(cast(Any, records))


def records_from_rows(rows: Iterable[Any]) -> list[MatchRecord]:
    """Group `selectors.ActiveName` rows (ordered by entry, primary name first) into one
    MatchRecord per entry; the record's key is the entry's pk (as text)."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.entry_pk, []).append(row)
    records = []
    for entry_pk, names in grouped.items():
        first = names[0]
        ordered = sorted(names, key=lambda n: not n.is_primary)  # stable: primary first
        records.append(
            MatchRecord(
                key=str(entry_pk),
                list_code=first.source,
                entry_id=first.entry_id,
                names=tuple((n.name, n.quality) for n in ordered),
                kind=first.kind,
                countries=first.countries,
                birth_dates=first.birth_dates,
                programmes=first.programmes,
            )
        )
    return records


def _build() -> ActiveIndex:
    from tatara.screening import selectors
    from tatara.screening.choices import VersionStatus
    from tatara.screening.models import ListEntry, ScreeningList

    started = time.perf_counter()
    key = _active_key()
    records = records_from_rows(selectors.active_names())
    index = _build_index(records)
    names = dict(ScreeningList.objects.values_list("source", "name"))
    identities = dict(
        ListEntry.objects.filter(version__status=VersionStatus.ACTIVE).values_list("pk", "identity")
    )
    seconds = time.perf_counter() - started
    log.info(
        "screening index built: %d entries, %d names in %.1f s", len(records), len(index), seconds
    )
    return ActiveIndex(
        key=key, index=index, list_names=names, build_seconds=seconds, identities=identities
    )


def active() -> ActiveIndex:
    """The cached index of the active versions with its key and list names; rebuilt when
    the set of active versions changed (one query per call to check). Thread-safe: one
    thread builds while the others wait for it; a built index is never modified."""
    global _cached
    key = _active_key()
    cached = _cached
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cached
        if cached is not None and cached.key == _active_key():
            return cached
        built = _build()
        _cached = built
        return built


def active_index() -> MatchIndex:
    """The MatchIndex of every active list version (process-wide cache, see `active()`)."""
    return active().index


def clear_cache() -> None:
    """Forget the cached index (tests; a load also makes the next call rebuild)."""
    global _cached
    with _lock:
        _cached = None


# --- screening one name ----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _entry_pk(key: str) -> int | None:
    return int(key) if key.isdigit() else None


def hit_view(
    hit: Hit, list_names: Mapping[str, str], identities: Mapping[int, str] | None = None
) -> HitView:
    entry_pk = _entry_pk(hit.key)
    return HitView(
        score=hit.score,
        name_score=hit.name_score,
        source=hit.list_code,
        list_name=list_names.get(hit.list_code, hit.list_code),
        list_entry_id=hit.entry_id,
        entry_pk=entry_pk,
        matched_name=hit.matched_name,
        kind=hit.kind,
        programmes=tuple(hit.programmes),
        reasons=tuple(hit.reasons),
        group=hit.group,
        entry_identity=(identities or {}).get(entry_pk, "") if entry_pk is not None else "",
    )


def screen_with(
    current: ActiveIndex,
    name: str,
    *,
    country: str | None = None,
    birth_date: str | dt.date | None = None,
    kind: str | None = None,
    limit: int = 10,
    threshold: float = REPORT_THRESHOLD,
) -> ScreeningResult:
    """Screen one name against a given ActiveIndex (batch screening takes it once)."""
    name = (name or "").strip()
    country, birth = _text(country), _text(birth_date)
    kind = _text(kind)
    hits = current.index.screen(
        name, country=country, birth_date=birth, kind=kind, limit=limit, threshold=threshold
    )
    views = tuple(hit_view(h, current.list_names, current.identities) for h in hits)
    return ScreeningResult(
        name=name,
        hits=views,
        outcome=outcome_of(views),
        list_versions=current.version_ids,
        country=country,
        birth_date=birth,
        kind=kind,
    )


def screen_name(
    name: str,
    *,
    country: str | None = None,
    birth_date: str | dt.date | None = None,
    kind: str | None = None,
    limit: int = 10,
) -> ScreeningResult:
    """Screen one name (with optional evidence: country name or ISO code, date of birth
    "1965-03-01" / "1965", kind "person" / "entity") against every active list version.
    Hits at or above REPORT_THRESHOLD, best first, at most `limit`."""
    return screen_with(
        active(), name, country=country, birth_date=birth_date, kind=kind, limit=limit
    )


# --- re-screening after a list update --------------------------------------------------------


@dataclass(frozen=True)
class PartyQuery:
    """A party to re-screen. `key`: the caller's id of it. `names`: its name and aliases.
    `hits`: its current hits as (source, list entry id) pairs, so that hits on removed or
    changed entries can be reported. `cleared`: (source, list entry id, entry identity) → the
    clearing's pk, for the entries it was cleared against before (namesakes.py): a hit on one
    of them, as long as the entry's identity is unchanged, is marked and does not make the
    party affected."""

    key: Hashable
    names: tuple[str, ...]
    country: str | None = None
    birth_date: str | None = None
    kind: str | None = None
    hits: tuple[tuple[str, str], ...] = ()
    cleared: Mapping[tuple[str, str, str], int] = field(default_factory=dict, hash=False)

    @classmethod
    def of(
        cls,
        key: Hashable,
        name: str,
        *aliases: str,
        country: str | None = None,
        birth_date: str | dt.date | None = None,
        kind: str | None = None,
        hits: Iterable[tuple[str, str]] = (),
        cleared: Mapping[tuple[str, str, str], int] | None = None,
    ) -> PartyQuery:
        return cls(
            key,
            tuple(n for n in (name, *aliases) if n and n.strip()),
            _text(country),
            _text(birth_date),
            _text(kind),
            tuple(hits),
            dict(cleared or {}),
        )


def _evidence_key(record: MatchRecord) -> tuple[Any, ...]:
    return (
        record.kind,
        tuple(sorted(record.countries)),
        tuple(sorted(map(str, record.birth_dates))),
    )


@dataclass
class ListChange:
    """A list update as re-screening sees it: the new version, its diff, and the records of
    the entries that matter (built lazily, once, and shared by every callback and batch).

    The entries to screen every party against (`grown`): the added ones, and the changed ones
    that gained a name or whose kind, countries or dates of birth changed — only these can
    make a new hit. Changed entries that only lost names or changed programmes (`shrunk`)
    can only lose or alter hits: parties are checked against them only when they already
    hit them."""

    source: str
    version_id: int | None
    diff: ListDiff
    list_name: str = ""
    new_records: Mapping[str, MatchRecord] = field(default_factory=dict)  # added + changed
    old_records: Mapping[str, MatchRecord] = field(default_factory=dict)  # changed, as before
    identities: Mapping[int, str] = field(default_factory=dict)  # entry pk -> identity (new)
    version: ListVersion | None = field(default=None, repr=False)  # the new version (from a load)
    _indexes: tuple[MatchIndex, MatchIndex] | None = field(default=None, repr=False)

    # diff-like: a callback may treat the change as the ListDiff it carries
    @property
    def added(self) -> tuple[str, ...]:
        return self.diff.added

    @property
    def removed(self) -> tuple[str, ...]:
        return self.diff.removed

    @property
    def changed(self) -> tuple[str, ...]:
        return self.diff.changed

    @property
    def affected(self) -> tuple[str, ...]:
        return self.diff.affected

    @property
    def counts(self) -> dict[str, int]:
        return self.diff.counts

    @property
    def previous_version_id(self) -> int | None:
        return self.diff.previous_version_id

    @property
    def extra(self) -> dict[str, Any]:
        return {"source": self.source, "version_id": self.version_id, "version": self.version}

    @classmethod
    def from_version(cls, version: ListVersion, diff: ListDiff | None = None) -> ListChange:
        """Read the added and changed entries of `version` (and the changed ones as they were
        in the previous version) from the database."""
        from tatara.screening.models import EntryName

        diff = diff if diff is not None else version.changes
        source = version.screening_list.source
        wanted = set(diff.added) | set(diff.changed)
        identities: dict[int, str] = {}

        def records(version_id: int | None, ids: set[str]) -> dict[str, MatchRecord]:
            if version_id is None or not ids:
                return {}
            rows = (
                EntryName.objects.filter(entry__version_id=version_id, entry__entry_id__in=ids)
                .order_by("entry_id", "-is_primary", "pk")
                .values_list(
                    "entry_id",
                    "entry__entry_id",
                    "name",
                    "quality",
                    "entry__kind",
                    "entry__countries",
                    "entry__birth_dates",
                    "entry__programmes",
                    "is_primary",
                    "entry__identity",
                )
            )
            grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for row in rows.iterator(chunk_size=5000):
                grouped[row[0]].append(row)
            out = {}
            for pk, names in grouped.items():
                _pk, entry_id, _n, _q, kind, countries, dates, programmes, _p, identity = names[0]
                if version_id == version.pk:
                    identities[pk] = identity
                out[entry_id] = MatchRecord(
                    key=str(pk),
                    list_code=source,
                    entry_id=entry_id,
                    names=tuple((n[2], n[3]) for n in names),
                    kind=kind,
                    countries=tuple(countries or ()),
                    birth_dates=tuple(dates or ()),
                    programmes=tuple(programmes or ()),
                )
            return out

        # A set of thousands of ids is fine for PostgreSQL; SQLite allows 250,000 variables.
        return cls(
            source=source,
            version_id=version.pk,
            diff=diff,
            list_name=version.screening_list.name,
            new_records=records(version.pk, wanted),
            old_records=records(diff.previous_version_id, set(diff.changed)),
            identities=identities,
            version=version,
        )

    def split(self) -> tuple[list[MatchRecord], list[MatchRecord]]:
        """(grown, shrunk): see the class docstring."""
        grown = [self.new_records[e] for e in self.diff.added if e in self.new_records]
        shrunk = []
        for entry_id in self.diff.changed:
            new = self.new_records.get(entry_id)
            if new is None:
                continue
            old = self.old_records.get(entry_id)
            if old is None:
                grown.append(new)
                continue
            gained = {n for n, _q in new.names} - {n for n, _q in old.names}
            weakened = {n for n, q in old.names if q == "weak"} & {
                n for n, q in new.names if q == "strong"
            }  # a weak alias made strong scores higher
            if gained or weakened or _evidence_key(new) != _evidence_key(old):
                grown.append(new)
            else:
                shrunk.append(new)
        return grown, shrunk

    def indexes(self) -> tuple[MatchIndex, MatchIndex]:
        """(index of the grown entries, index of the shrunk ones), built once."""
        if self._indexes is None:
            grown, shrunk = self.split()
            self._indexes = (_build_index(grown), _build_index(shrunk))
        return self._indexes


@dataclass
class RescreenOutcome:
    change: ListChange
    # party key -> its hits on the added/changed entries of this list (at least one hit)
    hits: dict[Hashable, ScreeningResult] = field(default_factory=dict)
    # party key -> (source, entry id) of its existing hits on entries the list removed
    removed: dict[Hashable, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # party key -> (source, entry id) of its existing hits on changed entries that no longer
    # reach the report threshold
    dropped: dict[Hashable, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    parties: int = 0
    queries: int = 0
    seconds: float = 0.0


def rescreen_against_change(
    change: ListChange,
    parties: Iterable[PartyQuery],
    *,
    limit: int = 10,
    threshold: float = REPORT_THRESHOLD,
    report: Callable[[int], None] | None = None,
) -> RescreenOutcome:
    """Screen many parties against ONLY what a list update added or changed (a small index
    of the diff), and report which of their existing hits point at removed entries or at
    changed entries they no longer match. Identical queries (same name, country, date of
    birth, kind) are screened once. `report(done)` is called every 1,000 parties.

    A hit on an entry the party was cleared against before (`PartyQuery.cleared`, the same
    entry identity) is kept in the result marked `cleared_before`, but a party whose every
    hit is such a hit is not in `outcome.hits`: the update changed nothing the officer has
    not decided. An entry whose names, countries, dates or identifiers changed has a new
    identity: the old clearing does not match it, and the party is reported."""
    started = time.perf_counter()
    grown_index, shrunk_index = change.indexes()
    removed_ids = set(change.diff.removed)
    changed_ids = set(change.diff.changed)
    source = change.source
    names = {source: change.list_name or source}
    versions = (change.version_id,) if change.version_id is not None else ()
    outcome = RescreenOutcome(change=change)
    memo: dict[tuple[Any, ...], tuple[Hit, ...]] = {}
    grown_empty = len(grown_index) == 0

    def screen(index: MatchIndex, name: str, party: PartyQuery, tag: str) -> tuple[Hit, ...]:
        key = (tag, name, party.country, party.birth_date, party.kind)
        found = memo.get(key)
        if found is None:
            outcome.queries += 1
            found = tuple(
                index.screen(
                    name,
                    country=party.country,
                    birth_date=party.birth_date,
                    kind=party.kind,
                    limit=limit,
                    threshold=threshold,
                )
            )
            memo[key] = found
        return found

    for n, party in enumerate(parties, 1):
        outcome.parties = n
        if report is not None and n % 1000 == 0:
            report(n)
        best: dict[str, Hit] = {}
        if not grown_empty:
            for name in party.names:
                for hit in screen(grown_index, name, party, "g"):
                    if hit.entry_id not in best or hit.score > best[hit.entry_id].score:
                        best[hit.entry_id] = hit
        own = [h for h in party.hits if h[0] == source]
        if own:
            gone = tuple(h for h in own if h[1] in removed_ids)
            if gone:
                outcome.removed[party.key] = gone
            recheck = {h[1] for h in own if h[1] in changed_ids}
            if recheck:
                for name in party.names:
                    for hit in screen(shrunk_index, name, party, "s"):
                        if hit.entry_id in recheck and (
                            hit.entry_id not in best or hit.score > best[hit.entry_id].score
                        ):
                            best[hit.entry_id] = hit
                lost = tuple((source, e) for e in sorted(recheck) if e not in best)
                if lost:
                    outcome.dropped[party.key] = lost
        if best:
            ranked = sorted(best.values(), key=lambda h: (-h.score, h.entry_id))[:limit]
            views = tuple(hit_view(h, names, change.identities) for h in ranked)
            if party.cleared:
                views = tuple(
                    replace(v, cleared_before=pk)
                    if (pk := party.cleared.get((source, v.list_entry_id, v.entry_identity)))
                    else v
                    for v in views
                )
                if all(v.cleared_before for v in views):
                    continue
            outcome.hits[party.key] = ScreeningResult(
                name=party.names[0] if party.names else "",
                hits=views,
                outcome=outcome_of(views),
                list_versions=versions,
                country=party.country,
                birth_date=party.birth_date,
                kind=party.kind,
            )
    outcome.seconds = time.perf_counter() - started
    return outcome


RescreenCallback = Callable[[ListChange], None]
_rescreen_callbacks: list[RescreenCallback] = []


def register_rescreen(callback: RescreenCallback) -> RescreenCallback:
    """Register `callback(change: ListChange)`, called after every list load that changed
    something (after the commit, in registration order). Usable as a decorator; registering
    twice is a no-op. Heavy work belongs in a background job: the callback runs in the
    process that loaded the list (a request, a job or the CLI)."""
    if callback not in _rescreen_callbacks:
        _rescreen_callbacks.append(callback)
    return callback


def unregister_rescreen(callback: RescreenCallback) -> None:
    if callback in _rescreen_callbacks:
        _rescreen_callbacks.remove(callback)


@on_list_changed
def _on_list_changed(version: ListVersion, diff: ListDiff) -> None:
    """Receiver of every load: hands the change to the re-screen callbacks. (The index cache
    needs nothing: its key is the set of active versions, checked on every call.)"""
    if not _rescreen_callbacks or not diff.affected:
        return
    change = ListChange.from_version(version, diff)
    for callback in list(_rescreen_callbacks):
        try:
            callback(change)
        except Exception:
            log.exception("re-screen callback %r failed for version %s", callback, version.pk)
