"""Cleared namesakes remembered in batch screening (screening/namesakes.py, decision 0019): a
name cleared as "not a match" in a company's batch does not alert again in the company's next
batch until the name (its country, date of birth) or the list entry (names, dates,
identifiers) changes; never for another company; a confirmed match reverses it. The lists are
real loads of a company watch list (screening.services.load_list), screened by the real
service through the batch job."""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from tatara.core.jobs import execute
from tatara.core.models import AuditEvent, Job
from tatara.core.permissions import SystemActor
from tatara.organisation.roles import Role
from tatara.screening import batch, name_screening, namesakes
from tatara.screening import batch_review as review
from tatara.screening.models import BatchScreening, ClearedMatch, ListEntry
from tatara.screening.services import load_list

HEADER = "id,name,aliases,country,date_of_birth,identifier,note,kind\n"
VOLKOV = "W-1,Volkov Industrial Group,,RU,,,,entity"
SIDOROV = "W-2,Ivan Petrovich Sidorov,,RU,1970-03-02,P-1234567,,person"
# "Volkov Industrial Groupe" (DE) and "Iwan Petrowitsch Sidorow" are near the entries: review, not strong
# (the German spelling; "Ivan Sidorov" is strong: given and family name exact, only the
# patronymic left out)
NAMES = "name,country,date_of_birth\nVolkov Industrial Groupe,DE,\nIwan Petrowitsch Sidorow,,\nHarbour Logistics,JP,\n"


@pytest.fixture
def watch(db: None, tmp_path: Path) -> Any:
    """Load (another version of) the watch list with these rows."""

    def load(*rows: str) -> Any:
        path = tmp_path / f"watch-{len(list(tmp_path.glob('watch-*')))}.csv"
        path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
        version = load_list(actor=SystemActor("test"), source="custom", path=path)
        name_screening.clear_cache()
        return version

    load(VOLKOV, SIDOROV)
    yield load
    name_screening.clear_cache()


@pytest.fixture
def eco(world: Any, make_user: Any, grant: Any) -> dict[str, Any]:
    """Export-control officers of Alpha Co, Bravo Co and the group."""
    users = {}
    for key, unit in (("eco", "alpha"), ("eco_b", "bravo"), ("eco_g", "grp")):
        users[key] = make_user(username=key)
        grant(users[key], Role.EXPORT_CONTROL_OFFICER, world.units[unit])
    return users


def screened(world: Any, user: Any, unit: str = "alpha", text: str = NAMES) -> BatchScreening:
    upload = SimpleUploadedFile("customers.csv", text.encode(), content_type="text/csv")
    job = batch.start_batch(actor=user, upload=upload, org_unit=world.units[unit])
    assert execute(job.pk) == "succeeded", Job.objects.get(pk=job.pk).result
    return BatchScreening.objects.get(job=job)


def by_name(found: BatchScreening) -> dict[str, Any]:
    return {a.name: a for a in found.alerts.all()}


def clear(officer: Any, alert: Any, reason: str = "Our distributor, not the listed party") -> Any:
    return review.decide_alert(actor=officer, alert=alert, decision="clear", reason=reason)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


# --- fingerprints ------------------------------------------------------------------------------


def test_an_entry_keeps_its_identity_across_versions_until_who_it_is_changes(watch: Any) -> None:
    first = ListEntry.objects.get(version__status="active", entry_id="W-2").identity
    watch(VOLKOV, SIDOROV)  # the same file again
    assert ListEntry.objects.get(version__status="active", entry_id="W-2").identity == first
    watch(VOLKOV, SIDOROV.replace("person", ""))  # kind and notes are not who the entry is
    assert ListEntry.objects.get(version__status="active", entry_id="W-2").identity == first
    for changed in (
        SIDOROV.replace(",,RU", ",Vanya Sidorov,RU"),  # a new alias
        SIDOROV.replace("1970-03-02", "1971-03-02"),  # another date of birth
        SIDOROV.replace("P-1234567", "P-7654321"),  # another passport number
        SIDOROV.replace(",RU,", ",BY,"),  # another country
    ):
        watch(VOLKOV, changed)
        assert ListEntry.objects.get(version__status="active", entry_id="W-2").identity != first


