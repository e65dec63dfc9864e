"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("TATARA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the live server and the test's ORM
# calls are still synchronous. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI: browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 1000},
        "accept_downloads": True,
    }


# The data migrations that load reference data (ISO 26000 subjects, metrics and legal rates,
# emission factors, control-list rows and countries), run again before each browser test.
REFERENCE_DATA = (
    "tatara.cycle.migrations.0002_subjects",
    "tatara.kpis.migrations.0002_reference_data",
    "tatara.emissions.migrations.0002_reference_data",
    "tatara.emissions.migrations.0004_factor_versions_data",
    "tatara.export_control.migrations.0002_reference_data",
)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db: None) -> None:
    """Each browser test runs against the live server in a real transaction, and the table
    flush after it also empties what the migrations loaded. Load it again (the loaders update
    rows in place, so this is idempotent). Django's serialized rollback would do the same but
    loses its snapshot when Playwright's event loop gives the thread a new connection."""
    from django.apps import apps

    for module in REFERENCE_DATA:
        importlib.import_module(module).load(apps, None)
