"""Demo export-control data: the real UN Security Council consolidated list and the OFAC
consolidated (non-SDN) list loaded through the screening service, a specialty-metals maker's
items (some listed under Appended Table 1 rows 2, 3, 4 and 7, cutting tools under the
catch-all), a customer master (some names are real UN list entries, one lightly misspelt) and
a year (FY2019) of 40 transactions created, screened, decided and shipped through the
services (three listed items licensed: two under a general bulk licence to Group A, one under
an individual licence to China), and the party of the batch review's confirmed alert blocked
in the party master. Every outcome and reason comes from the real engine.

The OFAC SDN list is not loaded: it adds about 14 s to the demo build (load and index); load
it with `tatara screening load --source ofac-sdn PATH` when wanted.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.db import transaction as db

from tatara.export_control import services
from tatara.export_control.choices import DecisionKind
from tatara.export_control.models import Transaction

LISTS = Path(os.environ.get("TATARA_SCREENING_LISTS", "/work/shared/data/screening/lists"))
LIST_FILES = [
    ("un", LISTS / "un_sc_2026-02-27" / "UN_consolidated.xml", dt.date(2026, 2, 27)),
    ("ofac-cons", LISTS / "ofac_cons_2025-12", dt.date(2025, 12, 1)),
]

PARTY_UNIT = "hm-group"  # the group's customer master

# code, unit, name, kind, control row, sub-item, catch-all, foreign classifications
ITEMS: list[tuple[str, str, str, str, str | None, str, bool, dict[str, str]]] = [
    (
        "SS-MAR300",
        "hm",
        "Maraging steel bar, 300 grade (rotor quality)",
        "goods",
        "2",
        "2(13) maraging steel",
        True,
        {"US-ECCN": "1C216"},
    ),
    (
        "SS-MAR-STRIP",
        "hm",
        "Maraging steel thin strip, 0.3 mm",
        "goods",
        "4",
        "4(15) maraging steel",
        True,
        {"US-ECCN": "1C116"},
    ),
    (
        "NI-VALVE-C276",
        "hm",
        "Nickel-alloy (C-276) valve bodies, corrosion resistant",
        "goods",
        "3",
        "3(2) corrosion-resistant valves",
        True,
        {"US-ECCN": "2B350"},
    ),
    (
        "SIC-FIBRE-HT",
        "hm",
        "Silicon-carbide continuous fibre, high temperature",
        "goods",
        "4",
        "4(16) fibrous materials",
        True,
        {"US-ECCN": "1C010"},
    ),
    (
        "NC-CORE-PULSE",
        "hm",
        "Nanocrystalline magnetic cores for pulsed power",
        "goods",
        "7",
        "7(1) electronic components",
        True,
        {"US-ECCN": "3A001"},
    ),
    (
        "MG-NEO-EV",
        "hm",
        "Sintered neodymium magnets for EV traction motors",
        "goods",
        None,
        "",
        True,
        {"US-ECCN": "EAR99"},
    ),
    ("MG-FERRITE", "hm", "Ferrite magnets for small motors", "goods", None, "", True, {}),
    (
        "AM-RIBBON",
        "hm",
        "Amorphous alloy ribbon for transformer cores",
        "goods",
        None,
        "",
        True,
        {},
    ),
    ("TS-SKD11", "hm", "Cold-work tool steel plate (SKD11)", "goods", None, "", True, {}),
    (
        "TECH-MAR-HT",
        "hm",
        "Maraging steel heat-treatment know-how",
        "technology",
        "2",
        "2(13) technology",
        True,
        {},
    ),
    (
        "CT-ENDMILL",
        "hm-tools-jp",
        "Carbide end mills, general purpose",
        "goods",
        "16",
        "",
        True,
        {},
    ),
    ("CT-INSERT", "hm-tools-jp", "Cemented-carbide turning inserts", "goods", "16", "", True, {}),
]

# key, name, kind, country, aliases, roles
PARTIES: list[tuple[str, str, str, str, list[str], list[str]]] = [
    ("pacific", "Pacific Aerospace Alloys Inc.", "entity", "US", [], ["customer", "end_user"]),
    ("greatlakes", "Great Lakes Motor Works LLC", "entity", "US", [], ["customer", "end_user"]),
    ("rheinland", "Rheinland Antriebstechnik GmbH", "entity", "DE", [], ["customer"]),
    ("schwarzwald", "Schwarzwald Werkzeugbau GmbH", "entity", "DE", [], ["customer"]),
    (
        "suzhou",
        "Suzhou Precision Motor Co., Ltd.",
        "entity",
        "CN",
        ["苏州精密电机有限公司"],
        ["customer", "end_user"],
    ),
    ("shenzhen", "Shenzhen Bright Magnet Technology Co., Ltd.", "entity", "CN", [], ["customer"]),
    ("hanbit", "Hanbit Electronics Co., Ltd.", "entity", "KR", ["한빛전자"], ["customer"]),
    ("daegu", "Daegu Tooling Co., Ltd.", "entity", "KR", [], ["customer"]),
    ("pune", "Pune Auto Components Pvt. Ltd.", "entity", "IN", [], ["customer"]),
    ("hsinchu", "Hsinchu Power Devices Corp.", "entity", "TW", [], ["customer"]),
    ("siam", "Siam Motor Parts Co., Ltd.", "entity", "TH", [], ["customer"]),
    ("kanto", "Kanto Trading Co., Ltd.", "entity", "JP", ["関東商事株式会社"], ["intermediary"]),
    # real UN list entries (UN SC consolidated list, 2026-02-27)
    ("greenpine", "Green Pine Associated Corporation", "entity", "AE", [], ["consignee"]),
    ("kaveh", "Kaveh Cutting Tools Company", "entity", "TR", [], ["customer"]),
    # a light misspelling of "NAMCHONGANG TRADING" (UN KPe.004)
    ("namchon", "Namchongang Tradng Corp.", "entity", "CN", [], ["intermediary"]),
    # one letter off "ELECTRO SANAM COMPANY" (UN IRe.014; "Co." is "Company": the name written
    # whole would be exact)
    ("sanam", "Electro Senam Co.", "entity", "MY", [], ["end_user"]),
]

CLEAN_ROUTES = [  # (party, destination, item, unit) for ordinary orders
    ("greatlakes", "US", "MG-NEO-EV", "hm"),
    ("rheinland", "DE", "MG-NEO-EV", "hm"),
    ("suzhou", "CN", "MG-FERRITE", "hm"),
    ("shenzhen", "CN", "MG-NEO-EV", "hm"),
    ("hanbit", "KR", "AM-RIBBON", "hm"),
    ("pune", "IN", "TS-SKD11", "hm"),
    ("hsinchu", "TW", "AM-RIBBON", "hm"),
    ("siam", "TH", "MG-FERRITE", "hm"),
    ("schwarzwald", "DE", "CT-ENDMILL", "hm-tools-jp"),
    ("daegu", "KR", "CT-INSERT", "hm-tools-jp"),
    ("pacific", "US", "TS-SKD11", "hm"),
]
CLEAN_USES = [
    "Traction motors for passenger electric vehicles",
    "Industrial servo motors",
    "Distribution transformers for the power grid",
    "Press dies for automotive body panels",
    "Machining of aluminium housings",
    "Household appliance motors",
]

LICENCE_NUMBER = "METI-2019-OSK-004217"
BULK_LICENCE_NUMBER = "METI-GB-2018-000391"  # a general bulk licence (一般包括許可)
BLOCK_REASON = (
    "Confirmed as UN entry KPe.005 in the customer-master screening: blocked in the party "
    "master; no quotation or shipment."
)


def _day(n: int) -> dt.date:
    """The n-th transaction's date, spread over FY2019 (April 2019 – March 2020)."""
    return dt.date(2019, 4, 3) + dt.timedelta(days=n * 8)


