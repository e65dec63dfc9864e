"""KPI pages (read side): the year page, the metric page with its SVG chart, breakdown and
observations, the downloads, the metrics index, the dashboard panel and the nav link."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import factories as f
import pytest
from kpi_data import month, put, small_group, target
from openpyxl import load_workbook

from tatara.kpis import charts, display
from tatara.kpis.choices import ObservationStatus, TargetKind
from tatara.kpis.evaluation import RECORD_FIELDS
from tatara.organisation.roles import Role

pytestmark = pytest.mark.django_db

AT_LEAST, AT_MOST = TargetKind.AT_LEAST, TargetKind.AT_MOST
REDUCE, LEGAL = TargetKind.REDUCE_VS_BASE, TargetKind.LEGAL_MINIMUM


@pytest.fixture
def seed(make_user):
    """The seed's FY2019 figures at two consolidated sites (FY2010 the base year), bravo's
    unconsolidated site, and a CSR office user on the whole group."""
    units = small_group()
    a1, a2 = units["a1"], units["a2"]
    for code, fy2010, fy2019 in (
        ("production-volume", (600, 400), (600, 400)),
        ("co2-emissions", (600, 400), (590, "396")),  # 1000 → 986: −1.4%
    ):
        put(code, a1, 2010, fy2010[0])
        put(code, a2, 2010, fy2010[1])
        put(code, a1, 2019, fy2019[0])
        put(code, a2, 2019, fy2019[1])
    for code, value in (
        ("sales-eco-products", 202),
        ("sales-total", 1000),
        ("waste-generated", 1000),
        ("waste-landfilled", 137),
        ("disability-workers-counted", 226),
        ("workers-counted", 10000),
    ):
        put(code, a1, 2019, value)
    put("co2-emissions", units["b1"], 2019, 77)  # bravo is not consolidated
    put("co2-emissions", a1, 2018, 700)
    put("production-volume", a1, 2018, 700)
    g = units["g"]
    target("eco-products-sales-ratio", g, 2019, AT_LEAST, 23)
    target("co2-intensity", g, 2019, REDUCE, 5, base_year=2010)
    target("landfill-rate", g, 2019, AT_MOST, 14)
    target(
        "disability-employment-rate", g, 2019, LEGAL, legal_parameter="disability-employment-rate"
    )
    target("women-career-track-ratio", g, 2019, AT_LEAST, 5)  # no figures: no rating
    target("landfill-rate", g, 2018, AT_MOST, 15)
    user = make_user(username="office")
    f.grant(user, Role.CSR_ADMIN, g)
    units["user"] = user
    return units


@pytest.fixture
def signed_in(client, seed):
    client.force_login(seed["user"])
    return client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- number formatting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("20.20000000", "percent", "20.2%"),
        ("2.26", "percent", "2.26%"),
        ("23.333333", "percent", "23.33%"),
        ("0.98600000", "t / t", "0.986 t/t"),
        ("12345.678", "t", "12,346 t"),
        ("12.34", "t", "12.3 t"),
        ("1234567", "yen", "1,234,567 yen"),
        ("51", "person", "51 persons"),
        ("-0.00001", "percent", "0.0%"),
    ],
)
def test_figures_are_rounded_for_their_unit(value, unit, shown):
    assert display.with_unit(Decimal(value), unit) == shown


# --- the year page ----------------------------------------------------------------------------


def test_the_year_page_shows_every_target_with_its_figures(signed_in):
    response = signed_in.get("/kpis/2019/")
    assert response.status_code == 200
    body = text(response)
    assert "FY2019 KPIs and targets" in body
    # grouped by subject
    table = re.search(r'id="kpi-table">(.*?)</table>', body).group(1)
    assert table.index("4. Labor Practices") < table.index("Ratio of women in career-track")
    assert table.index("Ratio of women in career-track") < table.index("5. The Environment")
    assert table.index("5. The Environment") < table.index("Sales ratio of key environmentally")
    row = lambda code: re.search(rf'data-metric="{code}">(.*?)</tr>', body).group(1)  # noqa: E731
    landfill = row("landfill-rate")
    assert "≤ 14.0%" in landfill and "13.7%" in landfill and "102.2%" in landfill
    assert "★★★" in landfill
    eco = row("eco-products-sales-ratio")
    assert "≥ 23.0%" in eco and "20.2%" in eco and "87.8%" in eco and "★<" in eco
    co2 = row("co2-intensity")
    assert "−5.0% vs FY2010" in co2 and "−1.4%" in co2 and "0.986 t/t" in co2
    assert "28.0%" in co2
    legal = row("disability-employment-rate")
    assert "≥ 2.2%" in legal and "2.26%" in legal and "★★★" in legal
    women = row("women-career-track-ratio")
    assert "no rating" in women and "No approved figures for FY2019" in women
    assert "00000" not in body  # no raw Decimals
    # counts: 5 targets, ★★★ 2, ★ 2, no rating 1
    counts = re.search(r'data-testid="rating-counts">(.*?)</section>', body).group(1)
    assert re.findall(r'stat-value">(\d+)<', counts) == ["5", "2", "0", "2", "1"]
    # the year switcher and the downloads
    assert 'href="/kpis/2018/"' in body
    for fmt in ("csv", "xlsx", "pdf"):
        assert f'href="/kpis/2019/export.{fmt}"' in body
    assert 'href="/kpis/metrics/landfill-rate/?unit=g&amp;fy=2019"' in body


def test_kpis_redirects_to_the_latest_year_with_targets(signed_in):
    response = signed_in.get("/kpis/")
    assert response.status_code == 302 and response["Location"] == "/kpis/2019/"


def test_no_targets_in_scope_gives_an_empty_page(client, seed, make_user):
    user = make_user(username="site-reader")
    f.grant(user, Role.AUDITOR, seed["d1"])
    client.force_login(user)
    response = client.get("/kpis/")
    assert response.status_code == 200 and 'data-testid="no-targets"' in response.content.decode()
    body = client.get("/kpis/2019/").content.decode()
    assert 'data-testid="empty-year"' in body and "landfill" not in body


def test_a_year_that_does_not_exist_is_404(signed_in):
    assert signed_in.get("/kpis/1999/").status_code == 404


def test_people_without_kpi_rights_get_403(client, seed, make_user):
    user = make_user(username="nobody")
    f.grant(user, Role.EMPLOYEE, seed["a1"])
    client.force_login(user)
    for url in ("/kpis/", "/kpis/2019/", "/kpis/metrics/", "/kpis/metrics/landfill-rate/"):
        assert client.get(url).status_code == 403, url


def test_the_year_page_takes_a_bounded_number_of_queries(
    signed_in, seed, django_assert_max_num_queries
):
    signed_in.get("/kpis/2019/")  # warm caches (unit registry, templates)
    # 17 on PostgreSQL (the aggregate's session settings), one fewer on SQLite; the same
    # however many targets
    with django_assert_max_num_queries(17):
        signed_in.get("/kpis/2019/")
    for code in ("waste-intensity", "managers", "employees", "new-hires", "co2-emissions"):
        for unit in ("alpha", "a1", "a2", "bravo"):
            target(code, seed[unit], 2019, AT_LEAST, 1)
    with django_assert_max_num_queries(17):
        response = signed_in.get("/kpis/2019/")
    assert response.content.decode().count("data-target=") == 25


# --- downloads --------------------------------------------------------------------------------


def test_csv_export_has_the_record_fields(signed_in):
    response = signed_in.get("/kpis/2019/export.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tatara-FY2019-kpis.csv"'
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == RECORD_FIELDS
    rows = {row["metric"]: row for row in reader}
    assert rows["landfill-rate"]["actual"] == "13.7"
    assert rows["landfill-rate"]["rating"] == "3"
    assert rows["landfill-rate"]["achievement"] == "102.2"
    assert rows["co2-intensity"]["base_year"] == "2010"
    assert rows["women-career-track-ratio"]["rating"] == ""


def test_xlsx_export_has_numbers_as_numbers(signed_in):
    response = signed_in.get("/kpis/2019/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == RECORD_FIELDS
    landfill = next(r for r in rows if r[0] == "landfill-rate")
    assert landfill[RECORD_FIELDS.index("actual")] == 13.7
    assert landfill[RECORD_FIELDS.index("rating")] == 3
    assert signed_in.get("/kpis/2019/export.xlsx").content == response.content  # deterministic


def test_year_pdf_renders(signed_in):
    response = signed_in.get("/kpis/2019/export.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert signed_in.get("/kpis/2019/export.doc").status_code == 404


# --- the metric page --------------------------------------------------------------------------


def test_the_metric_page_draws_the_trend_with_the_base_year(signed_in):
    response = signed_in.get("/kpis/metrics/co2-intensity/?unit=g&fy=2019")
    assert response.status_code == 200
    body = text(response)
    svg = re.search(r"<svg[^>]*class=\"kpi-chart\".*?</svg>", body).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "FY2010" in svg and "FY2018" in svg and "FY2019" in svg
    assert 'class="base-band"' in svg  # FY2010 marked
    assert 'class="actual"' in svg and 'class="target-mark"' in svg
    assert "0.986" in svg
    # the same numbers in a table
    table = re.search(r'data-testid="trend-table">(.*?)</table>', body).group(1)
    assert "FY2010" in table and "base year" in table and "1.0 t/t" in table
    assert "0.95 t/t" in table  # 5% below the base
    # the year's evaluation
    assert "−1.4%" in body and "28.0%" in body


def test_the_breakdown_marks_units_that_do_not_count(signed_in):
    body = text(signed_in.get("/kpis/metrics/co2-emissions/?unit=g&fy=2019"))
    table = re.search(r'data-testid="breakdown">(.*?)</table>', body).group(1)
    alpha = re.search(r'data-unit="alpha">(.*?)</tr>', table).group(1)
    assert "986 t" in alpha and "yes" in alpha
    bravo = re.search(r'class="not-counted" data-unit="bravo">(.*?)</tr>', table).group(1)
    assert "77 t" in bravo and "not consolidated" in bravo
    delta = re.search(r'class="not-counted" data-unit="delta">(.*?)</tr>', table).group(1)
    assert "outside the group in FY2019" in delta
    assert 'data-unit="charlie"' in table and 'class="not-counted" data-unit="charlie"' not in table


def test_the_data_behind_lists_submitted_and_approved_observations(signed_in, seed):
    a1 = seed["a1"]
    put("waste-landfilled", seed["a2"], 2019, 1, status=ObservationStatus.SUBMITTED)
    put("waste-landfilled", seed["b1"], 2019, 2, status=ObservationStatus.DRAFT)
    body = text(signed_in.get("/kpis/metrics/landfill-rate/?unit=alpha&fy=2019"))
    table = re.search(r'data-testid="observations">(.*?)</table>', body).group(1)
    assert table.count("data-observation=") == 3  # a1's landfilled and generated, a2's
    assert "Submitted" in table and "Approved" in table and "Draft" not in table
    assert "137 t" in table and "FY2019" in table
    body = text(signed_in.get(f"/kpis/metrics/landfill-rate/?unit={a1.code}&fy=2018"))
    assert 'data-testid="no-observations"' in body


def test_observations_are_paginated_in_a_bounded_number_of_queries(
    signed_in, seed, django_assert_max_num_queries
):
    for unit in ("a1", "a2"):
        for number in range(1, 13):
            put(
                "production-volume",
                seed[unit],
                2017,
                number,
                period=month(2017 + (number < 4), number),
            )
            put(
                "co2-emissions", seed[unit], 2017, number, period=month(2017 + (number < 4), number)
            )
    url = "/kpis/metrics/co2-intensity/?unit=alpha&fy=2017"
    signed_in.get(url)
    with django_assert_max_num_queries(30):
        response = signed_in.get(url)
    body = text(response)
    assert body.count("data-observation=") == 48 and "Page 1 of 1" not in body
    assert ">2017-04<" in body
    first = month(2017, 4)[0]
    for number in range(1, 21):
        day = first.replace(day=number)
        put("co2-emissions", seed["a1"], 2017, number, period=(day, day))
    with django_assert_max_num_queries(30):
        response = signed_in.get(url + "&page=2")
    assert "Page 2 of 2" in text(response)


def test_a_unit_outside_the_scope_is_404_and_the_default_unit_is_in_scope(client, seed, make_user):
    user = make_user(username="alpha-officer")
    f.grant(user, Role.COMPANY_RISK_OFFICER, seed["alpha"])
    client.force_login(user)
    assert client.get("/kpis/metrics/co2-emissions/?unit=bravo&fy=2019").status_code == 404
    assert client.get("/kpis/metrics/co2-emissions/?unit=nope&fy=2019").status_code == 404
    assert client.get("/kpis/metrics/no-such-metric/").status_code == 404
    response = client.get("/kpis/metrics/co2-emissions/?fy=2019")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unit alpha" in body and "Unit bravo" not in body and "Unit g<" not in body


def test_metric_pdf_renders_with_the_chart(signed_in):
    response = signed_in.get("/kpis/metrics/co2-intensity/export.pdf?unit=g&fy=2019")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from tatara.kpis import report
    from tatara.kpis.models import Metric
    from tatara.organisation.models import OrgUnit

    data = report.metric_report(
        viewer=None,
        metric=Metric.objects.get(code="co2-intensity"),
        unit=OrgUnit.objects.get(code="g"),
        year=2019,
    )
    html = report.render_metric_html(data)
    assert str(data.chart) in html and "<svg" in html


def test_the_metrics_index_lists_metrics_by_subject(signed_in):
    body = text(signed_in.get("/kpis/metrics/"))
    assert "5. The Environment" in body and "4. Labor Practices" in body
    row = re.search(r'data-metric="co2-intensity">(.*?)</tr>', body).group(1)
    assert "t/t" in row and "Intensity" in row and "305-4" in row
    assert 'href="/kpis/metrics/co2-intensity/"' in row


def test_pages_in_japanese_use_the_japanese_metric_names(signed_in):
    signed_in.cookies["django_language"] = "ja"
    body = signed_in.get("/kpis/2019/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "重点環境配慮製品の売上高比率" in body


# --- dashboard and navigation -----------------------------------------------------------------


def test_the_dashboard_counts_the_years_targets_by_rating(signed_in, settings, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: __import__("datetime").date(2019, 7, 1))
    body = text(signed_in.get("/"))
    panel = re.search(r"KPIs and targets</h2>(.*?)</section>", body).group(1)
    assert "FY2019 targets" in panel
    values = re.findall(r'stat-value">(\d+)<', panel)
    assert values == ["5", "2", "0", "2", "1"]
    assert 'href="/kpis/2019/"' in body
    assert '<a class="dropdown-item" href="/kpis/">KPIs</a>' in body


# --- the chart module -------------------------------------------------------------------------


def test_chart_ticks_are_round_and_cover_the_values():
    assert charts.ticks(0, 23) == [0, 5, 10, 15, 20, 25]
    assert charts.ticks(0, 0.986)[-1] >= 0.986
    assert charts.tick_label(0.25, 0.25, "t / t") == "0.25"
    assert charts.tick_label(20.0, 5.0, "percent") == "20%"


def test_a_chart_without_figures_says_so():
    svg = charts.trend_svg([], unit="t", title="Empty")
    assert "No figures to draw yet." in svg and "<title" in svg


def test_chart_text_is_escaped():
    svg = charts.trend_svg(
        [charts.Point(2019, Decimal(1), None)], unit="t", title="<script>alert(1)</script>"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_dashboard_lists_values_to_approve_and_to_correct(world, client):
    import datetime as dt

    from tatara.kpis import services
    from tatara.kpis.models import Metric

    def entered(value, number):
        return services.record_observation(
            actor=world.system,
            metric=Metric.objects.get(code="co2-emissions"),
            org_unit=world.units["alpha-site"],
            period_start=dt.date(2019, number, 1),
            period_end=dt.date(2019, number, 30),
            value=value,
        )

    for number in (4, 6):
        services.submit_observation(actor=world.system, observation=entered(10, number))
    returned = services.submit_observation(actor=world.system, observation=entered(10, 9))
    services.return_observation(actor=world.system, observation=returned, note="Wrong meter.")
    client.force_login(world.users["group_risk_officer"])  # approves, does not enter
    body = text(client.get("/"))
    assert "2 submitted KPI values to approve" in body and 'href="/kpis/approvals/"' in body
    assert "returned for correction" not in body
    client.force_login(world.users["company_risk_officer"])  # enters for alpha
    body = text(client.get("/"))
    assert "1 KPI value returned for correction" in body and "to approve" not in body


def test_chart_value_labels_survive_the_pdf_renderer():
    """WeasyPrint ignores paint-order: a label must not be its own white-stroked text."""
    from decimal import Decimal

    from tatara.kpis.evaluation import TrendPoint

    svg = str(
        charts.trend_svg([TrendPoint(2019, Decimal("1.285"), None, "")], unit="t / t", title="T")
    )
    assert "paint-order" not in svg
    assert re.search(r'<text class="value" [^>]*fill="#[0-9a-f]{6}">1\.285</text>', svg)
