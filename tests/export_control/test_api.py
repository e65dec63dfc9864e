"""The export-control API through the test client, and the CLI verbs."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from export_control.screeners import Screener
from tatara.export_control import party_screening, services
from tatara.export_control.models import Transaction

BASE = "/api/v1/export-control"


@pytest.fixture(autouse=True)
def _screener(monkeypatch):
    monkeypatch.setattr(party_screening, "default_screener", Screener())


@pytest.fixture
def eco(client, officers):
    client.force_login(officers["eco"])
    return client


def test_reference_data_is_readable(eco):
    rows = eco.get(f"{BASE}/control-rows/").json()
    assert [r["code"] for r in rows][:5] == ["1", "2", "3", "3-2", "4"]
    assert eco.get(f"{BASE}/control-rows/3-2/").json()["title_ja"] == "生物兵器"
    kr = eco.get(f"{BASE}/countries/kr/?on=2023-07-20").json()
    assert kr["group"] == "B" and len(kr["periods"]) == 2
    assert eco.get(f"{BASE}/countries/KR/?on=2023-07-21").json()["group"] == "A"


def test_create_screen_decide_and_approve(eco, client, world, officers):
    item = eco.post(
        f"{BASE}/items/",
        {"org_unit": "alpha", "code": "LATHE", "name": "Lathe", "control_row": "6"},
        content_type="application/json",
    )
    assert item.status_code == 201, item.content
    party = eco.post(
        f"{BASE}/parties/",
        {"org_unit": "alpha", "name": "Rosoboronexport", "roles": ["end_user"]},
        content_type="application/json",
    )
    assert party.status_code == 201, party.content
    assert party.json()["screening_outcome"] == "strong"
    created = eco.post(
        f"{BASE}/transactions/",
        {
            "org_unit": "alpha",
            "reference": "API-1",
            "date": "2024-06-01",
            "destination": "cn",
            "end_use": "machine tools for a military plant",
            "lines": [{"item": item.json()["id"], "quantity": "2"}],
            "parties": [{"party": party.json()["id"], "role": "end_user"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "screened"
    run = body["latest_run"]
    assert run["outcome"] == "blocked"
    assert {r["kind"] for r in run["reasons"]} == {"party", "item", "end_use"}
    pk = body["id"]
    assert eco.get(f"{BASE}/transactions/{pk}/").json()["latest_run"]["id"] == run["id"]
    # each reason: the English record, and the message in the reader's language
    in_japanese = eco.get(f"{BASE}/transactions/{pk}/", HTTP_ACCEPT_LANGUAGE="ja").json()
    japanese = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
    for reason in in_japanese["latest_run"]["reasons"]:
        assert not japanese.search(reason["text"])
        assert japanese.search(reason["message"]), reason
    decision = eco.post(
        f"{BASE}/decisions/",
        {"transaction": pk, "decision_kind": "clear", "reason": "A namesake in Osaka"},
        content_type="application/json",
    )
    assert decision.status_code == 201, decision.content
    assert decision.json()["is_pending_approval"] is True
    again = eco.post(f"{BASE}/decisions/{decision.json()['id']}/approve/")
    assert again.status_code == 403  # the officer may not approve
    client.force_login(world.users["group_risk_officer"])
    approved = client.post(f"{BASE}/decisions/{decision.json()['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert Transaction.objects.get(pk=pk).status == "cleared"


def test_scope_and_validation(eco, client, officers, world):
    services.create_item(
        actor=officers["eco_b"], org_unit=world.units["bravo"], code="B-1", name="Bravo item"
    )
    listed = eco.get(f"{BASE}/items/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows == []  # Bravo's item is outside the Alpha officer's scope
    bad = eco.post(
        f"{BASE}/transactions/",
        {"org_unit": "alpha", "reference": "X", "date": "2024-06-01", "destination": "Japan"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    client.force_login(world.users["auditor"])
    refused = client.post(
        f"{BASE}/items/",
        {"org_unit": "alpha", "code": "Y", "name": "Y"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_cli_screen_and_countries(officers, world):
    transaction = services.create_transaction(
        actor=officers["eco"],
        org_unit=world.units["alpha"],
        reference="CLI-1",
        date=dt.date(2024, 6, 1),
        destination="IR",
    )
    out = io.StringIO()
    call_command("export-control", "screen", "--transaction", "CLI-1", stdout=out)
    assert "CLI-1: review" in out.getvalue() and "Group D" in out.getvalue()
    assert transaction.runs.count() == 2
    out = io.StringIO()
    call_command("export-control", "countries", "--on", "2023-07-20", stdout=out)
    lines = out.getvalue().splitlines()
    assert "KR  B  Republic of Korea  *verify*" in lines
    assert any(line.startswith("KP  D  North Korea  [embargo, arms embargo]") for line in lines)
