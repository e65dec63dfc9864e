"""The cycle under the fiscal-year lock and the two-person rules, on each path: services, the
API, the pages and the import.

- The cycle closes its fiscal year (set_phase closed, carry_forward); a closed year leaves
  "closed" only under a reopening; every write of a closed year's cycle is refused.
- A confirmed initiative changes only after a send-back.
- Segregation of duties (core.approvals, on by default): the drafter of a plan does not approve
  it, the proposer of a rating does not confirm it, unless the CSR office records why (a waiver
  kept on the initiative and in the event); a changed rating needs its note.
"""

from __future__ import annotations

import io
from typing import Any

import factories as f
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tatara.core import year_lock
from tatara.core.approvals import SamePersonError
from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.cycle import services
from tatara.cycle.choices import Phase, Status
from tatara.cycle.models import CycleYear, Initiative
from tatara.cycle.table_import import import_table

pytestmark = pytest.mark.django_db


def events(initiative: Initiative, verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_id=str(initiative.pk), verb=verb).order_by("id"))


# --- the lock ------------------------------------------------------------------------------


def test_closing_the_phase_closes_the_fiscal_year_and_only_a_reopening_leaves_it(world: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.CLOSED)
    assert year_lock.is_closed(world.year)
    with pytest.raises(year_lock.YearClosed):
        services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.REVIEW)
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Late results")
    year_lock.approve_reopening(actor=risk, reopening=reopening)
    services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.REVIEW)
    assert CycleYear.objects.get(pk=world.cycle.pk).phase == Phase.REVIEW
    assert [c.data["what"] for c in year_lock.changes_under(reopening)] == ["cycle.phase"]
    services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.CLOSED)  # ends the reopening
    reopening.refresh_from_db()
    assert reopening.status == "ended" and year_lock.is_closed(world.year)


def test_carry_forward_closes_the_year_in_the_lock(world: Any, advance: Any):
    csr = world.users["csr_admin"]
    for code in ("alpha-div", "bravo-div"):
        advance(world.fresh(code), Status.CONFIRMED)
    services.carry_forward(actor=csr, cycle=world.cycle)
    assert year_lock.is_closed(world.year) and not year_lock.is_closed(world.year + 1)
    assert AuditEvent.objects.filter(verb="fiscal.year_closed").get().actor_label == "csr_admin"


def test_a_reopened_year_closes_again_only_once_what_was_sent_back_is_confirmed(
    world: Any, advance: Any
):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    for code in ("alpha-div", "bravo-div"):
        advance(world.fresh(code), Status.CONFIRMED)
    services.carry_forward(actor=csr, cycle=world.cycle)
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Audit finding")
    year_lock.approve_reopening(actor=risk, reopening=reopening)
    sent_back = services.return_for_rework(
        actor=csr, initiative=world.fresh("alpha"), note="Results overstated"
    )
    with pytest.raises(ValidationError, match="not confirmed again") as refused:
        year_lock.close_year(actor=csr, year=world.year)
    assert str(sent_back) in " ".join(refused.value.messages)
    assert not year_lock.is_closed(world.year)  # the reopening goes on
    advance(world.fresh("alpha"), Status.CONFIRMED)
    year_lock.close_year(actor=csr, year=world.year)
    assert year_lock.is_closed(world.year)


def test_every_write_of_a_closed_years_cycle_is_refused(world: Any, advance: Any):
    csr, officer = world.users["csr_admin"], world.users["company_risk_officer"]
    draft = world.fresh("alpha-div")
    approved = advance(world.fresh("bravo-div"), Status.APPROVED, results=["Done"])
    confirmed = world.fresh("alpha")
    year_lock.close_year(actor=csr, year=world.year)
    writes = [
        lambda: services.create_initiative(
            actor=csr,
            cycle=world.cycle,
            subject=f.subject(7),
            owner_unit=world.units["alpha"],
            planned=["New"],
        ),
        lambda: services.revise_plan(actor=officer, initiative=draft, planned=["Rewritten"]),
        lambda: services.approve_plan(actor=csr, initiative=draft),
        lambda: services.enter_results(actor=csr, initiative=approved, results=["More"]),
        lambda: services.propose_rating(actor=csr, initiative=approved, rating=2),
        lambda: services.return_for_rework(actor=csr, initiative=confirmed, note="Again"),
        lambda: services.update_year(
            actor=csr,
            cycle=world.cycle,
            plan_due=None,
            results_due=None,
            review_due=None,
            note="Rewritten",
        ),
        lambda: services.add_evidence(
            actor=csr, initiative=approved, upload=io.BytesIO(b"x"), description="late"
        ),
        lambda: services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.REVIEW),
    ]
    before = list(Initiative.objects.order_by("pk").values()), list(CycleYear.objects.values())
    for write in writes:
        with pytest.raises(year_lock.YearClosed, match=f"FY{world.year} is closed"):
            write()
    assert (
        list(Initiative.objects.order_by("pk").values()),
        list(CycleYear.objects.values()),
    ) == before


