"""The export-control decision engine, pure (no models, no database):

1. `assess()` combines party, country, item and end-use screening into one result — clear,
   review, licence required or blocked — with every reason listed. services.screen_transaction()
   gathers the values from a transaction and stores the result as a ScreeningRun.
2. `requirement()` reads what a stored run asks for (which items need a licence, what no
   decision may clear, what only a second person may override) and `check_decision()` is the
   one rule every decision goes through: whether a clear, a licence or a block may be recorded
   on it and why it needs a second approval.
3. `standing()` derives the transaction's status from its runs and decisions (a block stands
   until a second-approved decision lifts it; a decision stands on later runs that add no new
   reason; licences count on the day they are valid), and `shipment_findings()` what a
   shipment lacked — the "major violations".

The rules are written down in docs/areas/export_control.md ("Rules", "Decisions");
docs/decisions/0013 and 0015 say why.

Severities, from mild to grave: info (shown, changes nothing), review, licence_required,
blocked. The result is the gravest severity among the reasons; none or only info → clear.
A blocked reason may also be `prohibited` (no decision on the transaction can clear it: a
total embargo, a party blocked in the party master) or a `ban` (only a licence recording
METI's exceptional approval can, with a second approval).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tatara.export_control.choices import (
    ApprovalGround,
    DecisionKind,
    Outcome,
    TransactionStatus,
)
from tatara.export_control.reasons import render_english

INFO = "info"
SEVERITY_RANK = {
    INFO: 0,
    Outcome.CLEAR: 0,
    Outcome.REVIEW: 1,
    Outcome.LICENCE_REQUIRED: 2,
    Outcome.BLOCKED: 3,
}

# reason kinds
PARTY, COUNTRY, ITEM, END_USE = "party", "country", "item", "end_use"

GROUP_A, GROUP_C, GROUP_D = "A", "C", "D"
ARMS_ROW = "1"
CATCH_ALL_ROW = "16"
METI_END_USER_LIST = "meti-eul"

# a hit's strength, as the screening result grades it
STRONG, ALERT, WEAK = "strong", "alert", "weak"

# effects of a country measure (data/measures.yaml)
BAN_LISTED, CHECK, NOTE = "ban-listed", "check", "note"

# reasons about an event, not a fact: a decision made before never covers them
ALWAYS_NEW = frozenset({"party-list-update"})


@dataclass(frozen=True)
class HitInfo:
    """One list hit of a party (from the screening service's result)."""

    score: float
    list_source: str
    list_name: str
    list_entry_id: str
    matched_name: str
    strength: str = ALERT
    entry_pk: int | None = None
    programmes: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    screened_name: str = ""
    # who the entry is (screening's ListEntry.identity) and, when this party was cleared
    # against it before, the remembered clearing (screening.namesakes, decision 0019)
    entry_identity: str = ""
    cleared_before: int | None = None

    @property
    def on_end_user_list(self) -> bool:
        return self.list_source == METI_END_USER_LIST

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["programmes"] = list(self.programmes)
        data["reasons"] = list(self.reasons)
        data["score"] = round(float(self.score), 4)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HitInfo:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["programmes"] = tuple(known.get("programmes", ()))
        known["reasons"] = tuple(known.get("reasons", ()))
        return cls(**known)


@dataclass(frozen=True)
class PartyScreen:
    """A party's screening: its result ("clear" | "review" | "strong") and hits; `blocked`
    when the party master blocks it (services.block_party)."""

    party_id: int | None
    name: str
    roles: tuple[str, ...]
    outcome: str
    hits: tuple[HitInfo, ...] = ()
    blocked: bool = False
    block_reason: str = ""


@dataclass(frozen=True)
class MeasureInfo:
    """A measure of Japan's own against a destination (data/measures.yaml), in force on the
    transaction's date."""

    code: str
    effect: str  # ban-listed | check | note
    title: str
    check: str = ""
    since: str = ""


@dataclass(frozen=True)
class CountryInfo:
    """The destination's group on the transaction's date; `known` False when the country is
    not in the data (then treated as Group C)."""

    code: str
    group: str
    arms_embargo: bool = False
    embargo: bool = False
    known: bool = True
    name: str = ""
    measures: tuple[MeasureInfo, ...] = ()


@dataclass(frozen=True)
class ItemInfo:
    item_id: int | None
    code: str
    name: str
    control_row: str | None  # "1" … "15", "16", or None (not listed)
    catch_all_applicable: bool = True

    @property
    def is_listed(self) -> bool:
        return self.control_row is not None and self.control_row != CATCH_ALL_ROW

    @property
    def under_catch_all(self) -> bool:
        return not self.is_listed and (
            self.control_row == CATCH_ALL_ROW or self.catch_all_applicable
        )


@dataclass(frozen=True)
class RedFlag:
    category: str
    term: str


@dataclass(frozen=True)
class RedFlagRules:
    """The end-use word lists (data/red_flags.yaml): (category, term) pairs, phrases per
    category inside which a term does not count, and the negations that make a term an info
    reason ("not for military use")."""

    terms: tuple[tuple[str, str], ...]
    exceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    negations_before: tuple[str, ...] = ()
    negations_after: tuple[str, ...] = ()
    negation_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EndUseScan:
    flags: tuple[RedFlag, ...] = ()
    negated: tuple[RedFlag, ...] = ()  # found only in a negation: shown, not flagged


@dataclass(frozen=True)
class Reason:
    kind: str  # party | country | item | end_use
    severity: str  # info | review | licence_required | blocked
    text: str
    code: str  # a stable name of the rule ("party-strong-hit", "country-group-d" …)
    party: int | None = None
    party_name: str = ""
    roles: tuple[str, ...] = ()
    strong: bool = False
    hits: tuple[HitInfo, ...] = ()
    item: int | None = None
    item_code: str = ""
    term: str = ""
    category: str = ""
    prohibited: bool = False  # no decision on the transaction can clear it
    ban: bool = False  # only a licence (METI's exceptional approval) can, second-approved
    # the values its message needs, so reasons.render can show it in the reader's language
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "code": self.code,
            "text": self.text,
            "params": dict(self.params),
        }
        if self.kind == PARTY:
            data.update(
                party=self.party,
                party_name=self.party_name,
                roles=list(self.roles),
                strong=self.strong,
                hits=[h.to_json() for h in self.hits],
            )
        if self.item is not None or self.item_code:
            data.update(item=self.item, item_code=self.item_code)
        if self.term:
            data.update(term=self.term, category=self.category)
        if self.prohibited:
            data["prohibited"] = True
        if self.ban:
            data["ban"] = True
        return data


