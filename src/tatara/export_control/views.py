"""Export-control pages: the officer's review queue, transactions (list, detail with the
decision form and the second approval, create and edit), countries on a date and the yearly
summary. Parties and items are in record_views.py. Every write goes through services.py;
reads go through the gate ("export_control.view"), and a row outside the viewer's scope
answers 404."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tatara.core import fiscal
from tatara.core.audit import trail_for
from tatara.core.dashboard import Panel, Task, register_panel
from tatara.core.jobs import recent_jobs
from tatara.core.permissions import can
from tatara.export_control import rescreen as rescreen_job
from tatara.export_control import services
from tatara.export_control.assessment import scan_end_use
from tatara.export_control.choices import DecisionKind, Outcome, TransactionStatus
from tatara.export_control.countries import country_info, groups_on
from tatara.export_control.forms import (
    CountryDateForm,
    DecisionForm,
    FilterForm,
    TransactionForm,
    transaction_initial,
)
from tatara.export_control.models import (
    Decision,
    Item,
    Party,
    ScreeningRun,
    Transaction,
    TransactionLine,
    TransactionParty,
)
from tatara.export_control.party_screening import marked_hits
from tatara.export_control.reference_data import measure_rows, measures_on
from tatara.export_control.selectors import usable
from tatara.organisation.models import OrgUnit

VIEW, CHANGE = services.VIEW, services.CHANGE
REVIEW, APPROVE = services.REVIEW, services.APPROVE
# statuses that wait for the officer: a decision, or a licence for the items not covered yet
AWAITING = (TransactionStatus.SCREENED, TransactionStatus.LICENCE_REQUIRED)


# --- helpers (also used by record_views) ------------------------------------------------------


def require(request: HttpRequest, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def units_for(user: Any, action: str) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(user, action).order_by("path")


def visible(model: Any, request: HttpRequest) -> Any:
    return model.objects.visible_to(request.user, VIEW)


def one_or_404(queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def status_code(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _latest_outcome() -> Subquery:
    return Subquery(
        ScreeningRun.objects.filter(transaction=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("outcome")[:1]
    )


def _with_runs_and_decisions(queryset: Any) -> Any:
    return queryset.select_related("org_unit").prefetch_related(
        Prefetch("runs", queryset=ScreeningRun.objects.order_by("-at", "-pk")),
        Prefetch("decisions", queryset=Decision.objects.order_by("-decided_at", "-pk")),
    )


def _annotate_latest(rows: Any) -> list[Transaction]:
    rows = list(rows)
    for row in rows:
        runs = list(row.runs.all())
        decisions = list(row.decisions.all())
        row.latest_run = runs[0] if runs else None
        row.latest_decision = decisions[0] if decisions else None
    return rows


# --- review queue -----------------------------------------------------------------------------


def pending_overrides(user: Any) -> list[Decision]:
    """Overrides waiting for a second approval that `user` may give (not their own, latest
    decision of the transaction)."""
    if not can(user, APPROVE):
        return []
    newest = Decision.objects.filter(transaction=OuterRef("transaction")).order_by(
        "-decided_at", "-pk"
    )
    found = (
        Decision.objects.visible_to(user, APPROVE)
        .filter(needs_second_approval=True, approved_at=None)
        .filter(pk=Subquery(newest.values("pk")[:1]))
        .filter(screening_run=_latest_run_of("transaction"))  # not screened again since
        .exclude(decided_by_id=getattr(user, "pk", None))
        .select_related("transaction", "screening_run")
        .order_by("decided_at")
    )
    return list(found)


def _latest_run_of(field: str) -> Subquery:
    """The pk of the latest screening run of the transaction at OuterRef(field)."""
    return Subquery(
        ScreeningRun.objects.filter(transaction=OuterRef(field))
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )


def awaiting_decision(user: Any) -> Any:
    """Transactions awaiting a decision (screened) or a licence for items not covered yet;
    `waiting_approval` when the latest decision on the latest run awaits its second approval
    (a re-screening since, after a list update say, makes that decision out of date: the
    officer decides again). Blocked transactions whose lifting awaits a second approval are
    in pending_overrides."""
    pending = Decision.objects.filter(
        transaction=OuterRef("pk"),
        needs_second_approval=True,
        approved_at=None,
        screening_run=_latest_run_of("transaction"),
    )
    return (
        Transaction.objects.visible_to(user, VIEW)
        .filter(status__in=AWAITING)
        .annotate(waiting_approval=Exists(pending))
        .order_by("date", "reference")
    )


def index(request: HttpRequest) -> HttpResponse:
    """The review queue: transactions screened and awaiting a decision, with the outcome and
    the reasons; and overrides awaiting the viewer's second approval."""
    require(request, VIEW)
    queue = _annotate_latest(_with_runs_and_decisions(awaiting_decision(request.user)))
    return render(
        request,
        "export_control/queue.html",
        {
            "queue": queue,
            "overrides": pending_overrides(request.user),
            "rescreen_jobs": recent_jobs(viewer=request.user, kind=rescreen_job.JOB_KIND, limit=3),
            "can_review": can(request.user, REVIEW),
            "can_change": can(request.user, CHANGE),
        },
    )


