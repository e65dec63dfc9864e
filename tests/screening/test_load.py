"""Loading lists into versions: the SDN list twice (2024-01-08, then 2024-05-03), the
diff, the superseded version kept, the audit event, the hook, the gate, active_names()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from screening.lists_data import SDN_2024_01, SDN_2024_05, UN_XML
from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.screening import selectors, services, signals
from tatara.screening.models import EntryName, ListEntry, ListVersion, ScreeningList

SYSTEM = SystemActor("test")


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Any:
    """SDN 2024-01-08, then SDN 2024-05-03, then UN: loaded once for the module, rolled back
    at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = services.load_list(actor=SYSTEM, source="ofac-sdn", path=SDN_2024_01 / "sdn.csv")
        second = services.load_list(
            actor=SYSTEM,
            source="ofac-sdn",
            path=SDN_2024_05,
            published=__import__("datetime").date(2024, 5, 3),
        )
        un = services.load_list(actor=SYSTEM, source="un", path=UN_XML)
        yield {"first": first, "second": second, "un": un}
        transaction.set_rollback(True)


def test_first_load(loaded: Any, db: None) -> None:
    first = ListVersion.objects.get(pk=loaded["first"].pk)
    assert first.entry_count == 13_821
    assert first.name_count == ListEntry.objects.filter(version=first).count() + 17_088 + sum(
        1 for n in EntryName.objects.filter(entry__version=first, quality="weak")
    )
    assert EntryName.objects.filter(entry__version=first).count() == first.name_count
    assert (first.added_count, first.removed_count, first.changed_count) == (13_821, 0, 0)
    assert [f["name"] for f in first.files] == ["sdn.csv", "alt.csv", "add.csv"]
    assert first.published is None


def test_reload_reports_the_diff_and_keeps_the_old_version(loaded: Any, db: None) -> None:
    first = ListVersion.objects.get(pk=loaded["first"].pk)
    second = ListVersion.objects.get(pk=loaded["second"].pk)
    assert first.status == "superseded" and second.status == "active"
    assert ScreeningList.objects.get(source="ofac-sdn").active_version == second
    assert first.entries.count() == 13_821  # still stored
    old = set(first.entries.values_list("entry_id", flat=True))
    new = set(second.entries.values_list("entry_id", flat=True))
    assert second.added_count == len(new - old) == 1_256
    assert second.removed_count == len(old - new) == 112
    diff = second.changes
    assert set(diff.added) == new - old and set(diff.removed) == old - new
    assert diff.previous_version_id == first.pk
    # 2024-05-03 comes without alt.csv/add.csv: entries that had aliases or addresses changed
    assert "306" in diff.changed
    assert second.published.isoformat() == "2024-05-03"
    event = AuditEvent.objects.filter(verb="screening.list_loaded", target_id=str(second.pk)).get()
    assert event.data["added"] == 1_256 and event.data["removed"] == 112
    assert event.data["entries"] == 14_965 and event.actor_label == "test"


def test_active_names(loaded: Any, db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        names = selectors.active_names()
    assert len(queries) <= 2
    second, un = loaded["second"], loaded["un"]
    assert len(names) == second.name_count + un.name_count
    assert {n.source for n in names} == {"ofac-sdn", "un"}
    saddam = [n for n in names if n.entry_id == "IQi.001"]
    assert saddam[0].is_primary and saddam[0].name == "SADDAM HUSSEIN AL-TIKRITI"
    assert ("صدام حسين التكريتي", "strong", "arabic") in {
        (n.name, n.quality, n.script) for n in saddam
    }
    assert saddam[0].birth_dates == ("1937-04-28",) and saddam[0].kind == "person"
    assert saddam[0].countries[0] == "Iraq" and saddam[0].programmes == ("Iraq",)


def test_lists_selector(loaded: Any, db: None) -> None:
    rows = list(selectors.lists(viewer=SYSTEM))
    assert [(r.source, r.active_version.entry_count) for r in rows] == [
        ("ofac-sdn", 14_965),
        ("un", 1_003),
    ]


# --- small lists: the gate and the hook ------------------------------------------------------


def test_only_group_wide_managers_load(world: Any, custom_csv: Path) -> None:
    for key in ("group_risk_officer", "company_risk_officer", "auditor", "employee"):
        with pytest.raises(PermissionDenied):
            services.load_list(actor=world.users[key], source="custom", path=custom_csv)
    assert not ListVersion.objects.filter(screening_list__source="custom").exists()
    version = services.load_list(actor=world.users["csr_admin"], source="custom", path=custom_csv)
    assert version.loaded_by == world.users["csr_admin"]


def test_manage_below_the_root_is_not_enough(
    world: Any, custom_csv: Path, grant: Any, make_user: Any
) -> None:
    from tatara.organisation.roles import Role

    admin_of_alpha = make_user(username="alpha_admin")
    grant(admin_of_alpha, Role.CSR_ADMIN, world.units["alpha"])
    with pytest.raises(PermissionDenied):
        services.load_list(actor=admin_of_alpha, source="custom", path=custom_csv)


def test_hook_runs_after_commit_with_the_diff(
    db: None, custom_csv: Path, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[tuple[int, signals.ListDiff]] = []

    def receiver(version: ListVersion, diff: signals.ListDiff) -> None:
        seen.append((version.pk, diff))

    def broken(version: ListVersion, diff: signals.ListDiff) -> None:
        raise RuntimeError("a receiver's bug")

    signals.on_list_changed(broken)
    signals.on_list_changed(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = services.load_list(actor=SYSTEM, source="custom", path=custom_csv)
        changed = tmp_path / "watch.csv"
        changed.write_text(
            "id,name,aliases,country\nW-1,Hans Muster,Hans M. Muster,DE\nW-3,New Party,,\n"
        )
        with django_capture_on_commit_callbacks(execute=True):
            second = services.load_list(actor=SYSTEM, source="custom", path=changed)
    finally:
        signals.disconnect(broken)
        signals.disconnect(receiver)
    assert [pk for pk, _diff in seen] == [first.pk, second.pk]
    diff = seen[1][1]
    assert (diff.added, diff.removed, diff.changed) == (("W-3",), ("W-2",), ("W-1",))
    assert diff.affected == ("W-3", "W-2", "W-1")
