"""cycle views: the pages as each demo role sees them, the flow through real POSTs, refusals,
escaping and the query budget of the year's table. Data: the demo data set (build_demo)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from tatara.core.models import AuditEvent
from tatara.cycle import services
from tatara.cycle.choices import Status
from tatara.cycle.models import CycleYear, Initiative, Measure
from tatara.demo import builder

SEED_TABLE = yaml.safe_load(
    (Path(builder.__file__).parent / "data" / "fy2019_table.yaml").read_text(encoding="utf-8")
)
STAR_LABELS = {
    3: 'aria-label="3 of 3 stars: achieved"',
    2: 'aria-label="2 of 3 stars: 90% achieved"',
    1: 'aria-label="1 of 3 stars: not achieved"',
}
ROW = 'class="initiative-row"'


@pytest.fixture(scope="module")
def module_demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The demo data set once for the module, rolled back at its end; each test still rolls
    back its own changes (the `db` fixture nests a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield builder.build_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo: Any, db: None) -> Any:
    return module_demo


def user(name: str) -> Any:
    """A fresh user object (no permission cache carried over from another test)."""
    return get_user_model().objects.get(username=name)


def as_user(client: Any, name: str) -> Any:
    client.force_login(user(name))
    return client


def fy2020_initiative(owner: str = "compliance", subject: int = 2) -> Initiative:
    """An FY2020 draft initiative owned by a unit of Hitachi Metals, Ltd."""
    return Initiative.objects.filter(
        cycle__fiscal_year__year=2020, owner_unit__code=owner, subject__number=subject
    ).order_by("position")[0]


def snapshot() -> tuple[Any, ...]:
    """Everything a cycle POST could write, to prove that a refused one changed nothing."""
    return (
        list(Initiative.objects.order_by("pk").values()),
        list(Measure.objects.order_by("pk").values()),
        list(CycleYear.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- every page renders ----------------------------------------------------------------------


def test_every_page_renders_for_the_csr_office(demo: Any, client: Any) -> None:
    as_user(client, "csr")
    initiative = fy2020_initiative()
    pages = [
        reverse("dashboard"),
        reverse("cycle:years"),
        reverse("cycle:year", args=[2019]),
        reverse("cycle:year", args=[2020]),
        reverse("cycle:roadmap"),
        reverse("cycle:initiative", args=[initiative.pk]),
        reverse("cycle:initiative", args=[initiative.predecessor_id]),
        reverse("cycle:import", args=[2020]),
        reverse("organisation:tree"),
        reverse("organisation:people"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url


def test_years_page_lists_years_and_offers_to_open_one(demo: Any, client: Any) -> None:
    html = as_user(client, "csr").get(reverse("cycle:years")).content.decode()
    assert "FY2019" in html and "FY2020" in html
    assert "Open a fiscal year" in html
    assert 'value="2021"' in html  # the next year is proposed
    html = as_user(client, "auditor").get(reverse("cycle:years")).content.decode()
    assert "FY2019" in html
    assert "Open a fiscal year" not in html


# --- the FY2019 table, as in the seed ----------------------------------------------------------


def test_fy2019_table_reads_like_the_seed(demo: Any, client: Any) -> None:
    html = as_user(client, "csr").get(reverse("cycle:year", args=[2019])).content.decode()
    rows = SEED_TABLE["initiatives"]
    assert len(rows) == 22
    assert html.count(ROW) == 22
    for header in (
        "FY2019 Measures (Planned)",
        "FY2019 Measures (Results)",
        "Self-assessment",
        "Measures Planned for FY2020",
    ):
        assert header in html
    # one header row per subject, "N. Title", in order
    subjects = re.findall(r'id="subject-(\d+)">(\d+)\. ([^<]+)</th>', html)
    assert [int(n) for n, _, _ in subjects] == list(range(1, 10))
    assert subjects[0][2] == "Recognition of Social Responsibility"
    assert subjects[8][2] == "Review and Improvement of CSR Activities"
    # the stars, as many of each as in the seed (16 ★★★, 2 ★★, 4 ★)
    expected = Counter(int(r["rating"]) for r in rows)
    assert expected == {3: 16, 2: 2, 1: 4}
    for rating, label in STAR_LABELS.items():
        assert html.count(label) == expected[rating], rating
    assert "★★★</span>Achieved" in html  # the legend
    assert SEED_TABLE["note"] in html
    # every item of every cell, verbatim (HTML-escaped)
    from django.utils.html import escape

    for row in rows:
        for column in ("planned", "results", "next_planned"):
            for item in row[column]:
                assert escape(item) in html, item
    # downloads and the closed year's state
    assert "Download PDF" in html and reverse("cycle:export", args=[2019, "pdf"]) in html
    assert "carried forward to FY2020" in html
    assert "Carry forward to FY2020" not in html  # already carried forward


def test_fy2019_rows_link_to_initiatives_with_status_and_owner(demo: Any, client: Any) -> None:
    html = as_user(client, "csr").get(reverse("cycle:year", args=[2019])).content.decode()
    for initiative in Initiative.objects.filter(cycle__fiscal_year__year=2019):
        assert reverse("cycle:initiative", args=[initiative.pk]) in html
    assert html.count("status-badge status-confirmed") >= 22
    assert "Compliance Department" in html


def test_officer_of_another_company_sees_no_fy2019_rows(demo: Any, client: Any) -> None:
    as_user(client, "officer-us")
    response = client.get(reverse("cycle:year", args=[2019]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ROW not in html
    assert 'data-testid="empty-year"' in html
    assert "Seek advice on/assessment" not in html
    hm_initiative = Initiative.objects.filter(cycle__fiscal_year__year=2019).first()
    assert client.get(reverse("cycle:initiative", args=[hm_initiative.pk])).status_code == 404
    roadmap = client.get(reverse("cycle:roadmap")).content.decode()
    assert "Seek advice on/assessment" not in roadmap


def test_employee_gets_403_on_cycle_pages(demo: Any, client: Any) -> None:
    as_user(client, "employee")
    initiative = fy2020_initiative()
    for url in (
        reverse("cycle:years"),
        reverse("cycle:year", args=[2019]),
        reverse("cycle:roadmap"),
        reverse("cycle:initiative", args=[initiative.pk]),
        reverse("cycle:import", args=[2019]),
        reverse("cycle:export", args=[2019, "csv"]),
    ):
        assert client.get(url).status_code == 403, url
    before = snapshot()
    for url in (
        reverse("cycle:initiative-step", args=[initiative.pk, "approve"]),
        reverse("cycle:approve-plans", args=[2020]),
        reverse("cycle:carry-forward", args=[2020]),
    ):
        assert client.post(url).status_code == 403, url
    assert snapshot() == before


# --- the flow through the pages ----------------------------------------------------------------


def step(client: Any, initiative: Initiative, name: str, **data: Any) -> Any:
    url = reverse("cycle:initiative-step", args=[initiative.pk, name])
    response = client.post(url, data)
    assert response.status_code == 302, (name, response.status_code)
    assert response["Location"] == reverse("cycle:initiative", args=[initiative.pk])
    return response


def page(client: Any, initiative: Initiative) -> str:
    response = client.get(reverse("cycle:initiative", args=[initiative.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_full_flow_on_an_fy2020_initiative(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    url_step = "cycle:initiative-step"

    # the owner's officer cannot enter results on a draft plan
    html = page(as_user(client, "officer-hm"), initiative)
    assert reverse(url_step, args=[initiative.pk, "results"]) not in html
    assert reverse(url_step, args=[initiative.pk, "approve"]) not in html

    # the Group Risk Management Officer approves the plan
    html = page(as_user(client, "risk"), initiative)
    assert reverse(url_step, args=[initiative.pk, "approve"]) in html
    step(client, initiative, "approve")
    initiative.refresh_from_db()
    assert initiative.status == Status.APPROVED

    # the officer of Hitachi Metals enters the results, then proposes ★★
    as_user(client, "officer-hm")
    html = page(client, initiative)
    assert reverse(url_step, args=[initiative.pk, "results"]) in html
    assert 'name="rating"' not in html  # no proposal before results
    step(
        client,
        initiative,
        "results",
        results="Held 4 compliance meetings\nShared the minutes",
        next_planned="Hold regular meetings (ongoing)",
        notes="",
    )
    assert [m.text for m in Initiative.objects.get(pk=initiative.pk).results] == [
        "Held 4 compliance meetings",
        "Shared the minutes",
    ]
    html = page(client, initiative)
    assert html.count('type="radio" name="rating"') == 3
    step(client, initiative, "propose", rating="2", comment="one meeting moved")
    initiative.refresh_from_db()
    assert (initiative.status, initiative.proposed_rating) == (Status.PROPOSED, 2)

    # the CSR office confirms
    html = page(as_user(client, "csr"), initiative)
    assert reverse(url_step, args=[initiative.pk, "review"]) in html
    step(client, initiative, "review", rating="2", note="")
    initiative.refresh_from_db()
    assert (initiative.status, initiative.rating) == (Status.CONFIRMED, 2)

    # and the year's table shows it
    html = client.get(reverse("cycle:year", args=[2020])).content.decode()
    assert STAR_LABELS[2] in html
    assert "Held 4 compliance meetings" in html


def test_a_rating_changed_at_review_needs_a_note(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    services.approve_plan(actor=user("risk"), initiative=initiative)
    services.enter_results(actor=user("officer-hm"), initiative=initiative, results=["Done"])
    services.propose_rating(actor=user("officer-hm"), initiative=initiative, rating=3)
    as_user(client, "csr")
    response = client.post(
        reverse("cycle:initiative-step", args=[initiative.pk, "review"]),
        {"rating": "1", "note": ""},
        follow=True,
    )
    assert "Say why the rating differs" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.PROPOSED


def test_posts_without_rights_are_refused_and_change_nothing(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    before = snapshot()
    # the auditor reads everything but may not approve, enter or confirm
    as_user(client, "auditor")
    for name, data in (
        ("approve", {}),
        ("plan", {"planned": "Something else"}),
        ("results", {"results": "Invented results"}),
    ):
        response = client.post(reverse("cycle:initiative-step", args=[initiative.pk, name]), data)
        assert response.status_code == 403, name
    assert client.post(reverse("cycle:approve-plans", args=[2020])).status_code == 403
    assert client.post(reverse("cycle:carry-forward", args=[2020])).status_code == 403
    # a company officer may not approve plans or carry the year forward
    as_user(client, "officer-hm")
    url = reverse("cycle:initiative-step", args=[initiative.pk, "approve"])
    assert client.post(url).status_code == 403
    assert client.post(reverse("cycle:approve-plans", args=[2020])).status_code == 403
    # another company's officer does not even see the initiative
    as_user(client, "officer-us")
    url = reverse("cycle:initiative-step", args=[initiative.pk, "results"])
    assert client.post(url, {"results": "x"}).status_code == 404
    assert snapshot() == before


def test_officer_cannot_confirm_own_proposal(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    services.approve_plan(actor=user("risk"), initiative=initiative)
    services.enter_results(actor=user("officer-hm"), initiative=initiative, results=["Done"])
    services.propose_rating(actor=user("officer-hm"), initiative=initiative, rating=3)
    before = snapshot()
    as_user(client, "officer-hm")
    assert 'name="rating"' not in page(client, initiative)
    url = reverse("cycle:initiative-step", args=[initiative.pk, "review"])
    assert client.post(url, {"rating": "3"}).status_code == 403
    assert snapshot() == before


def test_get_on_a_step_is_not_allowed(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    as_user(client, "risk")
    url = reverse("cycle:initiative-step", args=[initiative.pk, "approve"])
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("cycle:initiative-step", args=[initiative.pk, "nope"])).status_code
        == 404
    )


# --- year actions ------------------------------------------------------------------------------


def test_year_actions_follow_the_roles(demo: Any, client: Any) -> None:
    html = as_user(client, "csr").get(reverse("cycle:year", args=[2020])).content.decode()
    assert "Approve all draft plans" in html
    assert "Import a table" in html
    assert "Carry forward to FY2021" in html
    assert "disabled" in html  # not before every rating is confirmed
    html = as_user(client, "risk").get(reverse("cycle:year", args=[2020])).content.decode()
    assert "Approve all draft plans" in html
    assert "Import a table" not in html and "Carry forward" not in html
    html = as_user(client, "auditor").get(reverse("cycle:year", args=[2020])).content.decode()
    assert "Approve all draft plans" not in html and "Carry forward" not in html
    assert "Download PDF" in html


def test_approve_all_then_carry_forward_through_the_pages(demo: Any, client: Any) -> None:
    as_user(client, "risk")
    response = client.post(reverse("cycle:approve-plans", args=[2020]))
    assert response.status_code == 302
    assert not Initiative.objects.filter(cycle__fiscal_year__year=2020, status=Status.DRAFT)
    officer, csr = user("officer-hm"), user("csr")
    for initiative in Initiative.objects.filter(cycle__fiscal_year__year=2020):
        services.enter_results(
            actor=officer,
            initiative=initiative,
            results=["Done"],
            next_planned=[m.text for m in initiative.planned],
        )
        services.propose_rating(actor=officer, initiative=initiative, rating=3)
        services.confirm_rating(actor=csr, initiative=initiative)
    as_user(client, "csr")
    html = client.get(reverse("cycle:year", args=[2020])).content.decode()
    assert 'id="carry-forward-open"' in html
    assert reverse("cycle:carry-forward", args=[2020]) in html
    response = client.post(reverse("cycle:carry-forward", args=[2020]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle:year", args=[2021])
    html = client.get(response["Location"]).content.decode()
    assert html.count(ROW) == 22
    assert "carried forward from FY2020" in html
    assert "measure-carried" in html


# --- road map ----------------------------------------------------------------------------------


def test_road_map_counts_and_lineages(demo: Any, client: Any) -> None:
    response = as_user(client, "csr").get(reverse("cycle:roadmap"))
    assert response.status_code == 200
    assert response.context["years"] == [2019, 2020]
    totals = response.context["totals"]
    assert totals[0] == [16, 2, 4]  # FY2019: ★★★, ★★, ★
    assert totals[1] == [0, 0, 0]  # FY2020 is not rated yet
    html = response.content.decode()
    assert html.count(STAR_LABELS[3]) == 16
    assert html.count("status-badge status-draft") == 22
    environment = next(s for s in response.context["subjects"] if s["subject"].number == 5)
    assert environment["counts"][0] == [1, 0, 3]


# --- safety ------------------------------------------------------------------------------------


def test_user_text_is_escaped(demo: Any, client: Any) -> None:
    initiative = fy2020_initiative()
    services.approve_plan(actor=user("risk"), initiative=initiative)
    as_user(client, "officer-hm")
    evil = '<script>alert("x")</script>'
    step(client, initiative, "results", results=f"Result {evil}", next_planned="", notes=evil)
    for url in (
        reverse("cycle:initiative", args=[initiative.pk]),
        reverse("cycle:year", args=[2020]),
    ):
        html = client.get(url).content.decode()
        assert evil not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_fy2019_page_runs_a_bounded_number_of_queries(
    demo: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    as_user(client, "csr")
    url = reverse("cycle:year", args=[2019])
    client.get(url)  # warm caches (content types, sessions)
    # 12, and 2 for the fiscal-year lock (is the year closed or reopened: core.year_lock)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count(ROW) == 22


def test_table_queries_do_not_grow_with_the_rows(demo: Any, client: Any) -> None:
    """No N+1: two viewers scoped the same way, one with 3 rows (the compliance department)
    and one with all 22 (the officer of Hitachi Metals), run the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name: str) -> int:
        as_user(client, name)
        url = reverse("cycle:year", args=[2019])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    assert queries("compliance") == queries("officer-hm")


