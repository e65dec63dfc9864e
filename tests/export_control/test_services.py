"""Services: the gate, screening runs, decisions and their second approval, retention,
shipments and the violation figure, the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from export_control.screeners import RECORDS, Screener, record
from tatara.core.models import AuditEvent
from tatara.export_control import services
from tatara.export_control.countries import group_on
from tatara.export_control.models import Decision, ScreeningRun, Transaction
from tatara.export_control.rescreen import rescreen_after_list_change
from tatara.screening.signals import ListDiff

DAY = dt.date(2024, 5, 10)


@pytest.fixture
def alpha(world):
    return world.units["alpha"]


@pytest.fixture
def make_transaction(officers, alpha, screener):
    def make(reference="T-1", destination="CN", end_use="", party_name="Acme Trading", row=None):
        eco = officers["eco"]
        item = services.create_item(
            actor=eco, org_unit=alpha, code=f"I-{reference}", name="Pump", control_row=row
        )
        party = services.create_party(
            actor=eco, org_unit=alpha, name=party_name, roles=["customer"], screener=screener
        )
        return services.create_transaction(
            actor=eco,
            org_unit=alpha,
            reference=reference,
            date=DAY,
            destination=destination,
            end_use=end_use,
            lines=[(item, 2, "pcs")],
            parties=[(party, "customer"), (party, "end_user")],
            screener=screener,
        )

    return make


def test_korea_moves_back_to_group_a_on_2023_07_21(db):
    assert group_on("KR", dt.date(2023, 7, 20)).group == "B"
    assert group_on("KR", dt.date(2023, 7, 21)).group == "A"
    assert group_on("kr", dt.date(2019, 1, 1)) is None  # before the data starts
    assert group_on("IR", DAY).group == "D"
    assert group_on("KP", DAY).embargo


def test_korean_catch_all_result_follows_the_date(officers, alpha, screener):
    eco = officers["eco"]
    item = services.create_item(actor=eco, org_unit=alpha, code="P", name="Pump")
    results = {}
    for day in (dt.date(2023, 7, 20), dt.date(2023, 7, 21)):
        transaction = services.create_transaction(
            actor=eco,
            org_unit=alpha,
            reference=f"KR-{day}",
            date=day,
            destination="KR",
            end_use="drone assembly line",
            lines=[item],
            screener=screener,
        )
        results[day] = services.latest_run(transaction)
    before, after = results[dt.date(2023, 7, 20)], results[dt.date(2023, 7, 21)]
    assert (before.destination_group, before.outcome) == ("B", "review")
    assert (after.destination_group, after.outcome) == ("A", "review")
    # catch-all applies to Group B, not to Group A: the red flag asks to check it only before
    assert "item-catch-all-check" in [r["code"] for r in before.reasons]
    assert "item-catch-all-check" not in [r["code"] for r in after.reasons]


def test_a_clean_transaction_is_screened_and_cleared_on_save(make_transaction, screener):
    transaction = make_transaction()
    assert transaction.status == "cleared"
    run = services.latest_run(transaction)
    assert run.outcome == "clear" and run.trigger == "save" and run.reasons == []
    assert run.list_versions  # the versions the screener reported
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "export_control.item_created",
        "export_control.party_created",
        "export_control.transaction_created",
        "export_control.screened",
    } <= verbs


def test_a_change_screens_again(make_transaction, officers, screener):
    transaction = make_transaction()
    services.update_transaction(
        actor=officers["eco"], transaction=transaction, end_use="missile", screener=screener
    )
    transaction.refresh_from_db()
    assert transaction.runs.count() == 2
    run = services.latest_run(transaction)
    assert (run.trigger, run.outcome, transaction.status) == ("edit", "review", "screened")
    assert [r["term"] for r in run.reasons if r["kind"] == "end_use"] == ["missile*"]


def test_the_gate(make_transaction, officers, world, alpha, screener):
    transaction = make_transaction()
    for user in (officers["eco_b"], world.users["auditor"], world.users["employee"]):
        with pytest.raises(PermissionDenied):
            services.create_item(actor=user, org_unit=alpha, code="X", name="X")
        with pytest.raises(PermissionDenied):
            services.decide(actor=user, transaction=transaction, decision_kind="block", reason="no")
    # the group risk officer approves but does not decide
    with pytest.raises(PermissionDenied):
        services.decide(
            actor=world.users["group_risk_officer"],
            transaction=transaction,
            decision_kind="clear",
            reason="fine",
        )


def test_a_strong_hit_blocks_and_clearing_it_needs_a_second_approver(
    make_transaction, officers, world
):
    transaction = make_transaction(party_name="Rosoboronexport")
    run = services.latest_run(transaction)
    assert run.outcome == "blocked" and run.has_strong_party_hit
    assert transaction.status == "screened"
    decision = services.decide(
        actor=officers["eco"],
        transaction=transaction,
        decision_kind="clear",
        reason="Different company: registered in Osaka, checked the register",
    )
    transaction.refresh_from_db()
    assert decision.needs_second_approval and decision.is_pending_approval
    assert transaction.status == "screened"  # not cleared until approved
    # not the same person, and not an officer without "export_control.approve"
    with pytest.raises(PermissionDenied):
        services.approve_override(actor=officers["eco2"], decision=decision)
    world.users["csr_admin"]  # holds "*": may approve, but let us check the same-person rule
    same = services.decide(
        actor=world.users["csr_admin"],
        transaction=transaction,
        decision_kind="clear",
        reason="again",
    )
    with pytest.raises(ValidationError, match="another person"):
        services.approve_override(actor=world.users["csr_admin"], decision=same)
    # the older decision is out of date now
    with pytest.raises(ValidationError, match="out of date"):
        services.approve_override(actor=world.users["group_risk_officer"], decision=decision)
    approved = services.approve_override(actor=world.users["group_risk_officer"], decision=same)
    transaction.refresh_from_db()
    assert approved.approved_by == world.users["group_risk_officer"]
    assert transaction.status == "cleared"
    assert AuditEvent.objects.filter(verb="export_control.override_approved").count() == 1
    with pytest.raises(ValidationError, match="already"):
        services.approve_override(actor=world.users["group_risk_officer"], decision=same)


def test_licence_and_block_decisions_and_retention(make_transaction, officers, settings):
    transaction = make_transaction(row="6")
    assert services.latest_run(transaction).outcome == "licence_required"
    with pytest.raises(ValidationError):
        services.decide(
            actor=officers["eco"], transaction=transaction, decision_kind="licence", reason="x"
        )
    with pytest.raises(ValidationError):
        services.decide(
            actor=officers["eco"], transaction=transaction, decision_kind="clear", reason=" "
        )
    decision = services.decide(
        actor=officers["eco"],
        transaction=transaction,
        decision_kind="licence",
        reason="Individual licence granted",
        licence_number="METI-2024-0001",
        valid_from=dt.date(2024, 5, 1),
        valid_until=dt.date(2024, 10, 31),
        items=[transaction.lines.get().item],
    )
    assert not decision.needs_second_approval
    transaction.refresh_from_db()
    assert transaction.status == "licensed"
    decided = decision.decided_at.date()
    assert decision.retention_until.year == decided.year + 7
    settings.EXPORT_RECORD_YEARS = 5
    blocked = services.decide(
        actor=officers["eco"], transaction=transaction, decision_kind="block", reason="Stop"
    )
    assert blocked.retention_until.year == decided.year + 5
    assert services.retention_until(dt.date(2024, 2, 29), 7) == dt.date(2031, 2, 28)
    transaction.refresh_from_db()
    assert transaction.status == "blocked"
    assert Decision.objects.filter(transaction=transaction).count() == 2


def test_major_violations_count_shipments_while_blocked_or_unlicensed(make_transaction, officers):
    eco = officers["eco"]
    assert services.major_violations(2024) == 0
    clean = make_transaction("OK-1")
    services.record_shipment(actor=eco, transaction=clean, shipped_on=dt.date(2024, 6, 1))
    licensed = make_transaction("LIC-1", row="6")
    services.decide(
        actor=eco,
        transaction=licensed,
        decision_kind="licence",
        reason="licensed",
        licence_number="L-1",
        valid_from=dt.date(2024, 5, 1),
        valid_until=dt.date(2024, 12, 31),
        items=list(licensed.items.all()),
    )
    services.record_shipment(actor=eco, transaction=licensed, shipped_on=dt.date(2024, 7, 1))
    assert services.major_violations(2024) == 0  # a clean year
    late = make_transaction("LIC-2", row="6")
    services.decide(
        actor=eco,
        transaction=late,
        decision_kind="licence",
        reason="licensed",
        licence_number="L-2",
        valid_from=dt.date(2024, 5, 1),
        valid_until=dt.date(2024, 5, 31),
        items=list(late.items.all()),
    )
    services.record_shipment(actor=eco, transaction=late, shipped_on=dt.date(2024, 8, 1))
    blocked = make_transaction("BAD-1", destination="IR")  # Group D: awaiting a decision
    services.record_shipment(actor=eco, transaction=blocked, shipped_on=dt.date(2025, 3, 31))
    assert services.major_violations(2024) == 2
    assert services.major_violations(2025) == 0
    assert services.major_violations(2024, viewer=officers["eco_b"]) == 0
    assert AuditEvent.objects.filter(verb="export_control.shipped_uncleared").count() == 2
    with pytest.raises(ValidationError):
        services.update_transaction(actor=eco, transaction=blocked, end_use="x")


def test_list_update_rescreens_affected_parties_and_adds_review_reasons(
    make_transaction, officers, alpha
):
    transaction = make_transaction(party_name="Sunrise Precision Machinery")
    assert transaction.status == "cleared"
    other = make_transaction("T-2", party_name="Harbour Logistics")
    new = record("ofac-sdn", "2002", "Sunrise Precision Machinery Co., Ltd.")
    screener = Screener([*RECORDS, new])  # the list after the update
    runs = rescreen_after_list_change(
        ListDiff(added=("2002",)), source="ofac-sdn", entry_records=[new], screener=screener
    )
    assert len(runs) == 1
    run = ScreeningRun.objects.get(pk=runs[0])
    assert run.transaction_id == transaction.pk and run.trigger == "rescreen"
    codes = [r["code"] for r in run.reasons]
    assert "party-list-update" in codes and "party-strong-hit" in codes
    assert run.outcome == "blocked"
    assert Transaction.objects.get(pk=transaction.pk).status == "screened"
    assert Transaction.objects.get(pk=other.pk).runs.count() == 1  # not affected
    # the entry is removed again: the party whose hit named it is re-screened
    runs = rescreen_after_list_change(
        ListDiff(removed=("2002",)), source="ofac-sdn", entry_records=[], screener=Screener()
    )
    run = ScreeningRun.objects.get(pk=runs[0])
    assert [r["code"] for r in run.reasons] == ["party-list-update"]
    assert run.outcome == "review"


def test_a_list_update_never_loosens_a_block(make_transaction, officers):
    transaction = make_transaction(party_name="Sunrise Precision Machinery")
    new = record("ofac-sdn", "2002", "Sunrise Precision Machinery Co., Ltd.")
    rescreen_after_list_change(
        ListDiff(added=("2002",)),
        source="ofac-sdn",
        entry_records=[new],
        screener=Screener([*RECORDS, new]),
    )
    transaction = Transaction.objects.get(pk=transaction.pk)
    services.decide(
        actor=officers["eco"], transaction=transaction, decision_kind="block", reason="Listed."
    )
    assert Transaction.objects.get(pk=transaction.pk).status == "blocked"
    for diff, records, screener in (
        (ListDiff(changed=("2002",)), [new], Screener([*RECORDS, new])),  # still a hit
        (ListDiff(removed=("2002",)), [], Screener()),  # no longer listed: the officer decides
    ):
        rescreen_after_list_change(
            diff, source="ofac-sdn", entry_records=records, screener=screener
        )
        assert Transaction.objects.get(pk=transaction.pk).status == "blocked"


def test_items_and_parties_of_another_company_are_refused(officers, world, screener):
    eco, eco_b = officers["eco"], officers["eco_b"]
    bravo_party = services.create_party(
        actor=eco_b, org_unit=world.units["bravo"], name="Bravo customer", screener=screener
    )
    with pytest.raises(ValidationError):
        services.create_transaction(
            actor=eco,
            org_unit=world.units["alpha"],
            reference="X-1",
            date=DAY,
            destination="US",
            parties=[(bravo_party, "customer")],
            screener=screener,
        )
