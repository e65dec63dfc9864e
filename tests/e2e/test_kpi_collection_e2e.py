"""KPI data entry in Chromium: a site's officer enters a value and submits it; the Group Risk
Management Officer approves it in the queue; the KPI page of the year then shows the figure.
Screenshots of the pages go to $TATARA_SCREENSHOTS when it is set."""

from __future__ import annotations

from typing import Any

import factories as f
import pytest
from kpi_data import small_group, target
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.kpis.choices import TargetKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site() -> dict[str, Any]:
    units = small_group()
    target("co2-emissions", units["a1"], 2019, TargetKind.AT_MOST, 1000)
    officer = f.UserFactory(username="officer")
    f.grant(officer, Role.COMPLIANCE_DEPT, units["a1"])
    approver = f.UserFactory(username="approver")
    f.grant(approver, Role.GROUP_RISK_OFFICER, units["g"])
    return units


def test_enter_submit_approve_and_see_the_figure(page: Page, live_server: Any, site: Any) -> None:
    base = live_server.url
    log_in(page, base, "officer")
    page.goto(f"{base}/kpis/2019/")
    page.get_by_role("link", name="Enter values").click()
    shot(page, "entry-pick")
    page.get_by_label("Organisation unit").select_option("a1")
    page.get_by_label("Period").fill("FY2019")
    page.get_by_role("button", name="Show the metrics").click()
    row = page.locator("form[data-metric='co2-emissions']")
    expect(row).to_contain_text("Not entered")
    row.locator("input[name=value]").fill("900")
    row.locator("input[name=source]").fill("meter readings")
    shot(page, "entry")
    row.get_by_role("button", name="Submit").click()
    row = page.locator("form[data-metric='co2-emissions']")
    expect(row.get_by_test_id("status")).to_have_text("Submitted")
    expect(row.get_by_test_id("value")).to_have_text("900")

    log_in(page, base, "approver")
    page.goto(f"{base}/kpis/2019/")
    page.get_by_role("link", name="Approve values").click()
    queue = page.get_by_test_id("queue")
    item = queue.locator("tr", has_text="CO2 emissions")
    expect(item).to_contain_text("900 t")
    shot(page, "approvals")
    item.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()

    page.goto(f"{base}/kpis/2019/")
    figure = page.locator("#kpi-table tr[data-metric='co2-emissions']")
    expect(figure).to_contain_text("900")
    expect(figure.get_by_role("img", name="3 of 3 stars: achieved")).to_be_visible()
    shot(page, "year")
