"""What the browser tests share: signing in through the login page, and screenshots of the
pages they go through when TATARA_SCREENSHOTS names a folder (to look at them)."""

from __future__ import annotations

import os
from pathlib import Path

import factories as f
from playwright.sync_api import Page, expect

SHOTS = os.environ.get("TATARA_SCREENSHOTS", "")


def log_in(page: Page, base: str, username: str, password: str = f.PASSWORD) -> None:
    """Sign in as `username` on a fresh session (any earlier one is dropped)."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_have_text(username)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def open_menu(page: Page, group: str, entry: str) -> None:
    """Go to a page through the main menu: open the group, follow its entry (the keyboard
    way works too: the test of the menu drives it with Enter and the arrow keys)."""
    page.get_by_role("navigation", name="Main").get_by_role("button", name=group).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=entry).click()
