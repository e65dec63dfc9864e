"""The audit trail: domain events written by services plus every row's before/after."""

from tatara.core.audit import actor_label, record_event, trail_for
from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.cycle import services
from tatara.cycle.models import Initiative


def test_record_event_by_a_user(world):
    user = world.users["csr_admin"]
    target = world.initiatives["alpha"]
    event = record_event(
        actor=user, verb="test.happened", target=target, org_unit=target.owner_unit, data={"n": 1}
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_label, event.verb) == (user, "csr_admin", "test.happened")
    assert (event.target_id, event.target_repr) == (str(target.pk), str(target))
    assert event.target_type.model_class() is Initiative
    assert event.org_unit == target.owner_unit and event.data == {"n": 1}


def test_record_event_by_the_system(db):
    event = record_event(actor=SystemActor("cli:ops"), verb="test.batch")
    assert event.actor is None and event.actor_label == "cli:ops"
    assert event.target_type is None and event.target_id == ""
    assert record_event(actor=None, verb="test.anon").actor_label.startswith("system")


def test_actor_label():
    assert actor_label(SystemActor("job:nightly")) == "job:nightly"
    assert actor_label(None).startswith("system")


def test_trail_shows_events_and_row_changes_with_before_and_after(world):
    initiative = world.initiatives["alpha-div"]
    risk = world.users["group_risk_officer"]
    services.approve_plan(actor=risk, initiative=initiative)
    trail = trail_for(Initiative.objects.get(pk=initiative.pk))
    # newest first
    assert [e.when for e in trail] == sorted((e.when for e in trail), reverse=True)
    event = next(e for e in trail if e.what.startswith("initiative.plan_approved"))
    assert event.who == "group_risk_officer"
    change = next(e for e in trail if ("status", "draft", "approved") in e.changes)
    assert change.who == "group_risk_officer"
    assert change.what.startswith("row changed")
    created = [e for e in trail if e.what.startswith("row created")]
    assert len(created) == 1 and created[0].changes == []
    assert any(e.what.startswith("initiative.created") for e in trail)


def test_trail_keeps_the_reason_given(world):
    initiative = world.initiatives["alpha"]
    services.return_for_rework(
        actor=world.users["csr_admin"], initiative=initiative, note="Add the figures"
    )
    trail = trail_for(Initiative.objects.get(pk=initiative.pk))
    row = next(e for e in trail if ("status", "confirmed", "approved") in e.changes)
    assert row.what == "row changed — Add the figures"
    assert ("rating", 3, None) in row.changes
    event = next(e for e in trail if e.what.startswith("initiative.returned"))
    assert "Add the figures" in event.what


def test_trail_holds_only_the_objects_own_events(world):
    alpha, bravo = world.initiatives["alpha"], world.initiatives["bravo"]
    own = AuditEvent.objects.filter(target_id=str(alpha.pk), verb__startswith="initiative.")
    others = AuditEvent.objects.filter(target_id=str(bravo.pk), verb__startswith="initiative.")
    assert own.count() == others.count() == 5  # created, approved, results, proposed, confirmed
    events = [e for e in trail_for(alpha) if not e.what.startswith("row ")]
    assert len(events) == own.count()
    assert all("bravo" not in str(c) for e in trail_for(alpha) for c in e.changes)


def test_cli_writes_are_named_in_the_events(world):
    cli = SystemActor("cli:ops")
    initiative = world.initiatives["alpha-div"]
    services.approve_plan(actor=cli, initiative=initiative)
    trail = trail_for(Initiative.objects.get(pk=initiative.pk))
    event = next(e for e in trail if e.what.startswith("initiative.plan_approved"))
    assert event.who == "cli:ops"
    latest = AuditEvent.objects.filter(verb="initiative.plan_approved").first()
    assert (latest.target_id, latest.actor_label) == (str(initiative.pk), "cli:ops")


def test_cli_writes_are_named_in_the_row_changes(world):
    cli = SystemActor("cli:ops")
    initiative = world.initiatives["alpha-div"]
    services.approve_plan(actor=cli, initiative=initiative)
    trail = trail_for(Initiative.objects.get(pk=initiative.pk))
    change = next(e for e in trail if ("status", "draft", "approved") in e.changes)
    assert change.who == "cli:ops"
