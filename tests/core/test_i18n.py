"""The Japanese translation: key strings, whole pages in Japanese, and a complete catalogue.

The catalogue is src/tatara/locale/ja/LC_MESSAGES/django.po (compiled next to it as django.mo).
After marking new strings, refresh and translate it from src/tatara:

    DJANGO_SETTINGS_MODULE=tatara.config.settings TATARA_DEBUG=1 \
        django-admin makemessages -l ja -i "migrations/*"
    msgfmt --check -o locale/ja/LC_MESSAGES/django.mo locale/ja/LC_MESSAGES/django.po
"""

from __future__ import annotations

import ast
import gettext as pygettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tatara.cycle.choices import Phase, Rating, Status
from tatara.organisation.roles import Role

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "tatara"
LC_MESSAGES = PACKAGE / "locale" / "ja" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


# --- a small .po reader (no polib dependency) ---------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file, whose entries are
    separated by blank lines as gettext and makemessages write them."""
    entries: list[Entry] = []
    text = path.read_text(encoding="utf-8")
    line = 1
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        entry, key = Entry(line=line), ""
        line += block.count("\n") + 2
        for raw in block.splitlines():
            if raw.startswith("#~"):
                break  # an obsolete entry
            if raw.startswith("#,"):
                entry.flags |= {flag.strip() for flag in raw[2:].split(",")}
                continue
            if raw.startswith("#"):
                continue
            if not raw.startswith('"'):
                key, _, raw = raw.partition(" ")
                if key.startswith("msgstr"):
                    entry.msgstrs.append("")
            value = ast.literal_eval(raw)
            if key == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif key.startswith("msgstr"):
                entry.msgstrs[-1] += value
            else:
                raise AssertionError(f"{path}:{entry.line}: cannot read {raw!r}")
        else:
            entries.append(entry)
    header, *rest = entries
    assert header.msgid == "", "the catalogue starts with its header"
    return header, rest


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


# --- the catalogue ------------------------------------------------------------------------


def test_catalogue_header_is_japanese_with_one_plural_form():
    header, _ = read_po(PO)
    fields = dict(line.split(": ", 1) for line in header.msgstrs[0].splitlines() if ": " in line)
    assert fields["Language"] == "ja"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_none_is_fuzzy():
    _, entries = read_po(PO)
    assert len(entries) > 400
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not e.msgstrs or not all(e.msgstrs)]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"
    plural_forms = [e.msgid for e in entries if e.msgid_plural and len(e.msgstrs) != 1]
    assert not plural_forms, f"Japanese has one plural form (msgstr[0] only): {plural_forms}"


def test_translations_keep_the_placeholders():
    _, entries = read_po(PO)
    broken = [
        (e.line, e.msgid, s)
        for e in entries
        for s in e.msgstrs
        if "python-format" in e.flags and placeholders(s) != placeholders(e.msgid)
    ]
    assert not broken, broken


def test_compiled_catalogue_matches_the_po_file():
    """django.mo is what Django reads: it must be compiled from the current django.po."""
    _, entries = read_po(PO)
    with MO.open("rb") as handle:
        compiled = pygettext.GNUTranslations(handle)
    stale = []
    for e in entries:
        if e.msgctxt is not None:
            found = compiled.pgettext(e.msgctxt, e.msgid)
        elif e.msgid_plural is not None:
            found = compiled.ngettext(e.msgid, e.msgid_plural, 1)
        else:
            found = compiled.gettext(e.msgid)
        if found != e.msgstrs[0]:
            stale.append(e.msgid)
    assert not stale, f"django.mo is out of date (run msgfmt) for: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_catalogue_has_every_string_marked_in_the_source(tmp_path, monkeypatch):
    """makemessages on a copy of the source finds no msgid that the catalogue lacks."""
    source = tmp_path / "tatara"
    shutil.copytree(
        PACKAGE,
        source,
        ignore=shutil.ignore_patterns("locale", "migrations", "__pycache__", "static"),
    )
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["ja"], ignore_patterns=["migrations/*"], verbosity=0)
    _, fresh = read_po(tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    _, ours = read_po(PO)
    assert len(fresh) > 400, "makemessages found the source's strings"
    missing = sorted({(e.msgctxt, e.msgid) for e in fresh} - {(e.msgctxt, e.msgid) for e in ours})
    assert not missing, f"not yet in the Japanese catalogue (run makemessages): {missing}"


# --- key strings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("Dashboard", "ダッシュボード"),
        ("Self-assessment", "自己評価"),
        ("Measures (planned)", "施策（計画）"),
        ("Measures (results)", "施策（実績）"),
        ("CSR Management Office", "CSR推進室"),
        ("Road map", "ロードマップ"),
        ("Audit trail", "監査証跡"),
        ("Evidence files", "エビデンスファイル"),
        ("Sign in", "ログイン"),
        ("Organisation", "組織"),
        ("People", "従業員"),
        ("Import HR master", "人事マスタの取込"),
        ("Plan approval", "計画承認"),
        ("Achieved", "達成"),
        ("Not achieved", "未達成"),
        ("Japanese", "日本語"),
    ],
)
def test_key_strings_translate(english, japanese):
    with translation.override("ja"):
        assert gettext(english) == japanese
    with translation.override("en"):
        assert gettext(english) == english


def test_choices_and_roles_translate():
    with translation.override("ja"):
        assert str(Rating.MOSTLY_ACHIEVED.label) == "★★ 90%達成"
        assert str(Status.CONFIRMED.label) == "評価確定"
        assert str(Phase.PLANNING.label) == "計画策定"
        assert str(Role.GROUP_RISK_OFFICER.label) == "グループリスクマネジメント責任者"
        assert str(Role.COMPANY_RISK_OFFICER.label) == "各社リスク管理責任者"
        assert str(Role.COMPLIANCE_DEPT.label) == "コンプライアンス推進部門"


def test_fiscal_year_headings_and_plurals():
    with translation.override("ja"):
        assert gettext("FY%(year)d Measures (Planned)") % {"year": 2019} == "2019年度 施策（計画）"
        assert (
            gettext("Measures Planned for FY%(year)d") % {"year": 2020} == "2020年度 施策（計画）"
        )
        title = gettext("FY%(year)d Initiative Results and FY%(next)d Plans")
        assert title % {"year": 2019, "next": 2020} == "2019年度の取組実績と2020年度の計画"
        for n in (1, 5):
            text = ngettext("%(n)s person", "%(n)s people", n) % {"n": n}
            assert text == f"{n}名"


# --- pages in Japanese --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The demo data set (FY2019 rated and carried forward to FY2020), built once for the module
    inside a transaction rolled back at its end."""
    from tatara.demo.builder import build_demo

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo()
        transaction.set_rollback(True)


