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
    MeasureInfo,
    PartyScreen,
    RedFlagRules,
    assess,
)
from tatara.export_control.reasons import RENDERERS, render

TERMS = RedFlagRules(
    terms=(("wmd", "uranium enrichment"), ("military", "military")),
    negations_before=("not for",),
)


def _constants(arg) -> set[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.IfExp):
        return _constants(arg.body) | _constants(arg.orelse)
    return set()


def _emitted_codes(module) -> set[str]:
    """Every reason code a module passes to Reason(...), render_english(...) or
    _item_reason(...) — as a string, or either branch of a conditional; a variable passed
    through is found where it is set."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
            "code"
        ]:
            found |= _constants(node.value)
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id in ("Reason", "_item_reason") and len(node.args) >= 4:
            arg = node.args[3]
        elif node.func.id == "render_english" and node.args:
            arg = node.args[0]
        else:
            continue
        if isinstance(arg, ast.Name):
            continue  # a variable: its values are the constants assigned to it
        assert _constants(arg), ast.dump(arg)
        found |= _constants(arg)
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
        assess(  # a red flag without an End User List hit; a negated term
            destination=CountryInfo("TH", "C", name="Thailand"),
            items=[sensor],
            end_use="uranium enrichment, not for military use",
            parties=[
                PartyScreen(4, "Delta", ("customer",), "clear", blocked=True, block_reason="UN")
            ],
            red_flag_terms=TERMS,
        ),
        assess(
            destination=CountryInfo("IQ", "D", arms_embargo=True, name="Iraq"),
            items=[sensor],
            end_use="",
            parties=[],
            red_flag_terms=TERMS,
        ),
        assess(
            destination=CountryInfo(
                "RU",
                "C",
                name="Russia",
                measures=(
                    MeasureInfo(
                        "ru-by-regime-items", "ban-listed", "Regime items ban", "", "2022-03-18"
                    ),
                    MeasureInfo(
                        "ru-luxury-goods", "check", "Luxury goods ban", "luxury goods", "2022-04-05"
                    ),
                ),
            ),
            items=[lathe],
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
    # a measure's title comes from data/measures.yaml in the reader's language
    assert "ロシア" in rendered["measure-ban-listed"]


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
    assert en == "Japan bans every export to North Korea: no decision can clear it."
    assert "North Korea" in ja and ja != en
