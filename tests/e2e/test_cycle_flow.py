"""What a person does with the yearly cycle, in Chromium: log in, find FY2019, read the table
as in the seed, rate an initiative, carry the year forward, download the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.browser import log_in, open_menu
from tatara.core.permissions import SystemActor
from tatara.cycle import services
from tatara.cycle.models import Initiative
from tatara.demo.builder import DEMO_PASSWORD, build_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def demo_fy2019() -> Initiative:
    """The demo with FY2019 not yet carried forward, and one initiative sent back to its owner
    so that it can be rated again in the browser."""
    build_demo(carry_forward=False)
    initiative = Initiative.objects.get(
        cycle__fiscal_year__year=2019, subject__number=1, position=1
    )
    services.return_for_rework(
        actor=SystemActor("e2e"),
        initiative=initiative,
        note="Re-rate after the outside experts' review.",
    )
    return initiative


def test_rate_carry_forward_and_download_pdf(
    page: Page, live_server: Any, demo_fy2019: Initiative, tmp_path: Path
) -> None:
    base = live_server.url

    # The owner (the parent company's risk officer) finds FY2019 and proposes a rating.
    log_in(page, base, "officer-hm", DEMO_PASSWORD)
    open_menu(page, "CSR report", "CSR cycle")
    page.get_by_role("link", name="FY2019", exact=True).click()
    expect(
        page.get_by_role("heading", name="FY2019 Initiative Results and FY2020 Plans")
    ).to_be_visible()
    table = page.locator("table.csr-table")
    expect(table).to_contain_text("1. Recognition of Social Responsibility")
    expect(table).to_contain_text("9. Review and Improvement of CSR Activities")
    expect(table).to_contain_text(
        "At 5.1% (up by 0.4% from the previous year), achieved the target ratio of women in career-track positions"
    )
    expect(table).to_contain_text("Measures Planned for FY2020")
    page.get_by_role("link", name="Initiative 1.1").click()
    expect(page.locator("li", has_text="Not implemented in FY2019.")).to_be_visible()
    page.get_by_label(re.compile("Not achieved")).check()
    page.get_by_role("button", name="Propose the self-assessment").click()
    expect(
        page.get_by_role("status").filter(
            has_text="Self-assessment proposed to the CSR Management Office"
        )
    ).to_be_visible()
    log_out(page)

    # The CSR Management Office confirms it with a different rating and a note.
    log_in(page, base, "csr", DEMO_PASSWORD)
    page.goto(f"{base}/cycle/initiatives/{demo_fy2019.pk}/")
    review = page.locator("form").filter(has=page.get_by_role("button", name="Confirm the rating"))
    review.get_by_label(re.compile("90% achieved")).check()
    review.get_by_label(re.compile("Review note")).fill("Advice was sought informally in March.")
    review.get_by_role("button", name="Confirm the rating").click()
    expect(page.get_by_role("status").filter(has_text="Rating confirmed")).to_be_visible()
    demo_fy2019.refresh_from_db()
    assert (demo_fy2019.status, demo_fy2019.proposed_rating, demo_fy2019.rating) == (
        "confirmed",
        1,
        2,
    )
    expect(page.get_by_text("Advice was sought informally in March.").first).to_be_visible()

    # Carry FY2019 forward: FY2020 opens with a draft plan drafted from FY2019.
    page.goto(f"{base}/cycle/2019/")
    page.get_by_role("button", name=re.compile("Carry forward to FY2020")).click()
    page.get_by_role("button", name="Confirm: carry forward to FY2020").click()
    expect(
        page.get_by_role("heading", name="FY2020 Initiative Results and FY2021 Plans")
    ).to_be_visible()
    expect(page.locator("table.csr-table")).to_contain_text(
        "Disseminate the CSR Guidelines to suppliers not only in the countries and regions described at left"
    )
    assert (
        Initiative.objects.filter(cycle__fiscal_year__year=2020, predecessor__isnull=False).count()
        == 22
    )

    # Download the FY2019 table as PDF and read it back.
    page.goto(f"{base}/cycle/2019/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "fy2019.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    try:
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        pytest.skip("pdftotext (poppler-utils) is not installed; the PDF was downloaded")
    flat = " ".join(text.split())
    assert "Recognition of Social Responsibility" in flat
    assert "Seek advice on/assessment" in flat and "Not implemented in FY2019." in flat
    assert "★★" in flat