@pytest.fixture
def ja_client(client, demo, db):
    client.force_login(demo["users"]["csr"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_dashboard_in_japanese(ja_client):
    html = page(ja_client, "/")
    assert '<html lang="ja">' in html
    for text in ("ダッシュボード", "年度CSRサイクル", "次の対応", "タスク", "期限", "ログアウト"):
        assert text in html, text
    assert "CSR推進室（管理者）" in html  # the viewer's role
    assert '<option value="ja" selected>日本語</option>' in html
    for english in ("Who must act next", "Log out", "Your roles"):
        assert english not in html, english


def test_year_table_in_japanese(ja_client):
    html = page(ja_client, "/cycle/2019/")
    assert '<html lang="ja">' in html
    for text in (
        "2019年度の取組実績と2020年度の計画",
        "2019年度 施策（計画）",
        "2019年度 施策（実績）",
        "2020年度 施策（計画）",
        "自己評価",
        "90%達成",
        "未達成",
        "評価確定",
        "PDFをダウンロード",
    ):
        assert text in html, text
    for english in ("Measures (Planned)", "Initiative Results", "Self-assessment", "Deadlines"):
        assert english not in html, english


@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/cycle/", ["年度CSRサイクル", "計画承認期限"]),
        ("/cycle/roadmap/", ["CSRロードマップ", "中核主題・年度ごとの評価件数"]),
        ("/organisation/", ["グループ", "連結対象"]),
        ("/organisation/people/", ["従業員番号", "雇用形態"]),
    ],
)
def test_other_pages_in_japanese(ja_client, url, texts):
    html = page(ja_client, url)
    assert '<html lang="ja">' in html
    for text in texts:
        assert text in html, text


def test_initiative_page_in_japanese(ja_client, demo):
    initiative = demo["fy2019"].initiatives.order_by("subject__number", "position").first()
    html = page(ja_client, f"/cycle/initiatives/{initiative.pk}/")
    for text in ("担当組織", "年度間の推移", "エビデンスファイル", "監査証跡", "自己評価（確定）"):
        assert text in html, text


def test_the_language_selector_switches_to_japanese(client, demo, db):
    client.force_login(demo["users"]["csr"])
    assert '<html lang="en">' in page(client, "/")
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/cycle/"})
    assert response.status_code == 302 and response["Location"] == "/cycle/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    html = page(client, "/cycle/")
    assert '<html lang="ja">' in html and "年度CSRサイクル" in html
