"""Cleared namesakes remembered in export control (screening/namesakes.py, decision 0019): a
party whose sanctions-list hit the officer cleared on a transaction does not alert on that
entry again in the company's next transactions — until the party or the entry changes; never
for another company; a strong hit's clearing counts once approved; a block reverses it; the
re-screen job after a list update honours it. Real loads of a company watch list, screened by
the real screening service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tatara.core.models import Job, JobStatus
from tatara.core.permissions import SystemActor
from tatara.export_control import rescreen, services
from tatara.export_control.models import Party, Transaction
from tatara.organisation.roles import Role
from tatara.screening import name_screening
from tatara.screening.models import ClearedMatch
from tatara.screening.services import load_list

HEADER = "id,name,aliases,country,date_of_birth,identifier,note,kind\n"
VOLKOV = "W-1,Volkov Industrial Group,,RU,,,,entity"
NEAR = "Volkov Industrial Groupe"  # near the entry: a review hit, not a strong one
METI = "No.,Country or Region,Company or Organization,Also Known As,Type of WMD\n"


@pytest.fixture
def watch(db: None, tmp_path: Path) -> Any:
    def load(*rows: str, source: str = "custom", header: str = HEADER) -> Any:
        path = tmp_path / f"list-{len(list(tmp_path.glob('list-*')))}.csv"
        path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
        version = load_list(actor=SystemActor("test"), source=source, path=path)
        name_screening.clear_cache()
        return version

    load(VOLKOV)
    yield load
    name_screening.clear_cache()


@pytest.fixture
def shop(world: Any, officers: Any, make_user: Any, grant: Any) -> Any:
    """Make a transaction to the US (Group A, an unlisted item: nothing but the parties
    counts) with one customer."""
    group_officer = make_user(username="eco_g")
    grant(group_officer, Role.EXPORT_CONTROL_OFFICER, world.units["grp"])
    officers["eco_g"] = group_officer
    items: dict[str, Any] = {}

    def make(party: Party, unit: str = "alpha", officer: str = "eco") -> Transaction:
        actor = officers[officer]
        if unit not in items:
            items[unit] = services.create_item(
                actor=actor,
                org_unit=world.units[unit],
                code=f"P-{unit}",
                name="Pump",
                catch_all_applicable=False,
            )
        return services.create_transaction(
            actor=actor,
            org_unit=world.units[unit],
            reference=f"T-{Transaction.objects.count() + 1}",
            date=dt.date(2026, 5, 10),
            destination="US",
            lines=[(items[unit], 1)],
            parties=[(party, "customer")],
        )

    return make


def party_of(
    officers: Any, world: Any, unit: str = "alpha", name: str = NEAR, **fields: Any
) -> Party:
    officer = {"alpha": "eco", "bravo": "eco_b", "grp": "eco_g"}[unit]
    return services.create_party(
        actor=officers[officer], org_unit=world.units[unit], name=name, country="DE", **fields
    )


def codes(transaction: Transaction) -> list[str]:
    run = services.latest_run(transaction)
    assert run is not None
    return [r["code"] for r in run.reasons]


def clear(officer: Any, transaction: Transaction, reason: str = "Our German distributor") -> Any:
    return services.decide(
        actor=officer, transaction=transaction, decision_kind="clear", reason=reason
    )


def fresh(transaction: Transaction) -> Transaction:
    return Transaction.objects.get(pk=transaction.pk)


def api_for(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_a_cleared_party_hit_does_not_alert_on_the_companys_next_transaction(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    party = party_of(officers, world)
    first = shop(party)
    assert first.status == "screened" and codes(first) == ["party-hit"]
    decision = clear(officers["eco"], first)
    clearing = ClearedMatch.objects.get()
    assert clearing.subject == f"party:{party.pk}:" + clearing.subject.rsplit(":", 1)[1]
    assert (clearing.company, clearing.org_unit) == (world.units["alpha"], world.units["alpha"])
    assert clearing.decision == decision and clearing.list_entry_id == "W-1"
    stored = Party.objects.get(pk=party.pk)  # the party's own screening knows it too
    assert stored.screening_outcome == "clear"
    assert stored.screening_hits[0]["cleared_before"] == clearing.pk

    second = shop(party)
    assert second.status == "cleared"  # no decision needed
    run = services.latest_run(second)
    assert run.outcome == "clear" and codes(second) == ["party-cleared-before"]
    info = run.reasons[0]
    assert info["severity"] == "info" and info["hits"][0]["cleared_before"] == clearing.pk
    # a division of the company uses the company's party: the same memory
    assert shop(party, unit="alpha-div").status == "cleared"


def test_the_transaction_page_marks_the_hit_and_links_the_decision(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    party = party_of(officers, world)
    first = shop(party)
    decision = clear(officers["eco"], first, reason="German distributor since 2009")
    second = shop(party)
    client = Client()
    client.force_login(officers["eco"])
    html = client.get(f"/export-control/transactions/{second.pk}/").content.decode()
    assert 'data-testid="cleared-before"' in html and "German distributor since 2009" in html
    assert f'href="{decision.get_absolute_url()}"' in html
    assert f"/export-control/transactions/{first.pk}/#decision-{decision.pk}" == (
        decision.get_absolute_url()
    )
    target = client.get(f"/export-control/transactions/{first.pk}/").content.decode()
    assert f'id="decision-{decision.pk}"' in target
    party_page = client.get(f"/export-control/parties/{party.pk}/").content.decode()
    assert 'data-testid="cleared-before"' in party_page


def test_another_company_still_alerts_also_on_a_group_party(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    clear(officers["eco"], shop(party_of(officers, world)))
    assert shop(party_of(officers, world, "bravo"), unit="bravo", officer="eco_b").status == (
        "screened"
    )
    # a group-level party (the group's customer master) used by both companies
    shared = party_of(officers, world, "grp", code="G-1")
    clear(officers["eco"], shop(shared))
    assert shop(shared).status == "cleared"
    assert shop(shared, unit="bravo", officer="eco_b").status == "screened"
    assert Party.objects.get(pk=shared.pk).screening_outcome == "review"  # the group's view


@pytest.mark.parametrize(
    "change",
    [
        {"aliases": ["Volkov IG"]},
        {"date_of_birth": "2001"},
        {"country": "FR"},
        {"name": NEAR + " AG"},
    ],
    ids=["alias", "date of birth", "country", "renamed"],
)
def test_a_changed_party_alerts_again(
    watch: Any, world: Any, officers: Any, shop: Any, change: dict[str, Any]
) -> None:
    party = party_of(officers, world)
    clear(officers["eco"], shop(party))
    open_one = shop(party)
    assert open_one.status == "cleared"
    services.update_party(actor=officers["eco"], party=party, **change)
    assert fresh(open_one).status == "screened" and codes(open_one) == ["party-hit"]
    assert Party.objects.get(pk=party.pk).screening_outcome == "review"


def test_a_strong_hit_is_remembered_once_the_override_is_approved(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    party = party_of(officers, world, name="Volkov Industrial Group")  # the listed name
    first = shop(party)
    assert codes(first) == ["party-strong-hit"]
    decision = clear(officers["eco"], first)
    assert decision.needs_second_approval and not ClearedMatch.objects.exists()
    assert shop(party).status == "screened"  # not yet
    services.approve_override(actor=world.users["group_risk_officer"], decision=decision)
    assert ClearedMatch.objects.get().approved_by_label == "group_risk_officer"
    assert shop(party).status == "cleared"


def test_a_block_reverses_the_clearing(watch: Any, world: Any, officers: Any, shop: Any) -> None:
    party = party_of(officers, world)
    clear(officers["eco"], shop(party))
    second = shop(party)
    services.decide(
        actor=officers["eco"], transaction=second, decision_kind="block", reason="Same address"
    )
    clearing = ClearedMatch.objects.get()
    assert not clearing.in_force and "Blocked" in clearing.revoked_reason
    assert shop(party).status == "screened"
    assert Party.objects.get(pk=party.pk).screening_outcome == "review"


def test_a_block_on_the_same_run_reverses_the_clear_made_on_it(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    party = party_of(officers, world)
    first = shop(party)
    clear(officers["eco"], first)
    services.decide(actor=officers["eco2"], transaction=first, decision_kind="block", reason="No")
    assert not ClearedMatch.objects.get().in_force
    assert shop(party).status == "screened"


def test_end_user_list_hits_are_not_remembered(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    watch("3,Iran,Kalaye Electric Company,Kala-Electric,N", source="meti-eul", header=METI)
    party = party_of(officers, world, name="Kalaye Electric Company")
    first = shop(party)
    assert "party-end-user-list" in codes(first)
    clear(officers["eco"], first, reason="Weapons use clearly excluded")
    assert not ClearedMatch.objects.exists()
    assert shop(party).status == "screened"


def _load_through_the_job(watch: Any, capture: Any, *rows: str) -> Job:
    with capture(execute=True):
        watch(*rows)
    return Job.objects.filter(kind=rescreen.JOB_KIND).order_by("-pk").first()


def test_the_rescreen_job_keeps_the_memory_for_an_unchanged_identity(
    watch: Any, world: Any, officers: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    party = party_of(officers, world)
    clear(officers["eco"], shop(party))
    open_one = shop(party)
    runs = open_one.runs.count()
    # the entry's kind dropped: "changed" in the diff, not who the entry is
    job = _load_through_the_job(watch, django_capture_on_commit_callbacks, VOLKOV[: -len("entity")])
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["counts"]["affected"] == 0
    assert fresh(open_one).status == "cleared" and open_one.runs.count() == runs


def test_the_rescreen_job_alerts_again_when_the_entry_changes(
    watch: Any, world: Any, officers: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    party = party_of(officers, world)
    clear(officers["eco"], shop(party))
    open_one = shop(party)
    bravo = shop(party_of(officers, world, "bravo"), unit="bravo", officer="eco_b")
    job = _load_through_the_job(
        watch, django_capture_on_commit_callbacks, VOLKOV.replace(",,RU", ",Volkov IG,RU")
    )
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["counts"]["affected"] == 2
    assert fresh(open_one).status == "screened"
    assert codes(open_one) == ["party-hit", "party-list-update"]
    assert codes(bravo) == ["party-hit", "party-list-update"]


def test_the_rescreen_job_gives_no_review_reason_where_the_company_cleared_it(
    watch: Any, world: Any, officers: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A group party used by Alpha (which cleared it) and Bravo (which did not): a list update
    that touches the entry without changing it sends only Bravo's transaction to review."""
    shared = party_of(officers, world, "grp", code="G-1")
    clear(officers["eco"], shop(shared))
    alpha_open, bravo_open = shop(shared), shop(shared, unit="bravo", officer="eco_b")
    assert (alpha_open.status, bravo_open.status) == ("cleared", "screened")
    _load_through_the_job(watch, django_capture_on_commit_callbacks, VOLKOV[: -len("entity")])
    assert fresh(alpha_open).status == "cleared"
    assert "party-list-update" not in codes(alpha_open)
    assert codes(bravo_open) == ["party-hit", "party-list-update"]


