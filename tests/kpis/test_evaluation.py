"""Targets evaluated from observations: the seed's ratings, the edges, restated base years,
a fixed number of queries, and initiatives rated by their linked targets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kpi_data import put, small_group, target

from tatara.core.models import AuditEvent
from tatara.kpis import initiative_ratings
from tatara.kpis.choices import TargetKind
from tatara.kpis.evaluation import RECORD_FIELDS, breakdown, evaluate, trend

pytestmark = pytest.mark.django_db

AT_LEAST, AT_MOST = TargetKind.AT_LEAST, TargetKind.AT_MOST
REDUCE, LEGAL = TargetKind.REDUCE_VS_BASE, TargetKind.LEGAL_MINIMUM


@pytest.fixture
def units():
    return small_group()


def by_metric(results):
    return {r.metric: r for r in results}


@pytest.fixture
def seed_year(units):
    """The seed's FY2019 figures at two consolidated sites, with FY2010 as the base year."""
    a1, a2 = units["a1"], units["a2"]
    for code, fy2010, fy2019 in (
        ("production-volume", (600, 400), (600, 400)),
        ("co2-emissions", (600, 400), (590, "396")),  # 1000 → 986: −1.4%
        ("waste-generated", (60, 40), (500, 500)),
        ("chemical-emissions", (60, 40), (47, 30)),  # 100 → 77: −23%
    ):
        put(code, a1, 2010, fy2010[0])
        put(code, a2, 2010, fy2010[1])
        put(code, a1, 2019, fy2019[0])
        put(code, a2, 2019, fy2019[1])
    for code, value in (
        ("sales-eco-products", 202),
        ("sales-total", 1000),
        ("waste-landfilled", 137),  # of 1000 generated: 13.7%
        ("disability-workers-counted", 226),
        ("workers-counted", 10000),
        ("career-track-women", 51),
        ("career-track-employees", 1000),
        ("new-hires-diverse", 38),
        ("new-hires", 100),
    ):
        put(code, a1, 2019, value)
    g = units["g"]
    target("eco-products-sales-ratio", g, 2019, AT_LEAST, 23)
    target("co2-intensity", g, 2019, REDUCE, 5, base_year=2010)
    target("chemical-intensity", g, 2019, REDUCE, 26, base_year=2010)
    target("landfill-rate", g, 2019, AT_MOST, 14)
    target(
        "disability-employment-rate", g, 2019, LEGAL, legal_parameter="disability-employment-rate"
    )
    target("women-career-track-ratio", g, 2019, AT_LEAST, 5)
    target("employment-diversity-rate", g, 2019, AT_LEAST, 50)
    return units


def test_the_seeds_ratings_come_out_of_observations(seed_year):
    results = by_metric(evaluate(2019))
    expected = {
        "eco-products-sales-ratio": ("20.2", 1),
        "co2-intensity": ("1.4", 1),
        "chemical-intensity": ("23", 1),
        "landfill-rate": ("13.7", 3),
        "disability-employment-rate": ("2.26", 3),
        "women-career-track-ratio": ("5.1", 3),
        "employment-diversity-rate": ("38", 1),
    }
    for code, (actual, stars) in expected.items():
        result = results[code]
        assert round(result.actual, 6) == Decimal(actual), code
        assert result.rating == stars, code
        assert result.note == "", code
    assert results["disability-employment-rate"].target == Decimal("2.2")
    co2 = results["co2-intensity"]
    assert co2.base_value == Decimal(1) and co2.actual_value == Decimal("0.986")
    assert co2.achievement == Decimal("0.28") and co2.achievement_percent == Decimal("28.0")


def test_the_record_has_the_fields_the_cli_prints(seed_year):
    record = by_metric(evaluate(2019))["landfill-rate"].as_record()
    assert list(record) == RECORD_FIELDS
    assert record["metric"] == "landfill-rate"
    assert record["org_unit"] == "g" and record["fiscal_year"] == 2019
    assert record["target"] == 14 and record["actual"] == 13.7 and record["rating"] == 3
    assert record["achievement"] == 102.2


@pytest.mark.parametrize(
    ("kind", "goal", "value", "stars"),
    [
        (AT_LEAST, 50, 45, 2),  # exactly 90%
        (AT_LEAST, 50, "44.99", 1),  # just below
        (AT_LEAST, 50, 50, 3),  # exactly the target
        (AT_MOST, 14, 14, 3),  # exactly the ceiling
        (AT_MOST, 9, 10, 2),  # ceiling: 9/10 = 90%
        (AT_MOST, 9, "10.01", 1),
    ],
)
def test_edges_through_the_engine(units, kind, goal, value, stars):
    put("new-hires", units["a1"], 2019, 100)
    put("new-hires-diverse", units["a1"], 2019, value)
    target("employment-diversity-rate", units["g"], 2019, kind, goal)
    assert evaluate(2019)[0].rating == stars


