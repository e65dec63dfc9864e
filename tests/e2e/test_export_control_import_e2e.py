"""The customer master imported in Chromium, in English and in Japanese: from the parties list
to the import form; a file with mistakes fails and its job page lists each with its row and
column; the corrected file, with "check only" unticked, is applied and its job page shows what
changed; the new parties are on the list. TATARA_SCREENSHOTS=DIR saves each page."""

from __future__ import annotations

import factories as f
import pytest
from export_control.screeners import Screener
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.export_control import record_import, services
from tatara.export_control.models import Party
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e]

BAD = (
    "code,name,org_unit,party_kind,aliases,country,date_of_birth,roles\n"
    "C-100,Acme Trading GmbH,,entity,Acme; ACME GmbH,Germany,,customer\n"
    "C-101,Hanako Yamamoto,,person,,JP,1965-13,end user\n"
    "C-102,Orion Dynamics,elsewhere,entity,,Atlantis,,buyer\n"
)
GOOD = (
    "code,name,org_unit,party_kind,aliases,country,date_of_birth,roles\n"
    "C-100,Acme Trading GmbH,,entity,Acme; ACME GmbH,Germany,,customer\n"
    "C-101,Hanako Yamamoto,,person,,JP,1965-03,end user\n"
    "C-102,Rosoboronexport,,entity,,RU,,consignee\n"
    'C-001,Metals Distribution KK,,entity,,JP,,"customer, end_user"\n'
)


@pytest.fixture
def officer(monkeypatch):
    monkeypatch.setattr(record_import, "snapshot_screener", Screener)
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    company = f.OrgUnitFactory(code="co", name="Metals Co", kind=UnitKind.COMPANY, parent=group)
    user = f.UserFactory(username="export")
    f.grant(user, Role.EXPORT_CONTROL_OFFICER, group)
    services.create_party(  # already in the master: the file updates it
        actor=user, org_unit=company, code="C-001", name="Metals Distribution KK", country="JP"
    )
    return user


def upload(page: Page, text: str, check_only: bool) -> None:
    page.locator('input[name="file"]').set_input_files(
        {"name": "customers.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}
    )
    page.locator('select[name="org_unit"]').select_option(label="\u2003Metals Co (co)")
    page.locator('input[name="dry_run"]').set_checked(check_only)
    page.get_by_test_id("import-form").locator('button[type="submit"]').click()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_import_a_customer_master(page: Page, live_server, officer, language) -> None:
    base = live_server.url
    log_in(page, base, "export")
    if language == "ja":
        page.select_option("#lang", "ja")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{base}/export-control/parties/")
    page.get_by_test_id("import-link").click()
    expect(page.get_by_test_id("import-columns")).to_contain_text("aliases")
    shot(page, f"import-form-{language}")

    upload(page, BAD, check_only=True)
    expect(page.get_by_test_id("job-status")).to_have_text("Failed" if language == "en" else "失敗")
    errors = page.get_by_test_id("job-errors")
    expect(errors.locator("tbody tr")).to_have_count(4)
    expect(errors).to_contain_text("1965-13")
    expect(errors).to_contain_text("Atlantis")
    shot(page, f"import-job-errors-{language}")
    assert Party.objects.count() == 1

    page.goto(f"{base}/export-control/parties/import/")
    upload(page, GOOD, check_only=False)
    expect(page.get_by_test_id("job-status")).to_have_text(
        "Succeeded" if language == "en" else "成功"
    )
    expect(page.get_by_test_id("job-result")).to_contain_text("customers.csv")
    expect(page.get_by_test_id("job-result")).to_contain_text("3")
    shot(page, f"import-job-done-{language}")
    assert Party.objects.count() == 4
    assert Party.objects.get(code="C-001").roles == ["customer", "end_user"]
    assert Party.objects.get(code="C-102").screening_outcome == "strong"

    page.goto(f"{base}/export-control/parties/")
    expect(page.get_by_test_id("parties")).to_contain_text("C-102")
    shot(page, f"parties-list-{language}")
