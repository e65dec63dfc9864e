"""cycle.selectors: the year's table, the road map and who must act next — always per viewer."""

from __future__ import annotations

import datetime as dt

import pytest

from tatara.cycle import selectors, services
from tatara.cycle.choices import Phase, Status
from tatara.cycle.models import CycleYear, Initiative, Subject


@pytest.fixture
def world(module_world, db):
    module_world.refresh()
    return module_world


def owners(initiatives):
    return [i.owner_unit.code for i in initiatives]


def test_year_table_lists_every_subject_in_order_with_the_viewers_rows(world):
    blocks = selectors.year_table(viewer=world.users["company_risk_officer"], year=world.year)
    assert [b.subject.number for b in blocks] == list(range(1, 10))
    rows = {b.subject.number: owners(b.initiatives) for b in blocks}
    assert rows == {1: [], 2: ["alpha"], 3: ["alpha-div"], 4: [], 5: [], 6: [], 7: [], 8: [], 9: []}
    # the measures come along, in their columns
    alpha = blocks[1].initiatives[0]
    assert [m.text for m in alpha.planned] == ["Planned ~alpha:initiative~"]
    assert [m.text for m in alpha.results] == ["Result ~alpha:initiative~"]
    assert [m.text for m in alpha.next_planned] == ["Next ~alpha:initiative~ (ongoing)"]


def test_year_table_by_role(world):
    def count(key):
        return sum(
            len(b.initiatives)
            for b in selectors.year_table(viewer=world.users[key], year=world.year)
        )

    assert {k: count(k) for k in world.users} == {
        "csr_admin": 4,
        "group_risk_officer": 4,
        "auditor": 4,
        "company_risk_officer": 2,
        "compliance_dept": 1,
        "employee": 0,
        "officer_b": 2,
    }
    bravo_rows = selectors.year_table(viewer=world.users["officer_b"], year=world.year)
    assert {o for b in bravo_rows for o in owners(b.initiatives)} == {"bravo", "bravo-div"}


def test_year_table_orders_rows_by_position(world):
    services.create_initiative(
        actor=world.system,
        cycle=world.cycle,
        subject=Subject.objects.get(number=2),
        owner_unit=world.units["alpha-div"],
        planned=["Third of subject 2"],
    )
    block = selectors.year_table(viewer=world.users["auditor"], year=world.year)[1]
    assert [i.position for i in block.initiatives] == [1, 2, 3]
    assert owners(block.initiatives) == ["alpha", "bravo", "alpha-div"]


def test_years_count_only_what_the_viewer_sees(world):
    assert [
        (y.year, y.initiative_count) for y in selectors.years(viewer=world.users["compliance_dept"])
    ] == [(world.year, 1)]
    assert selectors.years(viewer=world.users["company_risk_officer"]).get().initiative_count == 2
    assert selectors.years(viewer=world.users["auditor"]).get().initiative_count == 4
    assert not selectors.years(viewer=world.users["employee"]).exists()
    with pytest.raises(CycleYear.DoesNotExist):
        selectors.get_year(viewer=world.users["employee"], year=world.year)
    assert (
        selectors.get_year(viewer=world.users["compliance_dept"], year=world.year).pk
        == world.cycle.pk
    )


def test_status_counts(world):
    assert selectors.status_counts(viewer=world.users["auditor"], year=world.year) == {
        Status.CONFIRMED: 2,
        Status.DRAFT: 2,
    }
    assert selectors.status_counts(viewer=world.users["compliance_dept"], year=world.year) == {
        Status.DRAFT: 1
    }
    assert selectors.status_counts(viewer=world.users["employee"], year=world.year) == {}


# --- road map ---------------------------------------------------------------------------------


@pytest.fixture
def two_years(world, advance):
    """FY2024 confirmed and carried forward; in FY2025 alpha is rated 1 and bravo-div 3."""
    for code in ("alpha-div", "bravo-div"):
        advance(world.fresh(code), Status.CONFIRMED, rating=2)
    next_cycle = services.carry_forward(actor=world.system, cycle=world.cycle)
    new = {
        i.owner_unit.code: i
        for i in Initiative.objects.filter(cycle=next_cycle).select_related("owner_unit")
    }
    advance(new["alpha"], Status.CONFIRMED, rating=1)
    advance(new["bravo-div"], Status.CONFIRMED, rating=3)
    return new


def test_road_map_follows_lineages_and_counts_ratings(world, two_years):
    road = selectors.road_map(viewer=world.users["auditor"])
    y1, y2 = world.year, world.year + 1
    assert road.years == [y1, y2]
    assert [s.number for s in road.subjects] == list(range(1, 10))
    # subject 2: alpha (3 → 1) and bravo (2 → unrated); subject 3: alpha-div (2 → –), bravo-div (2 → 3)
    assert (road.count(2, y1, 3), road.count(2, y1, 2), road.count(2, y1, 1)) == (1, 1, 0)
    assert (road.count(2, y2, 3), road.count(2, y2, 2), road.count(2, y2, 1)) == (0, 0, 1)
    assert (road.count(3, y1, 2), road.count(3, y2, 3), road.count(3, y2, 2)) == (2, 1, 0)
    assert road.count(5, y1, 3) == 0
    lineages = road.lineages[2]
    assert len(lineages) == 2
    for lineage in lineages:
        assert sorted(lineage.by_year) == [y1, y2]
        assert lineage.by_year[y2].predecessor_id == lineage.by_year[y1].pk
    alpha = next(line for line in lineages if line.by_year[y1].owner_unit.code == "alpha")
    assert (
        alpha.title == "Next ~alpha:initiative~ (ongoing)"
    )  # the latest year's first planned measure
    assert 1 not in road.lineages and 4 not in road.lineages


