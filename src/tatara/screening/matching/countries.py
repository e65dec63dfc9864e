"""Country names and codes to one comparable key (ISO 3166-1 alpha-2 where known).

Lists write countries as names ("Russia", "Iran (Islamic Republic of)", "Korea, North"),
customers as names or codes. :func:`country_key` folds the common spellings to the ISO code;
anything unknown is compared as its normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

# code: names and common spellings (normalised: lower case, ASCII, words only)
_TABLE: Final = """
AF afghanistan
AL albania
DZ algeria
AO angola
AR argentina
AM armenia
AU australia
AT austria
AZ azerbaijan
BH bahrain
BD bangladesh
BY belarus|byelorussia
BE belgium
BZ belize
BJ benin
BT bhutan
BO bolivia|plurinational state of bolivia
BA bosnia and herzegovina|bosnia herzegovina|bosnia
BW botswana
BR brazil
BN brunei|brunei darussalam
BG bulgaria
BF burkina faso
BI burundi
KH cambodia
CM cameroon
CA canada
CF central african republic
TD chad
CL chile
CN china|people s republic of china|prc
CO colombia
KM comoros
CG congo|republic of the congo|congo brazzaville
CD democratic republic of the congo|congo democratic republic of the|drc|congo kinshasa|zaire
CR costa rica
CI ivory coast|cote d ivoire
HR croatia
CU cuba
CY cyprus
CZ czech republic|czechia
DK denmark
DJ djibouti
DO dominican republic
TL east timor|timor leste
EC ecuador
EG egypt
SV el salvador
ER eritrea
EE estonia
ET ethiopia
FI finland
FR france
GA gabon
GM gambia
GE georgia
DE germany
GH ghana
GR greece
GT guatemala
GN guinea
GW guinea bissau
HT haiti
HN honduras
HK hong kong
HU hungary
IS iceland
IN india
ID indonesia
IR iran|islamic republic of iran|iran islamic republic of
IQ iraq
IE ireland
IL israel
IT italy
JM jamaica
JP japan
JO jordan
KZ kazakhstan
KE kenya
KP north korea|korea north|democratic people s republic of korea|dprk|korea democratic people s republic of
KR south korea|korea south|republic of korea|korea republic of|korea
KW kuwait
KG kyrgyzstan
LA laos|lao people s democratic republic
LV latvia
LB lebanon
LS lesotho
LR liberia
LY libya
LT lithuania
LU luxembourg
MO macau|macao
MK north macedonia|macedonia
MG madagascar
MW malawi
MY malaysia
MV maldives
ML mali
MT malta
MR mauritania
MU mauritius
MX mexico
MD moldova|republic of moldova
MN mongolia
ME montenegro
MA morocco
MZ mozambique
MM myanmar|burma
NA namibia
NP nepal
NL netherlands|the netherlands|holland
NZ new zealand
NI nicaragua
NE niger
NG nigeria
NO norway
OM oman
PK pakistan
PS palestine|palestinian territories|west bank|gaza
PA panama
PG papua new guinea
PY paraguay
PE peru
PH philippines
PL poland
PT portugal
PR puerto rico
QA qatar
RO romania
RU russia|russian federation
RW rwanda
SA saudi arabia
SN senegal
RS serbia
SC seychelles
SL sierra leone
SG singapore
SK slovakia
SI slovenia
SO somalia
ZA south africa
SS south sudan
ES spain
LK sri lanka
SD sudan
SR suriname
SE sweden
CH switzerland
SY syria|syrian arab republic
TW taiwan
TJ tajikistan
TZ tanzania|united republic of tanzania
TH thailand
TG togo
TN tunisia
TR turkey|turkiye
TM turkmenistan
UG uganda
UA ukraine
AE united arab emirates|uae
GB united kingdom|uk|great britain|britain|england
US united states|usa|united states of america|us
UY uruguay
UZ uzbekistan
VU vanuatu
VE venezuela|bolivarian republic of venezuela
VN vietnam|viet nam
YE yemen
ZM zambia
ZW zimbabwe
"""

_NON_WORD: Final = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _NON_WORD.sub(" ", text).strip()
    return text.removeprefix("the ")


def _load() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, names = line.split(" ", 1)
        out[code.casefold()] = code
        for name in names.split("|"):
            out[_norm(name)] = code
    return out


_KEYS: Final = _load()


@lru_cache(maxsize=4096)
def country_key(text: str) -> str:
    """ "Iran (Islamic Republic of)" → "IR"; "jp" → "JP"; unknown names → their folded text."""
    norm = _norm(text)
    return _KEYS.get(norm, norm)
