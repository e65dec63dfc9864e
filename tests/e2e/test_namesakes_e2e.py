"""Cleared namesakes in Chromium (decision 0019): the export-control officer clears a batch
alert as "not a match" on the review page; the company's next batch lists that name "cleared
before" with a link back to the decision. A transaction whose party hit was cleared on an
earlier transaction is clear, its hit marked with a link to that decision — in English and
Japanese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import factories as f
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.core.jobs import execute
from tatara.export_control import services
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role
from tatara.screening import batch, name_screening
from tatara.screening.models import BatchScreening
from tatara.screening.services import load_list

pytestmark = [pytest.mark.e2e]

WATCH_LIST = "id,name,aliases,country,kind\nW-1,Volkov Industrial Group,,RU,entity\n"
CUSTOMERS = "name,country\nVolkov Industrial Groupe,DE\nYamada Seiki Co. Ltd,JP\n"


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    company = f.OrgUnitFactory(code="co", name="Metals Co", kind=UnitKind.COMPANY, parent=group)
    officer = f.UserFactory(username="export")
    f.grant(officer, Role.EXPORT_CONTROL_OFFICER, company)
    path = tmp_path / "watch.csv"
    path.write_text(WATCH_LIST, encoding="utf-8")
    load_list(actor=f.SYSTEM, source="custom", path=path)
    name_screening.clear_cache()
    return {"company": company, "officer": officer}


def _batch(setup: dict[str, Any]) -> BatchScreening:
    upload = SimpleUploadedFile("customers.csv", CUSTOMERS.encode(), content_type="text/csv")
    job = batch.start_batch(actor=setup["officer"], upload=upload, org_unit=setup["company"])
    execute(job.pk)  # in a browser test the job has usually run already, on commit
    return BatchScreening.objects.get(job=job)


def test_a_batch_alert_cleared_on_the_page_shows_cleared_before_next_time(
    page: Page, live_server: Any, setup: dict[str, Any]
) -> None:
    base = live_server.url
    first = _batch(setup)
    log_in(page, base, "export")
    page.goto(f"{base}/screening/batch/{first.pk}/")
    card = page.locator("[data-testid=alerts] > li").first
    card.get_by_label("Not a match: clear").check()
    card.get_by_label("Reason").fill("Our German distributor since 2009, not the Russian group")
    card.get_by_role("button", name="Record the decision").click()
    expect(
        page.locator("[data-testid=alerts] > li").first.get_by_test_id("alert-status")
    ).to_have_text("Cleared: not a match")

    second = _batch(setup)
    page.goto(f"{base}/screening/batch/{second.pk}/?status=cleared_before")
    mark = page.get_by_test_id("cleared-before")
    expect(mark).to_contain_text("Our German distributor since 2009")
    shot(page, "namesakes-batch-en")
    mark.get_by_test_id("cleared-link").click()
    expect(page).to_have_url(
        f"{base}/screening/batch/{first.pk}/?status=all#alert-{first.alerts.get().pk}"
    )
    page.select_option("#lang", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{base}/screening/batch/{second.pk}/?status=cleared_before")
    expect(page.get_by_test_id("cleared-before")).to_contain_text("以前に該当なしと判断済み")
    shot(page, "namesakes-batch-ja")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_transaction_with_a_party_cleared_before_is_clear(
    page: Page, live_server: Any, setup: dict[str, Any], language: str
) -> None:
    officer, company = setup["officer"], setup["company"]
    item = services.create_item(
        actor=officer, org_unit=company, code="P-1", name="Pump", catch_all_applicable=False
    )
    party = services.create_party(
        actor=officer, org_unit=company, name="Volkov Industrial Groupe", country="DE"
    )

    def make(reference: str) -> Any:
        return services.create_transaction(
            actor=officer,
            org_unit=company,
            reference=reference,
            date=dt.date(2026, 5, 10),
            destination="US",
            lines=[(item, 1)],
            parties=[(party, "customer")],
        )

    first = make("T-1")
    decision = services.decide(
        actor=officer, transaction=first, decision_kind="clear", reason="German distributor"
    )
    second = make("T-2")
    assert second.status == "cleared"
    base = live_server.url
    log_in(page, base, "export")
    if language == "ja":
        page.select_option("#lang", "ja")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{base}/export-control/transactions/{second.pk}/")
    expect(page.get_by_test_id("status")).to_have_text(
        "Cleared" if language == "en" else "問題なし"
    )
    expect(page.get_by_test_id("latest-reasons")).to_contain_text(
        "was cleared before" if language == "en" else "以前に判断済み"
    )
    mark = page.get_by_test_id("party").get_by_test_id("cleared-before")
    expect(mark).to_contain_text("German distributor")
    shot(page, f"namesakes-transaction-{language}")
    mark.get_by_test_id("cleared-link").click()
    expect(page).to_have_url(
        f"{base}/export-control/transactions/{first.pk}/#decision-{decision.pk}"
    )
    expect(page.locator(f"#decision-{decision.pk}")).to_contain_text("German distributor")
