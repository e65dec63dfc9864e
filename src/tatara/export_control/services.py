"""Every write of the export_control area. Each checks the permission gate itself on the org
unit of the record ("export_control.change" to enter, ".review" to decide, ".approve" for the
second approval of an override), stamps the row history and records an audit event.

Signatures (all keyword-only, `actor` first; `screener` defaults to the screening service):

    create_party(actor=, org_unit=, name=, code="", party_kind="entity", aliases=(),
                 address="", country="", date_of_birth="", identifiers=None, roles=(),
                 language="en", translations=None, screener=None) -> Party
    update_party(actor=, party=, screener=None, **fields) -> Party
    screen_party(actor=, party=, screener=None) -> Party
    create_item(actor=, org_unit=, code=, name=, item_kind="goods", control_row=None,
                sub_item="", catch_all_applicable=True, foreign_classifications=None,
                notes="", language="en", translations=None) -> Item
    update_item(actor=, item=, screener=None, **fields) -> Item
    create_transaction(actor=, org_unit=, reference=, date=, destination=, end_use="",
                       transaction_kind="shipment", lines=(), parties=(), language="en",
                       translations=None, screener=None) -> Transaction
    update_transaction(actor=, transaction=, lines=None, parties=None, screener=None,
                       **fields) -> Transaction
    screen_transaction(actor=, transaction=, trigger="manual", screener=None,
                       extra_reasons=()) -> ScreeningRun
    decide(actor=, transaction=, decision_kind=, reason=, licence_number="", valid_from=None,
           valid_until=None, items=None) -> Decision
    approve_override(actor=, decision=) -> Decision
    record_shipment(actor=, transaction=, shipped_on=) -> Transaction
    major_violations(fiscal_year, viewer=None) -> int
    block_party(actor=, party=, reason=, alert=None, screener=None) -> PartyBlock
    request_party_unblock(actor=, block=, reason=) -> PartyBlock
    approve_party_unblock(actor=, block=, screener=None) -> PartyBlock
    block_party_from_alert(actor=, alert=, reason=, party=None, code="", screener=None)

A transaction's status is never set by hand: every service that changes what it rests on
(a run, a decision, a second approval, a party's block) stores what assessment.standing
derives (`_apply_standing`), so the pages, the API, the CLI, imports and the list-update job
cannot differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction as db
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import fiscal
from tatara.core.approvals import First, require_other_person
from tatara.core.audit import actor_label, record_event, stamp
from tatara.core.permissions import require
from tatara.export_control.assessment import (
    DecisionInfo,
    ItemInfo,
    PartyScreen,
    Reason,
    RunInfo,
    Standing,
    assess,
    check_decision,
    shipment_findings,
    standing,
    worst,
)
from tatara.export_control.choices import (
    DecisionKind,
    ItemKind,
    PartyKind,
    PartyRole,
    ScreeningTrigger,
    TransactionKind,
)
from tatara.export_control.countries import country_info
from tatara.export_control.models import (
    ControlRow,
    Decision,
    Item,
    Party,
    PartyBlock,
    ScreeningRun,
    Transaction,
    TransactionLine,
    TransactionParty,
)
from tatara.export_control.party_screening import (
    Screener,
    after_decision,
    apply_memory,
    forget_party_clearings,
    party_screen_from_stored,
    screen_names,
    with_memory,
)
from tatara.organisation.models import OrgUnit

CHANGE = "export_control.change"
REVIEW = "export_control.review"
APPROVE = "export_control.approve"
VIEW = "export_control.view"

PARTY_FIELDS = {
    "code",
    "name",
    "party_kind",
    "aliases",
    "address",
    "country",
    "date_of_birth",
    "identifiers",
    "roles",
    "language",
    "translations",
}
ITEM_FIELDS = {
    "code",
    "name",
    "item_kind",
    "control_row",
    "sub_item",
    "catch_all_applicable",
    "foreign_classifications",
    "notes",
    "language",
    "translations",
}
TRANSACTION_FIELDS = {
    "reference",
    "date",
    "destination",
    "end_use",
    "transaction_kind",
    "language",
    "translations",
}


def record_years() -> int:
    return int(getattr(settings, "EXPORT_RECORD_YEARS", 7))


def retention_until(day: dt.date, years: int | None = None) -> dt.date:
    """`day` plus the record-keeping period (settings.EXPORT_RECORD_YEARS); 29 February
    becomes 28 February in a year without it."""
    years = record_years() if years is None else years
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _check_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise ValidationError(
            {
                field: _("Unknown value %(value)s; use %(values)s.")
                % {"value": value, "values": ", ".join(choices.values)}
            }
        )


def _country_code(value: str, field: str, *, required: bool) -> str:
    code = (value or "").strip().upper()
    if not code:
        if required:
            raise ValidationError({field: _("Give the ISO 3166-1 alpha-2 code of the country.")})
        return ""
    if len(code) != 2 or not code.isalpha():
        raise ValidationError(
            {field: _("%(value)s is not an ISO 3166-1 alpha-2 code.") % {"value": value}}
        )
    return code


def _save(instance: Any, actor: Any, reason: str = "", *, constraints: bool = True) -> None:
    """Validate (fields and, unless `constraints` is False, the model's constraints), stamp the
    row history's actor and save."""
    instance.full_clean(validate_constraints=constraints)
    stamp(instance, actor, reason)
    instance.save()


# --- parties --------------------------------------------------------------------------------


def _clean_party(party: Party) -> None:
    _check_choice(party.party_kind, PartyKind, "party_kind")
    party.country = _country_code(party.country, "country", required=False)
    party.name = (party.name or "").strip()
    if not party.name:
        raise ValidationError({"name": _("A party needs a name.")})
    # Party's one constraint, checked here with a message on the field (Django's own check of a
    # conditional constraint in full_clean took a third of a party import's time; _save skips it)
    party.code = (party.code or "").strip()
    if (
        party.code
        and Party.objects.filter(org_unit_id=party.org_unit_id, code=party.code)
        .exclude(pk=party.pk)
        .exists()
    ):
        raise ValidationError(
            {"code": _("Another party of this unit has the code %(code)s.") % {"code": party.code}}
        )
    if not isinstance(party.aliases, list):
        party.aliases = [a.strip() for a in str(party.aliases).split("\n")]
    party.aliases = [str(a).strip() for a in party.aliases if str(a).strip()]
    roles = list(party.roles or [])
    for role in roles:
        _check_choice(role, PartyRole, "roles")
    party.roles = sorted(set(roles), key=roles.index)


def _store_party_screening(party: Party, screener: Screener | None) -> Party:
    result = screen_names(
        party.all_names(),
        country=party.country or None,
        birth_date=party.date_of_birth or None,
        kind="person" if party.party_kind == PartyKind.PERSON else "entity",
        screener=screener,
    )
    result = with_memory(result, party)  # cleared namesakes of its company (decision 0019)
    party.screened_at = timezone.now()
    party.screening_outcome = result.outcome
    party.screening_hits = [h.to_json() for h in result.hits]
    party.screening_list_versions = result.list_versions
    Party.objects.filter(pk=party.pk).update(
        screened_at=party.screened_at,
        screening_outcome=party.screening_outcome,
        screening_hits=party.screening_hits,
        screening_list_versions=party.screening_list_versions,
    )
    return party


@db.atomic
def create_party(
    *,
    actor: Any,
    org_unit: OrgUnit,
    name: str,
    code: str = "",
    party_kind: str = PartyKind.ENTITY,
    aliases: Sequence[str] = (),
    address: str = "",
    country: str = "",
    date_of_birth: str = "",
    identifiers: dict[str, Any] | None = None,
    roles: Sequence[str] = (),
    language: str = "en",
    translations: dict[str, Any] | None = None,
    screener: Screener | None = None,
) -> Party:
    """A new party, screened at once against the active lists."""
    require(actor, CHANGE, org_unit)
    party = Party(
        org_unit=org_unit,
        code=code,
        name=name,
        party_kind=party_kind,
        aliases=list(aliases),
        address=address,
        country=country,
        date_of_birth=date_of_birth,
        identifiers=identifiers or {},
        roles=list(roles),
        language=language,
        translations=translations or {},
    )
    _clean_party(party)
    _save(party, actor, "created", constraints=False)  # the code: checked by _clean_party
    _store_party_screening(party, screener)
    record_event(
        actor=actor,
        verb="export_control.party_created",
        target=party,
        org_unit=org_unit,
        data={"screening": party.screening_outcome, "hits": len(party.screening_hits)},
    )
    return party


@db.atomic
def update_party(
    *, actor: Any, party: Party, screener: Screener | None = None, **fields: Any
) -> Party:
    """Change a party; it is screened again, and so is every open transaction it is on."""
    require(actor, CHANGE, party.org_unit)
    unknown = set(fields) - PARTY_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    for key, value in fields.items():
        setattr(party, key, value)
    _clean_party(party)
    _save(party, actor, "changed", constraints=False)
    _store_party_screening(party, screener)
    record_event(
        actor=actor,
        verb="export_control.party_changed",
        target=party,
        org_unit=party.org_unit,
        data={"fields": sorted(fields), "screening": party.screening_outcome},
    )
    for open_transaction in _open_transactions_of(parties=[party]):
        screen_transaction(
            actor=actor,
            transaction=open_transaction,
            trigger=ScreeningTrigger.CHANGE,
            screener=screener,
        )
    return party


@db.atomic
def screen_party(*, actor: Any, party: Party, screener: Screener | None = None) -> Party:
    """Screen a party again against the active lists (stores the result on the party)."""
    require(actor, CHANGE, party.org_unit)
    _store_party_screening(party, screener)
    record_event(
        actor=actor,
        verb="export_control.party_screened",
        target=party,
        org_unit=party.org_unit,
        data={"screening": party.screening_outcome, "hits": len(party.screening_hits)},
    )
    return party


# --- items ----------------------------------------------------------------------------------


def _control_row(value: ControlRow | str | None) -> ControlRow | None:
    if value is None or value == "":
        return None
    if isinstance(value, ControlRow):
        return value
    row = ControlRow.objects.filter(code=str(value).strip()).first()
    if row is None:
        raise ValidationError(
            {"control_row": _("Appended Table 1 has no row %(row)s.") % {"row": value}}
        )
    return row


def _clean_item(item: Item) -> None:
    _check_choice(item.item_kind, ItemKind, "item_kind")
    if not isinstance(item.foreign_classifications, dict):
        raise ValidationError(
            {"foreign_classifications": _('Give a mapping such as {"US-ECCN": "3A001"}.')}
        )


@db.atomic
def create_item(
    *,
    actor: Any,
    org_unit: OrgUnit,
    code: str,
    name: str,
    item_kind: str = ItemKind.GOODS,
    control_row: ControlRow | str | None = None,
    sub_item: str = "",
    catch_all_applicable: bool = True,
    foreign_classifications: dict[str, str] | None = None,
    notes: str = "",
    language: str = "en",
    translations: dict[str, Any] | None = None,
) -> Item:
    require(actor, CHANGE, org_unit)
    item = Item(
        org_unit=org_unit,
        code=code.strip(),
        name=name.strip(),
        item_kind=item_kind,
        control_row=_control_row(control_row),
        sub_item=sub_item,
        catch_all_applicable=catch_all_applicable,
        foreign_classifications=foreign_classifications or {},
        notes=notes,
        language=language,
        translations=translations or {},
    )
    _clean_item(item)
    _save(item, actor, "created")
    record_event(
        actor=actor,
        verb="export_control.item_created",
        target=item,
        org_unit=org_unit,
        data={"control_row": item.control_row.code if item.control_row else None},
    )
    return item


@db.atomic
def update_item(*, actor: Any, item: Item, screener: Screener | None = None, **fields: Any) -> Item:
    """Change an item (its classification); open transactions with it are screened again."""
    require(actor, CHANGE, item.org_unit)
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    for key, value in fields.items():
        setattr(item, key, _control_row(value) if key == "control_row" else value)
    _clean_item(item)
    _save(item, actor, "changed")
    record_event(
        actor=actor,
        verb="export_control.item_changed",
        target=item,
        org_unit=item.org_unit,
        data={"fields": sorted(fields)},
    )
    for open_transaction in Transaction.objects.filter(
        lines__item=item, shipped_on=None
    ).distinct():
        screen_transaction(
            actor=actor,
            transaction=open_transaction,
            trigger=ScreeningTrigger.CHANGE,
            screener=screener,
        )
    return item


# --- transactions ---------------------------------------------------------------------------


def _line_pairs(lines: Iterable[Any]) -> list[tuple[Item, Decimal, str]]:
    pairs = []
    for line in lines:
        if isinstance(line, Item):
            item, quantity, unit = line, Decimal(1), ""
        elif isinstance(line, dict):
            item, quantity, unit = line["item"], line.get("quantity", 1), line.get("unit", "")
        else:
            item, quantity, *rest = line
            unit = rest[0] if rest else ""
        try:
            number = Decimal(str(quantity))
        except InvalidOperation as exc:
            raise ValidationError({"lines": _("Enter a number as the quantity.")}) from exc
        if not number.is_finite() or number <= 0:
            raise ValidationError({"lines": _("A quantity must be greater than zero.")})
        pairs.append((item, number, unit or ""))
    return pairs


def _party_pairs(parties: Iterable[Any]) -> list[tuple[Party, str]]:
    pairs = []
    for entry in parties:
        party, role = (entry["party"], entry["role"]) if isinstance(entry, dict) else entry
        _check_choice(role, PartyRole, "parties")
        pairs.append((party, role))
    return pairs


def _check_same_company(
    transaction: Transaction, items: Iterable[Item], parties: Iterable[Party]
) -> None:
    """Items and parties must be visible where the transaction is: its unit or an ancestor."""
    allowed = {int(i) for i in transaction.org_unit.path.strip("/").split("/") if i}
    records: list[Item | Party] = [*items, *parties]
    for record in records:
        if record.org_unit_id not in allowed:
            raise ValidationError(
                _("%(record)s belongs to another unit than the transaction's (or above it).")
                % {"record": record}
            )


def _set_lines_and_parties(
    transaction: Transaction, actor: Any, lines: Iterable[Any] | None, parties: Iterable[Any] | None
) -> None:
    if lines is not None:
        line_pairs = _line_pairs(lines)
        _check_same_company(transaction, [item for item, _q, _u in line_pairs], [])
        transaction.lines.all().delete()
        for item, quantity, unit in line_pairs:
            line = TransactionLine(transaction=transaction, item=item, quantity=quantity, unit=unit)
            stamp(line, actor)
            line.save()
    if parties is not None:
        party_pairs = _party_pairs(parties)
        _check_same_company(transaction, [], [party for party, _r in party_pairs])
        transaction.party_links.all().delete()
        for party, role in dict.fromkeys(party_pairs):
            link = TransactionParty(transaction=transaction, party=party, role=role)
            stamp(link, actor)
            link.save()


def _clean_transaction(transaction: Transaction) -> None:
    _check_choice(transaction.transaction_kind, TransactionKind, "transaction_kind")
    transaction.destination = _country_code(transaction.destination, "destination", required=True)
    transaction.reference = (transaction.reference or "").strip()
    if not transaction.reference:
        raise ValidationError({"reference": _("A transaction needs a reference.")})


@db.atomic
def create_transaction(
    *,
    actor: Any,
    org_unit: OrgUnit,
    reference: str,
    date: dt.date,
    destination: str,
    end_use: str = "",
    transaction_kind: str = TransactionKind.SHIPMENT,
    lines: Iterable[Any] = (),
    parties: Iterable[Any] = (),
    language: str = "en",
    translations: dict[str, Any] | None = None,
    screener: Screener | None = None,
) -> Transaction:
    """A new transaction, screened at once (a first ScreeningRun). `lines`: items, (item,
    quantity[, unit]) or {"item", "quantity", "unit"}; `parties`: (party, role) or
    {"party", "role"}."""
    require(actor, CHANGE, org_unit)
    transaction = Transaction(
        org_unit=org_unit,
        reference=reference,
        date=date,
        destination=destination,
        end_use=end_use,
        transaction_kind=transaction_kind,
        language=language,
        translations=translations or {},
    )
    _clean_transaction(transaction)
    _save(transaction, actor, "created")
    _set_lines_and_parties(transaction, actor, lines, parties)
    record_event(
        actor=actor,
        verb="export_control.transaction_created",
        target=transaction,
        org_unit=org_unit,
        data={"destination": transaction.destination},
    )
    screen_transaction(
        actor=actor, transaction=transaction, trigger=ScreeningTrigger.SAVE, screener=screener
    )
    return transaction


@db.atomic
def update_transaction(
    *,
    actor: Any,
    transaction: Transaction,
    lines: Iterable[Any] | None = None,
    parties: Iterable[Any] | None = None,
    screener: Screener | None = None,
    **fields: Any,
) -> Transaction:
    """Change a transaction (fields, lines, parties); it is screened again (trigger "edit")
    and earlier decisions no longer stand (they stay in the record) — except a block, which
    stands until a second-approved decision lifts it."""
    require(actor, CHANGE, transaction.org_unit)
    if transaction.shipped_on is not None:
        raise ValidationError(_("A shipped transaction cannot be changed."))
    unknown = set(fields) - TRANSACTION_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    for key, value in fields.items():
        setattr(transaction, key, value)
    _clean_transaction(transaction)
    _save(transaction, actor, "changed")
    _set_lines_and_parties(transaction, actor, lines, parties)
    changed = sorted(fields) + (["lines"] if lines is not None else [])
    changed += ["parties"] if parties is not None else []
    record_event(
        actor=actor,
        verb="export_control.transaction_changed",
        target=transaction,
        org_unit=transaction.org_unit,
        data={"fields": changed},
    )
    screen_transaction(
        actor=actor, transaction=transaction, trigger=ScreeningTrigger.EDIT, screener=screener
    )
    return transaction


def _open_transactions_of(parties: Iterable[Party]) -> Any:
    return (
        Transaction.objects.filter(party_links__party__in=list(parties), shipped_on=None)
        .distinct()
        .order_by("pk")
    )


def _party_screens(
    transaction: Transaction, screener: Screener | None, fresh: bool = True
) -> tuple[list[PartyScreen], list[Any]]:
    roles: dict[int, list[str]] = {}
    parties: dict[int, Party] = {}
    for link in transaction.party_links.select_related("party").order_by("pk"):
        roles.setdefault(link.party_id, []).append(link.role)
        parties[link.party_id] = link.party
    screens, versions = [], []
    for pk, party in parties.items():
        if fresh:
            _store_party_screening(party, screener)
        for version in party.screening_list_versions or []:
            if version not in versions:
                versions.append(version)
        screen = party_screen_from_stored(party, tuple(roles[pk]))
        block = party.active_block()
        if block is not None:
            screen = dataclasses.replace(screen, blocked=True, block_reason=block.reason)
        screens.append(screen)
    return screens, versions


@db.atomic
def screen_transaction(
    *,
    actor: Any,
    transaction: Transaction,
    trigger: str = ScreeningTrigger.MANUAL,
    screener: Screener | None = None,
    extra_reasons: Sequence[Reason] = (),
) -> ScreeningRun:
    """Screen every party again, then assess the transaction (assessment.assess) and store a
    new ScreeningRun. The status then follows from the run and the decisions that still stand
    on it (assessment.standing): a block stands through any re-screen; a decision stands on a
    run that adds no new reason; a prohibited run is blocked."""
    require(actor, CHANGE, transaction.org_unit)
    return _screen_transaction(
        actor=actor,
        transaction=transaction,
        trigger=trigger,
        screener=screener,
        extra_reasons=extra_reasons,
    )


def _screen_transaction(
    *,
    actor: Any,
    transaction: Transaction,
    trigger: str,
    screener: Screener | None,
    extra_reasons: Sequence[Reason] = (),
) -> ScreeningRun:
    """screen_transaction without its gate, for a caller that checked its own (the lifting
    of a party's block, approved by someone holding "export_control.approve")."""
    if transaction.shipped_on is not None:
        raise ValidationError(_("The transaction has been shipped; its screening record is final."))
    screens, versions = _party_screens(transaction, screener)
    screens, cleared_before = apply_memory(screens, transaction)  # decision 0019
    lines = transaction.lines.select_related("item__control_row").order_by("pk")
    items = [
        ItemInfo(
            item_id=line.item_id,
            code=line.item.code,
            name=line.item.name,
            control_row=line.item.control_row.code if line.item.control_row else None,
            catch_all_applicable=line.item.catch_all_applicable,
        )
        for line in lines
    ]
    destination = country_info(transaction.destination, transaction.date)
    result = assess(
        destination=destination, items=items, end_use=transaction.end_use, parties=screens
    )
    reasons = [*result.reasons, *cleared_before, *extra_reasons]
    run = ScreeningRun.objects.create(
        transaction=transaction,
        at=timezone.now(),
        trigger=trigger,
        actor_label=actor_label(actor),
        list_versions=versions,
        destination_group=result.destination_group,
        outcome=worst(r.severity for r in reasons),
        reasons=[r.to_json() for r in reasons],
    )
    _apply_standing(transaction, actor, f"screened: {run.outcome}")
    record_event(
        actor=actor,
        verb="export_control.screened",
        target=transaction,
        org_unit=transaction.org_unit,
        data={"run": run.pk, "outcome": run.outcome, "trigger": trigger, "reasons": len(reasons)},
    )
    return run


def latest_run(transaction: Transaction) -> ScreeningRun | None:
    return transaction.runs.order_by("-at", "-pk").first()


# --- the transaction's standing: its status follows from its runs and decisions ---------------


def _run_info(run: ScreeningRun) -> RunInfo:
    return RunInfo(
        pk=run.pk, reasons=tuple(run.reasons or ()), outcome=run.outcome, base=run.is_base
    )


def _decision_info(decision: Decision) -> DecisionInfo:
    return DecisionInfo(
        pk=decision.pk,
        kind=decision.decision_kind,
        run=decision.screening_run_id,
        grounds=tuple(decision.approval_grounds or ()),
        needs_second_approval=decision.needs_second_approval,
        approved=decision.approved_at is not None,
        licence_number=decision.licence_number,
        valid_from=decision.valid_from,
        valid_until=decision.valid_until,
        items=frozenset(item.pk for item in decision.licensed_items.all()),
    )


def shipment_day(transaction: Transaction) -> dt.date:
    """The day a licence must be valid on: the shipment's, or the transaction's (planned)."""
    return transaction.shipped_on or transaction.date


def standing_of(transaction: Transaction, day: dt.date | None = None) -> Standing:
    """The transaction's standing (assessment.standing) from its runs and decisions, on `day`
    (default: shipment_day)."""
    runs = sorted(transaction.runs.all(), key=lambda run: (run.at, run.pk))
    decisions = sorted(
        transaction.decisions.prefetch_related("licensed_items"),
        key=lambda d: (d.decided_at, d.pk),
    )
    return standing(
        [_run_info(run) for run in runs],
        [_decision_info(d) for d in decisions],
        day or shipment_day(transaction),
    )


def _apply_standing(transaction: Transaction, actor: Any, why: str) -> Standing:
    """Store the status the standing gives (the one place a status is set)."""
    found = standing_of(transaction)
    if found.status != transaction.status:
        transaction.status = found.status
        stamp(transaction, actor, why)
        transaction.save(update_fields=["status", "updated_at"])
    return found


def item_codes(refs: Iterable[tuple[int | None, str]]) -> str:
    return ", ".join(code or str(pk) for pk, code in refs)


# --- decisions ------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _reason_texts(run: ScreeningRun, codes: Iterable[str]) -> str:
    from tatara.export_control.reasons import render

    wanted = set(codes)
    return " ".join(render(r) for r in run.reasons or [] if r.get("code") in wanted)


def _licensed_items(transaction: Transaction, items: Iterable[Any] | None) -> list[Item]:
    if items is None:
        raise ValidationError({"items": _("Give the items the licence covers.")})
    on_transaction = {line.item_id: line.item for line in transaction.lines.select_related("item")}
    chosen: list[Item] = []
    for value in items:
        pk = value.pk if isinstance(value, Item) else value
        try:
            item = on_transaction[int(pk)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"items": _("%(item)s is not an item of this transaction.") % {"item": value}}
            ) from None
        if item not in chosen:
            chosen.append(item)
    if not chosen:
        raise ValidationError({"items": _("Give the items the licence covers.")})
    return chosen


