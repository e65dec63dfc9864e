"""The decision engine's rules (pure: no database)."""

from tatara.export_control.assessment import (
    ALERT,
    STRONG,
    CountryInfo,
    HitInfo,
    ItemInfo,
    PartyScreen,
    assess,
    find_red_flags,
)

GERMANY = CountryInfo("DE", "A", name="Germany")
CHINA = CountryInfo("CN", "C", name="China")
IRAN = CountryInfo("IR", "D", name="Iran")
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


def test_group_d_and_embargo_block_and_arms_embargo_blocks_arms():
    assert codes(run(destination=IRAN)) == [("country", "blocked", "country-group-d")]
    kp = run(destination=NORTH_KOREA, items=[SOAP])
    assert kp.outcome == "blocked"
    assert ("country", "blocked", "country-embargo") in codes(kp)
    arms = run(destination=EMBARGOED_C, items=[RIFLE, SOAP])
    assert ("country", "blocked", "country-arms-embargo") in codes(arms)
    assert arms.outcome == "blocked"
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


def test_catch_all_needs_a_red_flag_or_an_end_user_list_hit_outside_group_a():
    assert run(items=[PUMP], end_use="water treatment plant").outcome == "clear"
    flagged = run(items=[PUMP], end_use="Cooling for a uranium enrichment centrifuge hall")
    assert flagged.outcome == "licence_required"
    assert ("item", "licence_required", "item-catch-all") in codes(flagged)
    terms = {r.term for r in flagged.reasons if r.kind == "end_use"}
    assert {"enrichment", "centrifuge*", "uranium"} <= terms
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


def test_unknown_country_is_group_c_with_an_info_reason():
    unknown = CountryInfo("ZZ", "C", known=False)
    result = run(destination=unknown, items=[PUMP], end_use="missile")
    assert codes(result)[0] == ("country", "info", "country-unknown")
    assert result.outcome == "licence_required"
    assert run(destination=unknown, items=[SOAP]).outcome == "clear"


def test_every_reason_is_listed_and_the_gravest_wins():
    result = run(
        destination=IRAN,
        items=[LATHE, PUMP],
        end_use="military",
        parties=[party("review", sdn_hit(0.86, ALERT))],
    )
    assert result.outcome == "blocked"
    kinds = {r.kind for r in result.reasons}
    assert kinds == {"party", "country", "item", "end_use"}
