"""The export-control officer grants a licence in Chromium (issue 9): a listed item (row 7) to
China is screened "licence required"; the page says which item needs a licence valid on the
shipment date; a licence valid 2020–2021 is refused on its field; a licence for the right
dates that names the item makes the transaction "Licensed". The same page in Japanese; and a
clearing of the same kind of transaction by the officer alone waits for a second approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.export_control import services
from tatara.export_control.models import Decision, Transaction
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e]

DAY = dt.date(2026, 5, 11)


@pytest.fixture
def listed() -> dict[str, Any]:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    company = f.OrgUnitFactory(code="co", name="Metals Co", kind=UnitKind.COMPANY, parent=group)
    officer = f.UserFactory(username="export")
    f.grant(officer, Role.EXPORT_CONTROL_OFFICER, group)
    core = services.create_item(
        actor=officer,
        org_unit=company,
        code="NC-CORE",
        name="Nanocrystalline cores for pulsed power",
        control_row="7",
    )
    party = services.create_party(
        actor=officer, org_unit=group, name="Suzhou Precision Motor Co., Ltd.", country="CN"
    )
    made = {
        reference: services.create_transaction(
            actor=officer,
            org_unit=company,
            reference=reference,
            date=DAY,
            destination="CN",
            end_use="Power supplies for industrial robots",
            lines=[(core, 40, "pcs")],
            parties=[(party, "end_user")],
        )
        for reference in ("EX-LIC", "EX-ALONE")
    }
    for transaction in made.values():
        assert services.latest_run(transaction).outcome == "licence_required"  # type: ignore[union-attr]
    return {"core": core, **made}


def test_the_officer_grants_a_licence(page: Page, live_server: Any, listed: dict[str, Any]) -> None:
    base = live_server.url
    log_in(page, base, "export")
    page.goto(f"{base}/export-control/")
    page.get_by_test_id("queue").get_by_role("link", name="EX-LIC").click()
    expect(page.get_by_test_id("status")).to_contain_text("Screened")
    need = page.get_by_test_id("need")
    expect(need).to_contain_text("2026-05-11")
    expect(need.get_by_test_id("licence-items")).to_contain_text("NC-CORE")
    expect(need.get_by_test_id("licence-items")).to_contain_text("no licence yet")
    shot(page, "licence-before")

    form = page.get_by_test_id("decision-form")
    form.get_by_label("Licence", exact=True).check()
    form.get_by_label("Reason").fill("Individual export licence granted by METI.")
    form.get_by_label("Licence number").fill("METI-2020-OSK-000111")
    form.get_by_label("Licence valid from").fill("2020-04-01")
    form.get_by_label("Licence valid until").fill("2021-03-31")
    expect(
        form.get_by_label("NC-CORE Nanocrystalline cores for pulsed power · row 7")
    ).to_be_checked()
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision-form")).to_contain_text("outside it")
    assert not Decision.objects.filter(transaction=listed["EX-LIC"]).exists()
    shot(page, "licence-refused")

    form = page.get_by_test_id("decision-form")
    form.get_by_label("Licence", exact=True).check()
    form.get_by_label("Licence number").fill("METI-2026-OSK-004217")
    form.get_by_label("Licence valid from").fill("2026-04-01")
    form.get_by_label("Licence valid until").fill("2027-03-31")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Licence recorded")
    expect(page.get_by_test_id("status")).to_contain_text("Licensed")
    expect(page.get_by_test_id("licence-items")).to_contain_text("licensed")
    expect(page.get_by_test_id("licence")).to_contain_text("METI-2026-OSK-004217")
    expect(page.get_by_test_id("licence")).to_contain_text("NC-CORE")
    shot(page, "licence-granted")
    assert Transaction.objects.get(reference="EX-LIC").status == "licensed"

    page.select_option("#lang", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_test_id("status")).to_contain_text("許可取得済み")
    expect(page.get_by_test_id("need")).to_contain_text("判断に求められること")
    shot(page, "licence-granted-ja")


def test_clearing_it_alone_waits_for_a_second_approval(
    page: Page, live_server: Any, listed: dict[str, Any]
) -> None:
    base = live_server.url
    log_in(page, base, "export")
    page.goto(f"{base}/export-control/transactions/{listed['EX-ALONE'].pk}/")
    form = page.get_by_test_id("decision-form")
    form.get_by_label("Clear").check()
    form.get_by_label("Reason").fill("looks fine")
    form.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("waits for a second approval")
    expect(page.get_by_test_id("status")).to_contain_text("Screened")
    shot(page, "licence-cleared-alone")
    assert Transaction.objects.get(reference="EX-ALONE").status == "screened"
