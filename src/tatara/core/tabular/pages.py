"""An import's upload page from its spec: the form (the file, "check only", and the spec's
own options), the columns as the spec documents them, recent imports of that kind, and the
export links; a valid upload becomes a background job (jobs.py) and the browser goes to the
job's page, which shows the progress and then what changed or every error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tatara.core.forms import ImportForm
from tatara.core.tabular.jobs import load_spec, start_import_job


def import_page(
    request: HttpRequest,
    spec_path: str,
    *,
    title: str,
    crumbs: Sequence[tuple[str, str]] = (),
    intro: str = "",
    form_class: type[ImportForm] = ImportForm,
    options: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    exports: Sequence[tuple[str, str]] = (),
    return_url: str = "",
) -> HttpResponse:
    """The page (GET) and the upload (POST). `crumbs`: (url, label) above this page;
    `options(cleaned_data)`: the run's own settings from the form; `exports`: (url, label)."""
    from tatara.core.jobs import recent_jobs
    from tatara.core.permissions import can

    spec = load_spec(spec_path)
    if not can(request.user, spec.action):
        raise PermissionDenied
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import_job(
            spec_path,
            actor=request.user,
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            return_url=return_url or request.path,
            **(options(form.cleaned_data) if options else {}),
        )
        return redirect("job", pk=job.pk)
    return render(
        request,
        "core/import.html",
        {
            "title": title,
            "crumbs": crumbs,
            "intro": intro,
            "form": form,
            "columns": [
                (c.name, c.kind.describe(), c.required and not c.blank, str(c.help or ""))
                for c in spec.columns
            ],
            "exports": exports,
            "recent_jobs": recent_jobs(viewer=request.user, kind=spec.name),
        },
    )