@dataclass(frozen=True)
class Assessment:
    outcome: str
    reasons: tuple[Reason, ...] = field(default=())
    destination_group: str = ""

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.reasons]

    @property
    def has_strong_party_hit(self) -> bool:
        return any(r.kind == PARTY and r.strong for r in self.reasons)


def worst(severities: Iterable[str]) -> str:
    """The outcome for a set of severities: the gravest; info or nothing → clear."""
    rank = max((SEVERITY_RANK[s] for s in severities), default=0)
    return {0: Outcome.CLEAR, 1: Outcome.REVIEW, 2: Outcome.LICENCE_REQUIRED, 3: Outcome.BLOCKED}[
        rank
    ]


# --- end use ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_latin(term: str) -> bool:
    return all(ord(ch) < 0x250 for ch in term)


def _term_pattern(term: str) -> re.Pattern[str]:
    folded = _fold(term)
    if not _is_latin(folded):
        return re.compile(re.escape(folded))  # Japanese: anywhere in the text
    stem = folded.rstrip("*")
    tail = r"\w*" if folded.endswith("*") else ""
    words = r"\s+".join(re.escape(w) for w in stem.split())
    return re.compile(rf"(?<!\w){words}{tail}(?!\w)")


def _default_rules() -> RedFlagRules:
    from tatara.export_control.reference_data import red_flag_rules

    return red_flag_rules()


