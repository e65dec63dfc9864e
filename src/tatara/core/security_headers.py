"""Headers every response of Tatara's own gets (issue 10):

- `Content-Security-Policy` on HTML pages: scripts, styles, images, fonts, frames and form
  targets from this server only (no inline scripts: the pages' behaviour is in static files,
  core/static/core/tatara.js); inline style attributes are allowed (progress bars set their
  width), styles can run no code. The API's Redoc page (/api/v1/docs/) runs Redoc's web
  worker from a blob: URL and gets that too.
- `Cache-Control: no-store` on every response that may show data (pages, API, downloads),
  unless the view set its own caching: a shared computer's browser cache or a proxy keeps
  no copy of a CSR table or a customer list. Static files (served before this middleware, by
  WhiteNoise) keep their long caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
API_DOCS_POLICY = POLICY + "; worker-src 'self' blob:"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "text/html" in response.get("Content-Type", "") and not response.has_header(
            "Content-Security-Policy"
        ):
            docs = request.path.startswith("/api/v1/docs/")
            response["Content-Security-Policy"] = API_DOCS_POLICY if docs else POLICY
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
