"""The main menu in Chromium, in English and Japanese: grouped, by keyboard (Enter opens a
group, the arrow keys move, Enter follows), the current page marked, on one line at 1,400 px
with every area shown (no entry broken into one character a line). TATARA_SCREENSHOTS=DIR."""

from __future__ import annotations

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e]

LABELS = {
    "en": ("CSR report", "CSR cycle"),
    "ja": ("CSRレポート", "CSRサイクル"),
}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_menu_by_keyboard(page: Page, live_server, db, language) -> None:
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    f.grant(f.UserFactory(username="csr"), Role.CSR_ADMIN, group)
    base = live_server.url
    log_in(page, base, "csr")
    if language == "ja":
        page.select_option("#lang", "ja")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    nav = page.get_by_role("navigation", name="Main" if language == "en" else "メイン")
    box = nav.bounding_box()
    assert box is not None and box["height"] < 70, box  # one line, nothing wrapped
    group_label, entry = LABELS[language]
    toggle = nav.get_by_role("button", name=group_label)
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    shot(page, f"menu-open-{language}")
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name=entry)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/cycle/")
    expect(nav.locator('[aria-current="page"]')).to_have_text(entry)
    expect(nav.get_by_role("button", name=group_label)).to_have_class(
        "nav-link dropdown-toggle active"
    )