def _as_rules(terms: Sequence[tuple[str, str]] | RedFlagRules | None) -> RedFlagRules:
    if terms is None:
        return _default_rules()
    if isinstance(terms, RedFlagRules):
        return terms
    return RedFlagRules(terms=tuple(terms))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _negated(text: str, start: int, end: int, rules: RedFlagRules) -> bool:
    before = text[:start].rstrip(" -\u3000")
    for phrase in rules.negations_before:
        folded = _fold(phrase).rstrip("-")
        if before.endswith(folded) and (
            len(before) == len(folded) or not before[-len(folded) - 1].isalnum()
        ):
            return True
    head = text[:start]
    if any(head.endswith(_fold(p)) for p in rules.negation_prefixes):
        return True
    after = text[end : end + 16].lstrip()
    return any(after.startswith(_fold(p)) for p in rules.negations_after)


def scan_end_use(
    text: str, terms: Sequence[tuple[str, str]] | RedFlagRules | None = None
) -> EndUseScan:
    """The red-flag terms found in a declared end use, in the data file's order, each term
    once; a term found only inside one of its category's exceptions does not count, and one
    found only right after (or, in Japanese, before) a negation is `negated`. A term
    contained in a longer matched term of the same category ("ウラン" in "ウラン濃縮") is
    still shown — both are evidence."""
    rules = _as_rules(terms)
    folded = _fold(text or "")
    if not folded.strip():
        return EndUseScan()
    flags: list[RedFlag] = []
    negated: list[RedFlag] = []
    for category, term in rules.terms:
        excepted = [
            span
            for phrase in rules.exceptions.get(category, ())
            for span in _spans(_term_pattern(phrase), folded)
        ]
        found = [
            (s, e)
            for s, e in _spans(_term_pattern(term), folded)
            if not any(xs <= s and e <= xe for xs, xe in excepted)
        ]
        if not found:
            continue
        if all(_negated(folded, s, e, rules) for s, e in found):
            negated.append(RedFlag(category, term))
        else:
            flags.append(RedFlag(category, term))
    return EndUseScan(tuple(flags), tuple(negated))


def find_red_flags(
    text: str, terms: Sequence[tuple[str, str]] | RedFlagRules | None = None
) -> list[RedFlag]:
    """The red flags of `scan_end_use` (negated terms left out)."""
    return list(scan_end_use(text, terms).flags)


# --- the rules --------------------------------------------------------------------------------


def _party_reasons(screen: PartyScreen) -> list[Reason]:
    """(a) A party blocked in the party master → blocked, prohibited; a strong hit on a
    sanctions list → blocked; any other alert → review. A hit on METI's End User List (not an
    embargo list) → review here, and licence required through the catch-all rule (c) when a
    catch-all item goes outside Group A."""
    reasons: list[Reason] = []
    roles = list(screen.roles)
    if screen.blocked:
        params: dict[str, Any] = {
            "party": screen.name,
            "roles": roles,
            "reason": screen.block_reason,
        }
        reasons.append(
            Reason(
                PARTY,
                Outcome.BLOCKED,
                render_english("party-blocked", params),
                "party-blocked",
                params=params,
                party=screen.party_id,
                party_name=screen.name,
                roles=screen.roles,
                prohibited=True,
            )
        )
    alerts = [h for h in screen.hits if h.strength in (STRONG, ALERT)]
    if screen.outcome in (STRONG, Outcome.REVIEW) and not alerts:
        alerts = list(screen.hits)  # trust the service's outcome even if hits lack a grade
    sanctions = [h for h in alerts if not h.on_end_user_list]
    end_user = [h for h in alerts if h.on_end_user_list]
    if sanctions:
        strong = [h for h in sanctions if h.strength == STRONG] or (
            sanctions if screen.outcome == STRONG and not end_user else []
        )
        top = max(strong or sanctions, key=lambda h: h.score)
        params = {
            "party": screen.name,
            "roles": roles,
            "name": top.matched_name,
            "list": top.list_name or top.list_source,
            "score": f"{top.score:.2f}",
        }
        code = "party-strong-hit" if strong else "party-hit"
        reasons.append(
            Reason(
                PARTY,
                Outcome.BLOCKED if strong else Outcome.REVIEW,
                render_english(code, params),
                code,
                params=params,
                party=screen.party_id,
                party_name=screen.name,
                roles=screen.roles,
                strong=bool(strong),
                hits=tuple(sanctions),
            )
        )
    if end_user:
        top = max(end_user, key=lambda h: h.score)
        eul_params: dict[str, Any] = {
            "party": screen.name,
            "roles": roles,
            "name": top.matched_name,
            "score": f"{top.score:.2f}",
        }
        reasons.append(
            Reason(
                PARTY,
                Outcome.REVIEW,
                render_english("party-end-user-list", eul_params),
                "party-end-user-list",
                params=eul_params,
                party=screen.party_id,
                party_name=screen.name,
                roles=screen.roles,
                strong=False,
                hits=tuple(end_user),
            )
        )
    return reasons


