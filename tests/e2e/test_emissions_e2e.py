"""Energy to CO2 in Chromium: a site's risk officer enters a month's electricity and city gas,
sees the calculated Scope 1 and Scope 2, and posts them to the KPIs as drafts."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import shot
from tatara.emissions import services
from tatara.kpis.models import Observation
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOKYO = "Tokyo Power (standard menu)"
FACTORS = (
    "fiscal_year,supplier,basis,factor,unit,source\n"
    f"2019,{TOKYO},market,0.455,kg-CO2/kWh,MOE/METI list FY2019\n"
    "2019,default,location,0.000470,t-CO2/kWh,alternative value FY2019\n"
)


@pytest.fixture
def plant() -> Any:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    company = f.OrgUnitFactory(code="co", name="Company", kind=UnitKind.COMPANY, parent=group)
    site = f.OrgUnitFactory(code="plant-1", name="Plant One", kind=UnitKind.SITE, parent=company)
    user = f.UserFactory(username="officer")
    f.grant(user, Role.COMPANY_RISK_OFFICER, group)
    services.import_supplier_factors(
        actor=f.SYSTEM, file=io.BytesIO(FACTORS.encode()), name="factors.csv"
    )
    return site


def enter(page: Page, activity: str, quantity: str, unit: str, supplier: str = "") -> None:
    form = page.get_by_test_id("activity-form")
    form.get_by_label("Period").select_option("2019-04")
    form.get_by_label("Activity").select_option(activity)
    form.get_by_label("Quantity").fill(quantity)
    form.get_by_label("Unit of measure", exact=True).fill(unit)
    form.get_by_label("Electricity supplier").fill(supplier)
    form.get_by_role("button", name="Save").click()


def test_enter_calculate_and_post(page: Page, live_server: Any, plant: Any) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_have_text("officer")

    page.goto(f"{base}/emissions/plant-1/2019/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Energy and fuel used at Plant One, FY2019"
    )
    enter(page, "electricity", "80", "MWh", TOKYO)
    expect(page.get_by_role("status")).to_contain_text("Recorded Electricity for 2019-04: 80 MWh.")
    enter(page, "city-gas", "12500", "m**3")
    april = page.locator("#activity-table tr[data-period='2019-04']")
    expect(april).to_contain_text("80 MWh")
    expect(april).to_contain_text("12,500 m³")
    shot(page, "emissions-activity")

    page.get_by_role("link", name="Calculate Scope 1 and 2").click()
    totals = page.get_by_test_id("totals")
    # 80 MWh × 0.000455 t/kWh = 36.4 t; 12.5 thousand m³ × 2.23 = 27.875 t
    expect(totals.locator("[data-scope='1']")).to_contain_text("27.875")
    expect(totals.locator("[data-scope='2']")).to_contain_text("36.400")
    expect(totals.locator("[data-scope='total']")).to_contain_text("64.275")
    lines = page.locator("#calculation-lines")
    expect(lines).to_contain_text("Electricity FY2019 (market-based)")
    expect(lines).to_contain_text("MOE/METI list FY2019")
    expect(lines.get_by_test_id("warning").first).to_contain_text("Only 1 of 12 months")
    shot(page, "emissions-calculation")

    page.get_by_role("button", name="Post to KPIs").click()
    expect(page.get_by_role("status")).to_contain_text("Posted to the KPIs as drafts")
    posted = page.get_by_test_id("posted")
    expect(posted.locator("tr[data-metric='co2-scope1']")).to_contain_text("27.875 t")
    expect(posted.locator("tr[data-metric='co2-emissions']")).to_contain_text("Draft")
    shot(page, "emissions-posted")
    values = dict(Observation.objects.values_list("metric__code", "value"))
    assert values == {
        "co2-scope1": Decimal("27.875"),
        "co2-scope2": Decimal("36.4"),
        "co2-emissions": Decimal("64.275"),
    }

    page.get_by_role("link", name="Emission factors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emission factors and GWP values")
    shot(page, "emissions-factors")
