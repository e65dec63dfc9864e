"""Cleared namesakes remembered: a party cleared as "not a match" against a list entry does not
alert on that entry again until the party or the entry changes (issue 9, decision 0019).

    subject = Subject.of_name("Hanako Yamamoto", country="JP", birth_date="1980-01-02")
    subject = Subject.of_party(party)              # an export-control Party row
    memory = memory_for(company, subjects=[subject])
    memory.cleared(subject, "un", "QDi.001", identity)  # -> the ClearedMatch pk, or None
    result = memory.apply(result, subject)         # a ScreeningResult with its hits marked

    remember(actor=, permission=, org_unit=, subject=, hits=, decision=, reason=, ...)
    forget(actor=, permission=, org_unit=, clearings=, why=)
    markers(viewer=, ids=)                         # how a stored mark shows to this viewer

The key of a clearing (models.ClearedMatch) has three parts; a change in any one of them means
the clearing no longer applies, and the hit alerts again:

- the **company** that cleared it: the company-level unit at or above the batch's or the
  transaction's unit (`company_of`), or the group's root for a group-level decision. A
  clearing by company A never silences an alert of company B, nor of the group;
- the **party**: for a batch row its screened name, country and date of birth
  (`name:<fingerprint>`); for an export-control Party its pk and the fingerprint of its own
  names (name and aliases), country and date of birth (`party:<pk>:<fingerprint>`). Renaming
  the party or giving it another date of birth changes the fingerprint;
- the **entry**: the list (source), the list's own entry id and `ListEntry.identity`, a hash of
  the entry's names (every alias), countries, dates of birth and identifiers. Entries are
  stored again with each list version, so the row id is never the key; a new version whose
  entry is unchanged keeps the same identity, and so the memory.

Fingerprints fold case, Unicode compatibility forms and spacing, nothing else: they must not
depend on the matcher's normalisation, which changes as the matcher improves.

Writes (`remember`, `forget`) are called from the services where a clearing becomes final or is
reversed (batch_review.py; export_control's decisions) inside their transaction; each checks
the caller's permission on the decision's unit and records an audit event. Reads for screening
(`memory_for`) are not gated: the memory of a company is applied to that company's screenings
whoever runs them. What a viewer is shown of a clearing (`markers`) goes through the gate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError
from django.db import transaction as db
from django.db.models import Q, QuerySet
from django.utils import timezone

from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.permissions import require

if TYPE_CHECKING:
    from tatara.organisation.models import OrgUnit
    from tatara.screening.models import ClearedMatch
    from tatara.screening.name_screening import ScreeningResult
    from tatara.screening.sources import ListRecord

NAME, PARTY = "name", "party"
# the areas whose decisions clear namesakes, with the action that shows their decisions
DECIDED_IN = {"screening": "screening.view", "export_control": "export_control.view"}

_SPACES = re.compile(r"\s+")


def _fold(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _SPACES.sub(" ", text).strip().casefold()


def _digest(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def entry_identity(record: ListRecord) -> str:
    """Who a list entry is: a hash of its names (primary and every alias, any quality), its
    countries, dates of birth and identifiers (type, number, country). Not in it: the
    programmes, remarks, addresses beyond their countries and the quality of an alias — a
    list update that changes only those leaves the clearings of the entry in force."""
    return _digest(
        [
            sorted({_fold(name) for name, _quality, _script, _primary in record.names()}),
            sorted({_fold(c) for c in record.countries} - {""}),
            sorted({str(b) for b in record.birth_dates}),
            sorted(
                {
                    (_fold(i.type), _fold(i.number).replace(" ", ""), _fold(i.country))
                    for i in record.identifiers
                }
            ),
        ]
    )


def subject_fingerprint(
    names: Iterable[str], country: str | None = None, birth_date: Any = None
) -> str:
    """A party as screening sees it: its names, country and date of birth."""
    if isinstance(birth_date, dt.date):
        birth_date = birth_date.isoformat()
    return _digest([sorted({_fold(n) for n in names} - {""}), _fold(country), _fold(birth_date)])


@dataclass(frozen=True)
class Subject:
    """The party side of the key. `key` is what is stored in ClearedMatch.subject."""

    kind: str  # NAME | PARTY
    fingerprint: str
    party_id: int | None = None
    name: str = ""
    details: str = ""  # country and date of birth, as shown

    @property
    def key(self) -> str:
        if self.kind == PARTY:
            return f"{PARTY}:{self.party_id}:{self.fingerprint}"
        return f"{NAME}:{self.fingerprint}"

    @classmethod
    def of_name(cls, name: str, *, country: str | None = None, birth_date: Any = None) -> Subject:
        """A batch row: the name as screened, with its country and date of birth."""
        details = " · ".join(str(v) for v in (country, birth_date) if v)
        return cls(NAME, subject_fingerprint([name], country, birth_date), None, name, details)

    @classmethod
    def of_party(cls, party: Any) -> Subject:
        """An export-control Party (anything with pk, name, aliases, country, date_of_birth)."""
        names = [party.name, *[a for a in party.aliases or [] if isinstance(a, str)]]
        details = " · ".join(v for v in (party.country, party.date_of_birth) if v)
        return cls(
            PARTY,
            subject_fingerprint(names, party.country, party.date_of_birth),
            party.pk,
            party.name,
            details,
        )


def company_of(unit: OrgUnit) -> OrgUnit:
    """The company whose memory applies: the nearest company at or above `unit`; for a unit
    with no company above it (the group), the root of its tree."""
    from tatara.organisation.models import OrgUnit

    found = unit.company()
    if found is not None:
        return found
    ancestors = unit.ancestor_ids()
    if not ancestors or ancestors[0] == unit.pk:
        return unit
    return OrgUnit.objects.get(pk=ancestors[0])


def companies_by_unit() -> dict[int, int]:
    """Unit pk → the pk of its company (as `company_of`), for every unit, in one query."""
    from tatara.organisation.choices import UnitKind
    from tatara.organisation.models import OrgUnit

    units = {
        pk: (kind, path) for pk, kind, path in OrgUnit.objects.values_list("pk", "kind", "path")
    }
    out = {}
    for pk, (_kind, path) in units.items():
        chain = [int(p) for p in path.strip("/").split("/") if p] or [pk]
        company = next(
            (u for u in reversed(chain) if units.get(u, ("", ""))[0] == UnitKind.COMPANY),
            chain[0],
        )
        out[pk] = company
    return out


# --- hits --------------------------------------------------------------------------------------


def _get(hit: Any, *names: str) -> Any:
    for name in names:
        value = hit.get(name) if isinstance(hit, Mapping) else getattr(hit, name, None)
        if value not in (None, ""):
            return value
    return None


def hit_key(hit: Any) -> tuple[str, str, str]:
    """(source, list entry id, entry identity) of a hit: a HitView, an export-control HitInfo
    or the JSON of either."""
    return (
        str(_get(hit, "source", "list_source") or ""),
        str(_get(hit, "list_entry_id") or ""),
        str(_get(hit, "entry_identity") or ""),
    )


@dataclass
class Memory:
    """The clearings in force of one company (for some subjects, or all), read once."""

    company_id: int | None = None
    keys: dict[tuple[str, str, str, str], int] | None = None

    def cleared(self, subject: Subject, source: str, entry_id: str, identity: str) -> int | None:
        """The pk of the clearing in force of `subject` against that entry, if any."""
        if not self.keys:
            return None
        return self.keys.get((subject.key, source, entry_id, identity))

    def cleared_hit(self, subject: Subject, hit: Any) -> int | None:
        return self.cleared(subject, *hit_key(hit))

    def apply(self, result: ScreeningResult, subject: Subject) -> ScreeningResult:
        """The result with each hit cleared before marked (`HitView.cleared_before`) and the
        outcome counted without them."""
        from tatara.screening.name_screening import outcome_of

        if not self.keys or not result.hits:
            return result
        hits = tuple(
            replace(h, cleared_before=pk) if (pk := self.cleared_hit(subject, h)) else h
            for h in result.hits
        )
        return replace(result, hits=hits, outcome=outcome_of(hits))

    def __bool__(self) -> bool:
        return bool(self.keys)


def memory_for(
    company: OrgUnit | int | None,
    *,
    subjects: Iterable[Subject] | None = None,
    kind: str | None = None,
) -> Memory:
    """The clearings in force of `company`: for these subjects, or every subject (of `kind`)."""
    from tatara.screening.models import ClearedMatch

    if company is None:
        return Memory()
    company_id = company if isinstance(company, int) else company.pk
    rows = ClearedMatch.objects.filter(company_id=company_id, revoked_at=None)
    if subjects is not None:
        keys = sorted({s.key for s in subjects})
        if not keys:
            return Memory(company_id, {})
        rows = rows.filter(subject__in=keys)
    if kind is not None:
        rows = rows.filter(subject_kind=kind)
    found = rows.values_list("subject", "source", "list_entry_id", "entry_identity", "pk")
    return Memory(company_id, {(s, src, e, i): pk for s, src, e, i, pk in found})


# --- writes --------------------------------------------------------------------------------------


def remember(
    *,
    actor: Any,
    permission: str,
    org_unit: OrgUnit,
    subject: Subject,
    hits: Iterable[Any],
    decision: Any,
    reason: str,
    decided_by_label: str,
    decided_at: dt.datetime,
    approved_by_label: str = "",
    decision_label: str = "",
) -> list[ClearedMatch]:
    """Remember that `subject` is not the listed party of any of `hits`, as decided by
    `decision` (a BatchAlert or an export-control Decision) in `org_unit`, for the company of
    that unit. Hits already cleared for the subject (in force) are skipped; hits without a
    list entry id are not remembered. `permission`: the caller's action on `org_unit` that
    made the clearing final (screening.review, export_control.approve ...)."""
    from django.contrib.contenttypes.models import ContentType

    from tatara.screening.models import ClearedMatch

    require(actor, permission, org_unit)
    company = company_of(org_unit)
    made: list[ClearedMatch] = []
    with db.atomic():
        existing = memory_for(company, subjects=[subject])
        seen: set[tuple[str, str, str]] = set()
        content_type = ContentType.objects.get_for_model(decision)
        for hit in hits:
            key = hit_key(hit)
            if not key[0] or not key[1] or key in seen or existing.cleared(subject, *key):
                continue
            seen.add(key)
            row = ClearedMatch(
                org_unit=org_unit,
                company=company,
                subject=subject.key,
                subject_kind=subject.kind,
                party_id=subject.party_id,
                subject_name=subject.name[:500],
                subject_details=subject.details[:200],
                source=key[0],
                list_entry_id=key[1],
                entry_identity=key[2],
                matched_name=str(_get(hit, "matched_name") or ""),
                score=float(_get(hit, "score") or 0.0),
                decision_type=content_type,
                decision_id=decision.pk,
                decision_label=decision_label[:300],
                reason=reason,
                decided_by_label=decided_by_label,
                decided_at=decided_at,
                approved_by_label=approved_by_label,
            )
            stamp(row, actor, "cleared: not a match")
            try:
                with db.atomic():  # another decision may have remembered it meanwhile
                    row.save()
            except IntegrityError:
                continue
            made.append(row)
        if made:
            record_event(
                actor=actor,
                verb="screening.namesake_cleared",
                target=decision,
                org_unit=org_unit,
                data={
                    "company": company.code,
                    "party": subject.name,
                    "subject": subject.key,
                    "entries": [f"{c.source}:{c.list_entry_id}" for c in made],
                    "clearings": [c.pk for c in made],
                },
            )
    return made


def in_force(
    *,
    company: OrgUnit | int | None,
    subject: Subject | None = None,
    party_id: int | None = None,
    entries: Iterable[tuple[str, str]] | None = None,
) -> QuerySet[ClearedMatch]:
    """Clearings in force of a company (None: of every company): of one subject (any
    fingerprint of a party with `party_id`), on these (source, list entry id) entries —
    whatever their identity."""
    from tatara.screening.models import ClearedMatch

    rows = ClearedMatch.objects.filter(revoked_at=None)
    if company is not None:
        rows = rows.filter(company_id=company if isinstance(company, int) else company.pk)
    if subject is not None:
        rows = rows.filter(subject=subject.key)
    if party_id is not None:
        rows = rows.filter(subject_kind=PARTY, party_id=party_id)
    if entries is not None:
        wanted = Q(pk__in=[])
        for source, entry_id in set(entries):
            wanted |= Q(source=source, list_entry_id=entry_id)
        rows = rows.filter(wanted)
    return rows


def made_by(decisions: QuerySet[Any]) -> QuerySet[ClearedMatch]:
    """Clearings in force made by any of these decisions (a queryset of one model)."""
    from django.contrib.contenttypes.models import ContentType

    from tatara.screening.models import ClearedMatch

    return ClearedMatch.objects.filter(
        decision_type=ContentType.objects.get_for_model(decisions.model),
        decision_id__in=decisions.values("pk"),
        revoked_at=None,
    )


def forget(
    *, actor: Any, permission: str, org_unit: OrgUnit, clearings: Iterable[Any], why: str
) -> list[int]:
    """Reverse clearings (ClearedMatch rows or pks) in force: they stay, marked reversed, and no
    longer silence anything. `why` names the decision that reversed them. The pks reversed."""
    from tatara.screening.models import ClearedMatch

    require(actor, permission, org_unit)
    ids = sorted({c if isinstance(c, int) else c.pk for c in clearings})
    if not ids:
        return []
    now = timezone.now()
    done: list[int] = []
    with db.atomic():
        for row in ClearedMatch.objects.select_for_update().filter(pk__in=ids, revoked_at=None):
            row.revoked_at = now
            row.revoked_by_label = actor_label(actor)
            row.revoked_reason = why[:2000]
            stamp(row, actor, "reversed")
            row.save(update_fields=["revoked_at", "revoked_by_label", "revoked_reason"])
            done.append(row.pk)
        if done:
            record_event(
                actor=actor,
                verb="screening.namesake_reversed",
                org_unit=org_unit,
                data={"clearings": done, "why": why[:500]},
            )
    return done


# --- what a viewer is shown ------------------------------------------------------------------


def visible_clearings(*, viewer: Any) -> QuerySet[ClearedMatch]:
    """Clearings the viewer may see: those whose decision they may see (a batch alert with
    `screening.view`, an export-control decision with `export_control.view` on its unit)."""
    from tatara.screening.models import ClearedMatch

    parts = [
        ClearedMatch.objects.visible_to(viewer, action).filter(decision_type__app_label=app)
        for app, action in DECIDED_IN.items()
    ]
    found = parts[0]
    for part in parts[1:]:
        found = found | part
    return found


@dataclass(frozen=True)
class Marker:
    """A "cleared before" mark as one viewer sees it. A clearing outside the viewer's scope
    shows only that it exists (in their own company's screening), never its id or content."""

    visible: bool
    in_force: bool = True
    id: int | None = None
    url: str = ""
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    approved_by: str = ""
    reason: str = ""
    decided_in: str = ""  # "batch" | "transaction"
    decision_label: str = ""
    reversed_at: dt.datetime | None = None
    reversed_why: str = ""

    def to_json(self) -> dict[str, Any]:
        if not self.visible:
            return {"visible": False}
        return {
            "visible": True,
            "id": self.id,
            "in_force": self.in_force,
            "decision_url": self.url,
            "decided_in": self.decided_in,
            "decision_label": self.decision_label,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "approved_by": self.approved_by,
            "reason": self.reason,
            "reversed_at": self.reversed_at.isoformat() if self.reversed_at else None,
        }


HIDDEN = Marker(visible=False)


def markers(*, viewer: Any, ids: Iterable[int]) -> dict[int, Marker]:
    """The marks of these clearings as `viewer` sees them (two queries whatever the number)."""
    wanted = sorted({int(i) for i in ids if i})
    if not wanted:
        return {}
    rows = (
        visible_clearings(viewer=viewer)
        .filter(pk__in=wanted)
        .select_related("decision_type")
        .prefetch_related("decision")
    )
    out: dict[int, Marker] = dict.fromkeys(wanted, HIDDEN)
    for row in rows:
        target = row.decision
        out[row.pk] = Marker(
            visible=True,
            in_force=row.revoked_at is None,
            id=row.pk,
            url=target.get_absolute_url() if target is not None else "",
            decided_by=row.decided_by_label,
            decided_at=row.decided_at,
            approved_by=row.approved_by_label,
            reason=row.reason,
            decided_in="batch" if row.decision_type.app_label == "screening" else "transaction",
            decision_label=row.decision_label,
            reversed_at=row.revoked_at,
            reversed_why=row.revoked_reason,
        )
    return out


class MarkerCache:
    """Marks resolved for one viewer, loaded on first need and kept (an API response)."""

    def __init__(self, viewer: Any) -> None:
        self.viewer = viewer
        self._found: dict[int, Marker] = {}

    @classmethod
    def of(cls, context: dict[str, Any]) -> MarkerCache:
        """The cache of an API response (a serializer's context), made on first use."""
        cache = context.get("namesake_marks")
        if cache is None:
            cache = cls(getattr(context.get("request"), "user", None))
            context["namesake_marks"] = cache
        return cache

    def prime(self, ids: Iterable[Any]) -> None:
        missing = [int(i) for i in ids if isinstance(i, int) and i and i not in self._found]
        if missing:
            self._found.update(markers(viewer=self.viewer, ids=missing))

    def get(self, clearing_id: Any) -> Marker | None:
        if not clearing_id:
            return None
        try:
            key = int(clearing_id)
        except (TypeError, ValueError):
            return None
        self.prime([key])
        return self._found.get(key, HIDDEN)


def marked(
    hits: Iterable[Mapping[str, Any]], cache: MarkerCache, *, as_json: bool = False
) -> list[dict[str, Any]]:
    """Stored hits (JSON) with each `cleared_before` id replaced by the viewer's mark (a
    Marker for a template, its JSON for the API)."""
    hits = list(hits or [])
    cache.prime(h.get("cleared_before") for h in hits)
    out = []
    for hit in hits:
        mark = cache.get(hit.get("cleared_before"))
        shown: Any = mark.to_json() if (mark and as_json) else mark
        out.append({**hit, "cleared_before": shown})
    return out
