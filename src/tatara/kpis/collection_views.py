"""KPI pages of the write side: data entry, the approval queue, evidence, collection rounds,
import and export. Views shape input and call the services (which check the gate); pages hide
what the user cannot do. People without the page's action anywhere get 403; a unit or row
outside their scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tatara.core import fiscal, year_lock
from tatara.core.approvals import rule_enabled, same_person
from tatara.core.jobs import recent_jobs
from tatara.core.permissions import can
from tatara.core.tabular import FORMATS
from tatara.kpis import collection, display, rounds, services, table_io
from tatara.kpis.collection import APPROVE, CHANGE, EXPORT, MANAGE, VIEW
from tatara.kpis.collection_forms import EntryPickForm, EntryRowForm, ImportForm, RoundForm
from tatara.kpis.models import CollectionRound, Metric, Observation
from tatara.organisation.models import OrgUnit

QUEUE_PAGE = 100
ROUNDS_PAGE = 50
# service field → entry-form field
ENTRY_FIELDS = {
    "value": "value",
    "unit": "unit_of_measure",
    "source": "source",
    "evidence": "evidence",
    "jump_reason": "reason",
}


def _require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


def _text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- data entry ---------------------------------------------------------------------------


def _row_form(metric: Metric, observation: Observation | None, data: Any = None) -> EntryRowForm:
    initial = {"metric": metric.code, "unit_of_measure": metric.unit, "action": "save"}
    if observation is not None:
        initial.update(
            value=services.plain_number(Decimal(observation.original_value)),
            unit_of_measure=observation.original_unit,
            source=observation.source,
        )
    form = EntryRowForm(
        data=data[0] if data else None,
        files=data[1] if data else None,
        initial=initial,
        auto_id=f"id_{metric.code}_%s",
    )
    form.fields["unit_of_measure"].widget.attrs["placeholder"] = metric.unit
    return form


def _add_errors(form: EntryRowForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = ENTRY_FIELDS.get(name)
            for message in errors:
                form.add_error(field, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _same(observation: Observation, value: Decimal, unit: str, source: str) -> bool:
    return (
        Decimal(observation.original_value) == value
        and observation.original_unit == unit
        and observation.source == source
    )


def _save_row(
    request: HttpRequest,
    form: EntryRowForm,
    metric: Metric,
    unit: OrgUnit,
    period: tuple[Any, Any],
    observation: Observation | None,
) -> bool:
    """Record, attach and (if asked) submit one row; errors go on the form. True when done."""
    data = form.cleaned_data
    text, entered_unit = data["value"].strip(), (data["unit_of_measure"] or metric.unit).strip()
    try:
        if text:
            try:
                value = Decimal(text.replace(",", ""))
            except InvalidOperation:
                form.add_error("value", _("Enter a number."))
                return False
            if observation is None or not _same(observation, value, entered_unit, data["source"]):
                observation = services.record_observation(
                    actor=request.user,
                    metric=metric,
                    org_unit=unit,
                    period_start=period[0],
                    period_end=period[1],
                    value=value,
                    unit=entered_unit,
                    source=data["source"],
                )
        elif observation is None:
            form.add_error("value", _("Enter a value."))
            return False
        if data.get("evidence"):
            observation = services.attach_evidence(
                actor=request.user, observation=observation, uploaded_file=data["evidence"]
            )
        if data["action"] == "submit":
            services.submit_observation(
                actor=request.user, observation=observation, reason=data["reason"]
            )
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest) -> HttpResponse:
    """Values of a unit for a period: the metrics due, each saved or submitted on its own."""
    _require(request, CHANGE)
    source = request.POST if request.method == "POST" else request.GET
    units = collection.units_for(request.user, CHANGE)
    pick = EntryPickForm(
        source if source.get("unit") or source.get("period") else None,
        units=units,
        initial={"period": collection.default_period()},
    )
    unit_code, period_text = source.get("unit", ""), source.get("period", "").strip()
    if not unit_code or not period_text:
        return render(
            request,
            "kpis/collect/entry_pick.html",
            {"pick": pick, "due": collection.rounds_due(request.user)},
        )
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None or not can(request.user, CHANGE, unit):
        raise Http404  # outside the scope: not confirmed to exist
    try:
        period = table_io.parse_period(period_text)
    except ValueError:
        return render(
            request,
            "kpis/collect/entry_pick.html",
            {"pick": pick, "due": collection.rounds_due(request.user)},
            status=400,
        )
    metrics, asking = collection.entry_metrics(unit, *period)
    found = collection.observations_for(unit, *period, metrics)
    label = services.period_label(*period)
    bound: EntryRowForm | None = None
    if request.method == "POST":
        metric = next((m for m in metrics if m.code == request.POST.get("metric")), None)
        if metric is None:
            metric = Metric.objects.filter(code=request.POST.get("metric", "")).first()
        if metric is None:
            raise Http404
        bound = _row_form(metric, found.get(metric.pk), (request.POST, request.FILES))
        if bound.is_valid() and _save_row(
            request, bound, metric, unit, period, found.get(metric.pk)
        ):
            done = _("submitted") if bound.cleaned_data["action"] == "submit" else _("saved")
            messages.success(
                request,
                _("%(metric)s for %(period)s %(done)s.")
                % {"metric": metric.name, "period": label, "done": done},
            )
            query = urlencode({"unit": unit.code, "period": label})
            return redirect(f"{reverse('kpi_collect:entry')}?{query}#row-{metric.code}")
        if metric not in metrics:
            metrics.append(metric)
        found = collection.observations_for(unit, *period, metrics)
    rows = []
    posted = request.POST.get("metric") if bound is not None else None
    # a period in a closed fiscal year is a record: its values are shown, not offered for entry
    lock = year_lock.lock_state(fiscal.year_of(period[0]))
    period_closed = lock.closed
    reopened = (
        year_lock.changed_while_reopened(Observation, [o.pk for o in found.values() if o])
        if lock.ever_reopened
        else set()
    )
    for metric in metrics:
        observation = found.get(metric.pk)
        form = bound if bound is not None and metric.code == posted else None
        form = form or _row_form(metric, observation)
        state, state_label = collection.status_of(observation)
        rows.append(
            {
                "metric": metric,
                "observation": observation,
                "form": form,
                "state": state,
                "state_label": state_label,
                "editable": not period_closed
                and (observation is None or observation.status == "draft"),
                "reopened": observation is not None and str(observation.pk) in reopened,
                "needs_reason": form.errors.get("reason") is not None,
                "value_text": (
                    services.plain_number(Decimal(observation.original_value))
                    if observation is not None
                    else ""
                ),
            }
        )
    return render(
        request,
        "kpis/collect/entry.html",
        {
            "unit": unit,
            "period": label,
            "is_year": services.is_fiscal_year(*period),
            "fiscal_year": fiscal.year_of(period[0]),
            "lock": lock,
            "rounds": asking,
            "rows": rows,
            "can_submit": can(request.user, "kpis.submit", unit),
            "pick": pick,
        },
        status=400 if bound is not None else 200,
    )


# --- approval -----------------------------------------------------------------------------


def _queue(request: HttpRequest) -> Any:
    return (
        Observation.objects.visible_to(request.user, APPROVE)
        .filter(status="submitted")
        .select_related("metric", "org_unit", "collection_round")
        .order_by("org_unit__path", "metric__code", "period_start", "pk")
    )


@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Submitted values in the approver's scope: approve (one or the selected) or return."""
    _require(request, APPROVE)
    if request.method == "POST":
        return _approve_or_return(request)
    page = Paginator(_queue(request), QUEUE_PAGE).get_page(request.GET.get("page"))
    closed = year_lock.closed_years()
    own_rule = rule_enabled("kpis.observation")
    rows = [
        {
            "observation": o,
            "period": services.period_label(o.period_start, o.period_end),
            "entered": display.exact(Decimal(o.original_value)),
            "stored": display.exact(Decimal(o.value)),
            # what would refuse the approval: the value is the viewer's own (segregation of
            # duties), or its period lies in a closed fiscal year (core.year_lock)
            "own": own_rule and same_person(request.user, services.submitter(o)),
            "closed": bool(set(year_lock.years_of_period(o.period_start, o.period_end)) & closed),
        }
        for o in page.object_list
    ]
    return render(request, "kpis/collect/approvals.html", {"page": page, "rows": rows})