def test_the_api_shows_the_mark_within_scope(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    party = party_of(officers, world)
    decision = clear(officers["eco"], shop(party), reason="Distributor ~alpha:reason~")
    clearing = ClearedMatch.objects.get()
    second = shop(party)
    officer = api_for(officers["eco"])
    found = officer.get(f"/api/v1/export-control/transactions/{second.pk}/").json()
    info = found["latest_run"]["reasons"][0]
    assert info["code"] == "party-cleared-before" and info["severity"] == "info"
    mark = info["hits"][0]["cleared_before"]
    assert mark["visible"] and mark["id"] == clearing.pk
    assert (
        mark["decision_url"] == decision.get_absolute_url() and mark["decided_in"] == "transaction"
    )
    assert "was cleared before" in info["message"]
    runs = officer.get(f"/api/v1/export-control/transactions/{second.pk}/runs/").json()
    assert runs[0]["reasons"][0]["hits"][0]["cleared_before"]["id"] == clearing.pk
    hits = officer.get(f"/api/v1/export-control/parties/{party.pk}/").json()["screening_hits"]
    assert hits[0]["cleared_before"]["id"] == clearing.pk
    listed = officer.get(f"/api/v1/screening/clearings/?party={party.pk}").json()["results"]
    assert [c["id"] for c in listed] == [clearing.pk]

    outsider = api_for(officers["eco_b"])
    assert outsider.get(f"/api/v1/export-control/transactions/{second.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/screening/clearings/{clearing.pk}/").status_code == 404
    assert "~alpha:reason~" not in outsider.get("/api/v1/screening/clearings/").content.decode()
    viewer = api_for(world.users["company_risk_officer"])  # views Alpha, decides nothing
    assert viewer.get(f"/api/v1/screening/clearings/{clearing.pk}/").status_code == 200


def test_blocking_a_party_in_the_master_reverses_its_clearings(
    watch: Any, world: Any, officers: Any, shop: Any
) -> None:
    """A block says the party is the listed one: its clearings stop silencing its hits, also
    once the block is lifted."""
    party = party_of(officers, world)
    clear(officers["eco"], shop(party))
    assert shop(party).status == "cleared"  # silenced by the clearing
    services.block_party(actor=officers["eco"], party=party, reason="It is the listed one")
    clearing = ClearedMatch.objects.get()
    assert clearing.revoked_at is not None
    assert Party.objects.get(pk=party.pk).screening_outcome != "clear"
    assert shop(party).status == "blocked"
