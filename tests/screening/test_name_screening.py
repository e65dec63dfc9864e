"""The screening service: the index of the active versions (from the database, cached and
rebuilt after a load), screen_name() on the real UN list, and re-screening after an update."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tatara.core.permissions import SystemActor
from tatara.screening import name_screening, services
from tatara.screening.matching import MatchIndex, MatchRecord
from tatara.screening.name_screening import ListChange, PartyQuery
from tatara.screening.signals import ListDiff

SYSTEM = SystemActor("test")


def test_a_known_un_name_with_a_typo_is_a_strong_hit(un: Any, db: None) -> None:
    result = name_screening.screen_name("Germain Katnga", country="CD", birth_date="1978-04-28")
    assert result.outcome == "strong"
    best = result.best
    assert best is not None
    assert (best.source, best.list_entry_id) == ("un", "CDi.006")
    assert best.matched_name == "GERMAIN KATANGA"
    assert best.entry_pk is not None and best.level == "strong"
    assert best.list_name and best.programmes == ("DRC",)
    assert any("birth" in r for r in best.reasons)
    assert result.list_versions == (un.pk,)
    assert result.to_json()["hits"][0]["list_entry_id"] == "CDi.006"


def test_a_hit_view_carries_its_name_group() -> None:
    names = ["AL-AQSA FOUNDATION", "AL-AQSA FOUNDATION", "AL-AQSA CHARITABLE FOUNDATION"]
    index = MatchIndex.build(
        MatchRecord(f"k{i}", "un", f"QDe.{i}", ((name, "strong"),), "entity")
        for i, name in enumerate(names)
    )
    views = [name_screening.hit_view(h, {"un": "UN"}) for h in index.screen("Al-Aqsa Foundation")]
    assert [v.group for v in views] == [0, 0, 1]
    assert views[2].to_json()["group"] == 1


def test_a_clean_name_is_clear(un: Any, db: None) -> None:
    result = name_screening.screen_name("Hanako Yamamoto", country="JP", kind="person")
    assert result.outcome == "clear"
    assert not result.alerts
    assert result.list_versions == (un.pk,)


def test_the_index_is_cached_and_checked_with_one_query(un: Any, db: None) -> None:
    first = name_screening.active_index()
    with CaptureQueriesContext(connection) as queries:
        again = name_screening.active_index()
    assert again is first
    assert len(queries) == 1
    assert len(first) >= 4_000  # UN names (distinct per entry)


def test_the_cache_is_safe_with_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several threads asking at once: one builds, the others wait and get the same index.
    (No database: the key and the build are stubbed; threads would not see this test's
    uncommitted rows anyway.)"""
    calls = 0
    gate = threading.Event()

    def build() -> name_screening.ActiveIndex:
        nonlocal calls
        calls += 1
        gate.wait(1.0)  # keep the lock a while so the other threads queue behind it
        return name_screening.ActiveIndex(
            key=((1, "x"),), index=MatchIndex.build([]), list_names={}
        )

    monkeypatch.setattr(name_screening, "_build", build)
    monkeypatch.setattr(name_screening, "_active_key", lambda: ((1, "x"),))
    name_screening.clear_cache()
    got: list[MatchIndex] = []
    threads = [
        threading.Thread(target=lambda: got.append(name_screening.active_index())) for _ in range(6)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    name_screening.clear_cache()
    assert calls == 1
    assert len(got) == 6 and len({id(i) for i in got}) == 1


def test_the_cache_is_rebuilt_after_a_new_version(un: Any, db: None, custom_csv: Path) -> None:
    before = name_screening.active()
    assert not name_screening.screen_name("Viktor Watchlisted").hits
    version = services.load_list(actor=SYSTEM, source="custom", path=custom_csv)
    after = name_screening.active()
    assert after is not before
    assert set(after.version_ids) == {un.pk, version.pk}
    assert len(after.index) > len(before.index)


def _record(entry_id: str, *names: str, country: str = "", dates: tuple[str, ...] = ()) -> Any:
    return MatchRecord(
        key=f"x:{entry_id}",
        list_code="ofac-sdn",
        entry_id=entry_id,
        names=tuple((n, "strong") for n in names),
        kind="person",
        countries=(country,) if country else (),
        birth_dates=dates,
    )


def test_rescreen_against_change_uses_only_the_diff() -> None:
    old = {
        "2": _record("2", "Ivan Petrovich Sidorov", "Vanya Sidorov"),
        "3": _record("3", "Olga Smirnova", country="RU"),
    }
    new = {
        "1": _record("1", "Mohammed Al Rashid"),
        "2": _record("2", "Ivan Petrovich Sidorov"),  # lost an alias: shrunk
        "3": _record("3", "Olga Smirnova", "Olga Smirnowa", country="RU"),  # grew
    }
    diff = ListDiff(added=("1",), removed=("9",), changed=("2", "3"))
    change = ListChange(
        source="ofac-sdn", version_id=7, diff=diff, new_records=new, old_records=old
    )
    grown, shrunk = change.split()
    assert [r.entry_id for r in grown] == ["1", "3"]
    assert [r.entry_id for r in shrunk] == ["2"]
    parties = [
        PartyQuery.of("a", "Muhammad Alrashid"),
        PartyQuery.of("b", "Olga Smirnowa"),
        PartyQuery.of("c", "Vanya Sidorov", hits=[("ofac-sdn", "2"), ("ofac-sdn", "9")]),
        PartyQuery.of("d", "Hanako Yamamoto", hits=[("un", "QDi.001")]),
    ]
    outcome = name_screening.rescreen_against_change(change, parties)
    assert set(outcome.hits) == {"a", "b"}
    assert outcome.hits["a"].best.list_entry_id == "1"  # type: ignore[union-attr]
    assert outcome.hits["a"].list_versions == (7,)
    assert outcome.removed == {"c": (("ofac-sdn", "9"),)}
    assert outcome.dropped == {"c": (("ofac-sdn", "2"),)}
    assert outcome.parties == 4


def test_rescreen_callbacks_receive_the_change(un: Any, db: None, custom_csv: Path) -> None:
    received: list[ListChange] = []
    name_screening.register_rescreen(received.append)
    try:
        with transaction.atomic():
            version = services.load_list(actor=SYSTEM, source="custom", path=custom_csv)
            assert not received  # after the commit only
        # the module's transaction is still open: run the commit hooks by hand
        for _sid, hook, _robust in connection.run_on_commit[:]:
            hook()
    finally:
        name_screening.unregister_rescreen(received.append)
    assert received, "callback not called"
    change = received[-1]
    assert change.source == "custom" and change.version_id == version.pk
    assert set(change.diff.added) == set(version.changes.added)
    assert set(change.new_records) == set(version.changes.added)
    hits = name_screening.rescreen_against_change(
        change, [PartyQuery.of(1, change.new_records[next(iter(change.new_records))].names[0][0])]
    )
    assert 1 in hits.hits
