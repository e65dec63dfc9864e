"""Pages of restricted-party screening: the lists and their versions, a version's diff,
screening one name, and batch screening of a file (a background job). Everything needs
`screening.view`; lists are group-wide reference data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tatara.core.jobs import jobs_about
from tatara.core.permissions import can
from tatara.screening import name_screening
from tatara.screening.forms import ScreenForm
from tatara.screening.matching import ALERT_THRESHOLD, REPORT_THRESHOLD, STRONG_THRESHOLD
from tatara.screening.models import ListEntry, ListVersion, ScreeningList

VIEW = "screening.view"
HISTORY = 10  # versions shown per list
DIFF_PAGE = 50


def _require_view(request: HttpRequest) -> None:
    if not can(request.user, VIEW):
        raise PermissionDenied


def _thresholds() -> dict[str, int]:
    return {
        "report": round(REPORT_THRESHOLD * 100),
        "alert": round(ALERT_THRESHOLD * 100),
        "strong": round(STRONG_THRESHOLD * 100),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    lists = list(
        ScreeningList.objects.visible_to(request.user, VIEW)
        .select_related("active_version")
        .order_by("source")
    )
    for screening_list in lists:
        screening_list.history = list(
            ListVersion.objects.filter(screening_list=screening_list).order_by("-loaded_at", "-pk")[
                :HISTORY
            ]
        )
    return render(
        request,
        "screening/index.html",
        {"lists": lists, "can_manage": can(request.user, "screening.manage")},
    )


@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = (
        ListVersion.objects.visible_to(request.user, VIEW)
        .select_related("screening_list", "previous")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        _require_view(request)
        raise Http404
    changes = version.changes
    wanted = request.GET.get("change", "")
    rows: list[tuple[str, str]] = [
        (kind, entry_id)
        for kind, ids in (
            ("added", changes.added),
            ("removed", changes.removed),
            ("changed", changes.changed),
        )
        if not wanted or wanted == kind
        for entry_id in ids
    ]
    page = Paginator(rows, DIFF_PAGE).get_page(request.GET.get("page"))
    ids = [entry_id for _kind, entry_id in page.object_list]
    new = {
        e.entry_id: e
        for e in ListEntry.objects.filter(version=version, entry_id__in=ids).only(
            "entry_id", "name", "kind", "programmes", "countries"
        )
    }
    old = {}
    if version.previous_id:
        old = {
            e.entry_id: e
            for e in ListEntry.objects.filter(
                version_id=version.previous_id, entry_id__in=ids
            ).only("entry_id", "name", "kind", "programmes", "countries")
        }
    lines = [
        {
            "change": kind,
            "entry_id": entry_id,
            "entry": new.get(entry_id) or old.get(entry_id),
            "old_name": old[entry_id].name
            if entry_id in old and entry_id in new and old[entry_id].name != new[entry_id].name
            else "",
        }
        for kind, entry_id in page.object_list
    ]
    return render(
        request,
        "screening/version.html",
        {
            "version": version,
            "page": page,
            "lines": lines,
            "change": wanted,
            "counts": changes.counts,
            "jobs": jobs_about(viewer=request.user, list_version=version.pk),
        },
    )


@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    """Screen one name (a GET form, so that a result can be linked and reloaded)."""
    _require_view(request)
    form = ScreenForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = name_screening.screen_name(
            data["name"],
            country=data["country"] or None,
            birth_date=data["date_of_birth"] or None,
            kind=data["kind"] or None,
        )
    versions = ListVersion.objects.filter(status="active").select_related("screening_list")
    return render(
        request,
        "screening/screen.html",
        {
            "form": form,
            "result": result,
            "versions": versions,
            "thresholds": _thresholds(),
        },
    )
