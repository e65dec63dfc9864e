"""Export-control pages that move items and parties in and out of files: the import form
(the upload becomes a background job, whose page shows the progress and the outcome) and the
CSV/XLSX exports of the lists. See record_import.py and record_export.py."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tatara.core import tabular
from tatara.core.jobs import recent_jobs
from tatara.core.tabular import ImportRejected
from tatara.export_control import record_columns, record_export, record_import
from tatara.export_control.forms import RecordImportForm
from tatara.export_control.views import CHANGE, VIEW, require, status_code, units_for


def _what(what: str) -> str:
    if what not in record_columns.WHAT:
        raise Http404
    return what


@require_http_methods(["GET", "POST"])
def records_import(request: HttpRequest, what: str) -> HttpResponse:
    """Upload a file of items or parties: its type and columns are checked at once, its rows
    by a background job."""
    what = _what(what)
    require(request, CHANGE)
    units = units_for(request.user, CHANGE)
    form = RecordImportForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        initial={"org_unit": record_import.job_unit(request.user, None)},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record_import.check_header(what, upload)
        except ImportRejected as exc:
            for error in exc.errors:
                form.add_error("file", str(error))
        else:
            job = record_import.start_record_import(
                actor=request.user,
                what=what,
                upload=upload,
                unit=form.cleaned_data["org_unit"],
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("job", pk=job.pk)
    return render(
        request,
        "export_control/record_import.html",
        {
            "what": what,
            "form": form,
            "required": record_columns.REQUIRED[what],
            "optional": record_columns.optional_columns(what),
            "recent_jobs": recent_jobs(viewer=request.user, kind=record_import.JOB_KINDS[what]),
        },
        status=status_code(form),
    )


@require_GET
def records_export(request: HttpRequest, what: str) -> HttpResponse:
    """The items or parties in the viewer's scope as CSV or XLSX (?format=), in the import's
    columns."""
    what = _what(what)
    require(request, VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in tabular.FORMATS:
        raise Http404
    data, content_type, filename = record_export.export_records(what, viewer=request.user, fmt=fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
