"""A real installation's first step in Chromium, in English and in Japanese: the administrator
of an empty installation follows the dashboard to the units import; a file with mistakes fails
and its job page lists each with its row and column; the corrected file is applied and the
tree shows the group. TATARA_SCREENSHOTS=DIR saves each page."""

from __future__ import annotations

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.organisation.models import OrgUnit

pytestmark = [pytest.mark.e2e]

BAD = (
    "code,name_en,name_ja,kind,parent\n"
    "grp,Example Group,エグザンプルグループ,group,\n"
    "ex-jp,Example Japan,エグザンプル株式会社,corporation,grp\n"
    "ex-plant,Nagoya Plant,名古屋工場,site,ex-jpn\n"
)
GOOD = (
    "code,name_en,name_ja,kind,parent\n"
    "grp,Example Group,エグザンプルグループ,group,\n"
    "ex-jp,Example Japan,エグザンプル株式会社,company,grp\n"
    "ex-plant,Nagoya Plant,名古屋工場,site,ex-jp\n"
)


def upload(page: Page, text: str, check_only: bool) -> None:
    page.locator('input[name="file"]').set_input_files(
        # what Japanese Excel saves as "CSV": Shift_JIS
        {"name": "units.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}
    )
    page.locator('input[name="dry_run"]').set_checked(check_only)
    page.get_by_test_id("import-form").locator('button[type="submit"]').click()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_administrator_imports_the_organisation_units(
    page: Page, live_server, db, language
) -> None:
    f.UserFactory(username="root", is_superuser=True, is_staff=True)
    base = live_server.url
    log_in(page, base, "root")
    if language == "ja":
        page.select_option("#lang", "ja")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto(f"{base}/")
    shot(page, f"setup-dashboard-{language}")
    page.locator('a[href="/organisation/units/import/"]').click()
    expect(page.get_by_test_id("import-columns")).to_contain_text("in_group_until")
    shot(page, f"units-import-{language}")

    upload(page, BAD, check_only=True)
    expect(page.get_by_test_id("job-status")).to_have_text("Failed" if language == "en" else "失敗")
    errors = page.get_by_test_id("job-errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors).to_contain_text("corporation")
    expect(errors).to_contain_text("ex-jpn")
    shot(page, f"units-import-errors-{language}")
    assert not OrgUnit.objects.exists()

    page.goto(f"{base}/organisation/units/import/")
    upload(page, GOOD, check_only=False)
    expect(page.get_by_test_id("job-status")).to_have_text(
        "Succeeded" if language == "en" else "成功"
    )
    expect(page.locator("body")).to_contain_text("3" if language == "ja" else "3 created")
    shot(page, f"units-import-done-{language}")
    assert OrgUnit.objects.get(code="ex-plant").parent.code == "ex-jp"
    page.goto(f"{base}/organisation/")
    expect(page.locator("main")).to_contain_text(
        "名古屋工場" if language == "ja" else "Nagoya Plant"
    )
    shot(page, f"units-tree-{language}")