def _country_reasons(destination: CountryInfo, items: Sequence[ItemInfo]) -> list[Reason]:
    """(b) A total embargo (North Korea) → blocked, prohibited. Group D → review: catch-all
    bites hardest there, but Group D alone bans nothing (household fans to Iraq need no
    licence). A UN arms embargo and an arms item (row 1) → blocked, a ban. A country missing
    from the data is treated as Group C (info)."""
    reasons: list[Reason] = []
    params: dict[str, Any] = {
        "country": destination.name or destination.code,
        "group": destination.group,
    }
    if not destination.known:
        reasons.append(
            Reason(
                COUNTRY,
                INFO,
                render_english("country-unknown", params),
                "country-unknown",
                params=params,
            )
        )
    if destination.embargo:
        reasons.append(
            Reason(
                COUNTRY,
                Outcome.BLOCKED,
                render_english("country-embargo", params),
                "country-embargo",
                params=params,
                prohibited=True,
            )
        )
    if destination.group == GROUP_D:
        reasons.append(
            Reason(
                COUNTRY,
                Outcome.REVIEW,
                render_english("country-group-d", params),
                "country-group-d",
                params=params,
            )
        )
    if destination.arms_embargo:
        for item in items:
            if item.control_row == ARMS_ROW:
                reasons.append(
                    Reason(
                        COUNTRY,
                        Outcome.BLOCKED,
                        render_english("country-arms-embargo", {**params, "item": item.code}),
                        "country-arms-embargo",
                        params={**params, "item": item.code},
                        item=item.item_id,
                        item_code=item.code,
                        ban=True,
                    )
                )
    return reasons


def _measure_reasons(destination: CountryInfo, items: Sequence[ItemInfo]) -> list[Reason]:
    """(b') Japan's own measures against the destination (Russia, Belarus since 2022): a
    "ban-listed" measure blocks each listed item as a ban; a "check" measure sends the
    transaction to review, naming what to check (its goods are listed by HS code or
    category, not by the rows items are classified by here)."""
    reasons: list[Reason] = []
    country = destination.name or destination.code
    for measure in destination.measures:
        params: dict[str, Any] = {
            "measure": measure.code,
            "title": measure.title,
            "check": measure.check,
            "since": measure.since,
            "country": country,
        }
        if measure.effect == BAN_LISTED:
            for item in items:
                if item.is_listed:
                    item_params = {**params, "item": item.code, "row": item.control_row}
                    reasons.append(
                        Reason(
                            ITEM,
                            Outcome.BLOCKED,
                            render_english("measure-ban-listed", item_params),
                            "measure-ban-listed",
                            params=item_params,
                            item=item.item_id,
                            item_code=item.code,
                            ban=True,
                        )
                    )
        elif measure.effect == CHECK:
            reasons.append(
                Reason(
                    COUNTRY,
                    Outcome.REVIEW,
                    render_english("measure-check", params),
                    "measure-check",
                    params=params,
                )
            )
    return reasons


