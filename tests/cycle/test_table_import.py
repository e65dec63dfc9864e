"""The year's table in: validated whole, every error located, applied all or nothing through
the cycle's services."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from tatara.core.models import AuditEvent
from tatara.core.permissions import SystemActor
from tatara.core.tabular import ImportRejected
from tatara.cycle.choices import Phase, Status
from tatara.cycle.models import CycleYear, Initiative, Measure
from tatara.cycle.table_export import export_table
from tatara.cycle.table_import import import_table

pytestmark = pytest.mark.django_db

HEADER = "subject_no,subject,planned,results,rating,next_planned\n"
GOOD = (
    HEADER
    + '1,Recognition of Social Responsibility,"Ask outside experts (ongoing)\nPublish the review",Not implemented.,1,Ask outside experts (ongoing)\n'
    + '2,Organizational Governance,Hold compliance meetings,"Held twice\nShared the minutes",★★★,\n'
    + "5,The Environment,Reduce CO₂ per unit (6%),,,\n"
)


def _snapshot() -> tuple[int, ...]:
    return (
        CycleYear.objects.count(),
        Initiative.objects.count(),
        Measure.objects.count(),
        AuditEvent.objects.count(),
    )


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_a_clean_file_goes_through_the_real_flow(world: Any) -> None:
    csr = world.users["csr_admin"]
    result = import_table(
        _csv(GOOD), name="fy2030.csv", actor=csr, year=2030, note="Imported from the 2030 report."
    )
    assert (
        result.initiatives,
        result.rated,
        result.with_results,
        result.subjects,
        result.opened_year,
    ) == (3, 2, 2, 3, True)
    assert result.measures == 8
    assert "3 initiatives under 3 subjects" in result.summary()
    cycle = CycleYear.objects.get(fiscal_year__year=2030)
    assert cycle.note == "Imported from the 2030 report."
    assert cycle.phase == Phase.PLANNING  # one plan is still a draft
    rows = list(Initiative.objects.filter(cycle=cycle).order_by("subject__number"))
    assert [(r.subject.number, r.status, r.rating) for r in rows] == [
        (1, Status.CONFIRMED, 1),
        (2, Status.CONFIRMED, 3),
        (5, Status.DRAFT, None),
    ]
    assert rows[0].owner_unit == world.units["grp"]  # the group owns what the file brings
    assert [m.text for m in rows[0].planned] == [
        "Ask outside experts (ongoing)",
        "Publish the review",
    ]
    events = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Initiative), target_id=str(rows[1].pk)
    )
    verbs = list(events.order_by("id").values_list("verb", flat=True))
    assert verbs == [
        "initiative.created",
        "initiative.plan_approved",
        "initiative.results_entered",
        "initiative.rating_proposed",
        "initiative.rating_confirmed",
    ]
    assert all(e.actor == csr for e in events)
    assert AuditEvent.objects.filter(verb="cycle.table_imported", data__file="fy2030.csv").exists()
    # A file whose rows are all rated leaves the year in review, whatever the rows' order.
    rated_only = "".join(GOOD.splitlines(keepends=True)[:3])
    import_table(_csv(rated_only), name="fy2031.csv", actor=csr, year=2031)
    assert CycleYear.objects.get(fiscal_year__year=2031).phase == Phase.REVIEW


def test_every_problem_is_reported_with_sheet_row_and_column_and_nothing_is_stored(
    world: Any,
) -> None:
    bad = (
        HEADER
        + "12,Recognition of Social Responsibility,Plan A,,,\n"  # unknown subject
        + "2,Human Rights,Plan B,,,\n"  # title of another subject
        + "3,Human Rights,Plan C,Result C,4,\n"  # rating out of range
        + "4,Labor Practices,,Result D,,\n"  # no planned measure
        + "5,The Environment,Plan E,,3,\n"  # rating without results
        + "6,Fair Operating Practices,Plan F,,,\n"
        + "6,Fair Operating Practices,Plan F,,,\n"  # duplicate
        + "x,,Plan G,,,\n"  # not a number
    )
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_table(_csv(bad), name="bad.csv", actor=world.users["csr_admin"], year=2030)
    assert _snapshot() == before
    found = {(e.file, e.row, e.column) for e in caught.value.errors}
    assert found == {
        ("bad.csv", 2, "subject_no"),
        ("bad.csv", 3, "subject"),
        ("bad.csv", 4, "rating"),
        ("bad.csv", 5, "planned"),
        ("bad.csv", 6, "results"),
        ("bad.csv", 8, None),
        ("bad.csv", 9, "subject_no"),
    }
    messages = "\n".join(str(e) for e in caught.value.errors)
    assert (
        "bad.csv, row 3, column subject: “Human Rights” is not the title of subject 2" in messages
    )
    assert "duplicate of row 7" in messages
    assert "“4” is not a rating" in messages


def test_xlsx_errors_name_the_sheet_and_the_year_sheet_is_preferred(world: Any) -> None:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["this sheet is not the table"])
    sheet = workbook.create_sheet("FY2030")
    sheet.append(HEADER.strip().split(","))
    sheet.append([1, "Recognition of Social Responsibility", "Plan", None, 2, None])
    sheet.append([99, "Nothing", "Plan", "Done", 3, None])
    data = io.BytesIO()
    workbook.save(data)
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_table(
            io.BytesIO(data.getvalue()),
            name="table.xlsx",
            actor=world.users["csr_admin"],
            year=2030,
        )
    assert _snapshot() == before
    assert {(e.sheet, e.row, e.column) for e in caught.value.errors} == {
        ("FY2030", 2, "results"),
        ("FY2030", 3, "subject_no"),
    }
    assert str(caught.value.errors[0]).startswith("table.xlsx, sheet FY2030, row ")


def test_missing_and_unknown_columns_are_refused(world: Any) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_table(
            _csv("subject_no,subject,planned,rating,owner\n1,x,y,1,z\n"),
            name="cols.csv",
            actor=world.users["csr_admin"],
            year=2030,
        )
    problems = {(e.column, e.message.split(";")[0]) for e in caught.value.errors}
    assert ("results", "required column is missing") in problems
    assert ("next_planned", "required column is missing") in problems
    assert ("owner", "unknown column") in problems


def test_a_csv_saved_by_japanese_excel_is_read_and_another_encoding_refused(world: Any) -> None:
    # Japanese Excel's "CSV (comma delimited)" is Shift_JIS (CP932): read like UTF-8
    text = HEADER + "2,Organizational Governance,コンプライアンス研修を実施する,,,\n"
    import_table(
        io.BytesIO(text.encode("cp932")),
        name="sjis.csv",
        actor=world.users["csr_admin"],
        year=2030,
    )
    initiative = Initiative.objects.get(cycle__fiscal_year__year=2030)
    assert [m.text for m in initiative.planned] == ["コンプライアンス研修を実施する"]
    # a Western 8-bit file is neither, and says so
    latin = HEADER + "2,Organizational Governance,Schulung für Führungskräfte,,,\n"
    before = _snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_table(
            io.BytesIO(latin.encode("cp1252")),
            name="latin.csv",
            actor=world.users["csr_admin"],
            year=2031,
        )
    assert _snapshot() == before
    [error] = caught.value.errors
    assert "neither UTF-8 nor Shift_JIS" in error.message and error.file == "latin.csv"


def test_utf8_with_bom_bullets_and_japanese_titles_are_accepted(world: Any) -> None:
    text = HEADER + '2,組織統治,"• コンプライアンス研修を実施する\n・環境教育を行う",,,\n'
    import_table(
        io.BytesIO(text.encode("utf-8-sig")),
        name="bom.csv",
        actor=world.users["csr_admin"],
        year=2030,
    )
    initiative = Initiative.objects.get(cycle__fiscal_year__year=2030)
    assert [m.text for m in initiative.planned] == [
        "コンプライアンス研修を実施する",
        "環境教育を行う",
    ]


def test_dry_run_validates_and_counts_but_stores_nothing(world: Any) -> None:
    before = _snapshot()
    result = import_table(
        _csv(GOOD), name="dry.csv", actor=world.users["csr_admin"], year=2030, dry_run=True
    )
    assert _snapshot() == before
    assert (result.initiatives, result.rated, result.dry_run) == (3, 2, True)
    assert "dry run" in result.summary()


def test_a_year_with_initiatives_is_only_replaced_when_asked(world: Any) -> None:
    csr = world.users["csr_admin"]
    before = _snapshot()
    with pytest.raises(ImportRejected, match="already has 4 initiatives"):
        import_table(_csv(GOOD), name="again.csv", actor=csr, year=world.year)
    assert _snapshot() == before
    # The world's initiatives belong to divisions: a replace would lose their owners.
    with pytest.raises(ImportRejected, match="belong to units other than the group"):
        import_table(_csv(GOOD), name="again.csv", actor=csr, year=world.year, replace=True)
    assert _snapshot() == before
    # A year that came from a file (owned by the group) can be replaced from a corrected file,
    # once its confirmed initiatives are sent back: replace refuses each confirmed one by name.
    from tatara.cycle import services

    year = world.year + 5
    import_table(_csv(GOOD), name="first.csv", actor=csr, year=year)
    confirmed = list(
        Initiative.objects.filter(cycle__fiscal_year__year=year, status=Status.CONFIRMED)
    )
    assert len(confirmed) == 2
    before = _snapshot()
    with pytest.raises(ImportRejected) as refused:
        import_table(_csv(GOOD), name="again.csv", actor=csr, year=year, replace=True)
    assert sorted(e.message for e in refused.value.errors) == sorted(
        f"{i} is confirmed ({i.stars}): the CSR Management Office sends it back before it can "
        "be replaced"
        for i in confirmed
    )
    assert _snapshot() == before
    for initiative in confirmed:
        services.return_for_rework(actor=csr, initiative=initiative, note="A corrected file")
    result = import_table(_csv(GOOD), name="again.csv", actor=csr, year=year, replace=True)
    assert result.replaced == 3
    assert Initiative.objects.filter(cycle__fiscal_year__year=year).count() == 3
    assert AuditEvent.objects.filter(verb="initiative.deleted").count() == 3


def test_initiatives_carried_forward_cannot_be_replaced(world: Any, system: Any) -> None:
    from tatara.cycle import services

    services.carry_forward(actor=system, cycle=world.cycle, allow_unconfirmed=True)
    next_year = world.year + 1
    before = _snapshot()
    with pytest.raises(ImportRejected, match="closed"):
        import_table(
            _csv(GOOD), name="x.csv", actor=world.users["csr_admin"], year=world.year, replace=True
        )
    assert _snapshot() == before
    # A carried-forward year cannot be reopened to get round that...
    with pytest.raises(ValidationError, match="carried forward"):
        services.set_phase(actor=system, cycle=world.cycle, phase=Phase.REVIEW)
    # ...and the successors cannot be replaced either: they would lose their lineage.
    with pytest.raises(ImportRejected, match="carried forward from the previous year"):
        import_table(
            _csv(GOOD), name="x.csv", actor=world.users["csr_admin"], year=next_year, replace=True
        )
    assert _snapshot() == before


def test_any_failure_while_applying_rolls_everything_back(world: Any, monkeypatch: Any) -> None:
    from tatara.cycle import services

    calls = {"n": 0}
    real = services.confirm_rating

    def failing_second_confirmation(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "confirm_rating", failing_second_confirmation)
    before = _snapshot()
    with pytest.raises(RuntimeError):
        import_table(_csv(GOOD), name="x.csv", actor=world.users["csr_admin"], year=2030)
    assert _snapshot() == before


def test_only_those_who_manage_the_cycle_may_import(world: Any) -> None:
    before = _snapshot()
    for key in ("employee", "company_risk_officer", "group_risk_officer", "auditor"):
        with pytest.raises(PermissionDenied):
            import_table(_csv(GOOD), name="x.csv", actor=world.users[key], year=2030)
    assert _snapshot() == before


def test_the_group_is_needed_to_own_the_initiatives(db: None) -> None:
    with pytest.raises(ImportRejected, match="create the group first"):
        import_table(_csv(GOOD), name="x.csv", actor=SystemActor("test"), year=2030)
    assert Initiative.objects.count() == 0


def test_an_xlsx_saved_by_libreoffice_imports(world: Any, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    actor = world.users["csr_admin"]
    exported = export_table(viewer=actor, year=world.year, fmt="xlsx")[0]
    (tmp_path / "in.xlsx").write_bytes(exported)
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "in.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = import_table(tmp_path / "out" / "in.xlsx", actor=actor, year=2030)
    assert result.initiatives == 4
    assert (
        export_table(viewer=actor, year=2030, fmt="csv")[0]
        == export_table(viewer=actor, year=world.year, fmt="csv")[0]
    )
