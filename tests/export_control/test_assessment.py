"""The decision engine's rules (pure: no database). The one rule for decisions and the derived
status are in test_decision_rules.py."""

from tatara.export_control.assessment import (
    ALERT,
    STRONG,
    CountryInfo,
    HitInfo,
    ItemInfo,
    MeasureInfo,
    PartyScreen,
    assess,
    find_red_flags,
    requirement,
    scan_end_use,
)

GERMANY = CountryInfo("DE", "A", name="Germany")
CHINA = CountryInfo("CN", "C", name="China")
IRAN = CountryInfo("IR", "D", name="Iran")
IRAQ = CountryInfo("IQ", "D", arms_embargo=True, name="Iraq")
LEBANON = CountryInfo("LB", "D", arms_embargo=True, name="Lebanon")
NORTH_KOREA = CountryInfo("KP", "D", arms_embargo=True, embargo=True, name="North Korea")
EMBARGOED_C = CountryInfo("XX", "C", arms_embargo=True, name="Armsland")

PUMP = ItemInfo(1, "PUMP-1", "Pump", None, catch_all_applicable=True)
SOAP = ItemInfo(2, "SOAP", "Soap", None, catch_all_applicable=False)
LATHE = ItemInfo(3, "LATHE-5", "5-axis lathe", "6")
RIFLE = ItemInfo(4, "RIFLE", "Rifle", "1")
CATCH_ALL = ItemInfo(5, "SENSOR", "Sensor", "16")


def sdn_hit(score, strength):
    return HitInfo(score, "ofac-sdn", "OFAC SDN", "1001", "Rosoboronexport", strength)


def eul_hit():
    return HitInfo(0.95, "meti-eul", "METI EUL", "EUL-42", "Tehran Centrifuge", STRONG)


def party(outcome, *hits, name="Buyer"):
    return PartyScreen(7, name, ("end_user",), outcome, tuple(hits))


def run(destination=CHINA, items=(PUMP,), end_use="", parties=()):
    return assess(destination=destination, items=list(items), end_use=end_use, parties=parties)


def codes(result):
    return [(r.kind, r.severity, r.code) for r in result.reasons]


def test_nothing_found_is_clear():
    result = run(parties=[party("clear")])
    assert result.outcome == "clear"
    assert result.reasons == ()


def test_strong_party_hit_blocks_and_a_review_hit_asks_for_review():
    strong = run(parties=[party("strong", sdn_hit(0.97, STRONG))])
    assert strong.outcome == "blocked"
    assert codes(strong) == [("party", "blocked", "party-strong-hit")]
    assert strong.has_strong_party_hit
    reason = strong.reasons_json()[0]
    assert reason["party"] == 7 and reason["hits"][0]["list_entry_id"] == "1001"
    review = run(parties=[party("review", sdn_hit(0.86, ALERT))])
    assert review.outcome == "review"
    assert codes(review) == [("party", "review", "party-hit")]


def test_group_d_calls_for_review_and_is_no_ban_on_civilian_goods():
    # household fans to Iraq or Lebanon are not prohibited: Group D is review, with the
    # catch-all hint for a catch-all item
    fans = ItemInfo(9, "FAN", "Household electric fan", None, catch_all_applicable=True)
    for country in (IRAQ, LEBANON):
        result = run(destination=country, items=[fans], end_use="Household use")
        assert result.outcome == "review"
        assert codes(result) == [
            ("country", "review", "country-group-d"),
            ("item", "review", "item-catch-all-group-d"),
        ]
        assert not requirement(result.reasons_json()).prohibited
    assert codes(run(destination=IRAN, items=[SOAP])) == [("country", "review", "country-group-d")]


def test_north_korea_is_a_total_ban_and_arms_to_an_arms_embargo_country_a_ban():
    kp = run(destination=NORTH_KOREA, items=[SOAP])
    assert kp.outcome == "blocked"
    assert ("country", "blocked", "country-embargo") in codes(kp)
    reason = next(r for r in kp.reasons_json() if r["code"] == "country-embargo")
    assert reason["prohibited"] is True
    assert requirement(kp.reasons_json()).prohibited == ("country-embargo",)
    arms = run(destination=EMBARGOED_C, items=[RIFLE, SOAP])
    assert ("country", "blocked", "country-arms-embargo") in codes(arms)
    assert arms.outcome == "blocked"
    need = requirement(arms.reasons_json())
    assert need.bans == ("country-arms-embargo",) and not need.prohibited
    assert ("country", "blocked", "country-arms-embargo") not in codes(
        run(destination=EMBARGOED_C, items=[SOAP])
    )


def test_listed_item_outside_group_a_needs_a_licence():
    result = run(items=[LATHE])
    assert result.outcome == "licence_required"
    assert codes(result) == [("item", "licence_required", "item-listed")]
    # to Group A the law still asks for a licence (usually a general bulk one): review
    assert codes(run(destination=GERMANY, items=[LATHE])) == [
        ("item", "review", "item-listed-group-a")
    ]


