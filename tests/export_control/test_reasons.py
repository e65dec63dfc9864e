"""Screening reasons render in the reader's language (export_control.reasons)."""

import ast
import inspect

from django.template import Context, Template
from django.utils import translation

from tatara.export_control import assessment, party_screening, rescreen
from tatara.export_control.assessment import (
    STRONG,
    CountryInfo,
    HitInfo,
    ItemInfo,
    PartyScreen,
    assess,
)
from tatara.export_control.reasons import RENDERERS, render

TERMS = [("wmd", "uranium enrichment")]


def _emitted_codes(module) -> set[str]:
    """Every reason code a module passes to Reason(...) or render_english(...)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "Reason" and len(node.args) >= 4:
            arg = node.args[3]
        elif node.func.id == "render_english" and node.args:
            arg = node.args[0]
        else:
            continue
        assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), ast.dump(arg)
        found.add(arg.value)
    return found


def _every_reason():
    """Assessments that between them produce every rule of the engine."""
    sdn = HitInfo(0.97, "ofac-sdn", "OFAC SDN", "1001", "Rosoboronexport", STRONG)
    alert = HitInfo(0.86, "ofac-sdn", "OFAC SDN", "1002", "Rosoboron", "alert")
    eul = HitInfo(0.95, "meti-eul", "METI EUL", "EUL-42", "Tehran Centrifuge", STRONG)
    parties = [
        PartyScreen(1, "Acme", ("customer", "end_user"), "strong", (sdn,)),
        PartyScreen(2, "Beta", ("consignee",), "review", (alert,)),
        PartyScreen(3, "Gamma", ("end_user",), "strong", (eul,)),
    ]
    sensor = ItemInfo(5, "SENSOR", "Sensor", "16")
    lathe = ItemInfo(3, "LATHE-5", "5-axis lathe", "6")
    rifle = ItemInfo(4, "RIFLE", "Rifle", "1")
    runs = [
        assess(
            destination=CountryInfo("CN", "C", name="China"),
            items=[sensor, lathe],
            end_use="for uranium enrichment",
            parties=parties,
            red_flag_terms=TERMS,
        ),
        assess(
            destination=CountryInfo("DE", "A", name="Germany"),
            items=[lathe],
            end_use="",
            parties=[],
            red_flag_terms=TERMS,
        ),
        assess(
            destination=CountryInfo("KP", "D", arms_embargo=True, embargo=True, name="North Korea"),
            items=[rifle],
            end_use="",
            parties=[],
            red_flag_terms=TERMS,
        ),
        assess(
            destination=CountryInfo("ZZ", "C", known=False, name="Nowhere"),
            items=[],
            end_use="",
            parties=[],
            red_flag_terms=TERMS,
        ),
    ]
    return [reason for result in runs for reason in result.reasons_json()]


def test_a_reason_made_in_english_renders_in_the_readers_language():
    with translation.override("en"):
        reasons = _every_reason()
    strong = next(r for r in reasons if r["code"] == "party-strong-hit")
    assert strong["params"]["party"] == "Acme"
    assert strong["text"].startswith("Party Acme (Customer, End user) strongly matches")
    with translation.override("ja"):
        ja = render(strong)
        hit = render(next(r for r in reasons if r["code"] == "party-hit"))
    assert "Acme" in ja and "Rosoboronexport" in ja and ja != strong["text"]
    assert "Party" not in ja and "strongly matches" not in ja
    assert hit.startswith("取引当事者 Beta")
    with translation.override("en"):
        assert render(strong) == strong["text"]


def test_text_is_english_even_when_a_japanese_reader_triggers_the_screening():
    with translation.override("ja"):
        reasons = _every_reason()
        rendered = {r["code"]: render(r) for r in reasons}
    with translation.override("en"):
        for reason in reasons:
            assert render(reason) == reason["text"], reason["code"]
    assert rendered["country-group-d"] != next(
        r["text"] for r in reasons if r["code"] == "country-group-d"
    )


def test_every_code_the_engine_can_emit_has_a_renderer():
    emitted = (
        _emitted_codes(assessment) | _emitted_codes(rescreen) | _emitted_codes(party_screening)
    )
    assert emitted, "no reason codes found in the engine's source"
    assert emitted == set(RENDERERS)
    # and the scenarios above really produce every code of the engine, each rendering
    reasons = _every_reason()
    assert {r["code"] for r in reasons} == _emitted_codes(assessment)
    for language in ("en", "ja"):
        with translation.override(language):
            for reason in reasons:
                assert render(reason) and render(reason) != reason["code"]


def test_the_list_update_reason_renders():
    reason = {
        "code": "party-list-update",
        "text": "old",
        "params": {"list": "", "party": "Acme", "before": 1, "after": 2},
    }
    with translation.override("en"):
        assert render(reason) == (
            "The list update of a screening list may affect party Acme "
            "(hits before: 1, now: 2); review the result."
        )
    with translation.override("ja"):
        assert "Acme" in render(reason) and "The list update" not in render(reason)


def test_old_reasons_without_params_and_unknown_codes_fall_back_to_their_text():
    old = {"kind": "country", "severity": "blocked", "code": "country-group-d", "text": "Stored."}
    unknown = {"code": "something-new", "text": "Kept.", "params": {"x": 1}}
    broken = {"code": "country-group-d", "text": "Also kept.", "params": {}}
    with translation.override("ja"):
        assert render(old) == "Stored."
        assert render(unknown) == "Kept."
        assert render(broken) == "Also kept."
        assert render({"code": "party-hit"}) == ""


def test_the_template_filter_renders_in_the_active_language():
    with translation.override("en"):
        reason = next(r for r in _every_reason() if r["code"] == "country-embargo")
    template = Template(
        "{% load export_control_reasons %}{% for r in reasons %}{{ r|reason_text }}{% endfor %}"
    )
    with translation.override("ja"):
        ja = template.render(Context({"reasons": [reason]}))
    with translation.override("en"):
        en = template.render(Context({"reasons": [reason]}))
    assert en == "Exports to North Korea are under embargo."
    assert "North Korea" in ja and ja != en
