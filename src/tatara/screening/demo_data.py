"""The demo's batch screening: the parent company's agents-and-distributors master, screened
against the lists the export-control demo loaded (the real UN list and the OFAC consolidated
list), kept for review and partly reviewed by the officer `export`:

- "Mohammed Ali" (a review-level alert on a UN entry): cleared, a different person;
- "Abdul Rahman" (a strong hit on a common name): cleared as a namesake — a strong hit, so
  it awaits the second approval of `risk`;
- "Hong Kong Electronics" (the UN-listed company's exact name): confirmed;
- "Tangun Trading Corp." and "Namchongang Trading": still to review.

The rest are invented, unlisted companies. Screened with the same functions the batch job
runs (read_parties, screen_parties, store_batch), so the figures come from the matcher.
"""

from __future__ import annotations

import io
from typing import Any

from tatara.screening import batch
from tatara.screening import batch_review as review

FILE_NAME = "agents-and-distributors-FY2019.csv"
MASTER = """name,country,date_of_birth,kind
Yamato Precision Trading Co. Ltd,JP,,entity
Kansai Special Steel Sales,JP,,entity
Nordlicht Werkzeuge GmbH,DE,,entity
Great Lakes Tooling Supply Inc.,US,,entity
Pacific Rim Alloys Pte. Ltd.,SG,,entity
Chao Feng Metal Materials Co. Ltd,CN,,entity
Seoul Magnetics Distribution Co.,KR,,entity
Bangkok Industrial Parts Co. Ltd,TH,,entity
Mumbai Cutting Tools Pvt. Ltd.,IN,,entity
Saigon Motor Components JSC,VN,,entity
Taipei Wire & Cable Trading,TW,,entity
Monterrey Aceros Especiales S.A. de C.V.,MX,,entity
Mohammed Ali,EG,1982,person
Abdul Rahman,PK,1990-07-14,person
Hong Kong Electronics,KP,,entity
Tangun Trading Corp.,KP,,entity
Namchongang Trading,KP,,entity
Lyon Aéro Composants SAS,FR,,entity
Istanbul Döküm Malzemeleri A.Ş.,TR,,entity
Melbourne Mining Consumables Pty Ltd,AU,,entity
"""

DECISIONS = (
    (
        "Mohammed Ali",
        "clear",
        "Our distributor's sales manager, born 1982 in Alexandria; the listed Ali Mohammed is "
        "another person (different name order, nationality and date of birth).",
    ),
    (
        "Abdul Rahman",
        "clear",
        "Namesake: our agent's contact in Lahore, born 1990-07-14 (passport copy on file); the "
        "listed Abdul Rahman (UN QDi.418) is a different, older person.",
    ),
    (
        "Hong Kong Electronics",
        "confirm",
        "Same company as UN entry KPe.005 (Kish Island / DPRK): the agent is blocked in the ERP "
        "and no quotation is sent.",
    ),
)


def load_batch_demo(users: dict[str, Any], units: dict[str, Any]) -> Any:
    officer = users["export"]
    parties = batch.read_parties(io.BytesIO(MASTER.encode("utf-8")), name=FILE_NAME)
    result = batch.screen_parties(parties)
    stored = review.store_batch(
        actor=officer, org_unit=units["hm"], file_name=FILE_NAME, result=result
    )
    for name, decision, reason in DECISIONS:
        alert = stored.alerts.get(name=name)
        review.decide_alert(actor=officer, alert=alert, decision=decision, reason=reason)
    return stored