def test_the_year_page_and_api_change_deadlines_only_while_the_year_is_open(world: Any, client):
    csr = world.users["csr_admin"]
    client.force_login(csr)
    url = f"/cycle/{world.year}/settings/"
    client.post(url, {"note": "Read with the KPI report", "plan_due": "2024-05-01"})
    cycle = CycleYear.objects.get(pk=world.cycle.pk)
    assert (cycle.note, str(cycle.plan_due), cycle.results_due) == (
        "Read with the KPI report",
        "2024-05-01",
        None,
    )
    assert AuditEvent.objects.filter(verb="cycle.year_updated").count() == 1
    response = client.patch(
        f"/api/v1/fiscal-years/{world.year}/",
        {"note": "From the API"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["note"] == "From the API"
    client.force_login(world.users["company_risk_officer"])
    assert client.post(url, {"note": "x"}).status_code == 403
    assert (
        client.patch(
            f"/api/v1/fiscal-years/{world.year}/", {"note": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    year_lock.close_year(actor=csr, year=world.year)
    client.force_login(csr)
    response = client.patch(
        f"/api/v1/fiscal-years/{world.year}/",
        {"note": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "is closed" in response.content.decode()
    assert "Change the deadlines" not in client.get(f"/cycle/{world.year}/").content.decode()
    assert CycleYear.objects.get(pk=world.cycle.pk).note == "From the API"


# --- confirmed initiatives -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["service", "api", "page"])
def test_a_confirmed_plan_changes_only_after_a_send_back(world: Any, client: Any, path: str):
    csr = world.users["csr_admin"]
    confirmed = world.fresh("alpha")
    planned = [m.text for m in confirmed.planned]

    def revise() -> Any:
        if path == "service":
            return services.revise_plan(
                actor=csr, initiative=world.fresh("alpha"), planned=["Rewritten"], reason="r"
            )
        client.force_login(csr)
        if path == "api":
            return client.post(
                f"/api/v1/initiatives/{confirmed.pk}/plan/",
                {"planned": ["Rewritten"], "reason": "r"},
                content_type="application/json",
            )
        return client.post(
            f"/cycle/initiatives/{confirmed.pk}/plan/", {"planned": "Rewritten", "reason": "r"}
        )

    if path == "service":
        with pytest.raises(ValidationError, match="sends it back"):
            revise()
    else:
        response = revise()
        assert response.status_code in (302, 400)
    fresh = world.fresh("alpha")
    assert [m.text for m in fresh.planned] == planned
    assert (fresh.status, fresh.rating) == (Status.CONFIRMED, 3)
    services.return_for_rework(actor=csr, initiative=fresh, note="Revise the plan first")
    revise()
    assert [m.text for m in world.fresh("alpha").planned] == ["Rewritten"]


# --- segregation of duties -----------------------------------------------------------------


def test_the_drafter_does_not_approve_the_plan_unless_the_csr_office_says_why(world: Any):
    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    draft = services.create_initiative(
        actor=csr,
        cycle=world.cycle,
        subject=f.subject(7),
        owner_unit=world.units["alpha"],
        planned=["Volunteer days"],
    )
    assert draft.drafted_by_label == "csr_admin"
    with pytest.raises(SamePersonError, match="You drafted this plan"):
        services.approve_plan(actor=csr, initiative=draft)
    # the risk officer approves it; or the CSR office, saying why
    other = services.create_initiative(
        actor=csr,
        cycle=world.cycle,
        subject=f.subject(7),
        owner_unit=world.units["alpha"],
        planned=["Blood drive"],
    )
    services.approve_plan(actor=risk, initiative=draft)
    services.approve_plan(actor=csr, initiative=other, waiver="The risk officer is on leave")
    assert world.fresh("alpha").plan_waiver == ""
    assert Initiative.objects.get(pk=other.pk).plan_waiver == "The risk officer is on leave"
    (event,) = events(other, "initiative.plan_approved")
    assert event.data == {"drafted_by": "csr_admin", "waiver": "The risk officer is on leave"}
    # someone who edits the draft becomes its drafter
    officer = world.users["company_risk_officer"]
    draft2 = world.fresh("alpha-div")
    services.revise_plan(actor=officer, initiative=draft2, planned=["Edited by the owner"])
    assert Initiative.objects.get(pk=draft2.pk).drafted_by_label == "company_risk_officer"
    services.approve_plan(actor=csr, initiative=draft2)  # not the drafter now


def test_bulk_approval_leaves_the_approvers_own_drafts(world: Any, client: Any):
    csr = world.users["csr_admin"]
    own = services.create_initiative(
        actor=csr,
        cycle=world.cycle,
        subject=f.subject(7),
        owner_unit=world.units["alpha"],
        planned=["Own draft"],
    )
    client.force_login(csr)
    response = client.post(f"/cycle/{world.year}/approve-plans/", follow=True)
    assert "2 plans approved" in response.content.decode()
    assert "draft plans are yours" in response.content.decode()
    assert Initiative.objects.get(pk=own.pk).status == Status.DRAFT
    page = client.get(f"/cycle/initiatives/{own.pk}/").content.decode()
    assert "Why do you approve a plan you drafted?" in page


def test_the_proposer_does_not_confirm_unless_the_csr_office_says_why(world: Any, advance):
    csr = world.users["csr_admin"]
    initiative = advance(world.fresh("alpha-div"), Status.APPROVED, results=["Done"])
    services.propose_rating(actor=csr, initiative=initiative, rating=2)  # in the owner's place
    with pytest.raises(SamePersonError, match="You proposed this rating"):
        services.confirm_rating(actor=csr, initiative=initiative)
    services.confirm_rating(actor=csr, initiative=initiative, waiver="Owner unit dissolved")
    fresh = world.fresh("alpha-div")
    assert (fresh.rating, fresh.rating_waiver) == (2, "Owner unit dissolved")
    assert events(fresh, "initiative.rating_confirmed")[-1].data["waiver"] == "Owner unit dissolved"
    # another person confirms without a waiver
    other = advance(world.fresh("bravo-div"), Status.APPROVED, results=["Done"])
    services.propose_rating(actor=csr, initiative=other, rating=3)
    services.confirm_rating(actor=SystemActor("cli:reviewer"), initiative=other)
    assert world.fresh("bravo-div").rating_waiver == ""


def test_a_changed_rating_always_needs_its_note(world: Any, advance: Any):
    csr = world.users["csr_admin"]
    initiative = world.fresh("alpha")  # proposed ★★★ by the owner, confirmed
    services.return_for_rework(actor=csr, initiative=initiative, note="Check the KPI figures")
    # the CSR office proposing in the owner's place changes the owner's ★★★: a note first
    with pytest.raises(ValidationError, match="differs from the one proposed before"):
        services.propose_rating(actor=csr, initiative=initiative, rating=1)
    services.propose_rating(
        actor=csr, initiative=initiative, rating=1, comment="Landfill target missed"
    )
    (event,) = events(initiative, "initiative.rating_proposed")[-1:]
    assert event.data == {"rating": 1, "comment": "Landfill target missed", "previous": 3}
    # and confirming something other than the proposal needs a note too
    with pytest.raises(ValidationError, match="differs from the owner's proposal"):
        services.confirm_rating(actor=SystemActor("cli:reviewer"), initiative=initiative, rating=2)


def test_the_rules_can_be_switched_off(world: Any, settings: Any, advance: Any):
    settings.SEGREGATION_OF_DUTIES = "kpis.observation"
    csr = world.users["csr_admin"]
    initiative = advance(world.fresh("alpha-div"), Status.APPROVED, results=["Done"])
    services.propose_rating(actor=csr, initiative=initiative, rating=3)
    services.confirm_rating(actor=csr, initiative=initiative)
    assert world.fresh("alpha-div").status == Status.CONFIRMED


@pytest.mark.parametrize("path", ["api", "page"])
def test_segregation_on_the_api_and_the_pages(world: Any, client: Any, advance: Any, path: str):
    csr = world.users["csr_admin"]
    initiative = advance(world.fresh("alpha-div"), Status.APPROVED, results=["Done"])
    services.propose_rating(actor=csr, initiative=initiative, rating=2)
    client.force_login(csr)
    if path == "api":
        url = f"/api/v1/initiatives/{initiative.pk}/confirm-rating/"
        refused = client.post(url, {}, content_type="application/json")
        assert refused.status_code == 400 and "You proposed this rating" in refused.content.decode()
        done = client.post(url, {"waiver": "Owner on leave"}, content_type="application/json")
        assert done.status_code == 200 and done.json()["rating_waiver"] == "Owner on leave"
    else:
        page = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
        assert "Why do you confirm a rating you proposed?" in page
        url = f"/cycle/initiatives/{initiative.pk}/review/"
        refused = client.post(url, {"rating": "2"}, follow=True).content.decode()
        assert "You proposed this rating" in refused
        client.post(url, {"rating": "2", "waiver": "Owner on leave"})
        page = client.get(f"/cycle/initiatives/{initiative.pk}/").content.decode()
        assert 'data-testid="rating-waiver"' in page and "Owner on leave" in page
    assert world.fresh("alpha-div").status == Status.CONFIRMED


def test_an_owner_who_cannot_waive_is_told_to_wait(world: Any, client: Any):
    """The risk officer approves plans but is not the CSR office: their own draft waits."""
    risk = world.users["group_risk_officer"]
    draft = world.fresh("alpha-div")
    Initiative.objects.filter(pk=draft.pk).update(
        drafted_by=risk, drafted_by_label="group_risk_officer"
    )
    with pytest.raises(SamePersonError):
        services.approve_plan(actor=risk, initiative=draft, waiver="I insist")
    client.force_login(risk)
    page = client.get(f"/cycle/initiatives/{draft.pk}/").content.decode()
    assert 'data-testid="approve-blocked"' in page
    dashboard = client.get("/").content.decode()
    assert f"/cycle/initiatives/{draft.pk}/" not in dashboard


def test_the_import_walks_the_flow_alone_and_says_so(world: Any):
    csr = world.users["csr_admin"]
    table = (
        "subject_no,subject,planned,results,rating,next_planned\n"
        "2,,Hold compliance meetings,Held twice,3,\n"
    )
    import_table(io.BytesIO(table.encode()), name="fy.csv", actor=csr, year=world.year + 3)
    initiative = Initiative.objects.get(cycle__fiscal_year__year=world.year + 3)
    assert initiative.plan_waiver == initiative.rating_waiver == "imported from fy.csv"


def test_the_command_line_import_refuses_a_closed_year_and_confirmed_rows(world: Any, tmp_path):
    path = tmp_path / "fy.csv"
    call_command("cycle", "export", "--fy", str(world.year), "--format", "csv", "-o", str(path))
    year_lock.close_year(actor=world.users["csr_admin"], year=world.year)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "cycle",
            "import",
            str(path),
            "--fy",
            str(world.year),
            "--replace",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert f"FY{world.year} is closed" in err.getvalue()


def test_a_closed_year_gives_no_task_and_a_reopened_one_does(world: Any):
    from tatara.cycle.selectors import pending_tasks

    csr, risk = world.users["csr_admin"], world.users["group_risk_officer"]
    assert len(pending_tasks(viewer=risk)) == 2  # the two draft plans
    year_lock.close_year(actor=csr, year=world.year)
    assert pending_tasks(viewer=risk) == []
    reopening = year_lock.request_reopening(actor=csr, year=world.year, reason="Late plans")
    year_lock.approve_reopening(actor=risk, reopening=reopening)
    assert len(pending_tasks(viewer=risk)) == 2
