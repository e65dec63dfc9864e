"""The one rule for decisions (assessment.check_decision), the derived status
(assessment.standing) and what a shipment lacked (assessment.shipment_findings) — pure, no
database. The same paths through the services, the API, the pages and the CLI are in
test_decisions_hold.py."""

import datetime as dt

from tatara.export_control.assessment import (
    CountryInfo,
    DecisionInfo,
    ItemInfo,
    PartyScreen,
    RunInfo,
    assess,
    check_decision,
    requirement,
    shipment_findings,
    standing,
)

DAY = dt.date(2026, 5, 1)
LATHE = ItemInfo(3, "LATHE-5", "5-axis lathe", "6")
CORE = ItemInfo(4, "CORE-7", "Nanocrystalline core", "7")
PUMP = ItemInfo(5, "PUMP", "Pump", None)
CHINA = CountryInfo("CN", "C", name="China")


def reasons(destination=CHINA, items=(LATHE,), parties=(), end_use=""):
    return tuple(
        assess(
            destination=destination, items=list(items), end_use=end_use, parties=list(parties)
        ).reasons_json()
    )


def run_info(pk, found, base=False):
    need = requirement(found)
    return RunInfo(pk, found, need.outcome, base)


def licence(pk, run, items, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), **kw):
    return DecisionInfo(
        pk,
        "licence",
        run,
        licence_number=f"L-{pk}",
        valid_from=start,
        valid_until=end,
        items=frozenset(items),
        **kw,
    )


def test_licence_required_cannot_be_cleared_alone():
    need = requirement(reasons())
    assert need.licence_items == ((3, "LATHE-5"),)
    verdict = check_decision("clear", need, blocked=False, covered=())
    assert verdict.refusal == "" and verdict.grounds == ("licence-waived",)
    assert verdict.missing == ((3, "LATHE-5"),)
    # a licence covering the item: no second approval
    assert check_decision("licence", need, blocked=False, covered={3}).grounds == ()
    # cleared alone (no second approval) → not cleared: screened
    runs = [run_info(1, reasons(), base=True)]
    alone = DecisionInfo(10, "clear", 1)
    assert standing(runs, [alone], DAY).status == "screened"
    approved = DecisionInfo(
        10, "clear", 1, ("licence-waived",), needs_second_approval=True, approved=True
    )
    assert standing(runs, [approved], DAY).status == "cleared"


def test_a_licence_that_leaves_out_a_listed_item_does_not_clear():
    found = reasons(items=(LATHE, CORE))
    runs = [run_info(1, found, base=True)]
    part = licence(10, 1, {3})
    st = standing(runs, [part], DAY)
    assert (st.status, st.missing) == ("licence_required", ((4, "CORE-7"),))
    both = standing(runs, [part, licence(11, 1, {4})], DAY)
    assert both.status == "licensed" and both.missing == ()


def test_a_licence_counts_only_on_the_days_it_is_valid():
    runs = [run_info(1, reasons(), base=True)]
    old = licence(10, 1, {3}, start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31))
    assert standing(runs, [old], DAY).status == "licence_required"
    assert standing(runs, [old], dt.date(2021, 6, 1)).status == "licensed"
    shipped_late = standing(runs, [old], DAY)
    assert shipment_findings(shipped_late) == ("shipped-outside-licence",)
    assert shipment_findings(standing(runs, [], DAY)) == ("shipped-without-decision",)


def test_nothing_clears_north_korea():
    north_korea = CountryInfo("KP", "D", arms_embargo=True, embargo=True, name="North Korea")
    found = reasons(destination=north_korea, items=(PUMP,))
    need = requirement(found)
    for kind in ("clear", "licence"):
        assert check_decision(kind, need, blocked=False, covered={5}).refusal == "prohibited"
    assert check_decision("block", need, blocked=False, covered=()).refusal == ""
    runs = [run_info(1, found, base=True)]
    # even an approved clear stored before the rule does not clear it
    approved = DecisionInfo(10, "clear", 1, ("override-block",), True, True)
    st = standing(runs, [approved], DAY)
    assert st.status == "blocked"
    assert "shipped-prohibited" in shipment_findings(st)


def test_a_ban_is_cleared_only_by_a_licence_with_a_second_approval():
    from tatara.export_control.assessment import MeasureInfo

    russia = CountryInfo(
        "RU",
        "C",
        name="Russia",
        measures=(MeasureInfo("ru-by-regime-items", "ban-listed", "Ban", "", "2022-03-18"),),
    )
    need = requirement(reasons(destination=russia))
    assert check_decision("clear", need, blocked=False, covered=()).refusal == "ban-needs-licence"
    verdict = check_decision("licence", need, blocked=False, covered={3})
    assert verdict.grounds == ("ban-exception",)


def test_a_strong_hit_needs_a_second_person_to_clear():
    from tatara.export_control.assessment import HitInfo

    hit = HitInfo(0.97, "un", "UN", "KPe.1", "Listed Co", "strong")
    found = reasons(
        items=(PUMP,), parties=[PartyScreen(1, "Listed Co", ("customer",), "strong", (hit,))]
    )
    need = requirement(found)
    assert need.blocking == ("party-strong-hit",)
    assert check_decision("clear", need, blocked=False, covered=()).grounds == ("override-block",)


def test_a_block_stands_through_any_rescreen_until_a_second_approved_decision_lifts_it():
    clear = reasons(items=(PUMP,))
    runs = [run_info(1, clear, base=True), run_info(2, clear), run_info(3, clear, base=True)]
    block = DecisionInfo(10, "block", 1)
    # re-screens and edits (runs 2 and 3) are clear: the block stands
    assert standing(runs, [block], DAY).status == "blocked"
    need = requirement(clear)
    assert check_decision("clear", need, blocked=True, covered=()).grounds == ("lifts-block",)
    pending = DecisionInfo(11, "clear", 3, ("lifts-block",), needs_second_approval=True)
    assert standing(runs, [block, pending], DAY).status == "blocked"
    lifted = DecisionInfo(11, "clear", 3, ("lifts-block",), True, approved=True)
    assert standing(runs, [block, lifted], DAY).status == "cleared"
    # an old clear after the block, without a second approval, does not lift it
    assert standing(runs, [block, DecisionInfo(11, "clear", 3)], DAY).status == "blocked"
    assert shipment_findings(standing(runs, [block], DAY)) == ("shipped-while-blocked",)


def test_a_decision_stands_on_later_runs_that_add_no_new_reason():
    listed = reasons()
    runs = [run_info(1, listed, base=True), run_info(2, listed)]
    lic = licence(10, 1, {3})
    assert standing(runs, [lic], DAY).status == "licensed"  # a manual re-screen: the same
    worse = reasons(end_use="missile launcher")
    runs = [*runs, run_info(3, worse)]
    st = standing(runs, [lic], DAY)
    assert st.status == "screened"  # a new reason: back to the officer
    # the officer reviews it alone (a clear on run 3): the licence recorded since the last
    # edit still covers the item
    assert check_decision("clear", st.need, blocked=False, covered=st.covered).grounds == ()
    assert standing(runs, [lic, DecisionInfo(11, "clear", 3)], DAY).status == "licensed"
    # an edit of the transaction (a base run) sets earlier decisions aside
    edited = [*runs, run_info(4, listed, base=True)]
    assert standing(edited, [lic], DAY).status == "screened"