def _item_reason(
    item: ItemInfo, params: dict[str, Any], severity: str, code: str, **extra: Any
) -> Reason:
    values = {**params, **extra}
    return Reason(
        ITEM,
        severity,
        render_english(code, values),
        code,
        params=values,
        item=item.item_id,
        item_code=item.code,
    )


def _item_reasons(
    destination: CountryInfo,
    items: Sequence[ItemInfo],
    red_flags: Sequence[RedFlag],
    end_user_list_hit: bool,
) -> list[Reason]:
    """(c) A listed item (rows 1–15) outside Group A → licence required; to Group A → review
    (the law still asks for a licence there; a general bulk licence usually covers it).
    Catch-all (row 16), never for Group A: a party on METI's End User List → licence
    required (the "user" requirement: unless weapons use is clearly excluded); a red flag in
    the end use → review (words are not meaning: the officer judges the use requirement);
    Group D → review."""
    reasons: list[Reason] = []
    in_group_a = destination.group == GROUP_A
    for item in items:
        params: dict[str, Any] = {
            "item": item.code,
            "row": item.control_row or "",
            "country": destination.name or destination.code,
            "group": destination.group,
        }

        terms = [f.term for f in red_flags]
        if item.is_listed:
            if in_group_a:
                reasons.append(_item_reason(item, params, Outcome.REVIEW, "item-listed-group-a"))
            else:
                reasons.append(_item_reason(item, params, Outcome.LICENCE_REQUIRED, "item-listed"))
        elif item.under_catch_all and not in_group_a:
            if end_user_list_hit:
                reason = _item_reason(
                    item,
                    params,
                    Outcome.LICENCE_REQUIRED,
                    "item-catch-all",
                    terms=terms,
                    end_user_list=True,
                )
                reasons.append(reason)
            elif red_flags:
                reasons.append(
                    _item_reason(item, params, Outcome.REVIEW, "item-catch-all-check", terms=terms)
                )
            elif destination.group == GROUP_D:
                reasons.append(_item_reason(item, params, Outcome.REVIEW, "item-catch-all-group-d"))
    return reasons


def _end_use_reasons(scan: EndUseScan) -> list[Reason]:
    """(d) Each red-flag term found in the declared end use → review, naming the term; a
    term found only in a negation ("not for military use") → info."""
    reasons = [
        Reason(
            END_USE,
            Outcome.REVIEW,
            render_english("end-use-red-flag", {"term": flag.term, "category": flag.category}),
            "end-use-red-flag",
            params={"term": flag.term, "category": flag.category},
            term=flag.term,
            category=flag.category,
        )
        for flag in scan.flags
    ]
    reasons += [
        Reason(
            END_USE,
            INFO,
            render_english("end-use-negated", {"term": flag.term, "category": flag.category}),
            "end-use-negated",
            params={"term": flag.term, "category": flag.category},
            term=flag.term,
            category=flag.category,
        )
        for flag in scan.negated
    ]
    return reasons


def assess(
    *,
    destination: CountryInfo,
    items: Sequence[ItemInfo],
    end_use: str,
    parties: Sequence[PartyScreen],
    red_flag_terms: Sequence[tuple[str, str]] | RedFlagRules | None = None,
) -> Assessment:
    """Combine the four screenings into one result with every reason (see the module doc)."""
    scan = scan_end_use(end_use, red_flag_terms)
    party_reasons = [r for screen in parties for r in _party_reasons(screen)]
    end_user_list_hit = any(r.code == "party-end-user-list" for r in party_reasons)
    reasons = [
        *party_reasons,
        *_country_reasons(destination, items),
        *_measure_reasons(destination, items),
        *_item_reasons(destination, items, scan.flags, end_user_list_hit),
        *_end_use_reasons(scan),
    ]
    return Assessment(
        outcome=worst(r.severity for r in reasons),
        reasons=tuple(reasons),
        destination_group=destination.group,
    )


# --- what a run asks for, and the one rule for decisions --------------------------------------

