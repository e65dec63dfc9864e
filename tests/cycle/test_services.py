"""cycle.services: the yearly flow, its wrong turns, carry-forward, and the gate on every write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.cycle import services
from tatara.cycle.choices import Column, Phase, Status
from tatara.cycle.models import CycleYear, Evidence, Initiative, Measure, Subject


@pytest.fixture
def world(module_world, db):
    module_world.refresh()
    return module_world


def texts(initiative, column):
    return list(
        Measure.objects.filter(initiative=initiative, column=column)
        .order_by("position")
        .values_list("text", flat=True)
    )


def verbs(initiative):
    return list(
        AuditEvent.objects.filter(target_id=str(initiative.pk), verb__startswith="initiative.")
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )


def state():
    """Everything the cycle services write, to prove that a refused call changed nothing."""
    return (
        list(Initiative.objects.order_by("pk").values()),
        list(Measure.objects.order_by("pk").values()),
        list(CycleYear.objects.order_by("pk").values()),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
        Initiative.history.count(),
        Measure.history.count(),
    )


# --- the whole flow ---------------------------------------------------------------------------


def test_the_whole_flow_from_plan_to_confirmed_rating(world):
    csr, risk, officer = (
        world.users[k] for k in ("csr_admin", "group_risk_officer", "company_risk_officer")
    )
    cycle = services.open_year(actor=csr, year=world.year + 1)
    assert cycle.phase == Phase.PLANNING
    assert cycle.plan_due == cycle.fiscal_year.start_date

    initiative = services.create_initiative(
        actor=csr,
        cycle=cycle,
        subject=Subject.objects.get(number=5),
        owner_unit=world.units["alpha"],
        planned="  Reduce   CO2 emissions  \n\nTrain staff",
    )
    assert initiative.status == Status.DRAFT and initiative.position == 1
    assert texts(initiative, Column.PLANNED) == ["Reduce CO2 emissions", "Train staff"]

    services.approve_plan(actor=risk, initiative=initiative)
    assert Initiative.objects.get(pk=initiative.pk).status == Status.APPROVED

    services.enter_results(
        actor=officer,
        initiative=initiative,
        results=["CO2 down 3%"],
        next_planned=["Reduce CO2 emissions (ongoing)", "Solar panels"],
        notes="see evidence",
    )
    assert texts(initiative, Column.RESULT) == ["CO2 down 3%"]
    assert texts(initiative, Column.NEXT) == ["Reduce CO2 emissions (ongoing)", "Solar panels"]

    services.propose_rating(actor=officer, initiative=initiative, rating=2, comment="almost")
    fresh = Initiative.objects.get(pk=initiative.pk)
    assert (fresh.status, fresh.proposed_rating, fresh.rating) == (Status.PROPOSED, 2, None)

    services.confirm_rating(actor=csr, initiative=initiative)
    fresh = Initiative.objects.get(pk=initiative.pk)
    assert (fresh.status, fresh.proposed_rating, fresh.rating, fresh.notes) == (
        Status.CONFIRMED,
        2,
        2,
        "see evidence",
    )
    assert fresh.stars == "★★"
    assert verbs(initiative) == [
        "initiative.created",
        "initiative.plan_approved",
        "initiative.results_entered",
        "initiative.rating_proposed",
        "initiative.rating_confirmed",
    ]
    confirmed = AuditEvent.objects.get(
        target_id=str(initiative.pk), verb="initiative.rating_confirmed"
    )
    assert confirmed.actor == csr and confirmed.data == {"proposed": 2, "confirmed": 2}
    assert AuditEvent.objects.get(
        target_id=str(initiative.pk), verb="initiative.rating_proposed"
    ).data == {"rating": 2, "comment": "almost"}


def test_positions_follow_within_a_subject(world):
    second = services.create_initiative(
        actor=world.system,
        cycle=world.cycle,
        subject=Subject.objects.get(number=2),
        owner_unit=world.units["alpha"],
        planned=["Another"],
    )
    assert second.position == 3  # alpha's and bravo's subject-2 initiatives come first


def test_approve_year_plan_approves_the_drafts_in_scope(world):
    count = services.approve_year_plan(actor=world.users["group_risk_officer"], cycle=world.cycle)
    assert count == 2
    assert not Initiative.objects.filter(status=Status.DRAFT).exists()
    # no plan is a draft any more: the year is in execution
    assert CycleYear.objects.get(pk=world.cycle.pk).phase == Phase.EXECUTION


def test_the_year_follows_its_initiatives(world, advance):
    cycle = lambda: CycleYear.objects.get(pk=world.cycle.pk)  # noqa: E731
    advance(world.fresh("alpha-div"), Status.CONFIRMED)
    assert cycle().phase == Phase.PLANNING  # bravo-div's plan is still a draft
    advance(world.fresh("bravo-div"), Status.APPROVED)
    assert cycle().phase == Phase.EXECUTION
    advance(world.fresh("bravo-div"), Status.CONFIRMED)
    assert cycle().phase == Phase.REVIEW
    assert list(
        AuditEvent.objects.filter(verb="cycle.phase_changed")
        .order_by("id")
        .values_list("data", flat=True)
    ) == [{"from": "planning", "to": "execution"}, {"from": "execution", "to": "review"}]


def test_a_closed_year_is_a_record(world, advance):
    csr = world.users["csr_admin"]
    services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.CLOSED)
    before = state()
    with pytest.raises(ValidationError, match="closed"):
        services.approve_plan(actor=csr, initiative=world.fresh("alpha-div"))
    with pytest.raises(ValidationError, match="closed"):
        services.revise_plan(actor=csr, initiative=world.fresh("alpha-div"), planned=["x"])
    with pytest.raises(ValidationError, match="closed"):
        services.return_for_rework(actor=csr, initiative=world.fresh("alpha"), note="x")
    assert state() == before


# --- wrong turns ------------------------------------------------------------------------------


def test_wrong_status_transitions_raise(world, advance):
    csr = world.users["csr_admin"]
    draft = world.fresh("alpha-div")
    confirmed = world.fresh("alpha")
    before = state()
    with pytest.raises(ValidationError):
        services.enter_results(actor=csr, initiative=draft, results=["x"])
    with pytest.raises(ValidationError):
        services.propose_rating(actor=csr, initiative=draft, rating=3)
    with pytest.raises(ValidationError):
        services.confirm_rating(actor=csr, initiative=draft)
    with pytest.raises(ValidationError):
        services.return_for_rework(actor=csr, initiative=draft, note="why")
    with pytest.raises(ValidationError):
        services.approve_plan(actor=csr, initiative=confirmed)
    with pytest.raises(ValidationError):
        services.enter_results(actor=csr, initiative=confirmed, results=["x"])
    with pytest.raises(ValidationError):
        services.propose_rating(actor=csr, initiative=confirmed, rating=1)
    with pytest.raises(ValidationError):
        services.confirm_rating(actor=csr, initiative=confirmed)
    assert state() == before


def test_a_stale_copy_cannot_repeat_a_transition(world):
    risk = world.users["group_risk_officer"]
    copy_one, copy_two = world.fresh("alpha-div"), world.fresh("alpha-div")
    services.approve_plan(actor=risk, initiative=copy_one)
    with pytest.raises(ValidationError):
        services.approve_plan(actor=risk, initiative=copy_two)  # re-read under lock: approved


def test_proposing_needs_results_and_a_valid_rating(world, advance):
    csr = world.users["csr_admin"]
    approved = advance(world.fresh("alpha-div"), Status.APPROVED)
    with pytest.raises(ValidationError) as caught:
        services.propose_rating(actor=csr, initiative=approved, rating=3)
    assert "results" in caught.value.message_dict
    services.enter_results(actor=csr, initiative=approved, results=["done"])
    for bad in (0, 4, None):
        with pytest.raises(ValidationError):
            services.propose_rating(actor=csr, initiative=approved, rating=bad)
    assert Initiative.objects.get(pk=approved.pk).status == Status.APPROVED


def test_create_initiative_needs_a_planned_measure_and_an_open_year(world):
    csr = world.users["csr_admin"]
    subject = Subject.objects.get(number=4)
    with pytest.raises(ValidationError):
        services.create_initiative(
            actor=csr,
            cycle=world.cycle,
            subject=subject,
            owner_unit=world.units["alpha"],
            planned=" \n ",
        )
    services.set_phase(actor=csr, cycle=world.cycle, phase=Phase.CLOSED)
    with pytest.raises(ValidationError):
        services.create_initiative(
            actor=csr,
            cycle=world.cycle,
            subject=subject,
            owner_unit=world.units["alpha"],
            planned=["x"],
        )
    assert Initiative.objects.count() == 4


def test_a_year_opens_once_and_phases_are_known(world):
    csr = world.users["csr_admin"]
    with pytest.raises(ValidationError):
        services.open_year(actor=csr, year=world.year)
    with pytest.raises(ValidationError):
        services.set_phase(actor=csr, cycle=world.cycle, phase="party")
    assert CycleYear.objects.get(pk=world.cycle.pk).phase == Phase.PLANNING


# --- review -----------------------------------------------------------------------------------


def test_confirming_a_different_rating_needs_a_note(world, advance):
    csr = world.users["csr_admin"]
    proposed = advance(world.fresh("alpha-div"), Status.PROPOSED, rating=3)
    with pytest.raises(ValidationError) as caught:
        services.confirm_rating(actor=csr, initiative=proposed, rating=2)
    assert "note" in caught.value.message_dict
    assert Initiative.objects.get(pk=proposed.pk).status == Status.PROPOSED
    with pytest.raises(ValidationError):
        services.confirm_rating(actor=csr, initiative=proposed, rating=2, note="   ")

    services.confirm_rating(actor=csr, initiative=proposed, rating=2, note="Target missed by 5%")
    fresh = Initiative.objects.get(pk=proposed.pk)
    assert (fresh.status, fresh.proposed_rating, fresh.rating, fresh.review_note) == (
        Status.CONFIRMED,
        3,
        2,
        "Target missed by 5%",
    )
    assert fresh.history.first().history_change_reason == "Target missed by 5%"


def test_confirming_the_same_rating_needs_no_note(world, advance):
    proposed = advance(world.fresh("alpha-div"), Status.PROPOSED, rating=1)
    services.confirm_rating(actor=world.users["csr_admin"], initiative=proposed, rating=1)
    assert Initiative.objects.get(pk=proposed.pk).rating == 1


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.CONFIRMED])
def test_send_back_returns_the_initiative_to_its_owner(world, advance, status):
    csr, officer = world.users["csr_admin"], world.users["company_risk_officer"]
    initiative = advance(world.fresh("alpha-div"), status, rating=2)
    with pytest.raises(ValidationError):
        services.return_for_rework(actor=csr, initiative=initiative, note=" ")
    services.return_for_rework(actor=csr, initiative=initiative, note="Add the evidence")
    fresh = Initiative.objects.get(pk=initiative.pk)
    assert (fresh.status, fresh.rating, fresh.review_note) == (
        Status.APPROVED,
        None,
        "Add the evidence",
    )
    # the owner can work on it again
    services.enter_results(actor=officer, initiative=fresh, results=["Better results"])
    # a rating other than the one proposed before needs its note, whoever proposes it
    with pytest.raises(ValidationError, match="differs from the one proposed before"):
        services.propose_rating(actor=officer, initiative=fresh, rating=3)
    services.propose_rating(actor=officer, initiative=fresh, rating=3, comment="Evidence added")
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


# --- plans ------------------------------------------------------------------------------------


def test_the_owner_edits_a_draft_plan_freely(world):
    officer = world.users["company_risk_officer"]
    draft = world.fresh("alpha-div")
    services.revise_plan(actor=officer, initiative=draft, planned=["First", "Second"])
    assert texts(draft, Column.PLANNED) == ["First", "Second"]
    assert not Measure.objects.filter(initiative=draft, revised=True).exists()
    assert "initiative.plan_edited" in verbs(draft)
    with pytest.raises(ValidationError):
        services.revise_plan(actor=officer, initiative=draft, planned=[])


def test_revising_an_approved_plan_marks_measures_revised_and_keeps_the_old_text(world, advance):
    csr = world.users["csr_admin"]
    initiative = world.fresh("alpha-div")
    services.revise_plan(actor=csr, initiative=initiative, planned=["Keep me", "Change me"])
    approved = advance(initiative, Status.APPROVED)
    # the owner may no longer touch an approved plan, and the office must say why
    with pytest.raises(PermissionDenied):
        services.revise_plan(
            actor=world.users["company_risk_officer"], initiative=approved, planned=["x"]
        )
    with pytest.raises(ValidationError):
        services.revise_plan(actor=csr, initiative=approved, planned=["Keep me", "Changed"])

    services.revise_plan(
        actor=csr, initiative=approved, planned=["Keep me", "Changed", "Added"], reason="Budget cut"
    )
    rows = {m.text: m for m in Measure.objects.filter(initiative=approved, column=Column.PLANNED)}
    assert list(rows) == ["Keep me", "Changed", "Added"]
    assert (rows["Keep me"].revised, rows["Changed"].revised, rows["Added"].revised) == (
        False,
        True,
        True,
    )
    history = list(rows["Changed"].history.all())
    assert [h.text for h in history] == ["Changed", "Change me"]  # the old text is kept
    assert history[0].history_change_reason == "revised"
    event = AuditEvent.objects.get(target_id=str(approved.pk), verb="initiative.plan_revised")
    assert event.data == {"reason": "Budget cut"} and event.actor == csr
    assert Initiative.objects.get(pk=approved.pk).status == Status.APPROVED


def test_removed_measures_leave_a_trace(world):
    csr = world.users["csr_admin"]
    initiative = world.fresh("alpha-div")
    services.revise_plan(actor=csr, initiative=initiative, planned=["One", "Two"])
    services.revise_plan(actor=csr, initiative=initiative, planned=["One"])
    assert texts(initiative, Column.PLANNED) == ["One"]
    deleted = Measure.history.filter(history_type="-", text="Two").get()
    assert deleted.history_change_reason == "removed"


# --- carry forward ----------------------------------------------------------------------------


def confirm_all(world, advance):
    for code in ("alpha-div", "bravo-div"):
        advance(
            world.fresh(code),
            Status.CONFIRMED,
            next_planned=[f"{code} goes on (ongoing)", f"{code} new step"],
        )


def test_carry_forward_opens_next_year_from_this_one(world, advance):
    confirm_all(world, advance)
    csr = world.users["csr_admin"]
    old_next = {m.pk: m.text for m in Measure.objects.filter(column=Column.NEXT)}
    new_cycle = services.carry_forward(actor=csr, cycle=world.cycle)

    assert new_cycle.year == world.year + 1
    assert new_cycle.opened_from_id == world.cycle.pk
    assert new_cycle.phase == Phase.PLANNING
    assert CycleYear.objects.get(pk=world.cycle.pk).phase == Phase.CLOSED
    successors = Initiative.objects.filter(cycle=new_cycle).select_related("predecessor")
    assert successors.count() == 4
    for new in successors:
        old = new.predecessor
        assert old.cycle_id == world.cycle.pk
        assert (new.subject_id, new.owner_unit_id, new.position) == (
            old.subject_id,
            old.owner_unit_id,
            old.position,
        )
        assert new.status == Status.DRAFT and new.rating is None
        planned = list(new.measures.filter(column=Column.PLANNED).order_by("position"))
        # planned = last year's "measures planned for next year", each linked to its source
        assert [m.text for m in planned] == texts(old, Column.NEXT)
        assert all(old_next[m.carried_from_id] == m.text for m in planned)
        assert {m.carried_from.initiative_id for m in planned} == {old.pk}
        # the "(ongoing)" ones already sit in the new year's own next-year column
        ongoing = list(new.measures.filter(column=Column.NEXT).order_by("position"))
        assert [m.text for m in ongoing] == [
            t for t in texts(old, Column.NEXT) if t.endswith("(ongoing)")
        ]
        assert all(m.carried_from.initiative_id == old.pk for m in ongoing)
        assert not new.measures.filter(column=Column.RESULT).exists()
    alpha_div = Initiative.objects.get(cycle=new_cycle, owner_unit=world.units["alpha-div"])
    assert texts(alpha_div, Column.PLANNED) == ["alpha-div goes on (ongoing)", "alpha-div new step"]
    assert texts(alpha_div, Column.NEXT) == ["alpha-div goes on (ongoing)"]
    event = AuditEvent.objects.get(verb="cycle.carried_forward")
    assert event.data == {"from": world.year, "initiatives": 4} and event.actor == csr


def test_an_initiative_with_nothing_planned_ends(world, advance):
    csr = world.users["csr_admin"]
    confirm_all(world, advance)
    # clear alpha's next-year column through a send-back and new results
    alpha = world.fresh("alpha")
    services.return_for_rework(actor=csr, initiative=alpha, note="drop the next step")
    services.enter_results(actor=csr, initiative=alpha, results=["done"], next_planned=[])
    advance(alpha, Status.CONFIRMED)
    new_cycle = services.carry_forward(actor=csr, cycle=world.cycle)
    owners = set(
        Initiative.objects.filter(cycle=new_cycle).values_list("owner_unit__code", flat=True)
    )
    assert owners == {"alpha-div", "bravo", "bravo-div"}
    assert not hasattr(Initiative.objects.get(pk=alpha.pk), "successor")


def test_carry_forward_refuses_unconfirmed_ratings(world, advance):
    before = state()
    with pytest.raises(ValidationError) as caught:
        services.carry_forward(actor=world.users["csr_admin"], cycle=world.cycle)
    assert str(world.initiatives["alpha-div"]) in str(caught.value)
    assert state() == before
    # the office may override on purpose
    new_cycle = services.carry_forward(
        actor=world.users["csr_admin"], cycle=world.cycle, allow_unconfirmed=True
    )
    assert new_cycle.initiatives.count() == 4


def test_carry_forward_refuses_a_second_time(world, advance):
    confirm_all(world, advance)
    csr = world.users["csr_admin"]
    services.carry_forward(actor=csr, cycle=world.cycle)
    before = state()
    for cycle in (world.cycle, CycleYear.objects.get(pk=world.cycle.pk)):
        with pytest.raises(ValidationError, match="already"):
            services.carry_forward(actor=csr, cycle=cycle)
    assert state() == before


def test_carry_forward_fills_an_empty_next_year_that_is_already_open(world, advance):
    confirm_all(world, advance)
    csr = world.users["csr_admin"]
    opened = services.open_year(actor=csr, year=world.year + 1)
    new_cycle = services.carry_forward(actor=csr, cycle=world.cycle)
    assert new_cycle.pk == opened.pk and new_cycle.initiatives.count() == 4


def test_carry_forward_refuses_a_next_year_with_initiatives(world, advance):
    confirm_all(world, advance)
    csr = world.users["csr_admin"]
    opened = services.open_year(actor=csr, year=world.year + 1)
    services.create_initiative(
        actor=csr,
        cycle=opened,
        subject=Subject.objects.get(number=1),
        owner_unit=world.units["grp"],
        planned=["x"],
    )
    before = state()
    with pytest.raises(ValidationError, match="already has initiatives"):
        services.carry_forward(actor=csr, cycle=world.cycle)
    assert state() == before


# --- the gate on every write ------------------------------------------------------------------
# Each service, the state its target must be in, and who may call it on company A's division
# (alpha-div). Everyone else must get PermissionDenied and change nothing.

EVERYONE = [
    "csr_admin",
    "group_risk_officer",
    "auditor",
    "company_risk_officer",
    "compliance_dept",
    "employee",
    "officer_b",
]


def _upload():
    return SimpleUploadedFile("evidence.txt", b"proof", content_type="text/plain")


SERVICES = {
    # name: (state of alpha-div first, call, allowed users)
    "open_year": (
        None,
        lambda w, u, i: services.open_year(actor=u, year=w.year + 3),
        {"csr_admin"},
    ),
    "set_phase": (
        None,
        lambda w, u, i: services.set_phase(actor=u, cycle=w.cycle, phase=Phase.EXECUTION),
        {"csr_admin"},
    ),
    "create_initiative": (
        None,
        lambda w, u, i: services.create_initiative(
            actor=u,
            cycle=w.cycle,
            subject=Subject.objects.get(number=7),
            owner_unit=w.units["alpha-div"],
            planned=["New"],
        ),
        {"csr_admin"},
    ),
    "revise_plan (draft)": (
        Status.DRAFT,
        lambda w, u, i: services.revise_plan(actor=u, initiative=i, planned=["Edited"]),
        {"csr_admin", "company_risk_officer", "compliance_dept"},
    ),
    "revise_plan (approved)": (
        Status.APPROVED,
        lambda w, u, i: services.revise_plan(
            actor=u, initiative=i, planned=["Edited"], reason="why"
        ),
        {"csr_admin"},
    ),
    "approve_plan": (
        Status.DRAFT,
        lambda w, u, i: services.approve_plan(actor=u, initiative=i),
        {"csr_admin", "group_risk_officer"},
    ),
    "enter_results": (
        Status.APPROVED,
        lambda w, u, i: services.enter_results(actor=u, initiative=i, results=["Done"]),
        {"csr_admin", "company_risk_officer", "compliance_dept"},
    ),
    "propose_rating": (
        "approved+results",
        lambda w, u, i: services.propose_rating(actor=u, initiative=i, rating=2),
        {"csr_admin", "company_risk_officer", "compliance_dept"},
    ),
    "confirm_rating": (
        Status.PROPOSED,
        lambda w, u, i: services.confirm_rating(actor=u, initiative=i),
        {"csr_admin"},
    ),
    "return_for_rework": (
        Status.PROPOSED,
        lambda w, u, i: services.return_for_rework(actor=u, initiative=i, note="redo"),
        {"csr_admin"},
    ),
    "add_evidence": (
        Status.APPROVED,
        lambda w, u, i: services.add_evidence(actor=u, initiative=i, upload=_upload()),
        {"csr_admin", "company_risk_officer", "compliance_dept"},
    ),
    "carry_forward": (
        "all confirmed",
        lambda w, u, i: services.carry_forward(actor=u, cycle=w.cycle),
        {"csr_admin"},
    ),
    "ensure_can_import": (None, lambda w, u, i: services.ensure_can_import(u), {"csr_admin"}),
}


def _prepare(world, advance, prepared):
    initiative = world.fresh("alpha-div")
    if prepared == "approved+results":
        return advance(initiative, Status.APPROVED, results=["Done"])
    if prepared == "all confirmed":
        confirm_all(world, advance)
        return world.fresh("alpha-div")
    if prepared is not None:
        return advance(initiative, prepared)
    return initiative


@pytest.mark.parametrize("user_key", EVERYONE)
@pytest.mark.parametrize("service", list(SERVICES))
def test_every_service_asks_the_gate(world, advance, service, user_key):
    prepared, call, allowed = SERVICES[service]
    initiative = _prepare(world, advance, prepared)
    user = world.users[user_key]
    if user_key in allowed:
        before = state()
        call(world, user, initiative)
        assert state() != before or service == "ensure_can_import"
        return
    before = state()
    with pytest.raises(PermissionDenied):
        call(world, user, initiative)
    assert state() == before


@pytest.mark.parametrize("user_key", ["company_risk_officer", "auditor", "employee"])
def test_approve_year_plan_refuses_users_who_cannot_approve(world, user_key):
    before = state()
    with pytest.raises(PermissionDenied):
        services.approve_year_plan(actor=world.users[user_key], cycle=world.cycle)
    assert state() == before


def test_a_company_officer_cannot_touch_the_other_company(world, advance):
    officer = world.users["company_risk_officer"]
    bravo_div = advance(world.fresh("bravo-div"), Status.APPROVED)
    before = state()
    with pytest.raises(PermissionDenied):
        services.enter_results(actor=officer, initiative=bravo_div, results=["sneaky"])
    with pytest.raises(PermissionDenied):
        services.propose_rating(actor=officer, initiative=bravo_div, rating=3)
    with pytest.raises(PermissionDenied):
        services.add_evidence(actor=officer, initiative=bravo_div, upload=_upload())
    assert state() == before


def test_the_system_actor_may_do_everything(world, advance):
    cli = SystemActor("cli:ops")
    initiative = advance(world.fresh("bravo-div"), Status.PROPOSED)
    services.confirm_rating(actor=cli, initiative=initiative)
    event = AuditEvent.objects.get(target_id=str(initiative.pk), verb="initiative.rating_confirmed")
    assert event.actor is None and event.actor_label == "cli:ops"


def test_evidence_is_stored_and_audited(world, advance, settings):
    officer = world.users["company_risk_officer"]
    initiative = advance(world.fresh("alpha-div"), Status.APPROVED)
    evidence = services.add_evidence(
        actor=officer, initiative=initiative, upload=_upload(), description="Minutes"
    )
    assert evidence.uploaded_by == officer
    assert evidence.file.name.startswith(f"evidence/cycle/{initiative.pk}/")
    with evidence.file.open("rb") as handle:
        assert handle.read() == b"proof"
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    assert AuditEvent.objects.filter(
        target_id=str(initiative.pk), verb="initiative.evidence_added"
    ).exists()


def test_clean_items():
    assert services.clean_items("  a  b \r\n\n c\n") == ["a b", "c"]
    assert services.clean_items(["x", "", "  ", " y  z "]) == ["x", "y z"]


@pytest.mark.parametrize(
    ("text", "ongoing"),
    [
        ("Conduct stress checks (ongoing)", True),
        ("Conduct stress checks (Ongoing) ", True),
        ("ストレスチェックを実施する（継続）", True),
        ("ストレスチェックを実施する(継続中)", True),
        ("Ongoing implementation of Hitachi Insights", False),
        ("Conduct stress checks", False),
    ],
)
def test_ongoing_marks_in_english_and_japanese(text, ongoing):
    from tatara.cycle.models import Measure

    assert Measure(text=text).ongoing is ongoing