def _approve_or_return(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    action = request.POST.get("action", "")
    chosen = list(_queue(request).filter(pk__in=ids))
    back = redirect("kpi_collect:approvals")
    if not chosen:
        messages.error(request, _("Select at least one submitted value."))
        return back
    if action == "return":
        if len(chosen) != 1:
            messages.error(request, _("Return values one at a time, each with its note."))
            return back
        try:
            services.return_observation(
                actor=request.user, observation=chosen[0], note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            messages.error(request, _text(exc))
        else:
            messages.success(request, _("Value returned to its unit with your note."))
        return back
    if action != "approve":
        messages.error(request, _("Choose approve or return."))
        return back
    approved, problems = 0, []
    for observation in chosen:
        try:
            services.approve_observation(actor=request.user, observation=observation)
        except ValidationError as exc:
            problems.append(f"{observation.metric.code} {observation.org_unit.code}: {_text(exc)}")
        else:
            approved += 1
    if approved:
        messages.success(
            request,
            ngettext("%(n)d value approved.", "%(n)d values approved.", approved) % {"n": approved},
        )
    for problem in problems:
        messages.error(request, problem)
    return back


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served through the gate, never from a public media URL."""
    _require(request, VIEW)
    observation = Observation.objects.visible_to(request.user, VIEW).filter(pk=pk).first()
    if observation is None or not observation.evidence:
        raise Http404
    name = observation.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(observation.evidence.open("rb"), as_attachment=True, filename=name)


# --- collection rounds --------------------------------------------------------------------


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW)
    show = request.GET.get("show", "open")
    found = collection.visible_rounds(request.user).select_related("org_unit", "fiscal_year")
    if show == "open":
        found = found.filter(is_closed=False)
    elif show == "closed":
        found = found.filter(is_closed=True)
    page = Paginator(found.order_by("is_closed", "deadline", "pk"), ROUNDS_PAGE).get_page(
        request.GET.get("page")
    )
    views = collection.round_views(request.user, list(page.object_list))
    return render(
        request,
        "kpis/collect/rounds.html",
        {
            "page": page,
            "rounds": views,
            "show": show,
            "today": timezone.localdate(),
            "can_manage": can(request.user, MANAGE),
        },
    )


def _round_form(request: HttpRequest) -> RoundForm:
    requesters = collection.units_for(request.user, MANAGE)
    data = request.POST if request.method == "POST" else None
    code = (data or request.GET).get("org_unit", "")
    requester = requesters.filter(code=code).first() if code else requesters.first()
    asked = (
        OrgUnit.objects.filter(path__startswith=requester.path).order_by("path")
        if requester is not None
        else OrgUnit.objects.none()
    )
    year = fiscal.year_of(timezone.localdate()) - 1
    initial = {
        "org_unit": requester.code if requester else "",
        "fiscal_year": year,
        "period": fiscal.label(year),
        "deadline": fiscal.bounds(year)[1] + dt.timedelta(days=60),
    }
    return RoundForm(data, requesters=requesters, asked=asked, initial=initial)


@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    form = _round_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = rounds.open_round(
                actor=request.user,
                org_unit=data["org_unit"],
                title=data["title"],
                fiscal_year=data["fiscal_year"],
                period_start=data["period"][0],
                period_end=data["period"][1],
                deadline=data["deadline"],
                metrics=data["metrics"],
                units=data["units"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                field = "period" if name == "period_start" else name
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Round “%(title)s” opened.") % {"title": made.title})
            return redirect("kpi_collect:round", made.pk)
    return render(
        request,
        "kpis/collect/round_new.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _round_or_404(request: HttpRequest, pk: int) -> CollectionRound:
    _require(request, VIEW)
    found = (
        collection.visible_rounds(request.user)
        .select_related("org_unit", "fiscal_year")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection_round = _round_or_404(request, pk)
    view = collection.round_views(request.user, [collection_round])[0]
    changeable = collection.unit_ids(request.user, CHANGE)
    period = view.period
    rows = [
        {
            "status": status,
            "entry_url": (
                f"{reverse('kpi_collect:entry')}?"
                + urlencode({"unit": status.unit.code, "period": period})
                if changeable is collection.ALL or status.unit.pk in changeable
                else ""
            ),
        }
        for status in view.units
    ]
    return render(
        request,
        "kpis/collect/round.html",
        {
            "view": view,
            "round": collection_round,
            "rows": rows,
            "metrics": list(collection_round.metrics.all()),
            "can_close": not collection_round.is_closed
            and can(request.user, MANAGE, collection_round.org_unit),
        },
    )


@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    collection_round = _round_or_404(request, pk)
    try:
        rounds.close_round(actor=request.user, collection_round=collection_round)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, _("The round is closed."))
    return redirect("kpi_collect:round", pk)


# --- import and export --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload observations or targets: checked (and applied) by a background job."""
    _require(request, CHANGE)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"what": "observations"})
    if not can(request.user, MANAGE):
        form.fields["what"].choices = [ImportForm.WHAT[0]]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        job = collection.start_import(
            actor=request.user,
            upload=form.cleaned_data["file"],
            what=form.cleaned_data["what"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("job", pk=job.pk)
    jobs = [
        *recent_jobs(viewer=request.user, kind=collection.IMPORT_KINDS["observations"]),
        *recent_jobs(viewer=request.user, kind=collection.IMPORT_KINDS["targets"]),
    ]
    jobs.sort(key=lambda j: j.created_at, reverse=True)
    given = request.GET.get("year", "")
    year = int(given) if given.isdigit() and 1900 < int(given) < 2200 else None
    year = year or fiscal.year_of(timezone.localdate()) - 1
    return render(
        request,
        "kpis/collect/import.html",
        {
            "form": form,
            "recent_jobs": jobs[:8],
            "year": year,
            "can_export": can(request.user, EXPORT),
            "columns": {
                "observations": ", ".join(
                    (*table_io.OBSERVATION_COLUMNS, *table_io.OBSERVATION_OPTIONAL)
                ),
                "targets": ", ".join((*table_io.TARGET_COLUMNS, *table_io.TARGET_OPTIONAL)),
            },
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def export(request: HttpRequest, what: str, year: int, fmt: str) -> HttpResponse:
    if what not in ("observations", "targets") or fmt not in FORMATS:
        raise Http404
    _require(request, EXPORT)
    if not 1900 < year < 2200:
        raise Http404
    if what == "targets":
        data, content_type, filename = table_io.export_targets(
            viewer=request.user, year=year, fmt=fmt
        )
    else:
        data, content_type, filename = table_io.export_observations(
            viewer=request.user, year=year, fmt=fmt
        )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