def test_the_migration_fills_the_identity_of_entries_stored_before(watch: Any) -> None:
    from django.apps import apps

    migration = importlib.import_module("tatara.screening.migrations.0003_cleared_namesakes")
    entry = ListEntry.objects.get(version__status="active", entry_id="W-2")
    ListEntry.objects.update(identity="")
    migration.fill_identities(apps, None)
    assert ListEntry.objects.get(pk=entry.pk).identity == entry.identity != ""


def test_a_party_fingerprint_folds_case_and_spacing_only() -> None:
    def key(name: str, country: str, birth: str | None = None) -> str:
        return namesakes.Subject.of_name(name, country=country, birth_date=birth).key

    one = key("Volkov  Industrial Groupe", "DE")
    assert (
        one == key("volkov industrial groupe", "de") == key("ＶＯＬＫＯＶ Industrial Groupe", "DE")
    )
    assert one != key("Volkov Industrial Groupe", "FR")
    assert one != key("Volkov Industrial Groupe", "DE", "1980")
    assert one != key("Volkov Industrial Groupe.", "DE")  # punctuation is kept
    assert one.startswith("name:") and len(one) == len("name:") + 40


# --- batches -----------------------------------------------------------------------------------


def test_a_cleared_name_does_not_alert_again_in_the_companys_next_batch(
    watch: Any, world: Any, eco: Any
) -> None:
    first = screened(world, eco["eco"])
    assert first.counts["review"] == 2 and first.counts["cleared_before"] == 0
    alert = by_name(first)["Volkov Industrial Groupe"]
    assert alert.status == "pending" and alert.hits[0]["entry_identity"]
    clear(eco["eco"], alert)
    clearing = ClearedMatch.objects.get()
    assert (clearing.company, clearing.org_unit) == (world.units["alpha"], world.units["alpha"])
    assert (clearing.subject_kind, clearing.source, clearing.list_entry_id) == (
        "name",
        "custom",
        "W-1",
    )
    assert clearing.decision == alert and clearing.in_force
    assert AuditEvent.objects.filter(verb="screening.namesake_cleared").count() == 1

    second = screened(world, eco["eco"])  # the same file a month later
    again = by_name(second)
    kept = again["Volkov Industrial Groupe"]
    assert kept.status == "cleared_before" and kept.outcome == "clear"
    assert kept.hits[0]["cleared_before"] == clearing.pk  # listed, marked, not counted
    assert again["Iwan Petrowitsch Sidorow"].status == "pending"  # never cleared: alerts as before
    counts = second.counts
    assert (counts["review"], counts["clear"], counts["cleared_before"]) == (1, 2, 1)
    assert "1 of them cleared before" in second.job.result["summary"]
    batches = review.batches(viewer=eco["eco"]).get(pk=second.pk)
    assert (batches.open_alerts, batches.cleared_before) == (1, 1)
    # a division of the same company: the company's memory applies there too
    division = screened(world, eco["eco"], "alpha-div")
    assert by_name(division)["Volkov Industrial Groupe"].status == "cleared_before"


def test_the_page_shows_cleared_before_with_a_link_to_the_decision(
    watch: Any, world: Any, eco: Any
) -> None:
    first = screened(world, eco["eco"])
    alert = by_name(first)["Volkov Industrial Groupe"]
    clear(eco["eco"], alert, reason="German distributor since 2009")
    second = screened(world, eco["eco"])
    page = client_for(eco["eco"]).get(f"/screening/batch/{second.pk}/?status=cleared_before")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="cleared-before"' in html
    assert f'href="{alert.get_absolute_url()}"' in html and "German distributor since 2009" in html
    assert "Confirm the match after all" in html  # the only decision left
    # the link leads to the clearing decision
    target = client_for(eco["eco"]).get(alert.get_absolute_url())
    assert target.status_code == 200 and f'id="alert-{alert.pk}"' in target.content.decode()
    with translation.override("ja"):
        ja = client_for(eco["eco"]).get(
            f"/screening/batch/{second.pk}/?status=cleared_before", HTTP_ACCEPT_LANGUAGE="ja"
        )
    assert "以前に該当なしと判断済み" in ja.content.decode()


