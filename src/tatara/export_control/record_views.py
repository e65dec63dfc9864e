"""Export-control pages for the records behind transactions: parties (with their screening
hits, a "screen now" button and their block in the party master, also from a confirmed batch
alert) and items (with their classification). Writes go through services.py; reads through
the gate, widened to the records of the units above the viewer's (selectors.usable: the
group's customer master, read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tatara.core.approvals import First, same_person
from tatara.core.audit import trail_for
from tatara.core.permissions import can
from tatara.export_control import services
from tatara.export_control.forms import (
    AlertBlockForm,
    ItemForm,
    PartyBlockForm,
    PartyForm,
    PartyUnblockForm,
    mapping_text,
)
from tatara.export_control.models import Item, Party, PartyBlock, Transaction
from tatara.export_control.party_screening import marked_hits
from tatara.export_control.selectors import usable
from tatara.export_control.views import (
    APPROVE,
    CHANGE,
    REVIEW,
    VIEW,
    add_errors,
    label_versions,
    one_or_404,
    require,
    status_code,
    units_for,
    version_labels,
)

# --- parties ----------------------------------------------------------------------------------


def parties(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    rows = usable(Party, viewer=request.user).select_related("org_unit")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(country__iexact=q) | Q(code__iexact=q))
    outcome = request.GET.get("screening", "")
    if outcome:
        rows = rows.filter(screening_outcome=outcome)
    page = Paginator(rows.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "export_control/parties.html",
        {"page": page, "q": q, "screening": outcome, "can_change": can(request.user, CHANGE)},
    )


def _party(request: HttpRequest, pk: int) -> Party:
    require(request, VIEW)
    found: Party = one_or_404(usable(Party, viewer=request.user).select_related("org_unit"), pk)
    return found


def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    on = (
        Transaction.objects.visible_to(request.user, VIEW)
        .filter(party_links__party=party)
        .distinct()
        .order_by("-date")
    )
    return _render_party(request, party, on)


def _render_party(
    request: HttpRequest,
    party: Party,
    on: Any,
    block_form: PartyBlockForm | None = None,
    unblock_form: PartyUnblockForm | None = None,
) -> HttpResponse:
    user = request.user
    block = party.active_block()
    may_review = can(user, REVIEW, party.org_unit)
    return render(
        request,
        "export_control/party.html",
        {
            "party": party,
            # marked with what the party's company cleared before (decision 0019)
            "hits": marked_hits([party], party.org_unit, request.user).get(
                party.pk, party.screening_hits
            ),
            "list_labels": label_versions(
                party.screening_list_versions, version_labels(party.screening_list_versions)
            ),
            "transactions": on,
            "can_change": can(user, CHANGE, party.org_unit),
            "block": block,
            "blocks": list(party.blocks.order_by("-blocked_at", "-pk")),
            "block_form": (block_form or PartyBlockForm()) if may_review and not block else None,
            "unblock_form": (unblock_form or PartyUnblockForm())
            if may_review and block and not block.lift_pending
            else None,
            "may_lift": bool(
                block
                and block.lift_pending
                and can(user, APPROVE, party.org_unit)
                and not same_person(
                    user, First(block.lift_requested_by_id, block.lift_requested_by_label)
                )
            ),
            "trail": trail_for(party),
        },
        status=400
        if (block_form and block_form.errors) or (unblock_form and unblock_form.errors)
        else 200,
    )


def _party_transactions(request: HttpRequest, party: Party) -> Any:
    return (
        Transaction.objects.visible_to(request.user, VIEW)
        .filter(party_links__party=party)
        .distinct()
        .order_by("-date")
    )


@require_POST
def party_block(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    if not can(request.user, REVIEW, party.org_unit):
        raise PermissionDenied
    form = PartyBlockForm(request.POST)
    if form.is_valid():
        try:
            services.block_party(
                actor=request.user, party=party, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(party)s is blocked: its open transactions are blocked.")
                % {"party": party.name},
            )
            return redirect("export_control:party", party.pk)
    return _render_party(request, party, _party_transactions(request, party), block_form=form)


@require_POST
def party_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to lift the party's block (the second approval lifts it: party_unblock_approve)."""
    party = _party(request, pk)
    block = party.active_block()
    if block is None or not can(request.user, REVIEW, party.org_unit):
        raise PermissionDenied
    form = PartyUnblockForm(request.POST)
    if form.is_valid():
        try:
            services.request_party_unblock(
                actor=request.user, block=block, reason=form.cleaned_data["lift_reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.warning(
                request,
                _("Lifting the block of %(party)s waits for a second approval.")
                % {"party": party.name},
            )
            return redirect("export_control:party", party.pk)
    return _render_party(request, party, _party_transactions(request, party), unblock_form=form)


@require_POST
def party_unblock_approve(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    block = party.active_block()
    if block is None or not can(request.user, APPROVE, party.org_unit):
        raise PermissionDenied
    try:
        services.approve_party_unblock(actor=request.user, block=block)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The block of %(party)s is lifted.") % {"party": party.name})
    return redirect("export_control:party", party.pk)


@require_http_methods(["GET", "POST"])
def alert_block(request: HttpRequest, pk: int) -> HttpResponse:
    """From a batch alert confirmed as a match (linked from the screening area's batch
    review): block the party it names in the party master of the batch's unit, or create it
    blocked."""
    from tatara.screening.choices import AlertStatus
    from tatara.screening.models import BatchAlert

    require(request, VIEW)
    alert = one_or_404(
        BatchAlert.objects.visible_to(request.user, "screening.view").select_related(
            "batch__org_unit"
        ),
        pk,
    )
    unit = alert.batch.org_unit
    if not can(request.user, REVIEW, unit):
        raise PermissionDenied
    candidates = services.alert_party_candidates(viewer=request.user, alert=alert)
    blocks = list(PartyBlock.objects.filter(alert=alert).select_related("party"))
    initial = {"party": str(candidates[0].pk) if len(candidates) == 1 else AlertBlockForm.NEW}
    form: AlertBlockForm | None = AlertBlockForm(
        request.POST or None, candidates=candidates, initial=initial
    )
    if alert.status != AlertStatus.CONFIRMED:
        form = None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            block = services.block_party_from_alert(
                actor=request.user,
                alert=alert,
                reason=form.cleaned_data["reason"],
                party=form.chosen_party(),
                code=form.cleaned_data["code"] if form.cleaned_data["party"] == form.NEW else "",
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(party)s is blocked in the party master.") % {"party": block.party.name},
            )
            return redirect("export_control:party", block.party_id)
    return render(
        request,
        "export_control/alert_block.html",
        {"alert": alert, "form": form, "candidates": candidates, "blocks": blocks},
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def party_screen(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    if not can(request.user, CHANGE, party.org_unit):
        raise PermissionDenied
    services.screen_party(actor=request.user, party=party)
    messages.success(
        request,
        _("%(party)s screened: %(outcome)s, %(n)s hit(s).")
        % {"party": party.name, "outcome": party.screening_outcome, "n": len(party.screening_hits)},
    )
    return redirect("export_control:party", party.pk)


@require_http_methods(["GET", "POST"])
def party_new(request: HttpRequest) -> HttpResponse:
    require(request, CHANGE)
    form = PartyForm(request.POST or None, units=units_for(request.user, CHANGE))
    if request.method == "POST" and form.is_valid():
        try:
            party = services.create_party(
                actor=request.user, org_unit=form.cleaned_data["org_unit"], **form.values()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(party)s saved and screened: %(outcome)s.")
                % {"party": party.name, "outcome": party.screening_outcome},
            )
            return redirect("export_control:party", party.pk)
    return render(
        request,
        "export_control/record_form.html",
        {"form": form, "record": None, "kind": "party"},
        status=status_code(form),
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    if not can(request.user, CHANGE, party.org_unit):
        raise PermissionDenied
    initial = {
        "code": party.code,
        "name": party.name,
        "party_kind": party.party_kind,
        "aliases": "\n".join(party.aliases or []),
        "country": party.country,
        "date_of_birth": party.date_of_birth,
        "address": party.address,
        "identifiers": mapping_text(party.identifiers),
        "roles": party.roles,
    }
    form = PartyForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_party(actor=request.user, party=party, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(party)s saved and screened.") % {"party": party.name})
            return redirect("export_control:party", party.pk)
    return render(
        request,
        "export_control/record_form.html",
        {"form": form, "record": party, "kind": "party"},
        status=status_code(form),
    )


# --- items ------------------------------------------------------------------------------------


def items(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    rows = usable(Item, viewer=request.user).select_related("org_unit", "control_row")
    row = request.GET.get("row", "")
    if row == "none":
        rows = rows.filter(control_row=None)
    elif row:
        rows = rows.filter(control_row__code=row)
    page = Paginator(rows.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "export_control/items.html",
        {"page": page, "row": row, "can_change": can(request.user, CHANGE)},
    )


def _item(request: HttpRequest, pk: int) -> Item:
    require(request, VIEW)
    found: Item = one_or_404(
        usable(Item, viewer=request.user).select_related("org_unit", "control_row"), pk
    )
    return found


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    on = (
        Transaction.objects.visible_to(request.user, VIEW)
        .filter(lines__item=item)
        .distinct()
        .order_by("-date")[:50]
    )
    return render(
        request,
        "export_control/item.html",
        {
            "item": item,
            "transactions": on,
            "can_change": can(request.user, CHANGE, item.org_unit),
            "trail": trail_for(item),
        },
    )


@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    require(request, CHANGE)
    form = ItemForm(request.POST or None, units=units_for(request.user, CHANGE))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(
                actor=request.user, org_unit=form.cleaned_data["org_unit"], **form.values()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Item %(code)s saved.") % {"code": item.code})
            return redirect("export_control:item", item.pk)
    return render(
        request,
        "export_control/record_form.html",
        {"form": form, "record": None, "kind": "item"},
        status=status_code(form),
    )


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not can(request.user, CHANGE, item.org_unit):
        raise PermissionDenied
    initial = {
        "code": item.code,
        "name": item.name,
        "item_kind": item.item_kind,
        "control_row": item.control_row_id,
        "sub_item": item.sub_item,
        "catch_all_applicable": item.catch_all_applicable,
        "foreign_classifications": mapping_text(item.foreign_classifications),
        "notes": item.notes,
    }
    form = ItemForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(actor=request.user, item=item, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Item %(code)s saved.") % {"code": item.code})
            return redirect("export_control:item", item.pk)
    return render(
        request,
        "export_control/record_form.html",
        {"form": form, "record": item, "kind": "item"},
        status=status_code(form),
    )
