"""Export-control pages: the review queue, transactions (filters, detail, decision, second
approval, create and edit), parties, items, countries, the yearly summary and the dashboard
panel; query counts on the lists stay bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tatara.export_control import services
from tatara.export_control.models import Decision, Party, Transaction

DAY = dt.date(2019, 6, 10)


@pytest.fixture
def alpha(world):
    return world.units["alpha"]


@pytest.fixture
def data(officers, alpha, screener):
    """A clean transaction, one with a strong UN hit, one with a listed item to China."""
    eco = officers["eco"]
    pump = services.create_item(actor=eco, org_unit=alpha, code="PUMP", name="Pump")
    steel = services.create_item(
        actor=eco, org_unit=alpha, code="MAR", name="Maraging steel", control_row="4"
    )
    acme = services.create_party(
        actor=eco, org_unit=alpha, name="Acme Trading", country="DE", screener=screener
    )
    komid = services.create_party(
        actor=eco,
        org_unit=alpha,
        name="Korea Mining Development Trading Corporation",
        screener=screener,
    )

    def make(reference, destination, item, party, end_use=""):
        return services.create_transaction(
            actor=eco,
            org_unit=alpha,
            reference=reference,
            date=DAY,
            destination=destination,
            end_use=end_use,
            lines=[(item, 3, "kg")],
            parties=[(party, "customer")],
            screener=screener,
        )

    return {
        "clean": make("T-CLEAN", "DE", pump, acme),
        "hit": make("T-HIT", "CN", pump, komid, end_use="Parts for missile guidance"),
        "listed": make("T-LISTED", "CN", steel, acme),
        "items": (pump, steel),
        "parties": (acme, komid),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_queue_lists_what_awaits_a_decision_with_the_reasons(officers, data):
    body = client_for(officers["eco"]).get("/export-control/").content.decode()
    assert "T-HIT" in body and "T-LISTED" in body
    assert "T-CLEAN" not in body
    assert "strongly matches" in body
    assert 'data-outcome="blocked"' in body and 'data-outcome="licence_required"' in body


def test_detail_shows_hits_red_flags_runs_and_the_decision_form(officers, data):
    t = data["hit"]
    body = client_for(officers["eco"]).get(f"/export-control/transactions/{t.pk}/").content
    body = body.decode()
    assert "KOREA MINING DEVELOPMENT TRADING CORPORATION" in body.upper()
    assert "KPe.001" in body
    assert "<mark" in body and "missile" in body  # the red-flag term highlighted
    assert 'data-testid="decision-form"' in body
    assert "Every screening run" in body


def test_decision_form_is_hidden_from_who_may_not_decide(world, data):
    t = data["hit"]
    for key in ("company_risk_officer", "auditor", "group_risk_officer"):
        response = client_for(world.users[key]).get(f"/export-control/transactions/{t.pk}/")
        assert response.status_code == 200
        assert 'data-testid="decision-form"' not in response.content.decode()


def test_block_and_licence_decisions(officers, data):
    client = client_for(officers["eco"])
    hit, listed = data["hit"], data["listed"]
    response = client.post(
        f"/export-control/transactions/{hit.pk}/decide/",
        {"decision_kind": "block", "reason": "UN listed"},
    )
    assert response.status_code == 302
    assert Transaction.objects.get(pk=hit.pk).status == "blocked"
    # a licence without its number: the service's error on the field
    response = client.post(
        f"/export-control/transactions/{listed.pk}/decide/",
        {"decision_kind": "licence", "reason": "Licence granted"},
    )
    assert response.status_code == 400
    assert "Give the licence number." in response.content.decode()
    response = client.post(
        f"/export-control/transactions/{listed.pk}/decide/",
        {
            "decision_kind": "licence",
            "reason": "Licence granted",
            "licence_number": "L-1",
            "valid_from": "2019-06-01",
            "valid_until": "2020-05-31",
            "items": [data["items"][1].pk],
        },
    )
    assert response.status_code == 302
    assert Transaction.objects.get(pk=listed.pk).status == "licensed"


def test_clearing_a_strong_hit_needs_the_group_risk_officers_approval(world, officers, data):
    hit = data["hit"]
    eco = client_for(officers["eco"])
    eco.post(
        f"/export-control/transactions/{hit.pk}/decide/",
        {"decision_kind": "clear", "reason": "Namesake"},
    )
    assert Transaction.objects.get(pk=hit.pk).status == "screened"
    decision = Decision.objects.get(transaction=hit)
    assert decision.is_pending_approval
    # the officer who decided sees no approval button; the group risk officer does
    page = eco.get(f"/export-control/transactions/{hit.pk}/").content.decode()
    assert 'data-testid="approve-panel"' not in page
    risk = client_for(world.users["group_risk_officer"])
    page = risk.get(f"/export-control/transactions/{hit.pk}/").content.decode()
    assert 'data-testid="approve-panel"' in page
    assert "T-HIT" in risk.get("/export-control/").content.decode()
    assert risk.post(f"/export-control/decisions/{decision.pk}/approve/").status_code == 302
    assert Transaction.objects.get(pk=hit.pk).status == "cleared"
    # the company risk officer may not approve
    assert (
        client_for(world.users["company_risk_officer"])
        .post(f"/export-control/decisions/{decision.pk}/approve/")
        .status_code
        == 403
    )


def test_create_and_edit_a_transaction_screens_it(officers, data, alpha):
    client = client_for(officers["eco"])
    pump, _steel = data["items"]
    acme, _komid = data["parties"]
    form = {
        "org_unit": alpha.pk,
        "reference": "T-NEW",
        "transaction_kind": "shipment",
        "date": "2019-07-01",
        "destination": "de",
        "end_use": "Pumps for a brewery",
        "item_0": pump.pk,
        "quantity_0": "5",
        "unit_0": "pcs",
        "party_0": acme.pk,
        "role_0": "customer",
    }
    response = client.post("/export-control/transactions/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    t = Transaction.objects.get(reference="T-NEW")
    assert t.destination == "DE" and t.runs.count() == 1 and t.lines.count() == 1
    # an invalid destination: the service's error on the field
    response = client.post(
        f"/export-control/transactions/{t.pk}/edit/", {**form, "destination": "1x"}
    )
    assert response.status_code == 400
    assert "is not an ISO 3166-1 alpha-2 code" in response.content.decode()
    response = client.post(
        f"/export-control/transactions/{t.pk}/edit/", {**form, "destination": "CN"}
    )
    assert response.status_code == 302
    assert t.runs.count() == 2


def test_party_and_item_pages(officers, data, alpha):
    client = client_for(officers["eco"])
    _acme, komid = data["parties"]
    page = client.get(f"/export-control/parties/{komid.pk}/").content.decode()
    assert "KPe.001" in page and "Screen now" in page
    response = client.post(
        "/export-control/parties/new/",
        {"org_unit": alpha.pk, "name": "Beta GmbH", "party_kind": "entity", "country": "Germany"},
    )
    assert response.status_code == 400
    assert "not an ISO 3166-1 alpha-2 code" in response.content.decode()
    response = client.post(
        "/export-control/parties/new/",
        {
            "org_unit": alpha.pk,
            "name": "Beta GmbH",
            "party_kind": "entity",
            "country": "DE",
            "aliases": "Beta\nベータ",
            "identifiers": "LEI: 123",
            "roles": ["customer"],
        },
    )
    assert response.status_code == 302
    beta = Party.objects.get(name="Beta GmbH")
    assert beta.aliases == ["Beta", "ベータ"] and beta.identifiers == {"LEI": "123"}
    assert client.post(f"/export-control/parties/{beta.pk}/screen/").status_code == 302
    response = client.post(
        "/export-control/items/new/",
        {
            "org_unit": alpha.pk,
            "code": "SIC",
            "name": "SiC fibre",
            "item_kind": "goods",
            "control_row": "",
            "catch_all_applicable": "on",
            "foreign_classifications": "US-ECCN: 1C010",
        },
    )
    assert response.status_code == 302
    page = client.get("/export-control/items/").content.decode()
    assert "SIC" in page and "US-ECCN: 1C010" in page


def test_filters_countries_summary_and_dashboard(officers, data):
    client = client_for(officers["eco"])
    page = client.get("/export-control/transactions/?outcome=blocked").content.decode()
    assert "T-HIT" in page and "T-LISTED" not in page and "T-CLEAN" not in page
    page = client.get("/export-control/transactions/?destination=de&status=cleared").content
    assert b"T-CLEAN" in page and b"T-HIT" not in page
    page = client.get("/export-control/countries/?on=2019-09-01").content.decode()
    assert 'data-country="KR"' in page
    page = client.get("/export-control/summary/").content.decode()
    assert 'data-testid="fy-2019"' in page and "major violations" in page
    page = client.get("/").content.decode()
    assert "Decide on T-HIT" in page


@pytest.mark.parametrize("n", [3, 12])
def test_list_pages_make_a_bounded_number_of_queries(
    world, officers, alpha, screener, django_assert_max_num_queries, n
):
    eco = officers["eco"]
    item = services.create_item(actor=eco, org_unit=alpha, code="X", name="X", control_row="4")
    party = services.create_party(actor=eco, org_unit=alpha, name="Acme", screener=screener)
    hit = services.create_party(
        actor=eco, org_unit=alpha, name="Rosoboronexport", screener=screener
    )
    for i in range(n):
        made = services.create_transaction(
            actor=eco,
            org_unit=alpha,
            reference=f"Q-{i}",
            date=DAY,
            destination="CN",
            lines=[(item, 1, "")],
            parties=[(hit if i % 2 else party, "customer")],
            screener=screener,
        )
        if i % 2:  # a strong hit cleared: an override awaiting the second approval
            services.decide(actor=eco, transaction=made, decision_kind="clear", reason="x")
    for user in (eco, world.users["group_risk_officer"]):
        client = client_for(user)
        for url in (
            "/export-control/",
            "/export-control/transactions/",
            "/export-control/parties/",
            "/export-control/items/",
            "/",
        ):
            with django_assert_max_num_queries(16):
                assert client.get(url).status_code == 200
    # the approver's task names the decision it would approve
    dashboard = client_for(world.users["group_risk_officer"]).get("/").content.decode()
    assert "Second approval of “Clear” on Q-1" in dashboard


def test_the_record_forms_mark_their_tab(officers, data):
    client = client_for(officers["eco"])
    for path, label in (
        ("/export-control/parties/new/", "Parties"),
        ("/export-control/items/new/", "Items"),
    ):
        body = client.get(path).content.decode()
        assert (
            f'active" aria-current="page" href="/export-control/{label.lower()}/">{label}<' in body
        )