def test_another_company_and_the_group_are_not_silenced(watch: Any, world: Any, eco: Any) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"])
    bravo = screened(world, eco["eco_b"], "bravo")
    assert by_name(bravo)["Volkov Industrial Groupe"].status == "pending"
    group = screened(world, eco["eco_g"], "grp")
    assert by_name(group)["Volkov Industrial Groupe"].status == "pending"
    # a group-level clearing silences the group's own batches, not a company's
    clear(eco["eco_g"], by_name(group)["Volkov Industrial Groupe"])
    assert by_name(screened(world, eco["eco_g"], "grp"))["Volkov Industrial Groupe"].status == (
        "cleared_before"
    )
    assert by_name(screened(world, eco["eco_b"], "bravo"))["Volkov Industrial Groupe"].status == (
        "pending"
    )


@pytest.mark.parametrize(
    "changed",
    [
        SIDOROV.replace(",,RU", ",Vanya Sidorov,RU"),
        SIDOROV.replace("1970-03-02", "1969-11-30"),
        SIDOROV.replace("P-1234567", "P-1234567;ID-998877"),
    ],
    ids=["new alias", "other date of birth", "new identifier"],
)
def test_a_changed_entry_alerts_again(watch: Any, world: Any, eco: Any, changed: str) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Iwan Petrowitsch Sidorow"])
    assert (
        by_name(screened(world, eco["eco"]))["Iwan Petrowitsch Sidorow"].status == "cleared_before"
    )
    watch(VOLKOV, changed)
    after = by_name(screened(world, eco["eco"]))["Iwan Petrowitsch Sidorow"]
    assert after.status == "pending" and not after.hits[0]["cleared_before"]


def test_a_list_update_that_leaves_the_entry_as_it_was_keeps_the_memory(
    watch: Any, world: Any, eco: Any
) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Iwan Petrowitsch Sidorow"])
    watch(VOLKOV, SIDOROV, "W-3,Someone Else Entirely,,DE,,,,entity")  # an entry added
    watch(VOLKOV, SIDOROV.replace("person", ""))  # the entry's kind dropped, W-3 removed
    assert (
        by_name(screened(world, eco["eco"]))["Iwan Petrowitsch Sidorow"].status == "cleared_before"
    )


@pytest.mark.parametrize(
    "row",
    [
        "Volkov Industrial Groupe,FR,",  # another country
        "Volkov Industrial Groupe,DE,1999",  # a date given
        "Volkov Industriel Groupe,DE,",  # another spelling
    ],
    ids=["country", "date", "spelling"],
)
def test_a_changed_name_alerts_again(watch: Any, world: Any, eco: Any, row: str) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"])
    same = screened(world, eco["eco"], text="name,country\nVOLKOV  industrial groupe,de\n")
    assert [a.status for a in same.alerts.all()] == ["cleared_before"]  # case and spaces
    later = screened(world, eco["eco"], text=f"name,country,date_of_birth\n{row}\n")
    assert [a.status for a in later.alerts.all()] == ["pending"]


def test_a_strong_clearing_counts_only_once_approved(watch: Any, world: Any, eco: Any) -> None:
    text = "name,country\nVolkov Industrial Group,CN\n"  # the listed name: strong
    alert = screened(world, eco["eco"], text=text).alerts.get()
    assert alert.outcome == "strong"
    clear(eco["eco"], alert)
    assert not ClearedMatch.objects.exists()  # awaiting the second approval
    assert screened(world, eco["eco"], text=text).alerts.get().status == "pending"
    review.approve_alert(actor=world.users["group_risk_officer"], alert=alert)
    clearing = ClearedMatch.objects.get()
    assert clearing.approved_by_label == "group_risk_officer"
    assert screened(world, eco["eco"], text=text).alerts.get().status == "cleared_before"


