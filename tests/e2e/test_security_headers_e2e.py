"""Pages under the Content-Security-Policy in Chromium: the behaviour that lived in inline
scripts works from core/tatara.js (the language menu, the carry-forward confirmation, the
approvals' select-all), the API docs render, and the browser reports no violation of ours."""

from __future__ import annotations

import factories as f
import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, shot
from tatara.cycle import services
from tatara.organisation.choices import UnitKind
from tatara.organisation.roles import Role

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def csr(db):
    group = f.OrgUnitFactory(code="grp", name="Group", kind=UnitKind.GROUP, parent=None)
    user = f.UserFactory(username="csr")
    f.grant(user, Role.CSR_ADMIN, group)
    services.open_year(actor=user, year=2030)
    return user


def test_pages_work_under_the_policy_with_no_violation(page: Page, live_server, csr) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    base = live_server.url
    log_in(page, base, "csr")
    # the language menu sends its form when the choice changes
    page.select_option("#lang", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.select_option("#lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # the carry-forward confirmation opens and closes
    page.goto(f"{base}/cycle/2030/")
    opener = page.locator("#carry-forward-open")
    opener.click()
    expect(page.locator("#carry-forward-confirm")).to_be_visible()
    expect(opener).to_be_hidden()
    page.locator("#carry-forward-cancel").click()
    expect(page.locator("#carry-forward-confirm")).to_be_hidden()
    expect(opener).to_be_focused()
    # the API docs render their operations
    page.goto(f"{base}/api/v1/docs/")
    expect(page.locator("body")).to_contain_text("org-units", timeout=15000)
    shot(page, "api-docs-under-csp")
    # Redoc's sidebar asks its maker's server for a logo: refused, as every outside request
    ours = [v for v in violations if "https://cdn.redoc.ly/" not in v]
    assert ours == []
