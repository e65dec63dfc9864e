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
           valid_until=None) -> Decision
    approve_override(actor=, decision=) -> Decision
    record_shipment(actor=, transaction=, shipped_on=) -> Transaction
    major_violations(fiscal_year, viewer=None) -> int
"""

from __future__ import annotations

import datetime as dt
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
    ItemInfo,
    PartyScreen,
    Reason,
    assess,
    worst,
)
from tatara.export_control.choices import (
    DecisionKind,
    ItemKind,
    Outcome,
    PartyKind,
    PartyRole,
    ScreeningTrigger,
    TransactionKind,
    TransactionStatus,
)
from tatara.export_control.countries import country_info
from tatara.export_control.models import (
    ControlRow,
    Decision,
    Item,
    Party,
    ScreeningRun,
    Transaction,
    TransactionLine,
    TransactionParty,
)
from tatara.export_control.party_screening import (
    Screener,
    after_decision,
    apply_memory,
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
    """Change a transaction (fields, lines, parties); it is screened again and earlier
    decisions no longer apply (they stay in the record)."""
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
        actor=actor, transaction=transaction, trigger=ScreeningTrigger.CHANGE, screener=screener
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
        screens.append(party_screen_from_stored(party, tuple(roles[pk])))
    return screens, versions


def _status_after(run: ScreeningRun, transaction: Transaction, trigger: str) -> str:
    if trigger == ScreeningTrigger.RESCREEN:
        # a list update never loosens a block, and never silently keeps a clearance or a
        # licence decision that a new hit puts in doubt: those go back to the officer
        if run.outcome == Outcome.CLEAR or transaction.status == TransactionStatus.BLOCKED:
            return transaction.status
        return TransactionStatus.SCREENED
    return TransactionStatus.CLEARED if run.outcome == Outcome.CLEAR else TransactionStatus.SCREENED


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
    new ScreeningRun. Status: clear → cleared, anything else → screened (awaiting the
    officer's decision). After a list update (trigger "rescreen") a clear result leaves the
    status as it was."""
    require(actor, CHANGE, transaction.org_unit)
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
    status = _status_after(run, transaction, trigger)
    if status != transaction.status:
        transaction.status = status
        stamp(transaction, actor, f"screened: {run.outcome}")
        transaction.save(update_fields=["status", "updated_at"])
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


# --- decisions ------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


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
) -> Decision:
    """The officer's decision on the latest screening run: clear (with a reason), licence
    (with the licence number and validity) or block. Clearing a run with a strong party hit or
    a blocking reason is an override: the decision waits for approve_override() by another
    user, and the transaction stays not cleared until then."""
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
    if decision_kind == DecisionKind.LICENCE:
        if not licence_number:
            raise ValidationError({"licence_number": _("Give the licence number.")})
        if valid_from is None or valid_until is None:
            raise ValidationError({"valid_until": _("Give the licence's validity dates.")})
        if valid_until < valid_from:
            raise ValidationError({"valid_until": _("The licence ends before it starts.")})
    override = decision_kind == DecisionKind.CLEAR and (
        run.has_strong_party_hit or run.has_blocking_reason
    )
    now = timezone.now()
    decision = Decision(
        transaction=transaction,
        screening_run=run,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_by_label=actor_label(actor),
        decided_at=now,
        decision_kind=decision_kind,
        reason=reason,
        licence_number=licence_number if decision_kind == DecisionKind.LICENCE else "",
        valid_from=valid_from if decision_kind == DecisionKind.LICENCE else None,
        valid_until=valid_until if decision_kind == DecisionKind.LICENCE else None,
        needs_second_approval=override,
        retention_until=retention_until(timezone.localdate(now)),
    )
    _save(decision, actor, "decided")
    status = {
        DecisionKind.CLEAR: TransactionStatus.SCREENED if override else TransactionStatus.CLEARED,
        DecisionKind.LICENCE: TransactionStatus.LICENCE_REQUIRED,
        DecisionKind.BLOCK: TransactionStatus.BLOCKED,
    }[DecisionKind(decision_kind)]
    transaction.status = status
    stamp(transaction, actor, f"decision: {decision_kind}")
    transaction.save(update_fields=["status", "updated_at"])
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
            "needs_second_approval": override,
            "licence_number": decision.licence_number,
        },
    )
    after_decision(actor=actor, decision=decision, permission=REVIEW)  # decision 0019
    return decision


@db.atomic
def approve_override(*, actor: Any, decision: Decision) -> Decision:
    """The second approval of a "clear" that overrides a strong hit or a blocking reason, by
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
    stamp(decision, actor, "override approved")
    decision.save()
    transaction.status = TransactionStatus.CLEARED
    stamp(transaction, actor, "override approved")
    transaction.save(update_fields=["status", "updated_at"])
    record_event(
        actor=actor,
        verb="export_control.override_approved",
        target=transaction,
        org_unit=transaction.org_unit,
        data={"decision": decision.pk, "decided_by": decision.decided_by_label},
    )
    after_decision(actor=actor, decision=decision, permission=APPROVE)  # decision 0019
    return decision


# --- shipments and the "no major violations" figure ------------------------------------------


def licence_covering(transaction: Transaction, day: dt.date) -> Decision | None:
    for decision in transaction.decisions.filter(decision_kind=DecisionKind.LICENCE).order_by(
        "-decided_at"
    ):
        if decision.licence_covers(day):
            return decision
    return None


def is_violation(transaction: Transaction) -> bool:
    """Shipped while not cleared: blocked, awaiting a decision (or a second approval), or
    "licence required" without a licence valid on the day it shipped."""
    if transaction.shipped_on is None:
        return False
    status = transaction.status_when_shipped
    if status == TransactionStatus.CLEARED:
        return False
    if status == TransactionStatus.LICENCE_REQUIRED:
        return licence_covering(transaction, transaction.shipped_on) is None
    return True


@db.atomic
def record_shipment(*, actor: Any, transaction: Transaction, shipped_on: dt.date) -> Transaction:
    """Record that the transaction left (from the ERP or by hand). A shipment is recorded even
    when it should not have happened: that is what the violation figure counts."""
    require(actor, CHANGE, transaction.org_unit)
    if transaction.shipped_on is not None:
        raise ValidationError(_("The shipment has been recorded already."))
    transaction.shipped_on = shipped_on
    transaction.status_when_shipped = transaction.status
    _save(transaction, actor, "shipped")
    violation = is_violation(transaction)
    record_event(
        actor=actor,
        verb="export_control.shipped_uncleared" if violation else "export_control.shipped",
        target=transaction,
        org_unit=transaction.org_unit,
        data={"shipped_on": shipped_on.isoformat(), "status": transaction.status},
    )
    return transaction


def major_violations(fiscal_year: int, viewer: Any = None) -> int:
    """Transactions shipped in the fiscal year while blocked, not cleared, or without a
    required licence (0 in a clean year). With `viewer`, only the transactions in their scope."""
    start, end = fiscal.bounds(fiscal_year)
    rows = Transaction.objects.filter(shipped_on__gte=start, shipped_on__lte=end).exclude(
        status_when_shipped=TransactionStatus.CLEARED
    )
    if viewer is not None:
        rows = rows.visible_to(viewer, VIEW)
    return sum(1 for row in rows.prefetch_related("decisions") if is_violation(row))