ItemRef = tuple[int | None, str]  # (item id, item code)


@dataclass(frozen=True)
class Requirement:
    """What a stored run (its reasons as JSON) asks of a decision."""

    outcome: str
    prohibited: tuple[str, ...] = ()  # codes of reasons no decision can clear
    bans: tuple[str, ...] = ()  # codes only a licence can clear, second-approved
    blocking: tuple[str, ...] = ()  # other blocked reasons: a second person may override
    licence_items: tuple[ItemRef, ...] = ()  # items a licence must cover
    ban_items: tuple[ItemRef, ...] = ()

    @property
    def needs_licence(self) -> bool:
        return bool(self.licence_items)


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def requirement(reasons: Iterable[Mapping[str, Any]], outcome: str = "") -> Requirement:
    """What a run with these reasons asks for. Old runs (before `prohibited` and `ban` were
    stored) read by code: a total embargo is prohibited."""
    rows = list(reasons)
    prohibited, bans, blocking = [], [], []
    licence_items: list[ItemRef] = []
    ban_items: list[ItemRef] = []
    for r in rows:
        severity, code = r.get("severity"), str(r.get("code", ""))
        ref: ItemRef = (r.get("item"), str(r.get("item_code", "")))
        if severity == Outcome.BLOCKED:
            if r.get("prohibited") or code in ("country-embargo", "party-blocked"):
                prohibited.append(code)
            elif r.get("ban"):
                bans.append(code)
                if r.get("item") is not None or r.get("item_code"):
                    ban_items.append(ref)
                    licence_items.append(ref)
            else:
                blocking.append(code)
        elif severity == Outcome.LICENCE_REQUIRED and r.get("kind") == ITEM:
            licence_items.append(ref)
    return Requirement(
        outcome=outcome or worst(str(r.get("severity", INFO)) for r in rows),
        prohibited=_unique(prohibited),
        bans=_unique(bans),
        blocking=_unique(blocking),
        licence_items=_unique(licence_items),
        ban_items=_unique(ban_items),
    )


@dataclass(frozen=True)
class Verdict:
    """`refusal`: "" (allowed), "prohibited" or "ban-needs-licence"; `grounds`: why a second
    approval is needed (ApprovalGround values); `missing`: items no licence covers."""

    refusal: str = ""
    grounds: tuple[str, ...] = ()
    missing: tuple[ItemRef, ...] = ()


def check_decision(
    kind: str, need: Requirement, *, blocked: bool, covered: Iterable[int | None]
) -> Verdict:
    """The one rule for every decision (`covered`: ids of the items the licences on record —
    with the one being recorded — cover on the shipment date; `blocked`: a block decision
    stands):

    - a block is always allowed;
    - nothing clears a prohibited run (total embargo, a party blocked in the party master);
    - a ban (Russia/Belarus listed items, arms to a UN arms-embargo country) is cleared only
      by a licence recording METI's approval, and that needs a second person;
    - clearing a blocking reason (a strong list hit) needs a second person;
    - clearing while an item still needs a licence (no licence covers it) is a documented
      override and needs a second person; a licence that covers only some items is allowed
      but clears nothing (the status stays "licence required");
    - lifting a block needs a second person.
    """
    if kind == DecisionKind.BLOCK:
        return Verdict()
    if need.prohibited:
        return Verdict(refusal="prohibited")
    have = set(covered)
    missing = tuple(i for i in need.licence_items if i[0] is None or i[0] not in have)
    grounds: list[str] = []
    if blocked:
        grounds.append(ApprovalGround.LIFTS_BLOCK)
    if need.bans:
        if kind == DecisionKind.CLEAR and any(i in missing for i in need.ban_items):
            return Verdict(refusal="ban-needs-licence", missing=missing)
        if kind == DecisionKind.LICENCE:
            grounds.append(ApprovalGround.BAN_EXCEPTION)
    if need.blocking:
        grounds.append(ApprovalGround.OVERRIDE_BLOCK)
    if kind == DecisionKind.CLEAR and missing:
        grounds.append(ApprovalGround.LICENCE_WAIVED)
    return Verdict(grounds=_unique(str(g) for g in grounds), missing=missing)


