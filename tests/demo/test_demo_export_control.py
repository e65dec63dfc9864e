"""The demo's export-control data: the real UN list loaded, FY2019's 40 transactions with the
outcomes the engine gives them (32 clear, 5 review, 1 licence required, 2 blocked), a real UN
list hit, the decisions (three licences — two general bulk licences to Group A, one individual
licence to China —, one block, one override waiting for the second approval), the party of
the batch review's confirmed alert blocked in the party master, and no major violation in
FY2019."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import transaction

from tatara.demo.builder import build_demo
from tatara.export_control import services
from tatara.export_control.demo_data import BULK_LICENCE_NUMBER, LICENCE_NUMBER
from tatara.export_control.models import Decision, Party, PartyBlock, Transaction
from tatara.screening.models import ListVersion


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo, built once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_demo(carry_forward=False)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def fy2019(demo: Any, db: None) -> list[Transaction]:
    return list(Transaction.objects.order_by("reference"))


def test_outcomes_and_statuses(fy2019: list[Transaction]) -> None:
    assert len(fy2019) == 40
    outcomes = Counter(services.latest_run(t).outcome for t in fy2019)  # type: ignore[union-attr]
    assert outcomes == {"clear": 32, "review": 5, "licence_required": 1, "blocked": 2}
    statuses = Counter(t.status for t in fy2019)
    assert statuses == {"cleared": 32, "licensed": 3, "screened": 4, "blocked": 1}


def test_a_real_un_list_hit(demo: Any, db: None) -> None:
    assert ListVersion.objects.filter(screening_list__source="un").exists()
    party = Party.objects.get(name="Green Pine Associated Corporation")
    assert party.screening_outcome == "strong"
    hit = party.screening_hits[0]
    assert (hit["list_source"], hit["list_entry_id"]) == ("un", "KPe.010")
    misspelt = Party.objects.get(name="Namchongang Tradng Corp.")
    assert misspelt.screening_outcome == "review"
    assert misspelt.screening_hits[0]["list_entry_id"] == "KPe.004"
    blocked = Transaction.objects.get(status="blocked")
    reasons = services.latest_run(blocked).reasons  # type: ignore[union-attr]
    assert any(r["code"] == "party-strong-hit" for r in reasons)


def test_decisions(demo: Any, db: None) -> None:
    kinds = Counter(Decision.objects.values_list("decision_kind", flat=True))
    assert kinds == {"clear": 1, "licence": 3, "block": 1}
    numbers = Counter(
        Decision.objects.filter(decision_kind="licence").values_list("licence_number", flat=True)
    )
    assert numbers == {LICENCE_NUMBER: 1, BULK_LICENCE_NUMBER: 2}
    pending = [d for d in Decision.objects.all() if d.is_pending_approval]
    assert len(pending) == 1 and pending[0].transaction.status == "screened"
    assert pending[0].approval_grounds == ["override-block"]


def test_the_confirmed_alert_blocked_its_party(demo: Any, db: None) -> None:
    block = PartyBlock.objects.select_related("party", "alert").get()
    assert block.party.name == "Hong Kong Electronics" and block.alert.status == "confirmed"
    assert block.party.org_unit.code == "hm"


def test_no_major_violations_in_fy2019(demo: Any, db: None) -> None:
    assert services.major_violations(2019) == 0
    assert Transaction.objects.exclude(shipped_on=None).count() == 35


def test_the_batch_screening_under_review(demo: Any, db: None) -> None:
    from tatara.screening.demo_data import FILE_NAME
    from tatara.screening.models import BatchScreening

    batch = BatchScreening.objects.get(file_name=FILE_NAME)
    assert batch.counts == {
        "rows": 20,
        "clear": 15,
        "review": 2,
        "strong": 3,
        "hits": 7,  # "Abdul Rahman": QDi.418 and two other listed Abdul Rahmans (TAi.114, QDi.433)
        "cleared_before": 0,
    }
    status = {a.name: a.status for a in batch.alerts.all()}
    assert status == {
        "Mohammed Ali": "cleared",
        "Abdul Rahman": "awaiting_approval",  # a strong hit cleared: risk approves
        "Hong Kong Electronics": "confirmed",
        "Tangun Trading Corp.": "pending",
        "Namchongang Trading": "pending",
    }
    best = {a.name: a.hits[0]["list_entry_id"] for a in batch.alerts.all()}
    assert best["Hong Kong Electronics"] == "KPe.005" and best["Namchongang Trading"] == "KPe.004"