def load_lists(actor: Any) -> list[Any]:
    """Load the demo's lists. Their list-changed receivers (re-screening) normally run when
    the load commits; the demo is built in one transaction, so they run here, at once, as
    if the lists had been loaded before any transaction existed."""
    from tatara.screening.services import load_list

    connection = db.get_connection()
    before = len(connection.run_on_commit)
    versions = [
        load_list(actor=actor, source=source, path=path, published=published)
        for source, path, published in LIST_FILES
        if path.exists()
    ]
    if connection.in_atomic_block:
        pending = connection.run_on_commit[before:]
        del connection.run_on_commit[before:]
        for _savepoints, callback, _robust in pending:
            callback()
    return versions


def load_export_control_demo(
    users: dict[str, Any], units: dict[str, Any], system: Any
) -> dict[str, Any]:
    """Lists, items, parties and FY2019's transactions; returns them by key."""
    versions = load_lists(system)
    officer = users["export"]
    items = {
        code: services.create_item(
            actor=officer,
            org_unit=units[unit],
            code=code,
            name=name,
            item_kind=kind,
            control_row=row,
            sub_item=sub,
            catch_all_applicable=catch_all,
            foreign_classifications=foreign,
        )
        for code, unit, name, kind, row, sub, catch_all, foreign in ITEMS
    }
    parties = {
        key: services.create_party(
            actor=officer,
            org_unit=units[PARTY_UNIT],
            name=name,
            party_kind=kind,
            country=country,
            aliases=aliases,
            roles=roles,
        )
        for key, name, kind, country, aliases, roles in PARTIES
    }
    made: dict[str, Transaction] = {}
    number = 0

    def add(
        key: str,
        unit: str,
        destination: str,
        lines: list[Any],
        links: list[Any],
        end_use: str,
        kind: str = "shipment",
    ) -> Transaction:
        nonlocal number
        number += 1
        made[key] = services.create_transaction(
            actor=officer,
            org_unit=units[unit],
            reference=f"EX-FY19-{number:03d}",
            date=_day(number),
            destination=destination,
            end_use=end_use,
            transaction_kind=kind,
            lines=[(items[code], qty, unit_) for code, qty, unit_ in lines],
            parties=[(parties[p], role) for p, role in links],
        )
        return made[key]

    # 32 ordinary orders: clear on save
    for n in range(32):
        party, destination, item, unit = CLEAN_ROUTES[n % len(CLEAN_ROUTES)]
        qty = 50 + (n * 37) % 400
        add(
            f"clear-{n}",
            unit,
            destination,
            [(item, qty, "kg" if unit == "hm" else "pcs")],
            [(party, "customer")],
            CLEAN_USES[n % len(CLEAN_USES)],
        )
    # listed items to Group A: review, cleared under the general bulk licence
    add(
        "listed-us",
        "hm",
        "US",
        [("SS-MAR-STRIP", 120, "kg")],
        [("pacific", "customer")],
        "Spring elements for aircraft landing-gear actuators (civil aviation)",
    )
    add(
        "listed-de",
        "hm",
        "DE",
        [("SIC-FIBRE-HT", 15, "kg")],
        [("rheinland", "customer")],
        "Ceramic-matrix composite seals for industrial gas turbines",
    )
    # parties that may match UN list entries: review, waiting for the officer
    add(
        "misspelt",
        "hm",
        "CN",
        [("MG-FERRITE", 300, "kg")],
        [("suzhou", "customer"), ("namchon", "intermediary")],
        "Small DC motors for toys",
    )
    add(
        "sanam",
        "hm",
        "MY",
        [("AM-RIBBON", 200, "kg")],
        [("kanto", "intermediary"), ("sanam", "end_user")],
        "Transformer cores",
    )
    # a red-flag term in the declared end use (to Group A): review, waiting
    add(
        "drone",
        "hm",
        "US",
        [("MG-NEO-EV", 40, "kg")],
        [("greatlakes", "customer")],
        "Brushless motors for agricultural drones (crop spraying)",
    )
    # a listed item outside Group A: licence required, licence obtained
    add(
        "licence",
        "hm",
        "CN",
        [("SS-MAR300", 800, "kg")],
        [("kanto", "intermediary"), ("suzhou", "end_user")],
        "Ultra-high-strength shafts for industrial robots",
    )
    # a strong hit on the UN list: blocked
    add(
        "blocked",
        "hm",
        "AE",
        [("NI-VALVE-C276", 24, "pcs")],
        [("kanto", "intermediary"), ("greenpine", "consignee")],
        "Valves for a desalination plant",
    )
    # a strong hit the officer clears (a namesake): waits for the second approval
    add(
        "override",
        "hm-tools-jp",
        "TR",
        [("CT-INSERT", 2000, "pcs")],
        [("kaveh", "customer")],
        "Turning of automotive brake discs",
    )

    def decide(key: str, kind: str, reason: str, **extra: Any) -> Any:
        return services.decide(
            actor=officer, transaction=made[key], decision_kind=kind, reason=reason, **extra
        )

    for key, code in (("listed-us", "SS-MAR-STRIP"), ("listed-de", "SIC-FIBRE-HT")):
        decide(
            key,
            DecisionKind.LICENCE,
            "Group A destination: covered by our general bulk export licence (一般包括許可); "
            "civil end use confirmed.",
            licence_number=BULK_LICENCE_NUMBER,
            valid_from=dt.date(2018, 7, 1),
            valid_until=dt.date(2021, 6, 30),
            items=[items[code]],
        )
    decide(
        "licence",
        DecisionKind.LICENCE,
        "Individual export licence granted by METI for this end user and quantity.",
        licence_number=LICENCE_NUMBER,
        valid_from=dt.date(2019, 6, 1),
        valid_until=dt.date(2020, 5, 31),
        items=[items["SS-MAR300"]],
    )
    decide(
        "blocked",
        DecisionKind.BLOCK,
        "Consignee is Green Pine Associated Corporation, "
        "designated by the UN Security Council (KPe.010). Order refused.",
    )
    decide(
        "override",
        DecisionKind.CLEAR,
        "Namesake: a Turkish tool distributor (Istanbul "
        "trade registry 318204), founded 2012, no link to the listed Iranian entity; "
        "confirmed with Legal.",
    )
    # shipments: everything cleared or licensed leaves within the fiscal year
    for transaction in made.values():
        transaction.refresh_from_db()
        if transaction.status in ("cleared", "licensed"):
            services.record_shipment(
                actor=officer,
                transaction=transaction,
                shipped_on=min(transaction.date + dt.timedelta(days=12), dt.date(2020, 3, 31)),
            )
    return {
        "versions": versions,
        "items": items,
        "parties": parties,
        "transactions": made,
    }


def block_confirmed_alerts(users: dict[str, Any]) -> list[Any]:
    """After the screening demo's batch review: each alert confirmed as a match blocks its
    party in the party master of the batch's unit (created blocked when the master has no
    such party), as the officer does from the batch review."""
    from tatara.screening.choices import AlertStatus
    from tatara.screening.models import BatchAlert

    officer = users["export"]
    return [
        services.block_party_from_alert(actor=officer, alert=alert, reason=BLOCK_REASON)
        for alert in BatchAlert.objects.filter(status=AlertStatus.CONFIRMED).order_by("pk")
    ]