def dashboard_panel(user: Any) -> Panel | None:
    if not (can(user, REVIEW) or can(user, APPROVE)):
        return None
    panel = Panel(title=_("Export control"), url=reverse("export_control:index"))
    if can(user, REVIEW):
        for row in awaiting_decision(user).filter(waiting_approval=False)[:50]:
            panel.tasks.append(
                Task(
                    title=_("Decide on %(ref)s (to %(country)s)")
                    % {"ref": row.reference, "country": row.destination},
                    url=reverse("export_control:transaction", args=[row.pk]),
                    who=_("Export-control officer"),
                    due=row.date,
                )
            )
    for decision in pending_overrides(user):
        panel.tasks.append(
            Task(
                title=_("Second approval of “%(decision)s” on %(ref)s")
                % {"decision": decision.get_decision_kind_display(), "ref": decision.transaction},
                url=reverse("export_control:transaction", args=[decision.transaction_id]),
                who=_("Group risk officer"),
                due=decision.decided_at,
            )
        )
    return panel


def register_dashboard() -> None:
    register_panel(dashboard_panel)


# --- transactions -----------------------------------------------------------------------------


def transactions(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    form = FilterForm(request.GET or None)
    rows = visible(Transaction, request).annotate(latest_outcome=_latest_outcome())
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["outcome"]:
            rows = rows.filter(latest_outcome=data["outcome"])
        if data["date_from"]:
            rows = rows.filter(date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(date__lte=data["date_to"])
        if data["destination"]:
            rows = rows.filter(destination=data["destination"].strip().upper())
    rows = rows.select_related("org_unit").annotate(
        n_lines=Count("lines", distinct=True), n_parties=Count("party_links", distinct=True)
    )
    page = Paginator(rows.order_by("-date", "reference"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "export_control/transactions.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_change": can(request.user, CHANGE),
        },
    )


def highlight(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """The end use cut into (text, is a red-flag term) pieces."""
    if not text or not terms:
        return [(text, False)] if text else []
    patterns = []
    for term in sorted(set(terms), key=len, reverse=True):
        stem = term.rstrip("*")
        tail = r"\w*" if term.endswith("*") else ""
        words = r"\s+".join(re.escape(w) for w in stem.split())
        if all(ord(ch) < 0x250 for ch in stem):
            patterns.append(rf"(?<!\w){words}{tail}(?!\w)")
        else:
            patterns.append(words)
    pattern = re.compile("|".join(patterns), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def version_labels(*lists: Any) -> dict[Any, str]:
    """Labels of the list versions named in stored screenings (ids, or dicts with an id)."""
    from tatara.screening.models import ListVersion

    ids = set()
    for versions in lists:
        for v in versions or []:
            key = v.get("id") if isinstance(v, dict) else v
            if isinstance(key, int):
                ids.add(key)
    found = ListVersion.objects.filter(pk__in=ids).select_related("screening_list")
    return {v.pk: str(v) for v in found}


def label_versions(versions: Any, labels: dict[Any, str]) -> list[str]:
    result = []
    for v in versions or []:
        key = v.get("id") if isinstance(v, dict) else v
        fallback = v.get("label", key) if isinstance(v, dict) else v
        result.append(labels.get(key, str(fallback)))
    return result


def _transaction(request: HttpRequest, pk: int) -> Transaction:
    require(request, VIEW)
    found: Transaction = one_or_404(visible(Transaction, request).select_related("org_unit"), pk)
    return found


def transaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = _transaction(request, pk)
    found = services.standing_of(transaction)
    initial = {
        "decision_kind": "clear",
        "items": [pk for pk, _code in found.missing if pk is not None],
    }
    only_block = bool(found.need and found.need.prohibited)
    form = DecisionForm(transaction=transaction, initial=initial, only_block=only_block)
    return _render_detail(request, transaction, form)


def _render_detail(
    request: HttpRequest, transaction: Transaction, decision_form: DecisionForm
) -> HttpResponse:
    user = request.user
    runs = list(transaction.runs.order_by("-at", "-pk"))
    latest = runs[0] if runs else None
    decisions = list(
        transaction.decisions.select_related("decided_by", "approved_by", "screening_run")
    )
    newest = decisions[0] if decisions else None
    for decision in decisions:  # a pending override decided on an older run is out of date
        decision.outdated = decision.is_pending_approval and (
            latest is None or decision.screening_run_id != latest.pk
        )
    lines = list(
        TransactionLine.objects.filter(transaction=transaction)
        .select_related("item__control_row")
        .order_by("pk")
    )
    links = list(
        TransactionParty.objects.filter(transaction=transaction)
        .select_related("party")
        .order_by("pk")
    )
    # the hits marked with what the transaction's company cleared before (decision 0019)
    marks = marked_hits({link.party for link in links}, transaction.org_unit, user)
    for link in links:
        link.marked_hits = marks.get(link.party_id, link.party.screening_hits)
    scan = scan_end_use(transaction.end_use)
    flags = list(scan.flags)
    found = services.standing_of(transaction)
    licences = [d for d in decisions if d.decision_kind == DecisionKind.LICENCE]
    standing_licences = {d.pk for d in found.licences}
    day = services.shipment_day(transaction)
    for licence in licences:
        licence.stands = licence.pk in standing_licences
        licence.valid_on_day = licence.licence_covers(day)
    missing = set(found.missing)
    licence_rows = [
        {"pk": pk, "code": code, "covered": (pk, code) not in missing}
        for pk, code in (found.need.licence_items if found.need else ())
    ]
    block_decision = next(
        (d for d in decisions if found.block is not None and d.pk == found.block.pk), None
    )
    blocks = {link.party_id: link.party.active_block() for link in links}
    blocked_parties = [
        (link.party, blocks[link.party_id]) for link in links if blocks[link.party_id]
    ]
    labels = version_labels(*(run.list_versions for run in runs))
    for run in runs:
        run.list_labels = label_versions(run.list_versions, labels)
    open_ = transaction.shipped_on is None
    may_decide = open_ and latest is not None and can(user, REVIEW, transaction.org_unit)
    awaiting_approval = newest is not None and newest.is_pending_approval and not newest.outdated
    may_approve = (
        awaiting_approval
        and newest is not None
        and newest.decided_by_id != user.pk
        and can(user, APPROVE, transaction.org_unit)
    )
    return render(
        request,
        "export_control/transaction.html",
        {
            "t": transaction,
            "runs": runs,
            "latest": latest,
            "decisions": decisions,
            "newest": newest,
            "lines": lines,
            "links": links,
            "country": country_info(transaction.destination, transaction.date),
            "flags": flags,
            "negated": scan.negated,
            "end_use": highlight(transaction.end_use, [f.term for f in flags]),
            "standing": found,
            "need": found.need,
            "missing": found.missing,
            "licences": licences,
            "licence_rows": licence_rows,
            "block_decision": block_decision,
            "shipment_day": day,
            "findings": services.shipment_findings_of(transaction),
            "blocked_parties": blocked_parties,
            "decision_form": decision_form if may_decide else None,
            "may_approve": may_approve,
            "awaiting_approval": awaiting_approval,
            "can_change": open_ and can(user, CHANGE, transaction.org_unit),
            "retention": newest.retention_until if newest else None,
            "retention_from_now": services.retention_until(timezone.localdate()),
            "trail": trail_for(transaction),
        },
        status=status_code(decision_form),
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = _transaction(request, pk)
    if not can(request.user, REVIEW, transaction.org_unit):
        raise PermissionDenied
    form = DecisionForm(request.POST, transaction=transaction)
    if form.is_valid():
        data = form.cleaned_data
        is_licence = data["decision_kind"] == DecisionKind.LICENCE
        try:
            decision = services.decide(
                actor=request.user,
                transaction=transaction,
                decision_kind=data["decision_kind"],
                reason=data["reason"],
                licence_number=data["licence_number"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                items=list(data["items"]) if is_licence else None,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            transaction.refresh_from_db()
            if decision.needs_second_approval:
                messages.warning(
                    request,
                    _("%(ref)s: the decision waits for a second approval (%(why)s).")
                    % {
                        "ref": transaction.reference,
                        "why": "; ".join(decision.approval_ground_labels()),
                    },
                )
            elif transaction.status == TransactionStatus.LICENCE_REQUIRED:
                messages.warning(
                    request,
                    _("%(ref)s: licence recorded; a licence is still needed for %(items)s.")
                    % {
                        "ref": transaction.reference,
                        "items": services.item_codes(services.standing_of(transaction).missing),
                    },
                )
            else:
                messages.success(
                    request,
                    _("%(ref)s: %(decision)s recorded.")
                    % {
                        "ref": transaction.reference,
                        "decision": decision.get_decision_kind_display(),
                    },
                )
            return redirect("export_control:transaction", transaction.pk)
    return _render_detail(request, transaction, form)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, VIEW)
    decision: Decision = one_or_404(
        Decision.objects.visible_to(request.user, VIEW).select_related("transaction__org_unit"),
        pk,
    )
    transaction = decision.transaction
    if not can(request.user, APPROVE, transaction.org_unit):
        raise PermissionDenied
    try:
        services.approve_override(actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        transaction.refresh_from_db()
        messages.success(
            request,
            _("Second approval given: %(ref)s is %(status)s.")
            % {"ref": transaction.reference, "status": transaction.get_status_display()},
        )
    return redirect("export_control:transaction", transaction.pk)


@require_POST
def rescreen(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = _transaction(request, pk)
    if not can(request.user, CHANGE, transaction.org_unit):
        raise PermissionDenied
    try:
        run = services.screen_transaction(actor=request.user, transaction=transaction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Screened again: %(outcome)s.") % {"outcome": run.get_outcome_display()}
        )
    return redirect("export_control:transaction", transaction.pk)


def _form_choices(request: HttpRequest) -> dict[str, Any]:
    """Items and parties a transaction may use: the user's units' and those of the units
    above (the group's customer master), read-only (selectors.usable)."""
    return {
        "items": usable(Item, viewer=request.user, action=CHANGE).select_related("control_row"),
        "parties": usable(Party, viewer=request.user, action=CHANGE),
    }


@require_http_methods(["GET", "POST"])
def transaction_new(request: HttpRequest) -> HttpResponse:
    require(request, CHANGE)
    form = TransactionForm(
        request.POST or None,
        units=units_for(request.user, CHANGE),
        initial={"date": timezone.localdate()},
        **_form_choices(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            transaction = services.create_transaction(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                lines=form.lines(),
                parties=form.parties(),
                **form.values(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _screened_message(request, transaction)
            return redirect("export_control:transaction", transaction.pk)
    return render(
        request,
        "export_control/transaction_form.html",
        {"form": form, "t": None},
        status=status_code(form),
    )


def _screened_message(request: HttpRequest, transaction: Transaction) -> None:
    run = services.latest_run(transaction)
    outcome = run.get_outcome_display() if run else "—"
    messages.success(
        request,
        _("%(ref)s saved and screened: %(outcome)s.")
        % {"ref": transaction.reference, "outcome": outcome},
    )


@require_http_methods(["GET", "POST"])
def transaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = _transaction(request, pk)
    if not can(request.user, CHANGE, transaction.org_unit):
        raise PermissionDenied
    form = TransactionForm(
        request.POST or None,
        editing=True,
        initial=transaction_initial(transaction),
        **_form_choices(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_transaction(
                actor=request.user,
                transaction=transaction,
                lines=form.lines(),
                parties=form.parties(),
                **form.values(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _screened_message(request, transaction)
            return redirect("export_control:transaction", transaction.pk)
    return render(
        request,
        "export_control/transaction_form.html",
        {"form": form, "t": transaction},
        status=status_code(form),
    )


# --- countries and the yearly summary -----------------------------------------------------------


def _localised(row: dict[str, Any], key: str) -> str:
    language = get_language() or "en"
    if language.startswith("ja") and row.get(f"{key}_ja"):
        return str(row[f"{key}_ja"])
    return str(row.get(key) or "")


def countries(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    form = CountryDateForm(request.GET or None)
    day = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    return render(
        request,
        "export_control/countries.html",
        {
            "form": form,
            "day": day,
            "rows": [
                (country, period, sorted({m.effect for m in measures_on(country.code, day)}))
                for country, period in groups_on(day)
            ],
            "measures": [
                {**row, "label": _localised(row, "title"), "what": _localised(row, "check")}
                for row in measure_rows()
                if row["valid_from"] <= day
                and (row["valid_until"] is None or day <= row["valid_until"])
            ],
        },
    )


def summary(request: HttpRequest) -> HttpResponse:
    """Per fiscal year: transactions, latest outcomes, decisions, and the "no major violations"
    figure (services.major_violations) over the viewer's scope."""
    require(request, VIEW)
    rows = visible(Transaction, request)
    dates = list(rows.values_list("date", flat=True).distinct())
    years = sorted({fiscal.year_of(d) for d in dates}, reverse=True)
    current = fiscal.year_of(timezone.localdate())
    if current not in years:
        years.insert(0, current)
    per_year = []
    for year in years:
        start, end = fiscal.bounds(year)
        in_year = rows.filter(date__gte=start, date__lte=end)
        outcomes = dict(
            in_year.annotate(o=_latest_outcome()).values_list("o").annotate(n=Count("pk"))
        )
        status = dict(in_year.values_list("status").annotate(n=Count("pk")))
        decisions = Decision.objects.filter(transaction__in=in_year.values("pk"))
        kinds = dict(decisions.values_list("decision_kind").annotate(n=Count("pk")))
        per_year.append(
            {
                "year": year,
                "label": fiscal.label(year),
                "total": sum(status.values()),
                "outcomes": [(label, outcomes.get(v, 0)) for v, label in Outcome.choices],
                "statuses": [(label, status.get(v, 0)) for v, label in TransactionStatus.choices],
                "decisions": [(label, kinds.get(v, 0)) for v, label in DecisionKind.choices],
                "pending_approval": decisions.filter(
                    needs_second_approval=True,
                    approved_at=None,
                    screening_run=_latest_run_of("transaction"),
                ).count(),
                "shipped": in_year.exclude(shipped_on=None).count(),
                "violations": services.major_violations(year, viewer=request.user),
            }
        )
    return render(request, "export_control/summary.html", {"years": per_year})
