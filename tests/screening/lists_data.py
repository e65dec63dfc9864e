"""Where the official list files are, and small list files built from the published formats."""

from __future__ import annotations

import os
from pathlib import Path

# beside the repository; TATARA_SCREENING_LISTS (as the demo reads it) for a checkout elsewhere
LISTS = Path(
    os.environ.get("TATARA_SCREENING_LISTS")
    or Path(__file__).resolve().parents[3] / "shared" / "data" / "screening" / "lists"
)
SDN_2024_01 = LISTS / "ofac_sdn_2024-01-08"
SDN_2024_05 = LISTS / "ofac_sdn_2024-05-03"
CONS = LISTS / "ofac_cons_2025-12"
UN_XML = LISTS / "un_sc_2026-02-27" / "UN_consolidated.xml"
CSL = LISTS / "us_csl_samples" / "csl.csv"
CSL_API = LISTS / "us_csl_samples" / "consolidated.csv"
DPL = LISTS / "bis_dpl_2022-09" / "dpl.txt"

EU_XML = """<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2025-03-14T18:02:45.123+01:00"
        globalFileId="151213">
  <sanctionEntity designationDate="2022-02-23" logicalId="139065" euReferenceNumber="EU.6549.1"
                  unitedNationId="">
    <remark>Member of the State Duma.</remark>
    <regulation regulationType="amendment" organisationType="commission" publicationDate="2022-02-23"
                entryIntoForceDate="2022-02-23" numberTitle="2022/260 (OJ L42I)" programme="UKR"
                logicalId="6549"><publicationUrl>https://eur-lex.europa.eu/x</publicationUrl></regulation>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Ivan" middleName="Ivanovich" lastName="PETROV" wholeName="Ivan Ivanovich PETROV"
               function="Member of the State Duma" gender="M" title="" nameLanguage="" strong="true"
               regulationLanguage="en" logicalId="139066">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </nameAlias>
    <nameAlias wholeName="Иван Иванович ПЕТРОВ" nameLanguage="RU" strong="true" regulationLanguage="en"
               logicalId="139067">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </nameAlias>
    <nameAlias wholeName="Vanya" strong="false" regulationLanguage="en" logicalId="139068">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </nameAlias>
    <citizenship region="" countryIso2Code="RU" countryDescription="RUSSIAN FEDERATION"
                 regulationLanguage="en" logicalId="139069">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </citizenship>
    <birthdate circa="false" calendarType="GREGORIAN" city="Moscow" birthdate="1965-05-03" dayOfMonth="3"
               monthOfYear="5" year="1965" countryIso2Code="RU" countryDescription="RUSSIAN FEDERATION"
               regulationLanguage="en" logicalId="139070">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </birthdate>
    <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false"
                    revokedByIssuer="false" number="7700123456" identificationTypeCode="passport"
                    identificationTypeDescription="National passport" countryIso2Code="RU"
                    countryDescription="RUSSIAN FEDERATION" regulationLanguage="en" logicalId="139071">
      <regulationSummary regulationType="amendment" publicationDate="2022-02-23" numberTitle="2022/260"/>
    </identification>
  </sanctionEntity>
  <sanctionEntity logicalId="13" designationDate="2001-10-11">
    <regulation regulationType="regulation" organisationType="council" publicationDate="2002-05-29"
                entryIntoForceDate="2002-05-30" numberTitle="881/2002" programme="TAQA" logicalId="1"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Al-Rashid Trust" strong="true" regulationLanguage="en" logicalId="14">
      <regulationSummary regulationType="regulation" publicationDate="2002-05-29" numberTitle="881/2002"/>
    </nameAlias>
    <nameAlias wholeName="Al Rasheed Trust" strong="true" regulationLanguage="en" logicalId="15">
      <regulationSummary regulationType="regulation" publicationDate="2002-05-29" numberTitle="881/2002"/>
    </nameAlias>
    <address city="Karachi" street="Kitab Ghar, Darul Ifta Wal Irshad, Nazimabad No. 4" poBox=""
             zipCode="" countryIso2Code="PK" countryDescription="PAKISTAN" asAtListingTime="false"
             regulationLanguage="en" logicalId="16">
      <regulationSummary regulationType="regulation" publicationDate="2002-05-29" numberTitle="881/2002"/>
    </address>
  </sanctionEntity>
</export>
"""

METI_CSV = (
    "No.,Country or Region,Company or Organization,Also Known As,Type of WMD\n"
    '1,Afghanistan,Al Qa\'ida/Islamic Army,"The Base\nAl Qaeda; Islamic Salvation Foundation",'
    '"C,N"\n'
    '2,China,"Beijing Institute of Aerodynamics, Co., Ltd.",BIA,M\n'
    '3,Iran,Kalaye Electric Company,"Kala-Electric\nKalaye Electric Co.",N\n'
)

CUSTOM_CSV = (
    "id,name,aliases,country,date_of_birth,identifier,note,kind\n"
    "W-1,Hans Muster,Hans M. Muster;H. Muster,CH,1961-04-12,,former distributor,person\n"
    "W-2,Acme Trading FZE,Acme Trading,AE,,TRN 100200300,,entity\n"
)