def test_a_reduction_exactly_met_and_a_base_of_zero(units):
    put("co2-emissions", units["a1"], 2010, 200)
    put("co2-emissions", units["a1"], 2019, 180)  # −10%
    put("waste-generated", units["a1"], 2010, 0)
    put("waste-generated", units["a1"], 2019, 5)
    target("co2-emissions", units["g"], 2019, REDUCE, 10, base_year=2010)
    target("waste-generated", units["g"], 2019, REDUCE, 10, base_year=2010)
    results = by_metric(evaluate(2019))
    assert results["co2-emissions"].rating == 3
    assert results["co2-emissions"].actual == Decimal(10)
    zero = results["waste-generated"]
    assert zero.rating is None and zero.achievement is None
    assert "zero" in zero.note


def test_no_data_gives_no_rating_and_says_why(units):
    target("landfill-rate", units["g"], 2019, AT_MOST, 14)
    (result,) = evaluate(2019)
    assert result.rating is None and result.actual is None
    assert "No approved figures for FY2019" in result.note


def test_reductions_compare_with_the_restated_base(units):
    # base FY2010: a1 100 and d1 (sold in 2015) 100; c1 (bought in 2019) had 50
    put("co2-emissions", units["a1"], 2010, 100)
    put("co2-emissions", units["d1"], 2010, 100)
    put("co2-emissions", units["c1"], 2010, 50)
    put("co2-emissions", units["a1"], 2019, 90)
    put("co2-emissions", units["c1"], 2019, 45)  # full year entered: charlie joined in October
    target("co2-emissions", units["g"], 2019, REDUCE, 10, base_year=2010)
    (result,) = evaluate(2019)
    assert result.base_as_reported == Decimal(200)  # as reported then: a1 + d1
    assert result.base_value == Decimal(150)  # restated to FY2019's group: a1 + c1
    assert result.actual_value == Decimal(135)
    assert result.actual == Decimal(10) and result.rating == 3


def test_a_restated_base_missing_a_units_data_says_so(units):
    put("co2-emissions", units["a1"], 2010, 100)
    put("co2-emissions", units["a1"], 2019, 90)
    put("co2-emissions", units["c1"], 2019, 45)  # no FY2010 figure for c1
    target("co2-emissions", units["g"], 2019, REDUCE, 10, base_year=2010)
    (result,) = evaluate(2019)
    assert "c1" in result.note


def test_a_whole_year_takes_a_fixed_number_of_queries(seed_year):
    with CaptureQueriesContext(connection) as few:
        evaluate(2019)
    for code in ("waste-intensity", "women-management-ratio", "managers", "employees"):
        target(code, seed_year["alpha"], 2019, AT_LEAST, 1)
        target(code, seed_year["a1"], 2019, AT_LEAST, 1)
    with CaptureQueriesContext(connection) as more:
        results = evaluate(2019)
    assert len(results) == 15
    # targets, tree, legal rates, one GROUP BY, and one for the units that joined or left
    assert reads(more) == reads(few) <= 5


