"""The reopening of a closed year, in Chromium: the demo's FY2019 is closed; the CSR office asks
to reopen it with a reason, the Group Risk Management Officer approves it from the dashboard
task, the CSR office sends an initiative back (marked as changed while reopened), cannot close
the year again until it is confirmed again, then closes it. Then the fiscal years page and the closed initiative in Japanese."""

from __future__ import annotations

from typing import Any

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.core import year_lock
from tatara.cycle.choices import Status
from tatara.cycle.models import Initiative
from tatara.demo.builder import DEMO_PASSWORD, build_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def reopening_pk(initiative: Initiative) -> int:
    return int(initiative.cycle.fiscal_year.reopenings.get(status="open").pk)


def test_reopen_correct_and_close_again(page: Page, live_server: Any) -> None:
    build_demo()
    base = live_server.url
    initiative = Initiative.objects.get(cycle__fiscal_year__year=2019, subject__number=1)

    log_in(page, base, "csr", DEMO_PASSWORD)
    page.goto(f"{base}/cycle/initiatives/{initiative.pk}/")
    expect(page.get_by_test_id("year-closed")).to_be_visible()
    expect(page.get_by_test_id("no-actions")).to_contain_text("FY2019 is closed")
    shot(page, "initiative-closed-en")
    page.get_by_role("link", name="Fiscal years and reopening").click()
    expect(page.get_by_test_id("state-2019")).to_contain_text("Closed")
    row = page.locator('tr[data-year="2019"]')
    row.get_by_text("Ask to reopen FY2019…").click()
    row.get_by_label("Why must the closed year be reopened?").fill(
        "The external review corrected the FY2019 self-assessment of subject 1."
    )
    shot(page, "fiscal-years-en")
    row.get_by_role("button", name="Ask for the reopening").click()
    expect(page.get_by_test_id("reopening-status")).to_have_text("Awaiting a second approval")
    expect(page.get_by_test_id("awaiting")).to_be_visible()
    shot(page, "reopening-requested-en")

    log_in(page, base, "risk", DEMO_PASSWORD)
    page.get_by_role("link", name="Approve or refuse the reopening of FY2019", exact=False).click()
    page.get_by_role("button", name="Approve the reopening").click()
    expect(page.get_by_test_id("reopening-status")).to_have_text("Reopened")
    assert not year_lock.is_closed(2019)

    log_in(page, base, "csr", DEMO_PASSWORD)
    page.goto(f"{base}/cycle/initiatives/{initiative.pk}/")
    expect(page.get_by_test_id("year-reopened")).to_be_visible()
    page.get_by_label("What should the owner rework?").fill("Re-rate after the external review.")
    page.get_by_role("button", name="Send back for rework").click()
    expect(page.get_by_test_id("reopened-mark")).to_be_visible()
    shot(page, "initiative-reopened-en")
    page.get_by_test_id("year-reopened").get_by_role("link", name="See the changes").click()
    expect(page.get_by_test_id("change-count")).to_have_text("1")
    shot(page, "reopening-open-en")
    # the initiative sent back must be confirmed again before the year closes
    page.get_by_role("button", name="Close FY2019 again").click()
    expect(page.get_by_text("is not confirmed again", exact=False)).to_be_visible()
    shot(page, "reopening-close-refused-en")
    assert not year_lock.is_closed(2019)
    f.advance(initiative, Status.CONFIRMED, rating=initiative.rating or 3)
    page.goto(f"{base}/fiscal-years/reopenings/{reopening_pk(initiative)}/")
    page.get_by_role("button", name="Close FY2019 again").click()
    expect(page.get_by_test_id("state-2019")).to_contain_text("Closed")
    assert year_lock.is_closed(2019)

    # the same pages in Japanese
    page.goto(f"{base}/fiscal-years/")
    page.locator("#lang").select_option("ja")
    page.wait_for_load_state()
    expect(page.get_by_test_id("state-2019")).to_contain_text("締め済み")
    shot(page, "fiscal-years-ja")
    page.goto(f"{base}/cycle/initiatives/{initiative.pk}/")
    expect(page.get_by_test_id("year-closed")).to_contain_text("締め済み")
    shot(page, "initiative-closed-ja")
    reopening = initiative.cycle.fiscal_year.reopenings.get()
    page.goto(f"{base}/fiscal-years/reopenings/{reopening.pk}/")
    shot(page, "reopening-ended-ja")
