"""The export-control decision engine: party, country, item and end-use screening combined into
one result — clear, review, licence required or blocked — with every reason listed.

Pure: `assess()` takes plain values (no models, no database) and returns an `Assessment`.
services.screen_transaction() gathers the values from a transaction and stores the result as
a ScreeningRun. The rules are written down in docs/areas/export_control.md ("Rules").

Severities, from mild to grave: info (shown, changes nothing), review, licence_required,
blocked. The result is the gravest severity among the reasons; none or only info → clear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tatara.export_control.choices import Outcome
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
    """A party's screening: its result ("clear" | "review" | "strong") and hits."""

    party_id: int | None
    name: str
    roles: tuple[str, ...]
    outcome: str
    hits: tuple[HitInfo, ...] = ()


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
class Reason:
    kind: str  # party | country | item | end_use
    severity: str  # info | review | licence_required | blocked
    text: str
    code: str  # a stable name of the rule ("party-strong-hit", "group-d" …)
    party: int | None = None
    party_name: str = ""
    roles: tuple[str, ...] = ()
    strong: bool = False
    hits: tuple[HitInfo, ...] = ()
    item: int | None = None
    item_code: str = ""
    term: str = ""
    category: str = ""
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


def find_red_flags(text: str, terms: Sequence[tuple[str, str]] | None = None) -> list[RedFlag]:
    """The red-flag terms (category, term) found in a declared end use, in the data file's
    order, each term once; a term contained in a longer matched term of the same category
    ("ウラン" in "ウラン濃縮") is still shown — both are evidence."""
    if terms is None:
        from tatara.export_control.reference_data import red_flag_terms

        terms = red_flag_terms()
    folded = _fold(text or "")
    if not folded.strip():
        return []
    found: list[RedFlag] = []
    for category, term in terms:
        if _term_pattern(term).search(folded):
            found.append(RedFlag(category, term))
    return found


# --- the rules --------------------------------------------------------------------------------


def _party_reasons(screen: PartyScreen, destination: CountryInfo) -> list[Reason]:
    """(a) A strong hit on a sanctions list → blocked; any other alert → review. A hit on
    METI's End User List (not an embargo list) → review here, and licence required through the
    catch-all rule (c) when a catch-all item goes outside Group A."""
    reasons: list[Reason] = []
    alerts = [h for h in screen.hits if h.strength in (STRONG, ALERT)]
    if screen.outcome in (STRONG, Outcome.REVIEW) and not alerts:
        alerts = list(screen.hits)  # trust the service's outcome even if hits lack a grade
    sanctions = [h for h in alerts if not h.on_end_user_list]
    end_user = [h for h in alerts if h.on_end_user_list]
    roles = list(screen.roles)
    if sanctions:
        strong = [h for h in sanctions if h.strength == STRONG] or (
            sanctions if screen.outcome == STRONG and not end_user else []
        )
        top = max(strong or sanctions, key=lambda h: h.score)
        params: dict[str, Any] = {
            "party": screen.name,
            "roles": roles,
            "name": top.matched_name,
            "list": top.list_name or top.list_source,
            "score": f"{top.score:.2f}",
        }
        if strong:
            reasons.append(
                Reason(
                    PARTY,
                    Outcome.BLOCKED,
                    render_english("party-strong-hit", params),
                    "party-strong-hit",
                    params=params,
                    party=screen.party_id,
                    party_name=screen.name,
                    roles=screen.roles,
                    strong=True,
                    hits=tuple(sanctions),
                )
            )
        else:
            reasons.append(
                Reason(
                    PARTY,
                    Outcome.REVIEW,
                    render_english("party-hit", params),
                    "party-hit",
                    params=params,
                    party=screen.party_id,
                    party_name=screen.name,
                    roles=screen.roles,
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
    """(b) Group D or an embargo → blocked; a UN arms embargo and an arms item (row 1) →
    blocked. A country missing from the data is treated as Group C (info)."""
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
            )
        )
    if destination.group == GROUP_D:
        reasons.append(
            Reason(
                COUNTRY,
                Outcome.BLOCKED,
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
                    )
                )
    return reasons


def _item_reasons(
    destination: CountryInfo,
    items: Sequence[ItemInfo],
    red_flags: Sequence[RedFlag],
    end_user_list_hit: bool,
) -> list[Reason]:
    """(c) A listed item (rows 1–15) outside Group A → licence required; to Group A → review
    (the law still asks for a licence there; a general bulk licence usually covers it).
    Catch-all (row 16): outside Group A, with an end-use red flag or an End User List hit
    → licence required; never for Group A."""
    reasons: list[Reason] = []
    in_group_a = destination.group == GROUP_A
    for item in items:
        params: dict[str, Any] = {
            "item": item.code,
            "row": item.control_row or "",
            "country": destination.name or destination.code,
            "group": destination.group,
        }
        if item.is_listed:
            if in_group_a:
                reasons.append(
                    Reason(
                        ITEM,
                        Outcome.REVIEW,
                        render_english("item-listed-group-a", params),
                        "item-listed-group-a",
                        params=params,
                        item=item.item_id,
                        item_code=item.code,
                    )
                )
            else:
                reasons.append(
                    Reason(
                        ITEM,
                        Outcome.LICENCE_REQUIRED,
                        render_english("item-listed", params),
                        "item-listed",
                        params=params,
                        item=item.item_id,
                        item_code=item.code,
                    )
                )
        elif item.under_catch_all and not in_group_a and (red_flags or end_user_list_hit):
            catch_all = {
                **params,
                "terms": [f.term for f in red_flags],
                "end_user_list": end_user_list_hit,
            }
            reasons.append(
                Reason(
                    ITEM,
                    Outcome.LICENCE_REQUIRED,
                    render_english("item-catch-all", catch_all),
                    "item-catch-all",
                    params=catch_all,
                    item=item.item_id,
                    item_code=item.code,
                )
            )
    return reasons


def _end_use_reasons(red_flags: Sequence[RedFlag]) -> list[Reason]:
    """(d) Each red-flag term found in the declared end use → review, naming the term."""
    return [
        Reason(
            END_USE,
            Outcome.REVIEW,
            render_english("end-use-red-flag", {"term": flag.term, "category": flag.category}),
            "end-use-red-flag",
            params={"term": flag.term, "category": flag.category},
            term=flag.term,
            category=flag.category,
        )
        for flag in red_flags
    ]


def assess(
    *,
    destination: CountryInfo,
    items: Sequence[ItemInfo],
    end_use: str,
    parties: Sequence[PartyScreen],
    red_flag_terms: Sequence[tuple[str, str]] | None = None,
) -> Assessment:
    """Combine the four screenings into one result with every reason (see the module doc)."""
    red_flags = find_red_flags(end_use, red_flag_terms)
    party_reasons = [r for screen in parties for r in _party_reasons(screen, destination)]
    end_user_list_hit = any(r.code == "party-end-user-list" for r in party_reasons)
    reasons = [
        *party_reasons,
        *_country_reasons(destination, items),
        *_item_reasons(destination, items, red_flags, end_user_list_hit),
        *_end_use_reasons(red_flags),
    ]
    return Assessment(
        outcome=worst(r.severity for r in reasons),
        reasons=tuple(reasons),
        destination_group=destination.group,
    )