def test_a_confirmed_match_reverses_the_memory(watch: Any, world: Any, eco: Any) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"])
    kept = by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"]
    with pytest.raises(ValidationError):  # nothing left to clear
        clear(eco["eco"], kept)
    review.decide_alert(
        actor=eco["eco"], alert=kept, decision="confirm", reason="Same address as the listed group"
    )
    clearing = ClearedMatch.objects.get()
    assert not clearing.in_force and clearing.revoked_by_label == "eco"
    assert "customers.csv" in clearing.revoked_reason
    assert AuditEvent.objects.filter(verb="screening.namesake_reversed").count() == 1
    after = screened(world, eco["eco"])
    assert by_name(after)["Volkov Industrial Groupe"].status == "pending"
    # the older batch still shows what happened, marked reversed
    html = client_for(eco["eco"]).get(f"/screening/batch/{kept.batch_id}/?status=all").content
    assert b'data-testid="cleared-reversed"' in html


def test_the_command_line_applies_the_units_memory(
    watch: Any, world: Any, eco: Any, tmp_path: Path
) -> None:
    clear(eco["eco"], by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"])
    path = tmp_path / "names.csv"
    path.write_text(NAMES, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("screening", "batch", str(path), "--unit", "alpha", stdout=out, stderr=err)
    rows = out.getvalue().splitlines()
    assert any(
        r.startswith("2,Volkov Industrial Groupe") and r.endswith(",cleared_before") for r in rows
    )
    assert "1 rows cleared before" in err.getvalue()
    out = io.StringIO()
    call_command(
        "screening", "batch", str(path), "--unit", "bravo", stdout=out, stderr=io.StringIO()
    )
    assert "cleared_before" not in out.getvalue()


# --- API and scope -----------------------------------------------------------------------------


def test_the_api_shows_the_mark_as_the_viewer_may_see_it(
    watch: Any, world: Any, eco: Any, make_user: Any, grant: Any
) -> None:
    alert = by_name(screened(world, eco["eco"]))["Volkov Industrial Groupe"]
    clear(eco["eco"], alert, reason="German distributor ~alpha:reason~")
    clearing = ClearedMatch.objects.get()
    later = by_name(screened(world, eco["eco"], "alpha-div"))["Volkov Industrial Groupe"]

    officer = api_for(eco["eco"])
    found = officer.get(f"/api/v1/screening/alerts/{later.pk}/").json()
    assert found["status"] == "cleared_before"
    mark = found["hits"][0]["cleared_before"]
    assert mark["visible"] and mark["id"] == clearing.pk and mark["in_force"]
    assert mark["decision_url"] == alert.get_absolute_url() and mark["decided_by"] == "eco"
    listed = officer.get("/api/v1/screening/clearings/?in_force=true").json()["results"]
    assert [c["id"] for c in listed] == [clearing.pk]
    assert listed[0]["company"] == "alpha" and listed[0]["decided_in"] == "batch"
    assert listed[0]["decision_label"] == f"customers.csv, row {alert.row}"
    batch_row = officer.get(f"/api/v1/screening/batches/{later.batch_id}/").json()
    assert batch_row["cleared_before"] == 1

    # an officer of the division sees the division's batch and that it was cleared before,
    # not the company-level decision (its id, reason or who)
    local = make_user(username="eco_div")
    grant(local, Role.EXPORT_CONTROL_OFFICER, world.units["alpha-div"])
    seen = api_for(local).get(f"/api/v1/screening/alerts/{later.pk}/")
    assert seen.status_code == 200
    assert seen.json()["hits"][0]["cleared_before"] == {"visible": False}
    assert "~alpha:reason~" not in seen.content.decode()
    assert api_for(local).get(f"/api/v1/screening/clearings/{clearing.pk}/").status_code == 404
    page = client_for(local).get(f"/screening/batch/{later.batch_id}/?status=all").content.decode()
    assert "outside your scope" in page and "~alpha:reason~" not in page

    # another company sees nothing of it
    outsider = api_for(eco["eco_b"])
    assert outsider.get(f"/api/v1/screening/clearings/{clearing.pk}/").status_code == 404
    assert outsider.get("/api/v1/screening/clearings/").json()["results"] == []
    assert outsider.get(f"/api/v1/screening/alerts/{later.pk}/").status_code == 404
    assert api_for(world.users["employee"]).get("/api/v1/screening/clearings/").status_code == 403
