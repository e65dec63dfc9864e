"""Data collection through the services: the jump check on submission, returning a value to
draft, evidence files, and no month-and-year double counting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tatara.core import fiscal
from tatara.core.models import AuditEvent
from tatara.kpis import services
from tatara.kpis.models import Metric, Observation

FY2018, FY2019 = fiscal.bounds(2018), fiscal.bounds(2019)
MARCH, APRIL = services.month_bounds(2019, 3), services.month_bounds(2019, 4)


def metric(code: str) -> Metric:
    return Metric.objects.get(code=code)


def observe(actor, code, unit, value, period=FY2019, **extra):
    return services.record_observation(
        actor=actor,
        metric=metric(code),
        org_unit=unit,
        period_start=period[0],
        period_end=period[1],
        value=value,
        **extra,
    )


def submitted(actor, code, unit, value, period=FY2019, reason=""):
    obs = observe(actor, code, unit, value, period)
    return services.submit_observation(actor=actor, observation=obs, reason=reason)


def jump_message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.message_dict["jump_reason"])


# --- jump check -----------------------------------------------------------------------------


def test_a_jump_needs_a_reason(world):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    submitted(officer, "co2-emissions", site, "100", FY2018)
    obs = observe(officer, "co2-emissions", site, "160")
    with pytest.raises(ValidationError) as exc:
        services.submit_observation(actor=officer, observation=obs)
    message = jump_message(exc)
    assert "160 t" in message and "100 t" in message and "FY2018" in message
    assert "60%" in message and "50%" in message
    assert Observation.objects.get(pk=obs.pk).status == "draft"
    with pytest.raises(ValidationError, match="jump_reason"):
        services.submit_observation(actor=officer, observation=obs, reason="   ")

    services.submit_observation(actor=officer, observation=obs, reason="New furnace line")
    obs.refresh_from_db()
    assert (obs.status, obs.jump_reason) == ("submitted", "New furnace line")
    event = AuditEvent.objects.get(verb="kpi_observation.submitted", target_id=str(obs.pk))
    assert event.data["reason"] == "New furnace line"
    assert event.data["jump"] == {
        "previous_period": "FY2018",
        "previous": "100",
        "value": "160",
        "share": "60%",
        "limit": "50%",
    }


def test_within_the_limit_needs_no_reason_and_drafts_do_not_count(world):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    observe(officer, "co2-emissions", site, "1", FY2018)  # a draft: not compared
    submitted(officer, "co2-emissions", site, "100")
    bravo, officer_b = world.units["bravo-site"], world.users["officer_b"]
    submitted(officer_b, "co2-emissions", bravo, "100", FY2018)
    obs = submitted(officer_b, "co2-emissions", bravo, "150")  # exactly 50%: not above
    assert obs.jump_reason == ""
    event = AuditEvent.objects.get(verb="kpi_observation.submitted", target_id=str(obs.pk))
    assert "jump" not in event.data


def test_the_metric_threshold_wins_over_the_setting(world, settings):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    submitted(officer, "co2-emissions", site, "100", FY2018)
    settings.KPI_JUMP_SHARE = "1"
    obs = submitted(officer, "co2-emissions", site, "190")  # 90% < 100%
    assert obs.status == "submitted"
    Metric.objects.filter(code="waste-generated").update(jump_threshold=Decimal("0.2"))
    submitted(officer, "waste-generated", site, "10", FY2018)
    with pytest.raises(ValidationError) as exc:
        submitted(officer, "waste-generated", site, "7.5")  # -25% > 20%
    assert "25%" in jump_message(exc) and "20%" in jump_message(exc)


def test_from_zero_is_a_jump_and_zero_to_zero_is_not(world):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    submitted(officer, "chemical-emissions", site, "0", FY2018)
    with pytest.raises(ValidationError) as exc:
        submitted(officer, "chemical-emissions", site, "0.5")
    assert "0.5 t" in jump_message(exc) and "zero" in jump_message(exc)
    Observation.objects.filter(metric__code="chemical-emissions", period_start=FY2019[0]).delete()
    assert submitted(officer, "chemical-emissions", site, "0").status == "submitted"


def test_a_month_compares_with_the_previous_month(world):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    submitted(officer, "co2-emissions", site, "10", MARCH)
    with pytest.raises(ValidationError) as exc:
        submitted(officer, "co2-emissions", site, "30", APRIL)
    assert "2019-03" in jump_message(exc) and "200%" in jump_message(exc)
    # January compares with December of the year before
    submitted(officer, "co2-emissions", site, "10", services.month_bounds(2019, 12))
    with pytest.raises(ValidationError, match="2019-12"):
        submitted(officer, "co2-emissions", site, "1", services.month_bounds(2020, 1))
    # the fiscal year before an approved value counts too
    approver = world.users["group_risk_officer"]
    last = submitted(officer, "waste-generated", site, "10", FY2018)
    services.approve_observation(actor=approver, observation=last)
    with pytest.raises(ValidationError, match="FY2018"):
        submitted(officer, "waste-generated", site, "100")


# --- returning to draft ---------------------------------------------------------------------


def test_return_to_draft_with_a_note(world):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    approver = world.users["group_risk_officer"]
    obs = submitted(officer, "landfill-rate", site, "13.7")
    with pytest.raises(PermissionDenied):
        services.return_observation(actor=officer, observation=obs, note="no")
    with pytest.raises(ValidationError, match="return_note"):
        services.return_observation(actor=approver, observation=obs, note="  ")
    services.return_observation(actor=approver, observation=obs, note="Use the March invoice")
    obs.refresh_from_db()
    assert (obs.status, obs.return_note) == ("draft", "Use the March invoice")
    with pytest.raises(ValidationError, match="Only a submitted"):
        services.return_observation(actor=approver, observation=obs, note="again")

    obs = observe(officer, "landfill-rate", site, "13.9")  # the draft can be corrected again
    services.submit_observation(actor=officer, observation=obs)
    services.approve_observation(actor=approver, observation=obs)
    obs.refresh_from_db()
    assert (obs.status, obs.value, obs.return_note) == ("approved", Decimal("13.9"), "")
    with pytest.raises(ValidationError, match="Only a submitted"):
        services.return_observation(actor=approver, observation=obs, note="too late")
    verbs = list(
        AuditEvent.objects.filter(target_id=str(obs.pk), verb__startswith="kpi_observation")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "kpi_observation.recorded",
        "kpi_observation.submitted",
        "kpi_observation.returned",
        "kpi_observation.recorded",
        "kpi_observation.submitted",
        "kpi_observation.approved",
    ]
    returned = AuditEvent.objects.get(verb="kpi_observation.returned", target_id=str(obs.pk))
    assert returned.data == {"note": "Use the March invoice"}


# --- evidence -------------------------------------------------------------------------------


def test_evidence_files(world, monkeypatch):
    site, officer = world.units["alpha-site"], world.users["company_risk_officer"]
    obs = observe(officer, "co2-emissions", site, "3")
    with pytest.raises(ValidationError) as exc:
        services.attach_evidence(
            actor=officer, observation=obs, uploaded_file=SimpleUploadedFile("x.exe", b"MZ")
        )
    assert ".exe" in " ".join(exc.value.message_dict["evidence"])
    monkeypatch.setattr("tatara.cycle.services.EVIDENCE_MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="50 MB"):
        services.attach_evidence(
            actor=officer, observation=obs, uploaded_file=SimpleUploadedFile("big.pdf", b"x" * 11)
        )
    monkeypatch.undo()
    with pytest.raises(PermissionDenied):
        services.attach_evidence(
            actor=world.users["auditor"],
            observation=obs,
            uploaded_file=SimpleUploadedFile("meter.pdf", b"%PDF-1.4"),
        )
    services.attach_evidence(
        actor=officer, observation=obs, uploaded_file=SimpleUploadedFile("meter.pdf", b"%PDF-1.4")
    )
    obs.refresh_from_db()
    assert obs.evidence.name.startswith("kpis/evidence/") and obs.evidence.read() == b"%PDF-1.4"
    event = AuditEvent.objects.get(verb="kpi_observation.evidence_attached")
    assert event.data == {"file": obs.evidence.name}

    services.submit_observation(actor=officer, observation=obs)
    services.approve_observation(actor=world.users["group_risk_officer"], observation=obs)
    with pytest.raises(ValidationError, match="approved"):
        services.attach_evidence(
            actor=officer, observation=obs, uploaded_file=SimpleUploadedFile("late.pdf", b"%PDF")
        )


# --- double counting ------------------------------------------------------------------------


def test_months_and_the_whole_year_are_not_both_entered(world, system):
    site = world.units["alpha-site"]
    observe(system, "co2-emissions", site, "1", APRIL)
    with pytest.raises(ValidationError) as exc:
        observe(system, "co2-emissions", site, "12")
    message = " ".join(exc.value.message_dict["period_start"])
    assert "monthly values of co2-emissions in FY2019" in message and "twice" in message
    observe(system, "co2-emissions", site, "12", FY2018)  # another fiscal year is fine
    with pytest.raises(ValidationError, match="whole of FY2018"):
        observe(system, "co2-emissions", site, "1", MARCH)  # March 2019 belongs to FY2018
    observe(system, "co2-emissions", world.units["alpha-div"], "12")  # another unit is fine
    observe(system, "co2-emissions", site, "2", APRIL)  # correcting the month is fine
    assert Observation.objects.filter(metric__code="co2-emissions", org_unit=site).count() == 2


def test_a_converted_value_is_stored_to_the_columns_places(world):
    import datetime as dt
    from decimal import Decimal

    from tatara.kpis import services
    from tatara.kpis.models import Metric

    obs = services.record_observation(
        actor=world.system,
        metric=Metric.objects.get(code="co2-emissions"),
        org_unit=world.units["alpha-site"],
        period_start=dt.date(2019, 4, 1),
        period_end=dt.date(2019, 4, 30),
        value=Decimal("1500.00000000"),
        unit="kg",
    )
    obs.refresh_from_db()
    assert obs.value == Decimal("1.5") and obs.original_value == Decimal("1500")
