"""A Content-Security-Policy on every page and `Cache-Control: no-store` on what shows data;
no template carries an inline script or an inline event handler, which the policy would
refuse (their behaviour is in core/static/core/tatara.js)."""

import re
from pathlib import Path

from tatara.core.security_headers import POLICY

SRC = Path(__file__).resolve().parents[2] / "src" / "tatara"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_a_page_has_the_policy_and_is_not_stored(client, world):
    client.force_login(world.users["csr_admin"])
    response = client.get("/cycle/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY and "frame-ancestors 'none'" in POLICY
    assert response["Cache-Control"] == "no-store"


def test_the_api_and_downloads_are_not_stored_either(client, world):
    client.force_login(world.users["csr_admin"])
    api = client.get("/api/v1/org-units/")
    assert api["Cache-Control"] == "no-store" and not api.has_header("Content-Security-Policy")
    download = client.get("/organisation/units/export/?format=csv")
    assert download["Cache-Control"] == "no-store"


def test_a_views_own_caching_is_kept(client):
    login = client.get("/accounts/login/")
    assert "no-store" in login["Cache-Control"] and "must-revalidate" in login["Cache-Control"]
    assert login["Content-Security-Policy"] == POLICY


def test_the_api_docs_may_start_their_worker(client, world):
    client.force_login(world.users["csr_admin"])
    docs = client.get("/api/v1/docs/")
    assert "worker-src 'self' blob:" in docs["Content-Security-Policy"]
    assert "fonts.googleapis.com" not in docs.content.decode()


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in HANDLER.finditer(text)]
    assert found == []