def test_a_red_flag_sends_catch_all_to_review_and_an_end_user_list_hit_needs_a_licence():
    assert run(items=[PUMP], end_use="water treatment plant").outcome == "clear"
    flagged = run(items=[PUMP], end_use="Cooling for a uranium enrichment centrifuge hall")
    # words are not meaning: review, never straight to "licence required"
    assert flagged.outcome == "review"
    assert ("item", "review", "item-catch-all-check") in codes(flagged)
    terms = {r.term for r in flagged.reasons if r.kind == "end_use"}
    assert {"uranium enrichment", "uranium"} <= terms
    eul = run(items=[CATCH_ALL], parties=[party("strong", eul_hit())])
    assert eul.outcome == "licence_required"
    assert codes(eul) == [
        ("party", "review", "party-end-user-list"),
        ("item", "licence_required", "item-catch-all"),
    ]
    # an item outside catch-all (food, wood …) does not need a licence for a red flag
    assert run(items=[SOAP], end_use="military base").outcome == "review"


def test_group_a_is_exempt_from_catch_all():
    result = run(
        destination=GERMANY,
        items=[PUMP],
        end_use="missile test stand",
        parties=[party("strong", eul_hit())],
    )
    assert result.outcome == "review"  # red flag and EUL hit reviewed, no licence required
    assert not [r for r in result.reasons if r.code == "item-catch-all"]


def test_end_use_red_flags_in_english_and_japanese_show_the_term():
    assert [f.term for f in find_red_flags("Parts for UAVs and drones")] == ["UAV*", "drone*"]
    assert [f.term for f in find_red_flags("ミサイル用の部品")] == ["ミサイル"]
    assert [f.term for f in find_red_flags("軍事用途、無人機")] == ["無人機", "軍事"]
    assert find_red_flags("Rocketry club kit")[0].term == "rocket*"
    # whole words only for Latin terms
    assert find_red_flags("armyworm control in rice fields") == []
    assert find_red_flags("") == []
    result = run(destination=GERMANY, items=[SOAP], end_use="Nerve agent detection")
    assert codes(result) == [("end_use", "review", "end-use-red-flag")]
    assert "nerve agent*" in result.reasons[0].text


def test_the_false_red_flags_of_issue_9_are_gone():
    # "Not for military use": named in a negation → info, shown but not a red flag
    negated = run(items=[PUMP], end_use="Not for military use")
    assert negated.outcome == "clear"
    assert codes(negated) == [("end_use", "info", "end-use-negated")]
    assert scan_end_use("Non-military use only").negated[0].term == "military"
    assert scan_end_use("軍事用途ではない").negated[0].term == "軍事"
    assert scan_end_use("非軍事").negated[0].term == "軍事"
    # a negation does not hide a second, plain use of the term
    both = scan_end_use("Not for civilian use but military use")
    assert [f.term for f in both.flags] == ["military"]
    assert [f.term for f in scan_end_use("not for military use, military navy").flags] == [
        "military",
        "navy",
    ]
    # 核 alone is in 核酸 (nucleic acid) and 結核 (tuberculosis): no longer a red flag
    assert find_red_flags("核酸抽出装置") == []
    assert find_red_flags("結核の検査") == []
    assert [f.term for f in find_red_flags("核兵器の開発")] == ["核兵器", "兵器"]
    # "enrichment" only with uranium or isotopes
    assert find_red_flags("enrichment of nutrients") == []
    assert [f.term for f in find_red_flags("isotope enrichment")] == ["isotope enrichment"]
    # a category's exceptions
    assert find_red_flags("nuclear magnetic resonance spectrometer") == []
    assert [f.term for f in find_red_flags("nuclear reactor parts")] == ["nuclear"]


def test_russia_and_belarus_measures():
    measures = (
        MeasureInfo(
            "ru-by-regime-items", "ban-listed", "Export ban on regime items", "", "2022-03-18"
        ),
        MeasureInfo("ru-luxury-goods", "check", "Luxury goods ban", "luxury goods", "2022-04-05"),
    )
    russia = CountryInfo("RU", "C", name="Russia", measures=measures)
    listed = run(destination=russia, items=[LATHE])
    assert listed.outcome == "blocked"
    assert ("item", "blocked", "measure-ban-listed") in codes(listed)
    assert ("country", "review", "measure-check") in codes(listed)
    need = requirement(listed.reasons_json())
    assert need.bans == ("measure-ban-listed",)
    assert need.ban_items == ((3, "LATHE-5"),)
    assert need.licence_items == ((3, "LATHE-5"),)  # item-listed and the ban: one item
    # a non-listed item: review, the officer checks the goods against the measures
    pump = run(destination=russia, items=[PUMP])
    assert pump.outcome == "review"
    assert codes(pump) == [("country", "review", "measure-check")]


def test_unknown_country_is_group_c_with_an_info_reason():
    unknown = CountryInfo("ZZ", "C", known=False)
    result = run(destination=unknown, items=[PUMP], end_use="missile")
    assert codes(result)[0] == ("country", "info", "country-unknown")
    assert result.outcome == "review"
    assert run(destination=unknown, items=[SOAP]).outcome == "clear"


def test_a_blocked_party_blocks_and_no_decision_clears_it():
    blocked = PartyScreen(7, "Buyer", ("customer",), "clear", blocked=True, block_reason="UN")
    result = run(parties=[blocked])
    assert codes(result) == [("party", "blocked", "party-blocked")]
    assert requirement(result.reasons_json()).prohibited == ("party-blocked",)


def test_every_reason_is_listed_and_the_gravest_wins():
    result = run(
        destination=IRAN,
        items=[LATHE, PUMP],
        end_use="military",
        parties=[party("review", sdn_hit(0.86, ALERT))],
    )
    assert result.outcome == "licence_required"
    kinds = {r.kind for r in result.reasons}
    assert kinds == {"party", "country", "item", "end_use"}