def reads(captured):
    """The queries that read data (not savepoints or the aggregate's session settings)."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT set_config")
    return len([q for q in captured.captured_queries if not q["sql"].startswith(skip)])


def test_users_see_the_targets_of_their_scope(world):
    from kpi_data import target as make_target

    make_target("landfill-rate", world.units["alpha"], 2019, AT_MOST, 14)
    make_target("landfill-rate", world.units["bravo"], 2019, AT_MOST, 14)
    assert {r.org_unit for r in evaluate(2019, user=world.users["csr_admin"])} == {"alpha", "bravo"}
    assert {r.org_unit for r in evaluate(2019, user=world.users["officer_b"])} == {"bravo"}
    assert evaluate(2019, user=world.users["employee"]) == []


def test_trend_and_breakdown(seed_year):
    from tatara.kpis.models import Metric

    co2 = Metric.objects.get(code="co2-intensity")
    points = trend(co2, seed_year["g"].pk, [2010, 2018, 2019])
    assert [p.actual for p in points] == [Decimal(1), None, Decimal("0.986")]
    assert points[2].target == Decimal("0.95")  # 5% below the base
    shares = {s.code: s for s in breakdown(co2, 2019, seed_year["g"].pk)}
    assert shares["alpha"].value == Decimal("0.986") and shares["alpha"].counts
    assert not shares["bravo"].counts  # not consolidated
    assert shares["charlie"].counts and shares["charlie"].value is None


# --- initiatives rated by their targets ------------------------------------------------------


@pytest.fixture
def linked(world):
    from kpi_data import put as observe
    from kpi_data import target as make_target

    # an initiative whose rating is not confirmed yet: a confirmed one's rating basis (its
    # targets, the override) changes only after a send-back (see the test below)
    site, initiative = world.units["alpha-site"], world.initiatives["alpha-div"]
    year = world.year
    observe("new-hires", site, year, 100)
    observe("new-hires-diverse", site, year, 38)
    observe("career-track-employees", site, year, 1000)
    observe("career-track-women", site, year, 51)
    low = make_target("employment-diversity-rate", world.units["alpha"], year, AT_LEAST, 50)
    high = make_target("women-career-track-ratio", world.units["alpha"], year, AT_LEAST, 5)
    admin = world.users["csr_admin"]
    for t in (low, high):
        initiative_ratings.link_target(actor=admin, target=t, initiative=initiative)
    return world, initiative, low


def test_an_initiative_takes_its_lowest_targets_rating(linked):
    _world, initiative, _low = linked
    rated = initiative_ratings.rating_for(initiative)
    assert sorted(e.rating for e in rated.evaluations) == [1, 3]
    assert rated.suggested == 1 and rated.rating == 1 and rated.override is None


def test_the_csr_office_overrides_with_a_reason(linked):
    world, initiative, _low = linked
    admin = world.users["csr_admin"]
    with pytest.raises(ValidationError):
        initiative_ratings.override_rating(actor=admin, initiative=initiative, rating=2, reason=" ")
    initiative_ratings.override_rating(
        actor=admin, initiative=initiative, rating=2, reason="Hiring froze in Q4 across the group."
    )
    rated = initiative_ratings.rating_for(initiative)
    assert rated.suggested == 1 and rated.rating == 2
    assert AuditEvent.objects.filter(verb="kpi_rating.overridden").count() == 1
    initiative_ratings.clear_override(actor=admin, initiative=initiative)
    assert initiative_ratings.rating_for(initiative).rating == 1


def test_only_the_csr_office_overrides_or_links(linked):
    world, initiative, low = linked
    for key in ("company_risk_officer", "group_risk_officer", "auditor"):
        with pytest.raises(PermissionDenied):
            initiative_ratings.override_rating(
                actor=world.users[key], initiative=initiative, rating=3, reason="because"
            )
        with pytest.raises(PermissionDenied):
            initiative_ratings.unlink_target(
                actor=world.users[key], target=low, initiative=initiative
            )


def test_a_confirmed_initiative_keeps_its_targets_and_override_until_sent_back(linked):
    from tatara.cycle import services as cycle_services

    world, _initiative, low = linked
    admin = world.users["csr_admin"]
    confirmed = world.fresh("alpha")
    assert confirmed.status == "confirmed"
    for attempt in (
        lambda: initiative_ratings.link_target(actor=admin, target=low, initiative=confirmed),
        lambda: initiative_ratings.unlink_target(actor=admin, target=low, initiative=confirmed),
        lambda: initiative_ratings.override_rating(
            actor=admin, initiative=confirmed, rating=1, reason="changed after the fact"
        ),
        lambda: initiative_ratings.clear_override(actor=admin, initiative=confirmed),
    ):
        with pytest.raises(ValidationError, match="sends it back"):
            attempt()
    assert not confirmed.kpi_targets.exists()
    cycle_services.return_for_rework(actor=admin, initiative=confirmed, note="Rate on the KPIs")
    initiative_ratings.link_target(actor=admin, target=low, initiative=confirmed)
    assert confirmed.kpi_targets.get() == low


def test_targets_link_only_to_initiatives_of_their_year(linked):
    from kpi_data import target as make_target

    world, initiative, _low = linked
    other = make_target("landfill-rate", world.units["alpha"], world.year + 1, AT_MOST, 14)
    with pytest.raises(ValidationError):
        initiative_ratings.link_target(
            actor=world.users["csr_admin"], target=other, initiative=initiative
        )


def test_the_trends_reduction_target_starts_from_the_restated_base(units):
    from tatara.kpis.models import Metric

    put("co2-emissions", units["a1"], 2010, 100)
    put("co2-emissions", units["d1"], 2010, 100)  # sold in 2015: not in FY2019's base
    put("co2-emissions", units["a1"], 2019, 95)
    target("co2-emissions", units["g"], 2019, REDUCE, 10, base_year=2010)
    points = trend(Metric.objects.get(code="co2-emissions"), units["g"].pk, [2010, 2019])
    assert points[0].actual == Decimal(200)  # the base year as reported then
    assert points[1].target == Decimal(90)  # 10% below the restated 100, not below 200
    (result,) = evaluate(2019)
    assert result.rating == 1 and points[1].actual > points[1].target


@pytest.mark.parametrize(
    ("ratio", "shown", "stars"),
    [
        ("0.8999", "89.9", 1),  # rounded to nearest it would say 90.0 beside ★
        ("0.89999951", "90.0", 2),  # the rating's own rounding reaches 90 %: so does the figure
        ("0.99996", "99.9", 2),  # not 100.0 beside ★★
        ("1", "100.0", 3),
        ("0.28", "28.0", 1),
    ],
)
def test_the_achievement_shown_never_contradicts_its_rating(seed_year, ratio, shown, stars):
    import dataclasses

    from tatara.kpis.achievement import suggested_rating

    result = dataclasses.replace(
        by_metric(evaluate(2019))["co2-intensity"], achievement=Decimal(ratio)
    )
    assert result.achievement_percent == Decimal(shown)
    assert suggested_rating(Decimal(ratio)) == stars