def test_initiative_page_runs_a_bounded_number_of_queries(
    demo: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    as_user(client, "csr")
    url = reverse("cycle:initiative", args=[fy2020_initiative().pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


# --- import and export -------------------------------------------------------------------------


def upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_export_buttons_download_the_table(demo: Any, client: Any) -> None:
    as_user(client, "csr")
    response = client.get(reverse("cycle:export", args=[2019, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode("utf-8-sig").startswith(
        "subject_no,subject,planned,results,rating,next_planned"
    )
    assert client.get(reverse("cycle:export", args=[2019, "exe"])).status_code == 404


def test_import_checks_then_applies_a_table(demo: Any, client: Any) -> None:
    as_user(client, "csr")
    csv = client.get(reverse("cycle:export", args=[2019, "csv"])).content
    url = reverse("cycle:import", args=[2022])
    before = snapshot()
    response = client.post(url, {"file": upload("fy2019.csv", csv), "dry_run": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-result"' in html and "22 initiatives" in html
    assert snapshot() == before
    response = client.post(url, {"file": upload("fy2019.csv", csv)})
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle:year", args=[2022])
    html = client.get(response["Location"]).content.decode()
    assert html.count(ROW) == 22


def test_import_lists_every_error_with_its_place(demo: Any, client: Any) -> None:
    as_user(client, "csr")
    bad = (
        b"subject_no,subject,planned,results,rating,next_planned\n"
        b"1,Recognition of Social Responsibility,Plan,Result,5,Next\n"
        b"42,Nothing,Plan,,,\n"
    )
    before = snapshot()
    response = client.post(
        reverse("cycle:import", args=[2022]), {"file": upload("bad.csv", bad), "dry_run": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "<td>bad.csv</td>" in html
    assert "<code>rating</code>" in html and "<code>subject_no</code>" in html
    assert "<td>2</td>" in html and "<td>3</td>" in html  # the rows, as a person counts them
    assert snapshot() == before


def test_only_the_csr_office_may_import(demo: Any, client: Any) -> None:
    for name in ("risk", "officer-hm", "auditor"):
        as_user(client, name)
        assert client.get(reverse("cycle:import", args=[2020])).status_code == 403, name


def test_owner_uploads_evidence_and_it_is_listed(demo: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    initiative = fy2020_initiative()
    services.approve_plan(actor=user("risk"), initiative=initiative)
    as_user(client, "officer-hm")
    assert 'enctype="multipart/form-data"' in page(client, initiative)
    step(
        client,
        initiative,
        "evidence",
        file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
        description="Minutes of the <b>April</b> meeting",
    )
    html = page(client, initiative)
    assert "Minutes of the &lt;b&gt;April&lt;/b&gt; meeting" in html
    assert "No evidence files yet." not in html

    # The file is served through the gate: in scope it downloads, out of scope it is not there.
    evidence = initiative.evidence.get()
    url = reverse("cycle:evidence", args=[evidence.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    as_user(client, "officer-us")
    assert client.get(url).status_code == 404
    as_user(client, "employee")
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_closed_year_offers_no_forms(demo: Any, client: Any) -> None:
    closed = Initiative.objects.filter(cycle__fiscal_year__year=2019).first()
    html = page(as_user(client, "csr"), closed)
    assert reverse("cycle:initiative-step", args=[closed.pk, "send_back"]) not in html
    assert "is closed" in html


def test_forbidden_page_is_friendly(demo: Any, client: Any) -> None:
    response = as_user(client, "employee").get(reverse("cycle:years"))
    assert response.status_code == 403
    assert "You are not allowed to see this page" in response.content.decode()
