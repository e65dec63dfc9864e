"""Batch screening and its review in Chromium: the export-control officer uploads a customer
master, the job screens it against a watch list loaded through the real loader, the officer
opens the review from the job's page, clears one strong alert as a namesake (it then awaits
a second approval) and confirms the other; the group risk officer approves the clearing; the
reviewed result is downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import factories as f
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role
from tatara.screening.models import BatchAlert
from tatara.screening.services import load_list

pytestmark = [pytest.mark.e2e]

WATCH_LIST = (
    "id,name,aliases,kind,note\n"
    "W-1,Orion Dynamics Trading LLC,Orion Dynamics,entity,procurement agent\n"
    "W-2,Blue Harbor Shipping Company,,entity,front company\n"
)
CUSTOMERS = (
    "name,country\n"
    "Orion Dynamics Trading L.L.C.,AE\n"
    "Yamada Seiki Co. Ltd,JP\n"
    "Blue Harbor Shipping Co.,AE\n"
)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    f.OrgUnitFactory(code="co", name="Metals Co", kind=UnitKind.COMPANY, parent=group)
    officer = f.UserFactory(username="export")
    f.grant(officer, Role.EXPORT_CONTROL_OFFICER, group)
    risk = f.UserFactory(username="risk")
    f.grant(risk, Role.GROUP_RISK_OFFICER, group)
    path = tmp_path / "watch.csv"
    path.write_text(WATCH_LIST, encoding="utf-8")
    load_list(actor=f.SYSTEM, source="custom", path=path)
    customers = tmp_path / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    return {"customers": customers}


def test_batch_upload_review_and_second_approval(
    page: Page, live_server: Any, setup: dict[str, Any], tmp_path: Path
) -> None:
    base = live_server.url
    log_in(page, base, "export")
    page.goto(f"{base}/screening/batch/")
    page.get_by_label("File of names (.xlsx or .csv)").set_input_files(str(setup["customers"]))
    page.get_by_label("Whose names").select_option(label="\u2003Metals Co (co)")
    page.get_by_role("button", name="Upload and screen").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded")
    expect(page.get_by_test_id("job-result")).to_contain_text("3 names screened")
    shot(page, "batch-job")
    page.get_by_test_id("job-next").click()

    alerts = page.get_by_test_id("alerts").locator("li[data-alert]")
    expect(alerts).to_have_count(2)
    shot(page, "batch-review")
    orion = page.locator("li[data-alert]", has_text="Orion Dynamics Trading L.L.C.")
    expect(orion.get_by_test_id("alert-status")).to_have_text("To review")
    orion.get_by_text("Why this score").first.click()
    orion.get_by_label("Not a match: clear").check()
    orion.get_by_label("Reason").fill(
        "Different company: registered in Dubai in 2021, trade licence checked"
    )
    orion.get_by_role("button", name="Record the decision").click()
    # swapped in place by htmx: the clearing of a strong hit waits for a second approval
    orion = page.locator("li[data-alert]", has_text="Orion Dynamics Trading L.L.C.")
    expect(orion).to_have_attribute("data-status", "awaiting_approval")
    expect(orion.get_by_test_id("alert-decision")).to_contain_text("trade licence checked")

    harbor = page.locator("li[data-alert]", has_text="Blue Harbor Shipping Co.")
    harbor.get_by_label("Confirmed match").check()
    harbor.get_by_label("Reason").fill("Same address as the listed front company")
    harbor.get_by_role("button", name="Record the decision").click()
    expect(page.locator("li[data-alert][data-status=confirmed]")).to_have_count(1)
    # the filters' counts follow each decision without a reload
    expect(page.get_by_test_id("alert-filter")).to_contain_text("To review (0)")
    expect(page.get_by_test_id("alert-filter")).to_contain_text("Awaiting second approval (1)")
    shot(page, "batch-review-decided")

    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "risk")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Second approval: clearing row 2", exact=False).click()
    orion = page.locator("li[data-alert]", has_text="Orion Dynamics Trading L.L.C.")
    orion.get_by_test_id("alert-approve").click()
    orion = page.locator("li[data-alert]", has_text="Orion Dynamics Trading L.L.C.")
    expect(orion).to_have_attribute("data-status", "cleared")
    expect(orion.get_by_test_id("alert-decision")).to_contain_text("Second approval by risk")
    shot(page, "batch-review-approved")
    assert sorted(BatchAlert.objects.values_list("status", flat=True)) == ["cleared", "confirmed"]

    page.goto(f"{base}/screening/batch/")
    expect(page.get_by_test_id("batches")).to_contain_text("reviewed")
    page.get_by_role("link", name="customers.csv").click()
    with page.expect_download() as download:
        page.get_by_test_id("review-download").click()
    target = tmp_path / "review.xlsx"
    download.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    statuses = {r[1]: r[9] for r in rows[1:]}
    assert statuses == {
        "Orion Dynamics Trading L.L.C.": "cleared",
        "Blue Harbor Shipping Co.": "confirmed",
    }