def test_road_map_is_scoped(world, two_years):
    road = selectors.road_map(viewer=world.users["company_risk_officer"])
    seen = {
        i.owner_unit.code
        for lines in road.lineages.values()
        for line in lines
        for i in line.by_year.values()
    }
    assert seen == {"alpha", "alpha-div"}
    assert road.count(3, world.year + 1, 3) == 0  # bravo-div's ★★★ is not counted
    assert road.count(2, world.year, 2) == 0  # nor bravo's ★★
    assert road.count(2, world.year, 3) == 1
    empty = selectors.road_map(viewer=world.users["employee"])
    assert (empty.years, empty.lineages, empty.counts) == ([], {}, {})


def test_a_division_sees_its_own_lineage(world, two_years):
    road = selectors.road_map(viewer=world.users["compliance_dept"])
    [line] = road.lineages[3]
    assert sorted(line.by_year) == [world.year, world.year + 1]


# --- who must act next ------------------------------------------------------------------------


def tasks_of(world, key):
    return {(t.title, t.who) for t in selectors.pending_tasks(viewer=world.users[key])}


def label(world, code):
    """How a task names an initiative: its number and the start of its first planned measure."""
    initiative = world.fresh(code)
    return f"{initiative} ({initiative.planned[0].text[:60]})"


def test_drafts_wait_for_the_approver(world):
    alpha_div, bravo_div = label(world, "alpha-div"), label(world, "bravo-div")
    expected = {
        (f"Approve the plan of {alpha_div}", "Approver"),
        (f"Approve the plan of {bravo_div}", "Approver"),
    }
    assert tasks_of(world, "group_risk_officer") == expected
    assert tasks_of(world, "csr_admin") == expected
    for key in ("company_risk_officer", "compliance_dept", "auditor", "employee"):
        assert tasks_of(world, key) == set(), key


def test_approved_plans_wait_for_the_owner_then_the_office(world, advance):
    alpha_div = label(world, "alpha-div")
    advance(world.fresh("alpha-div"), Status.APPROVED)
    enter = (f"Enter the results of {alpha_div}", "Alpha Division ~alpha-div~")
    assert tasks_of(world, "company_risk_officer") == {enter}
    assert tasks_of(world, "compliance_dept") == {enter}
    assert tasks_of(world, "officer_b") == set()
    assert enter not in tasks_of(world, "group_risk_officer")

    advance(world.fresh("alpha-div"), Status.APPROVED, results=["Done"])
    assert tasks_of(world, "company_risk_officer") == {
        (f"Propose the self-assessment of {alpha_div}", "Alpha Division ~alpha-div~")
    }

    advance(world.fresh("alpha-div"), Status.PROPOSED)
    assert tasks_of(world, "company_risk_officer") == set()
    assert (f"Review the proposed rating of {alpha_div}", "CSR Management Office") in tasks_of(
        world, "csr_admin"
    )
    assert not any(t.startswith("Review") for t, _ in tasks_of(world, "group_risk_officer"))

    advance(world.fresh("alpha-div"), Status.CONFIRMED)
    assert not any(alpha_div in t for t, _ in tasks_of(world, "csr_admin"))


def test_tasks_carry_the_phase_deadline_and_overdue_flag(world):
    CycleYear.objects.filter(pk=world.cycle.pk).update(plan_due=dt.date(2000, 1, 1))
    [task, _] = selectors.pending_tasks(viewer=world.users["group_risk_officer"])
    assert task.due == dt.date(2000, 1, 1) and task.overdue
    assert task.url == f"/cycle/initiatives/{world.initiatives['alpha-div'].pk}/"
    CycleYear.objects.filter(pk=world.cycle.pk).update(plan_due=dt.date(2999, 1, 1))
    assert not any(
        t.overdue for t in selectors.pending_tasks(viewer=world.users["group_risk_officer"])
    )


def test_a_closed_year_asks_nothing(world):
    services.set_phase(actor=world.system, cycle=world.cycle, phase=Phase.CLOSED)
    assert selectors.pending_tasks(viewer=world.users["csr_admin"]) == []


def test_dashboard_panel(world):
    assert selectors.dashboard_panel(world.users["employee"]) is None
    panel = selectors.dashboard_panel(world.users["compliance_dept"])
    assert panel.url == "/cycle/"
    summary = dict(panel.summary)
    assert f"FY{world.year} — Planning" in summary
    assert summary["Plan draft"] == 1 and summary["Rating confirmed"] == 0
