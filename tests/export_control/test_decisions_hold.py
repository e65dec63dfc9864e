"""Export-control decisions that hold on every path (issue 9): the cases found, each through
the API, the pages, the CLI, edits, imports and the list-update job, with
`services.major_violations` counting every shipment that left without the decision its last
screening required. The pure rule is in test_decision_rules.py."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client, RequestFactory

from export_control.screeners import RECORDS, Screener, record
from tatara.core.models import AuditEvent
from tatara.export_control import party_screening, record_import, services
from tatara.export_control.models import Decision, Party, PartyBlock, Transaction
from tatara.export_control.rescreen import rescreen_after_list_change
from tatara.screening.models import BatchAlert, BatchScreening
from tatara.screening.signals import ListDiff

BASE = "/api/v1/export-control"
DAY = dt.date(2026, 5, 11)  # FY2026
SHIP = dt.date(2026, 5, 20)
FY = 2026


@pytest.fixture(autouse=True)
def _screener(monkeypatch):
    monkeypatch.setattr(party_screening, "default_screener", Screener())


@pytest.fixture
def alpha(world):
    return world.units["alpha"]


@pytest.fixture
def api(officers):
    client = Client()
    client.force_login(officers["eco"])
    return client


@pytest.fixture
def risk(world):
    client = Client()
    client.force_login(world.users["group_risk_officer"])
    return client


@pytest.fixture
def make(officers, alpha, screener):
    """A transaction to `destination` with one item per control row given."""

    def build(reference, destination="CN", rows=("7",), party_name="Suzhou Motors", code=""):
        eco = officers["eco"]
        lines = [
            services.create_item(
                actor=eco, org_unit=alpha, code=f"{reference}-{n}", name="Core", control_row=row
            )
            for n, row in enumerate(rows)
        ]
        party = services.create_party(
            actor=eco, org_unit=alpha, name=party_name, code=code, screener=screener
        )
        return services.create_transaction(
            actor=eco,
            org_unit=alpha,
            reference=reference,
            date=DAY,
            destination=destination,
            end_use="Power supplies for industrial robots",
            lines=[(item, 10, "pcs") for item in lines],
            parties=[(party, "customer")],
            screener=screener,
        )

    return build


def fresh(transaction):
    return Transaction.objects.get(pk=transaction.pk)


def ship(officers, transaction, day=SHIP):
    return services.record_shipment(
        actor=officers["eco"], transaction=fresh(transaction), shipped_on=day
    )


# --- licence required, cleared by the officer alone ---------------------------------------------


def test_licence_required_cleared_alone_through_the_api_waits_and_counts_when_shipped(
    api, risk, officers, make
):
    listed = make("LR-1")  # a listed item (row 7) to China
    assert services.latest_run(listed).outcome == "licence_required"
    response = api.post(
        f"{BASE}/decisions/",
        {"transaction": listed.pk, "decision_kind": "clear", "reason": "looks fine"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["needs_second_approval"] and body["approval_grounds"] == ["licence-waived"]
    assert fresh(listed).status == "screened"  # not cleared by one person
    detail = api.get(f"{BASE}/transactions/{listed.pk}/").json()
    assert detail["status"] == "screened" and detail["licence_needed_for"] == ["LR-1-0"]
    shipped = ship(officers, listed)
    assert shipped.status_when_shipped == "screened"
    assert services.shipment_findings_of(fresh(listed)) == ("shipped-without-decision",)
    assert services.major_violations(FY) == 1
    assert api.get(f"{BASE}/transactions/{listed.pk}/").json()["shipment_findings"] == [
        "shipped-without-decision"
    ]


def test_the_same_clear_with_a_second_person_is_a_documented_override(risk, officers, make):
    listed = make("LR-2")
    decision = services.decide(
        actor=officers["eco"],
        transaction=listed,
        decision_kind="clear",
        reason="Small-value exception (少額特例) confirmed with Legal; record no. 88.",
    )
    with pytest.raises(PermissionDenied):  # the officer does not hold export_control.approve
        services.approve_override(actor=officers["eco"], decision=decision)
    response = risk.post(f"{BASE}/decisions/{decision.pk}/approve/")
    assert response.status_code == 200
    assert fresh(listed).status == "cleared"
    ship(officers, listed)
    assert services.major_violations(FY) == 0


def test_licence_required_cleared_alone_on_the_page(officers, make):
    listed = make("LR-3")
    page = Client()
    page.force_login(officers["eco"])
    response = page.post(
        f"/export-control/transactions/{listed.pk}/decide/",
        {"decision_kind": "clear", "reason": "looks fine"},
        follow=True,
    )
    assert "waits for a second approval" in response.content.decode()
    assert fresh(listed).status == "screened"


def test_a_licence_that_leaves_out_a_listed_item_does_not_clear(officers, make):
    two = make("LR-4", rows=("7", "3"))
    first, second = two.items.order_by("code")
    services.decide(
        actor=officers["eco"],
        transaction=two,
        decision_kind="licence",
        reason="Licence for the cores",
        licence_number="METI-2026-1",
        valid_from=dt.date(2026, 4, 1),
        valid_until=dt.date(2027, 3, 31),
        items=[first],
    )
    assert fresh(two).status == "licence_required"
    assert services.standing_of(fresh(two)).missing == ((second.pk, second.code),)
    with pytest.raises(ValidationError, match="not an item of this transaction"):
        services.decide(
            actor=officers["eco"],
            transaction=two,
            decision_kind="licence",
            reason="x",
            licence_number="L",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date(2027, 3, 31),
            items=[999999],
        )
    ship(officers, two)
    assert services.shipment_findings_of(fresh(two)) == ("shipped-outside-licence",)
    assert services.major_violations(FY) == 1


# --- an out-of-date licence ---------------------------------------------------------------------


def test_a_licence_valid_2020_2021_is_refused_for_a_2026_transaction(api, officers, make):
    listed = make("OLD-1")
    item = listed.items.get()
    response = api.post(
        f"{BASE}/decisions/",
        {
            "transaction": listed.pk,
            "decision_kind": "licence",
            "reason": "Licence on file",
            "licence_number": "METI-2020-77",
            "valid_from": "2020-04-01",
            "valid_until": "2021-03-31",
            "items": [item.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "outside it" in str(response.json())
    assert not Decision.objects.filter(transaction=listed).exists()
    # without the items it covers, a licence is refused too
    response = api.post(
        f"{BASE}/decisions/",
        {
            "transaction": listed.pk,
            "decision_kind": "licence",
            "reason": "Licence on file",
            "licence_number": "METI-2026-77",
            "valid_from": "2026-04-01",
            "valid_until": "2026-05-15",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "items" in response.json()


def test_a_shipment_after_the_licence_ends_is_a_violation(officers, make):
    listed = make("OLD-2")
    services.decide(
        actor=officers["eco"],
        transaction=listed,
        decision_kind="licence",
        reason="Individual licence",
        licence_number="METI-2026-78",
        valid_from=dt.date(2026, 4, 1),
        valid_until=dt.date(2026, 5, 15),
        items=list(listed.items.all()),
    )
    assert fresh(listed).status == "licensed"
    ship(officers, listed, dt.date(2026, 6, 1))  # two weeks after the licence ended
    shipped = fresh(listed)
    assert shipped.status_when_shipped == "licence_required"
    assert services.shipment_findings_of(shipped) == ("shipped-outside-licence",)
    event = AuditEvent.objects.filter(verb="export_control.shipped_uncleared").get()
    assert event.data["findings"] == ["shipped-outside-licence"]
    assert services.major_violations(FY) == 1


# --- a block stands through edits, re-screens, the CLI, imports and list updates -------------


@pytest.fixture
def blocked(officers, make):
    transaction = make("BLK-1", party_name="Harbour Logistics", code="C-100")
    services.decide(
        actor=officers["eco"], transaction=transaction, decision_kind="block", reason="Diverter"
    )
    assert fresh(transaction).status == "blocked"
    return transaction


def test_renaming_the_party_through_the_api_does_not_lift_the_block(api, blocked):
    party = blocked.parties.get()
    response = api.patch(
        f"{BASE}/parties/{party.pk}/",
        {"name": "Harbour Logistics Ltd"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert fresh(blocked).runs.count() == 2  # screened again on the change …
    assert fresh(blocked).status == "blocked"  # … and still blocked


def test_no_rescreen_edit_import_or_list_update_lifts_a_block(
    tmp_path: Path, officers, blocked, screener, alpha
):
    eco = officers["eco"]
    # the CLI
    out = io.StringIO()
    call_command("export-control", "screen", "--transaction", "BLK-1", stdout=out)
    assert "status blocked" in out.getvalue()
    # the page's "screen again" and the API's
    page = Client()
    page.force_login(eco)
    page.post(f"/export-control/transactions/{blocked.pk}/screen/")
    api = Client()
    api.force_login(eco)
    assert api.post(f"{BASE}/transactions/{blocked.pk}/screen/").status_code == 200
    # an edit of the transaction itself, of its item, and an import of its party
    services.update_transaction(actor=eco, transaction=fresh(blocked), end_use="Robots")
    services.update_item(actor=eco, item=blocked.items.get(), name="Core, renamed")
    path = tmp_path / "parties.csv"
    path.write_text("code,name\nC-100,Harbour Logistics Holdings\n", encoding="utf-8")
    result = record_import.import_records("parties", path, actor=eco, unit=alpha)
    assert result.updated == 1
    # a list update naming the party, and one removing the entry again
    new = record("ofac-sdn", "3003", "Harbour Logistics Holdings")
    rescreen_after_list_change(
        ListDiff(added=("3003",)),
        source="ofac-sdn",
        entry_records=[new],
        screener=Screener([*RECORDS, new]),
    )
    rescreen_after_list_change(
        ListDiff(removed=("3003",)), source="ofac-sdn", entry_records=[], screener=Screener()
    )
    transaction = fresh(blocked)
    assert transaction.runs.count() >= 8
    assert transaction.status == "blocked"
    assert [d.decision_kind for d in transaction.decisions.all()] == ["block"]
    ship(officers, transaction)
    assert services.shipment_findings_of(fresh(blocked)) == ("shipped-while-blocked",)
    assert services.major_violations(FY) == 1


def test_a_block_is_lifted_only_by_a_second_approved_decision(risk, officers, blocked):
    eco = officers["eco"]
    item = blocked.items.get()
    lift = services.decide(
        actor=eco,
        transaction=fresh(blocked),
        decision_kind="licence",
        reason="The buyer was vetted again; licence granted.",
        licence_number="METI-2026-90",
        valid_from=dt.date(2026, 5, 1),
        valid_until=dt.date(2026, 12, 31),
        items=[item],
    )
    assert lift.approval_grounds == ["lifts-block"]
    assert fresh(blocked).status == "blocked"  # until the second approval
    response = risk.post(f"/export-control/decisions/{lift.pk}/approve/")
    assert response.status_code == 302
    assert fresh(blocked).status == "licensed"
    ship(officers, blocked)
    assert services.major_violations(FY) == 0


# --- North Korea ------------------------------------------------------------------------------


def test_north_korea_cannot_be_cleared_by_any_decision_or_path(api, risk, officers, make):
    kp = make("KP-1", destination="KP", rows=(None,))
    run = services.latest_run(kp)
    assert run.outcome == "blocked"
    assert fresh(kp).status == "blocked"  # prohibited: blocked without a decision
    item = kp.items.get()
    for body in (
        {"decision_kind": "clear", "reason": "Humanitarian"},
        {
            "decision_kind": "licence",
            "reason": "Licence",
            "licence_number": "X",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "items": [item.pk],
        },
    ):
        response = api.post(
            f"{BASE}/decisions/", {"transaction": kp.pk, **body}, content_type="application/json"
        )
        assert response.status_code == 400, body
        assert "No decision can clear" in str(response.json())
    page = Client()
    page.force_login(officers["eco"])
    response = page.post(
        f"/export-control/transactions/{kp.pk}/decide/", {"decision_kind": "clear", "reason": "x"}
    )
    assert response.status_code == 400
    assert not Decision.objects.filter(transaction=kp).exists()
    # a block can be recorded; shipping anyway is a violation
    services.decide(actor=officers["eco"], transaction=kp, decision_kind="block", reason="Ban")
    ship(officers, kp)
    assert set(services.shipment_findings_of(fresh(kp))) == {
        "shipped-while-blocked",
        "shipped-prohibited",
    }
    assert services.major_violations(FY) == 1


def test_group_d_alone_is_review_and_the_officer_may_clear_household_goods(officers, make):
    fans = make("IQ-1", destination="IQ", rows=(None,))
    assert services.latest_run(fans).outcome == "review"
    decision = services.decide(
        actor=officers["eco"], transaction=fans, decision_kind="clear", reason="Household fans"
    )
    assert not decision.needs_second_approval
    assert fresh(fans).status == "cleared"


def test_russia_listed_items_are_banned_and_other_goods_reviewed(officers, make):
    listed = make("RU-1", destination="RU")
    codes = [r["code"] for r in services.latest_run(listed).reasons]
    assert "measure-ban-listed" in codes and "measure-check" in codes
    with pytest.raises(ValidationError, match="banned"):
        services.decide(
            actor=officers["eco"], transaction=listed, decision_kind="clear", reason="Fine"
        )
    approval = services.decide(
        actor=officers["eco"],
        transaction=listed,
        decision_kind="licence",
        reason="METI's exceptional approval: humanitarian medical equipment",
        licence_number="METI-RU-2026-3",
        valid_from=dt.date(2026, 5, 1),
        valid_until=dt.date(2026, 8, 31),
        items=list(listed.items.all()),
    )
    assert "ban-exception" in approval.approval_grounds
    assert fresh(listed).status == "screened"
    other = make("RU-2", destination="RU", rows=(None,))
    assert services.latest_run(other).outcome == "review"


# --- parties blocked in the party master, also from a confirmed batch alert ---------------------


def _confirmed_alert(officers, alpha, name="Blue Harbor Shipping Company", status="confirmed"):
    batch = BatchScreening.objects.create(
        org_unit=alpha, file_name="customers.xlsx", created_by_label="eco", counts={}
    )
    return BatchAlert.objects.create(
        batch=batch,
        row=2,
        name=name,
        country="AE",
        kind="entity",
        outcome="strong",
        best_score=0.99,
        hits=[],
        status=status,
        reason="Same company as the listed entry",
    )


def test_a_confirmed_alert_blocks_the_party_and_its_transactions(
    officers, alpha, make, risk, world
):
    transaction = make("PB-1", rows=(None,), party_name="blue harbor  shipping company")
    assert fresh(transaction).status == "cleared"
    alert = _confirmed_alert(officers, alpha)
    page = Client()
    page.force_login(officers["eco"])
    form = page.get(f"/export-control/batch-alerts/{alert.pk}/block/")
    assert form.status_code == 200 and "blue harbor" in form.content.decode()
    party = transaction.parties.get()
    response = page.post(
        f"/export-control/batch-alerts/{alert.pk}/block/",
        {"party": str(party.pk), "reason": "Confirmed UN match"},
    )
    assert response.status_code == 302
    block = PartyBlock.objects.get()
    assert (block.party_id, block.alert_id) == (party.pk, alert.pk)
    assert fresh(transaction).status == "blocked"
    reasons = services.latest_run(fresh(transaction)).reasons
    assert [r["code"] for r in reasons] == ["party-blocked"]
    with pytest.raises(ValidationError, match="No decision can clear"):
        services.decide(
            actor=officers["eco"], transaction=fresh(transaction), decision_kind="clear", reason="x"
        )
    # lifting: asked by one person, approved by another holding export_control.approve
    admin_user = world.users["csr_admin"]  # holds every action: the same-person rule bites
    services.request_party_unblock(actor=admin_user, block=block, reason="Wrong match")
    with pytest.raises(PermissionDenied):
        services.approve_party_unblock(actor=officers["eco"], block=PartyBlock.objects.get())
    with pytest.raises(ValidationError, match="another person"):
        services.approve_party_unblock(actor=admin_user, block=PartyBlock.objects.get())
    assert risk.post(f"{BASE}/parties/{party.pk}/unblock/approve/").status_code == 200
    assert fresh(transaction).status == "cleared"


def test_a_confirmed_alert_creates_the_party_blocked_and_the_api_does_it_too(api, officers, alpha):
    alert = _confirmed_alert(officers, alpha, name="Orion Dynamics Trading LLC")
    response = api.post(
        f"{BASE}/parties/block-from-alert/",
        {"alert": alert.pk, "reason": "Confirmed match"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    party = Party.objects.get(name="Orion Dynamics Trading LLC")
    assert party.org_unit == alpha and party.country == "AE"
    assert response.json()["block"]["reason"] == "Confirmed match"
    # an alert not confirmed as a match cannot block anyone
    pending = _confirmed_alert(officers, alpha, name="Someone Else", status="pending")
    with pytest.raises(ValidationError, match="confirmed"):
        services.block_party_from_alert(actor=officers["eco"], alert=pending, reason="x")
    # by code, within the unit's party master only
    with pytest.raises(ValidationError, match="No party with the code"):
        services.block_party_from_alert(actor=officers["eco"], alert=alert, reason="x", code="NOPE")
    # another company's officer may not
    with pytest.raises(PermissionDenied):
        services.block_party_from_alert(actor=officers["eco_b"], alert=alert, reason="x")


def test_the_batch_review_links_a_confirmed_alert_to_the_block_page(officers, alpha, world):
    alert = _confirmed_alert(officers, alpha)
    client = Client()
    client.force_login(world.users["csr_admin"])
    page = client.get(f"/screening/batch/{alert.batch_id}/?status=all").content.decode()
    assert f"/export-control/batch-alerts/{alert.pk}/block/" in page


# --- group-level parties, read-only for a company's officer ------------------------------------


def test_a_company_officer_uses_the_groups_customer_master_read_only(
    world, officers, alpha, screener
):
    group_party = services.create_party(
        actor=world.system, org_unit=world.units["grp"], name="Group Customer KK", screener=screener
    )
    eco = officers["eco"]
    api = Client()
    api.force_login(eco)
    assert api.get(f"{BASE}/parties/{group_party.pk}/").status_code == 200
    item = services.create_item(actor=eco, org_unit=alpha, code="P-1", name="Pump")
    created = api.post(
        f"{BASE}/transactions/",
        {
            "org_unit": "alpha",
            "reference": "GRP-1",
            "date": "2026-05-11",
            "destination": "DE",
            "lines": [{"item": item.pk, "quantity": "1"}],
            "parties": [{"party": group_party.pk, "role": "customer"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    # read-only: no change through the API or the page
    assert (
        api.patch(
            f"{BASE}/parties/{group_party.pk}/", {"name": "X"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert api.get(f"/export-control/parties/{group_party.pk}/edit/").status_code == 403
    form = api.get("/export-control/transactions/new/").content.decode()
    assert "Group Customer KK" in form
    # another company's officer does not see it through Alpha's rights, nor Alpha's parties
    other = Client()
    other.force_login(officers["eco_b"])
    assert other.get(f"{BASE}/parties/{group_party.pk}/").status_code == 200
    alpha_party = services.create_party(
        actor=eco, org_unit=alpha, name="Alpha only", screener=screener
    )
    assert other.get(f"{BASE}/parties/{alpha_party.pk}/").status_code == 404


# --- the admin and the stored values ------------------------------------------------------------


def test_the_admin_of_export_control_records_is_read_only(world):
    request = RequestFactory().get("/admin/")
    request.user = world.users["csr_admin"]
    registered = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "export_control"
    ]
    assert {model.__name__ for model, _a in registered} >= {
        "Party",
        "Item",
        "Transaction",
        "Decision",
        "PartyBlock",
        "ScreeningRun",
    }
    for _model, model_admin in registered:
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_the_data_migration_moves_old_licence_rows_to_licensed(officers, make):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tatara.export_control.migrations.0004_decisions_that_hold")
    listed = make("MIG-1")
    decision = services.decide(
        actor=officers["eco"],
        transaction=listed,
        decision_kind="licence",
        reason="Licence",
        licence_number="L-OLD",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        items=list(listed.items.all()),
    )
    # as the rows were before: no licensed items, the status "licence_required"
    decision.licensed_items.clear()
    Transaction.objects.filter(pk=listed.pk).update(status="licence_required")
    migration.forwards(apps, None)
    assert fresh(listed).status == "licensed"
    assert list(decision.licensed_items.all()) == list(listed.items.all())