# --- the transaction's standing: its status, derived ------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    pk: int
    reasons: tuple[Mapping[str, Any], ...]
    outcome: str
    base: bool  # a run on new facts of the transaction (saved or edited)


@dataclass(frozen=True)
class DecisionInfo:
    pk: int
    kind: str
    run: int | None
    grounds: tuple[str, ...] = ()
    needs_second_approval: bool = False
    approved: bool = False  # the second approval was given
    licence_number: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    items: frozenset[int] = frozenset()

    @property
    def pending(self) -> bool:
        return self.needs_second_approval and not self.approved

    def valid_on(self, day: dt.date) -> bool:
        if self.kind != DecisionKind.LICENCE or not self.licence_number:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True)
class Standing:
    status: str
    need: Requirement | None = None
    decision: DecisionInfo | None = None  # the decision the status rests on
    pending: DecisionInfo | None = None  # the newest decision, awaiting its second approval
    block: DecisionInfo | None = None  # the block in force
    licences: tuple[DecisionInfo, ...] = ()  # licence decisions that stand
    missing: tuple[ItemRef, ...] = ()  # items no standing licence covers on the day
    covered: frozenset[int] = frozenset()


def reason_key(reason: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """What makes a reason the same reason on a later run (None: never the same)."""
    code = str(reason.get("code", ""))
    if code in ALWAYS_NEW:
        return None
    params = reason.get("params") or {}
    kind = reason.get("kind")
    if kind == PARTY:
        hits = frozenset(
            (str(h.get("list_source", "")), str(h.get("list_entry_id", "")))
            for h in reason.get("hits") or []
            if isinstance(h, Mapping)
        )
        return (code, reason.get("party"), hits)
    if kind == ITEM:
        return (code, reason.get("item"), reason.get("item_code"), params.get("country"))
    if kind == COUNTRY:
        return (code, params.get("country"), params.get("item"), params.get("measure"))
    if kind == END_USE:
        return (code, reason.get("term"))
    return (code, json.dumps(params, sort_keys=True, default=str))


def reason_keys(reasons: Iterable[Mapping[str, Any]]) -> frozenset[Any] | None:
    """The keys of the reasons that need a decision (review or graver); None when one is
    always new."""
    keys = set()
    for reason in reasons:
        if SEVERITY_RANK.get(str(reason.get("severity")), 0) < SEVERITY_RANK[Outcome.REVIEW]:
            continue
        key = reason_key(reason)
        if key is None:
            return None
        keys.add(key)
    return frozenset(keys)


def active_block(decisions: Sequence[DecisionInfo]) -> DecisionInfo | None:
    """The block in force: the last block decision not followed by a decision that lifts it
    with a second approval."""
    block = None
    for decision in decisions:
        if decision.kind == DecisionKind.BLOCK:
            block = decision
        elif (
            block is not None
            and decision.approved
            and ApprovalGround.LIFTS_BLOCK in decision.grounds
        ):
            block = None
    return block


def standing(runs: Sequence[RunInfo], decisions: Sequence[DecisionInfo], day: dt.date) -> Standing:
    """The transaction's status on the latest run (`runs` and `decisions` oldest first;
    `day`: the shipment date, planned or actual):

    - blocked while a block decision stands (re-screens, edits and list updates change
      nothing), and while the run is prohibited;
    - cleared when the run is clear;
    - otherwise from the newest decision that stands on the run — one made on it, or on an
      earlier run since the transaction was last saved or edited whose reasons include every
      reason of this one — checked again by `check_decision`: pending or no longer allowed →
      screened (awaiting the officer); items not covered by a standing licence valid on `day`
      → licence required (unless a second person approved clearing without); licences that
      cover the items → licensed; else cleared.
    """
    block = active_block(decisions)
    if not runs:
        status = TransactionStatus.BLOCKED if block else TransactionStatus.DRAFT
        return Standing(status, block=block)
    latest = runs[-1]
    need = requirement(latest.reasons, latest.outcome)
    base = max((i for i, run in enumerate(runs) if run.base), default=0)
    position = {run.pk: i for i, run in enumerate(runs)}
    latest_keys = reason_keys(latest.reasons)

    def since_base(decision: DecisionInfo) -> bool:
        i = position.get(decision.run) if decision.run is not None else None
        return i is not None and i >= base

    def stands(decision: DecisionInfo) -> bool:
        if decision.run is None or decision.run not in position:
            return False
        if decision.run == latest.pk:
            return True
        earlier = reason_keys(runs[position[decision.run]].reasons)
        return latest_keys is not None and earlier is not None and latest_keys <= earlier

    current = [d for d in decisions if d.kind != DecisionKind.BLOCK and since_base(d)]
    on_run = [d for d in current if stands(d)]
    # a licence is a fact about the transaction as saved: it counts until the next edit
    licences = tuple(d for d in current if d.kind == DecisionKind.LICENCE and not d.pending)
    covered = frozenset(i for d in licences if d.valid_on(day) for i in d.items)
    missing = tuple(i for i in need.licence_items if i[0] is None or i[0] not in covered)
    newest = on_run[-1] if on_run else None
    pending = newest if newest is not None and newest.pending else None
    common: dict[str, Any] = {
        "need": need,
        "block": block,
        "licences": licences,
        "missing": missing,
        "covered": covered,
        "pending": pending,
    }
    if block is not None or need.prohibited:
        return Standing(TransactionStatus.BLOCKED, **common)
    if latest.outcome == Outcome.CLEAR and not need.licence_items:
        return Standing(TransactionStatus.CLEARED, **common)
    if newest is None or pending is not None:
        return Standing(TransactionStatus.SCREENED, **common)
    verdict = check_decision(newest.kind, need, blocked=False, covered=covered)
    if verdict.refusal or (verdict.grounds and not newest.approved):
        return Standing(TransactionStatus.SCREENED, **common)
    waived = (
        newest.kind == DecisionKind.CLEAR
        and newest.approved
        and ApprovalGround.LICENCE_WAIVED in newest.grounds
    )
    if missing and not waived:
        return Standing(TransactionStatus.LICENCE_REQUIRED, decision=newest, **common)
    if licences and (need.licence_items or newest.kind == DecisionKind.LICENCE) and not missing:
        return Standing(TransactionStatus.LICENSED, decision=newest, **common)
    return Standing(TransactionStatus.CLEARED, decision=newest, **common)


# shipment findings: what a shipment lacked (each counts as a major violation)
SHIPPED_WHILE_BLOCKED = "shipped-while-blocked"
SHIPPED_PROHIBITED = "shipped-prohibited"
SHIPPED_WITHOUT_DECISION = "shipped-without-decision"
SHIPPED_WITHOUT_LICENCE = "shipped-without-licence"
SHIPPED_OUTSIDE_LICENCE = "shipped-outside-licence"


def shipment_findings(at_shipment: Standing, *, status_when_shipped: str = "") -> tuple[str, ...]:
    """What the shipment lacked of the decision its last screening required (`at_shipment`:
    the standing on the shipment date): empty for a clean shipment."""
    found: list[str] = []
    if at_shipment.block is not None or status_when_shipped == TransactionStatus.BLOCKED:
        found.append(SHIPPED_WHILE_BLOCKED)
    if at_shipment.need is not None and at_shipment.need.prohibited:
        found.append(SHIPPED_PROHIBITED)
    status = at_shipment.status
    if status in (TransactionStatus.SCREENED, TransactionStatus.DRAFT):
        found.append(SHIPPED_WITHOUT_DECISION)
    elif status == TransactionStatus.LICENCE_REQUIRED:
        found.append(SHIPPED_OUTSIDE_LICENCE if at_shipment.licences else SHIPPED_WITHOUT_LICENCE)
    return _unique(found)
