"""The KPI pages in Chromium: the CSR office signs in, opens the KPI page of FY2019 through the
navigation, sees the stars, opens a metric and sees its SVG trend chart."""

from __future__ import annotations

from typing import Any

import factories as f
import pytest
from kpi_data import put, small_group, target
from playwright.sync_api import Page, expect

from e2e.browser import log_in, open_menu
from tatara.kpis.choices import TargetKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kpi_year() -> dict[str, Any]:
    """A small group with the seed's FY2019 environment figures (FY2010 the base year) and a
    CSR office user "csr" on the whole group."""
    units = small_group()
    for code, fy2010, fy2018, fy2019 in (
        ("production-volume", (600, 400), (620, 410), (600, 400)),
        ("co2-emissions", (600, 400), (610, 405), (590, "396")),
    ):
        for year, values in ((2010, fy2010), (2018, fy2018), (2019, fy2019)):
            put(code, units["a1"], year, values[0])
            put(code, units["a2"], year, values[1])
    put("waste-generated", units["a1"], 2019, 1000)
    put("waste-landfilled", units["a1"], 2019, 137)
    put("sales-eco-products", units["a1"], 2019, 202)
    put("sales-total", units["a1"], 2019, 1000)
    g = units["g"]
    target("co2-intensity", g, 2019, TargetKind.REDUCE_VS_BASE, 5, base_year=2010)
    target("landfill-rate", g, 2019, TargetKind.AT_MOST, 14)
    target("eco-products-sales-ratio", g, 2019, TargetKind.AT_LEAST, 23)
    user = f.UserFactory(username="csr")
    f.grant(user, Role.CSR_ADMIN, g)
    return units


def test_kpi_year_page_and_metric_chart(page: Page, live_server: Any, kpi_year: Any) -> None:
    base = live_server.url
    log_in(page, base, "csr")
    open_menu(page, "CSR report", "KPIs")
    expect(page.get_by_role("heading", name="FY2019 KPIs and targets")).to_be_visible()

    table = page.locator("#kpi-table")
    expect(table).to_contain_text("5. The Environment")
    landfill = table.locator("tr[data-metric='landfill-rate']")
    expect(landfill).to_contain_text("13.7%")
    expect(landfill.get_by_role("img", name="3 of 3 stars: achieved")).to_be_visible()
    eco = table.locator("tr[data-metric='eco-products-sales-ratio']")
    expect(eco.get_by_role("img", name="1 of 3 stars: not achieved")).to_be_visible()

    table.get_by_role("link", name="CO2 emissions per production unit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CO2 emissions per production unit")
    chart = page.get_by_role("img", name="CO2 emissions per production unit at Group")
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.tagName.toLowerCase()") == "svg"
    expect(chart.locator("text", has_text="FY2010")).to_be_visible()
    expect(chart.get_by_text("base year", exact=True)).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    expect(page.get_by_test_id("breakdown")).to_contain_text("not consolidated")