def _check_licence(
    transaction: Transaction,
    licence_number: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> None:
    if not licence_number:
        raise ValidationError({"licence_number": _("Give the licence number.")})
    if valid_from is None or valid_until is None:
        raise ValidationError({"valid_until": _("Give the licence's validity dates.")})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("The licence ends before it starts.")})
    day = shipment_day(transaction)
    if not valid_from <= day <= valid_until:
        raise ValidationError(
            {
                "valid_until": _(
                    "The licence is valid from %(start)s to %(end)s; the shipment date "
                    "%(day)s is outside it."
                )
                % {
                    "start": valid_from.isoformat(),
                    "end": valid_until.isoformat(),
                    "day": day.isoformat(),
                }
            }
        )


@db.atomic
def decide(
    *,
    actor: Any,
    transaction: Transaction,
    decision_kind: str,
    reason: str,
    licence_number: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    items: Iterable[Any] | None = None,
) -> Decision:
    """The officer's decision on the latest screening run: clear (with a reason), licence
    (its number, its validity, which must cover the shipment date, and the items it covers)
    or block. What a decision may do and when it needs a second approval is
    assessment.check_decision: nothing clears a prohibited run; a ban is cleared only by a
    licence, with a second approval; clearing a blocking reason, clearing while an item
    still needs a licence, and lifting a block need the second approval of another user
    holding "export_control.approve" (approve_override); until then the transaction stays
    as it was (screened, or blocked)."""
    require(actor, REVIEW, transaction.org_unit)
    _check_choice(decision_kind, DecisionKind, "decision_kind")
    run = latest_run(transaction)
    if run is None:
        raise ValidationError(_("The transaction has not been screened yet."))
    if transaction.shipped_on is not None:
        raise ValidationError(_("The transaction has been shipped; it cannot be decided again."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    licence_number = (licence_number or "").strip()
    licensed: list[Item] = []
    if decision_kind == DecisionKind.LICENCE:
        _check_licence(transaction, licence_number, valid_from, valid_until)
        licensed = _licensed_items(transaction, items)
    before = standing_of(transaction)
    assert before.need is not None  # the run exists
    covered = set(before.covered) | {item.pk for item in licensed}
    verdict = check_decision(
        decision_kind, before.need, blocked=before.block is not None, covered=covered
    )
    if verdict.refusal == "prohibited":
        raise ValidationError(
            {
                "decision_kind": _(
                    "No decision can clear this transaction; only a block can be recorded. %(why)s"
                )
                % {"why": _reason_texts(run, before.need.prohibited)}
            }
        )
    if verdict.refusal == "ban-needs-licence":
        raise ValidationError(
            {
                "decision_kind": _(
                    "Exports of %(items)s are banned: only a licence recording METI's approval "
                    "can allow them, with a second approval. %(why)s"
                )
                % {
                    "items": item_codes(before.need.ban_items),
                    "why": _reason_texts(run, before.need.bans),
                }
            }
        )
    now = timezone.now()
    is_licence = decision_kind == DecisionKind.LICENCE
    decision = Decision(
        transaction=transaction,
        screening_run=run,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_by_label=actor_label(actor),
        decided_at=now,
        decision_kind=decision_kind,
        reason=reason,
        licence_number=licence_number if is_licence else "",
        valid_from=valid_from if is_licence else None,
        valid_until=valid_until if is_licence else None,
        approval_grounds=list(verdict.grounds),
        needs_second_approval=bool(verdict.grounds),
        retention_until=retention_until(timezone.localdate(now)),
    )
    _save(decision, actor, "decided")
    if licensed:
        decision.licensed_items.set(licensed)
    after = _apply_standing(transaction, actor, f"decision: {decision_kind}")
    record_event(
        actor=actor,
        verb="export_control.decided",
        target=transaction,
        org_unit=transaction.org_unit,
        data={
            "decision": decision.pk,
            "kind": decision_kind,
            "run": run.pk,
            "outcome": run.outcome,
            "needs_second_approval": decision.needs_second_approval,
            "grounds": list(verdict.grounds),
            "licence_number": decision.licence_number,
            "licensed_items": [item.code for item in licensed],
            "not_licensed": [code for _pk, code in after.missing],
            "status": transaction.status,
        },
    )
    after_decision(actor=actor, decision=decision, permission=REVIEW)  # decision 0019
    return decision


@db.atomic
def approve_override(*, actor: Any, decision: Decision) -> Decision:
    """The second approval of a decision that needs one (its `approval_grounds`: clearing a
    blocking reason, clearing without a licence, an exception to a ban, lifting a block), by
    a user other than the one who decided, holding "export_control.approve"."""
    transaction = decision.transaction
    require(actor, APPROVE, transaction.org_unit)
    if not decision.needs_second_approval:
        raise ValidationError(_("This decision needs no second approval."))
    if decision.approved_at is not None:
        raise ValidationError(_("This decision has been approved already."))
    require_other_person(actor, first=First(decision.decided_by_id, decision.decided_by_label))
    newest = transaction.decisions.order_by("-decided_at", "-pk").first()
    if (
        newest is None
        or newest.pk != decision.pk
        or latest_run(transaction) != decision.screening_run
    ):
        raise ValidationError(
            _("The transaction was screened or decided again since; this decision is out of date.")
        )
    decision.approved_by = actor if getattr(actor, "pk", None) else None
    decision.approved_by_label = actor_label(actor)
    decision.approved_at = timezone.now()
    stamp(decision, actor, "second approval")
    decision.save()
    _apply_standing(transaction, actor, "second approval")
    record_event(
        actor=actor,
        verb="export_control.override_approved",
        target=transaction,
        org_unit=transaction.org_unit,
        data={
            "decision": decision.pk,
            "decided_by": decision.decided_by_label,
            "grounds": list(decision.approval_grounds or ()),
            "status": transaction.status,
        },
    )
    after_decision(actor=actor, decision=decision, permission=APPROVE)  # decision 0019
    return decision


# --- shipments and the "no major violations" figure ------------------------------------------


def shipment_findings_of(transaction: Transaction) -> tuple[str, ...]:
    """What the shipment lacked of the decision its last screening required (empty when it
    was clean, or not shipped): assessment.shipment_findings on the shipment date."""
    if transaction.shipped_on is None:
        return ()
    return shipment_findings(
        standing_of(transaction, transaction.shipped_on),
        status_when_shipped=transaction.status_when_shipped,
    )


def is_violation(transaction: Transaction) -> bool:
    """Shipped without the decision its last screening required: while blocked or
    prohibited, awaiting a decision or a second approval, or without a licence valid on the
    shipping day for every item that needs one."""
    return bool(shipment_findings_of(transaction))


@db.atomic
def record_shipment(*, actor: Any, transaction: Transaction, shipped_on: dt.date) -> Transaction:
    """Record that the transaction left (from the ERP or by hand). A shipment is recorded even
    when it should not have happened: that is what the violation figure counts. The licences
    are checked again on the shipping day."""
    require(actor, CHANGE, transaction.org_unit)
    if transaction.shipped_on is not None:
        raise ValidationError(_("The shipment has been recorded already."))
    at_shipment = standing_of(transaction, shipped_on)
    transaction.shipped_on = shipped_on
    transaction.status_when_shipped = at_shipment.status
    _save(transaction, actor, "shipped")
    findings = shipment_findings(at_shipment, status_when_shipped=at_shipment.status)
    record_event(
        actor=actor,
        verb="export_control.shipped_uncleared" if findings else "export_control.shipped",
        target=transaction,
        org_unit=transaction.org_unit,
        data={
            "shipped_on": shipped_on.isoformat(),
            "status": at_shipment.status,
            "findings": list(findings),
            "not_licensed": [code for _pk, code in at_shipment.missing],
        },
    )
    return transaction


def major_violations(fiscal_year: int, viewer: Any = None) -> int:
    """Shipments in the fiscal year that left without the decision their last screening
    required (0 in a clean year): see is_violation. With `viewer`, only the transactions in
    their scope."""
    start, end = fiscal.bounds(fiscal_year)
    rows = Transaction.objects.filter(shipped_on__gte=start, shipped_on__lte=end)
    if viewer is not None:
        rows = rows.visible_to(viewer, VIEW)
    rows = rows.prefetch_related("runs", "decisions__licensed_items")
    return sum(1 for row in rows if is_violation(row))


# --- parties blocked in the party master -----------------------------------------------------


def _rescreen_open_transactions(actor: Any, party: Party, screener: Screener | None) -> None:
    """The party's open transactions screened again after its block changed; the caller
    checked its gate on the party's unit (review to block, approve to lift)."""
    for open_transaction in _open_transactions_of(parties=[party]):
        _screen_transaction(
            actor=actor,
            transaction=open_transaction,
            trigger=ScreeningTrigger.CHANGE,
            screener=screener,
        )


@db.atomic
def block_party(
    *,
    actor: Any,
    party: Party,
    reason: str,
    alert: Any = None,
    screener: Screener | None = None,
) -> PartyBlock:
    """Block a party in the party master (export_control.review on its unit): every open
    transaction it is on is screened again and blocked by the "party-blocked" reason, which
    no decision on a transaction can clear. `alert`: the confirmed batch alert it came from."""
    require(actor, REVIEW, party.org_unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the block.")})
    if party.active_block() is not None:
        raise ValidationError(_("%(party)s is blocked already.") % {"party": party})
    block = PartyBlock(
        party=party,
        reason=reason,
        alert=alert,
        blocked_by=actor if getattr(actor, "pk", None) else None,
        blocked_by_label=actor_label(actor),
        blocked_at=timezone.now(),
    )
    _save(block, actor, "party blocked", constraints=False)
    record_event(
        actor=actor,
        verb="export_control.party_blocked",
        target=party,
        org_unit=party.org_unit,
        data={"block": block.pk, "alert": getattr(alert, "pk", None), "reason": reason},
    )
    # a blocked party is no namesake any more: its clearings stop silencing its hits, also
    # once the block is lifted (decision 0019)
    forget_party_clearings(
        actor=actor,
        party=party,
        permission=REVIEW,
        why=_("Blocked in the party master: %(party)s") % {"party": party.name},
    )
    _rescreen_open_transactions(actor, party, screener)
    return block


@db.atomic
def request_party_unblock(*, actor: Any, block: PartyBlock, reason: str) -> PartyBlock:
    """Ask to lift a party's block, with a reason; another user holding
    "export_control.approve" lifts it (approve_party_unblock)."""
    party = block.party
    require(actor, REVIEW, party.org_unit)
    if not block.is_active:
        raise ValidationError(_("This block has been lifted already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"lift_reason": _("Give the reason for lifting the block.")})
    block.lift_reason = reason
    block.lift_requested_by = actor if getattr(actor, "pk", None) else None
    block.lift_requested_by_label = actor_label(actor)
    block.lift_requested_at = timezone.now()
    _save(block, actor, "lifting asked", constraints=False)
    record_event(
        actor=actor,
        verb="export_control.party_unblock_requested",
        target=party,
        org_unit=party.org_unit,
        data={"block": block.pk, "reason": reason},
    )
    return block


@db.atomic
def approve_party_unblock(
    *, actor: Any, block: PartyBlock, screener: Screener | None = None
) -> PartyBlock:
    """Lift a party's block: the second approval, by a user other than the one who asked,
    holding "export_control.approve". The party's open transactions are screened again."""
    party = block.party
    require(actor, APPROVE, party.org_unit)
    if not block.is_active:
        raise ValidationError(_("This block has been lifted already."))
    if block.lift_requested_at is None:
        raise ValidationError(_("Nobody has asked to lift this block."))
    require_other_person(
        actor, first=First(block.lift_requested_by_id, block.lift_requested_by_label)
    )
    block.lifted_by = actor if getattr(actor, "pk", None) else None
    block.lifted_by_label = actor_label(actor)
    block.lifted_at = timezone.now()
    _save(block, actor, "block lifted", constraints=False)
    record_event(
        actor=actor,
        verb="export_control.party_unblocked",
        target=party,
        org_unit=party.org_unit,
        data={"block": block.pk, "asked_by": block.lift_requested_by_label},
    )
    _rescreen_open_transactions(actor, party, screener)
    return block


def _folded_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def alert_party_candidates(*, viewer: Any, alert: Any) -> list[Party]:
    """Parties of the alert's unit's party master (its unit and the units above it) that the
    viewer may block, whose name or an alias is the alert's name (case and spacing aside)."""
    unit = alert.batch.org_unit
    wanted = _folded_name(alert.name)
    found = Party.objects.visible_to(viewer, REVIEW).filter(
        org_unit_id__in=_unit_and_ancestor_ids(unit)
    )
    return [
        party
        for party in found.select_related("org_unit").order_by("org_unit__path", "name")
        if any(_folded_name(name) == wanted for name in party.all_names())
    ]


def _unit_and_ancestor_ids(unit: OrgUnit) -> list[int]:
    return [int(i) for i in unit.path.strip("/").split("/") if i]


@db.atomic
def block_party_from_alert(
    *,
    actor: Any,
    alert: Any,
    reason: str,
    party: Party | None = None,
    code: str = "",
    screener: Screener | None = None,
) -> PartyBlock:
    """Block the party a confirmed batch alert names, in the party master of the batch's
    unit: `party` (chosen), or the party with `code`, or the one party whose name is the
    alert's; with no such party, a new one is created (its name, country, date of birth and
    kind from the alert) and blocked at once."""
    from tatara.screening.choices import AlertStatus

    unit = alert.batch.org_unit
    require(actor, REVIEW, unit)
    if alert.status != AlertStatus.CONFIRMED:
        raise ValidationError(_("Only an alert confirmed as a match can block a party."))
    allowed = set(_unit_and_ancestor_ids(unit))
    code = (code or "").strip()
    if party is None and code:
        party = (
            Party.objects.visible_to(actor, REVIEW)
            .filter(org_unit_id__in=allowed, code=code)
            .order_by("-org_unit__path")
            .first()
        )
        if party is None:
            raise ValidationError(
                {
                    "code": _("No party with the code %(code)s in this unit's party master.")
                    % {"code": code}
                }
            )
    if party is None:
        candidates = alert_party_candidates(viewer=actor, alert=alert)
        if len(candidates) > 1:
            raise ValidationError(
                {
                    "party": _("Several parties are named %(name)s: choose one.")
                    % {"name": alert.name}
                }
            )
        party = candidates[0] if candidates else None
    if party is not None and party.org_unit_id not in allowed:
        raise ValidationError({"party": _("The party is not in this unit's party master.")})
    if party is None:
        kind = PartyKind.PERSON if alert.kind == "person" else PartyKind.ENTITY
        country = alert.country if len(alert.country or "") == 2 else ""
        party = create_party(
            actor=actor,
            org_unit=unit,
            name=alert.name,
            party_kind=kind,
            country=country,
            date_of_birth=alert.date_of_birth if kind == PartyKind.PERSON else "",
            screener=screener,
        )
    return block_party(actor=actor, party=party, reason=reason, alert=alert, screener=screener)
