"""The export-control officer's review in Chromium: a tiny watch list loaded through the real
loader, a transaction whose consignee strongly matches it; the officer opens the review queue,
opens the transaction, sees the hit and its reasons, clears it as a namesake (an override), and
the group risk officer gives the second approval — the transaction is then cleared. A second
transaction with a hit is blocked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, open_menu, shot
from tatara.export_control import services
from tatara.export_control.models import Transaction
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role
from tatara.screening.services import load_list

pytestmark = [pytest.mark.e2e]

WATCH_LIST = (
    "id,name,aliases,kind,note\n"
    "W-1,Orion Dynamics Trading LLC,Orion Dynamics,entity,procurement agent\n"
    "W-2,Blue Harbor Shipping Company,,entity,front company\n"
)


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Any]:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    company = f.OrgUnitFactory(code="co", name="Metals Co", kind=UnitKind.COMPANY, parent=group)
    officer = f.UserFactory(username="export")
    f.grant(officer, Role.EXPORT_CONTROL_OFFICER, group)
    risk = f.UserFactory(username="risk")
    f.grant(risk, Role.GROUP_RISK_OFFICER, group)
    path = tmp_path / "watch.csv"
    path.write_text(WATCH_LIST, encoding="utf-8")
    load_list(actor=f.SYSTEM, source="custom", path=path)
    item = services.create_item(
        actor=officer, org_unit=company, code="MAG-1", name="Ferrite magnets"
    )
    made = {}
    for reference, name in (
        ("EX-1", "Orion Dynamics Trading L.L.C."),
        ("EX-2", "Blue Harbor Shipping Co."),
    ):
        party = services.create_party(actor=officer, org_unit=company, name=name, country="AE")
        made[reference] = services.create_transaction(
            actor=officer,
            org_unit=company,
            reference=reference,
            date=dt.date(2019, 9, 2),
            destination="AE",
            end_use="Motors for desalination pumps",
            lines=[(item, 100, "kg")],
            parties=[(party, "consignee")],
        )
        assert services.latest_run(made[reference]).outcome == "blocked"  # type: ignore[union-attr]
    return made


def test_officer_clears_a_namesake_and_the_risk_officer_approves(
    page: Page, live_server: Any, exports: dict[str, Any]
) -> None:
    base = live_server.url
    log_in(page, base, "export")
    open_menu(page, "Compliance", "Export control")
    queue = page.get_by_test_id("queue")
    expect(queue).to_contain_text("EX-1")
    expect(queue.locator("tr[data-reference='EX-1']")).to_contain_text("strongly matches")
    shot(page, "export-queue")

    queue.get_by_role("link", name="EX-1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("EX-1")
    hit = page.get_by_test_id("hit").first
    expect(hit).to_contain_text("Orion Dynamics Trading LLC")
    expect(hit).to_contain_text("W-1")
    expect(hit).to_contain_text("matching name parts")  # the hit's reasons
    expect(page.get_by_test_id("outcome")).to_contain_text("Blocked")
    shot(page, "export-transaction")

    form = page.get_by_test_id("decision-form")
    form.get_by_label("Clear").check()
    form.get_by_label("Reason").fill("Namesake: a different company, registry no. 4711.")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("waits for a second approval")
    expect(page.get_by_test_id("status")).to_contain_text("Screened")
    expect(page.get_by_test_id("decisions")).to_contain_text("awaiting second approval")

    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "risk")
    page.goto(f"{base}/export-control/")
    page.get_by_test_id("overrides").get_by_role("link", name="EX-1").click()
    expect(page.get_by_test_id("approve-panel")).to_contain_text("clears a blocking reason")
    page.get_by_role("button", name="Give the second approval").click()
    expect(page.get_by_role("status")).to_contain_text("Second approval given")
    expect(page.get_by_test_id("status")).to_contain_text("Cleared")
    shot(page, "export-approved")
    assert Transaction.objects.get(reference="EX-1").status == "cleared"


def test_officer_blocks_a_transaction(
    page: Page, live_server: Any, exports: dict[str, Any]
) -> None:
    base = live_server.url
    log_in(page, base, "export")
    page.goto(f"{base}/export-control/")
    page.get_by_test_id("queue").get_by_role("link", name="EX-2").click()
    expect(page.get_by_test_id("hit").first).to_contain_text("Blue Harbor Shipping Company")
    form = page.get_by_test_id("decision-form")
    form.get_by_label("Block").check()
    form.get_by_label("Reason").fill("Consignee on our watch list.")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("status")).to_contain_text("Blocked")
    page.goto(f"{base}/export-control/")
    expect(page.get_by_test_id("queue")).not_to_contain_text("EX-2")
    assert Transaction.objects.get(reference="EX-2").status == "blocked"
