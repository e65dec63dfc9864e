"""The second query generator of the screening benchmark (issue 9): altered list names and clean
names written fresh, from the kinds of variation that reach a screening desk and from real
naming practice, without looking at the matcher's tables.

``benchmarks/screening.py``'s first generator was written by the hands that tuned the matcher;
this one was written before the matcher's normalisation was read, from the issue's list of misses
and from how names are actually written: customer masters, invoices, shipping papers and
registers in the countries the lists cover. Each altered name records its *kind* (what was
done to it, :data:`KINDS`) and a *detail* (which variant), so results are reported per kind.

Altered names: a list entry's strong name (primary name or strong alias; never a weak alias)
is changed by one alteration of the kind, then *presented* as a customer master would write
it (a person's "FAMILY, Given" kept or put in natural order; upper, title or lower case).
Each kind draws its own sample from the names it applies to, with its own seeded random
stream, so adding a kind does not change the others.

Clean names: companies and people put together from name parts of many countries, and weak
names (one word, or nothing but generic words). A generated name is kept only if no list name
is near it by a criterion that is not the matcher's (see :func:`clean_names`).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


def _wl(text: str, sep: str | None = None) -> list[str]:
    """A word list written as text ("a b c"; with ``sep``, items that hold spaces)."""
    return text.split(sep)


# --- what was done, per kind -----------------------------------------------------------------

KINDS: dict[str, str] = {
    "legal_form": "the legal form written another way (L.L.C./LLC/Limited Liability Company, "
    "Co./Company, JSC/Joint Stock Co./AO, Ltda./Limitada ...), or moved to the other end",
    "form_glued": "the legal form glued to the name (NAMELTDA., NAME,LTD), or in quotes "
    'after a Russian form (OOO "NAME")',
    "form_added_dropped": "the legal form left out, or one usual in the entry's country added",
    "middle_dropped": "a person's middle names and patronymic dropped: Given FAMILY",
    "typo_short": "a typo or a dropped letter in a name of one or two words",
    "hyphen_space": "a hyphen or a space between two parts changed: Al-X, Al X, AlX",
    "abbreviation": "a word abbreviated (Intl, Corp., Mfg., Bros., Mohd.) or a person's given "
    "names reduced to initials",
    "cjk_order": "a Chinese or Korean name in Western order, given-name syllables spaced, "
    "hyphenated or joined",
    "cyrillic_script": "a name from a Cyrillic-writing country written in Cyrillic",
    "cyrillic_latin": "a Russian/Ukrainian/Belarusian name in another romanisation",
    "arabic_script": "a name from an Arabic- or Persian-writing country written in that script",
    "arabic_latin": "an Arabic or Persian name in another romanisation",
    "honorific": "a title or honorific added (Mr., Dr., Sheikh, Haji, Lic., Gen. ...) or "
    "one the list gives removed",
    "article": "an article added or removed (The, al-/el-, El/La/Le ...)",
}


@dataclass(frozen=True, slots=True)
class Altered:
    text: str
    kind: str
    detail: str
    key: str
    source: str


@dataclass(frozen=True, slots=True)
class Clean:
    text: str
    group: str  # "company", "person", "weak"
    detail: str


# --- words and names ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)


def _fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces: for comparing words, not for output."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _words(text: str) -> list[str]:
    return text.replace(",", " ").split()


def _is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 for c in text)


def _title(word: str) -> str:
    """Title case that keeps apostrophes and hyphens inside: al-Rahman, O'Neil, Mc..."""
    parts = re.split(r"(-)", word)
    out = []
    for part in parts:
        if part and part[0].isalpha():
            out.append(part[0].upper() + part[1:].lower())
        else:
            out.append(part.lower())
    return "".join(out)


def _title_name(text: str) -> str:
    return " ".join(_title(w) for w in text.split(" "))


def _split_person(name: str) -> tuple[list[str], list[str]] | None:
    """(family words, given words) of a list's person name: OFAC writes "FAMILY, Given Middle";
    without a comma the name is taken as given in its own order (the family part unknown)."""
    if "," in name:
        family, _, given = name.partition(",")
        fam, giv = family.split(), given.replace(",", " ").split()
        if fam and giv:
            return fam, giv
    return None


# --- countries ---------------------------------------------------------------------------------

CYRILLIC_COUNTRIES = set(
    _wl(
        "Russia Belarus Ukraine Kazakhstan Kyrgyzstan Tajikistan Bulgaria Serbia Moldova "
        "Transnistria"
    )
)
ARABIC_COUNTRIES = set(
    _wl(
        "Iraq|Syria|Syrian Arab Republic|Lebanon|Yemen|Saudi Arabia|United Arab Emirates|"
        "Jordan|Egypt|Libya|Tunisia|Algeria|Morocco|Sudan|Kuwait|Qatar|Bahrain|Oman|"
        "Palestinian|West Bank|Gaza|Mauritania|Somalia",
        "|",
    )
)
PERSIAN_COUNTRIES = {"Iran", "Afghanistan", "Pakistan"}
CJK_COUNTRIES = set(
    _wl(
        "China|Korea, North|Democratic People's Republic of Korea|Korea, South|"
        "Republic of Korea|Taiwan|Hong Kong|Macau|Singapore",
        "|",
    )
)
SPANISH_COUNTRIES = set(
    _wl(
        "Mexico|Colombia|Venezuela|Spain|Panama|Peru|Ecuador|Bolivia|Argentina|Chile|Cuba|"
        "Nicaragua|Guatemala|Honduras|El Salvador|Paraguay|Uruguay|Costa Rica|"
        "Dominican Republic",
        "|",
    )
)


# --- legal forms (written from company-law practice, not from the matcher) --------------------

#: Equivalent spellings of one legal form. The first is how registers usually abbreviate it.
FORM_SPELLINGS: list[list[str]] = [
    ["LLC", "L.L.C.", "L.L.C", "Limited Liability Company", "Limited Liability Co.", "L L C"],
    [
        "OOO",
        "O.O.O.",
        "LLC",
        "Limited Liability Company",
        "Obshchestvo s Ogranichennoy Otvetstvennostyu",
    ],
    ["TOV", "T.O.V.", "LLC", "Tovarystvo z Obmezhenoyu Vidpovidalnistyu"],
    _wl(
        "JSC|J.S.C.|Joint Stock Company|Joint-Stock Company|Joint Stock Co.|Jt. Stock Co.|AO|A.O.",
        "|",
    ),
    ["AO", "A.O.", "JSC", "Joint Stock Company", "Aktsionernoe Obshchestvo"],
    ["OJSC", "Open Joint Stock Company", "Open Joint-Stock Co.", "OAO", "O.A.O."],
    ["OAO", "O.A.O.", "OJSC", "Open Joint Stock Company", "Otkrytoe Aktsionernoe Obshchestvo"],
    ["CJSC", "Closed Joint Stock Company", "Closed Joint-Stock Co.", "ZAO", "Z.A.O."],
    ["ZAO", "Z.A.O.", "CJSC", "Closed Joint Stock Company", "Zakrytoe Aktsionernoe Obshchestvo"],
    ["PJSC", "P.J.S.C.", "Public Joint Stock Company", "Public Joint-Stock Co.", "PAO", "P.A.O."],
    ["PAO", "P.A.O.", "PJSC", "Public Joint Stock Company", "Publichnoe Aktsionernoe Obshchestvo"],
    ["Co., Ltd.", "Co. Ltd.", "Co Ltd", "Company Limited", "Co., Limited", "Company Ltd."],
    ["Co.", "Co", "Company", "Comp."],
    ["Ltd.", "Ltd", "Limited", "LTD."],
    ["Inc.", "Inc", "Incorporated"],
    ["Corp.", "Corp", "Corporation"],
    ["PLC", "P.L.C.", "plc", "Public Limited Company"],
    ["GmbH", "G.m.b.H.", "Gesellschaft mit beschränkter Haftung", "Ges.m.b.H."],
    ["AG", "A.G.", "Aktiengesellschaft"],
    ["KG", "K.G.", "Kommanditgesellschaft"],
    ["GmbH & Co. KG", "GmbH & Co KG", "GmbH u. Co. KG"],
    ["Pty Ltd", "Pty. Ltd.", "Proprietary Limited", "(Pty) Ltd"],
    ["E.U.", "EU", "Empresa Unipersonal"],
    ["S.A.", "SA", "S. A.", "S.A", "Sociedad Anónima", "Société Anonyme"],
    [
        "S.A. de C.V.",
        "SA de CV",
        "S.A. DE C.V",
        "S. A. de C. V.",
        "Sociedad Anónima de Capital Variable",
    ],
    ["S. de R.L. de C.V.", "S de RL de CV", "S. de R.L."],
    ["S.R.L.", "SRL", "S.r.l.", "Sociedad de Responsabilidad Limitada"],
    ["Ltda.", "Ltda", "LTDA", "Limitada"],
    ["C.A.", "CA", "Compañía Anónima", "Compania Anonima"],
    ["S.A.S.", "SAS", "Sociedad por Acciones Simplificada"],
    ["S.A.L.", "SAL", "Société Anonyme Libanaise"],
    ["SARL", "S.A.R.L.", "S.à r.l.", "Société à Responsabilité Limitée"],
    ["B.V.", "BV", "Besloten Vennootschap"],
    ["N.V.", "NV", "Naamloze Vennootschap"],
    ["FZE", "F.Z.E.", "Free Zone Establishment", "FZ Establishment"],
    ["FZCO", "F.Z.C.O.", "FZ Co.", "Free Zone Company"],
    ["FZ-LLC", "FZ LLC", "F.Z.-L.L.C.", "Free Zone LLC"],
    ["Pvt. Ltd.", "Pvt Ltd", "Private Limited", "(Pvt.) Ltd.", "Pvt. Limited"],
    ["Pte. Ltd.", "Pte Ltd", "Private Limited"],
    ["Sdn. Bhd.", "Sdn Bhd", "Sendirian Berhad"],
    ["A.Ş.", "A.S.", "AS", "Anonim Şirketi", "Anonim Sirketi"],
    ["Ltd. Şti.", "Ltd. Sti.", "Ltd Sti", "Limited Şirketi", "Limited Sirketi"],
    ["EOOD", "E.O.O.D.", "ЕООД"],
    ["OOD", "O.O.D.", "ООД"],
    ["K.K.", "KK", "Kabushiki Kaisha", "Kabushiki Gaisha", "株式会社"],
    ["Co., Ltd.", "有限公司", "Youxian Gongsi", "Limited Company"],
    ["Est.", "Est", "Establishment"],
    ["LLP", "L.L.P.", "Limited Liability Partnership"],
    ["PJS", "P.J.S.", "Private Joint Stock", "Sherkat Sahami Khass"],
    ["Sp. z o.o.", "Sp. z o. o.", "spółka z ograniczoną odpowiedzialnością"],
    ["d.o.o.", "doo", "D.O.O."],
]

#: Forms usually added in a country when the customer master writes one and the list does not.
FORM_BY_COUNTRY: dict[str, list[str]] = {
    "Russia": ["OOO", "LLC", "AO", "JSC"],
    "Belarus": ["OAO", "LLC", "JSC"],
    "Ukraine": ["TOV", "LLC", "PJSC"],
    "China": ["Co., Ltd.", "Co. Ltd", "Limited"],
    "Hong Kong": ["Limited", "Co., Limited"],
    "Korea, North": ["Co., Ltd.", "Corporation"],
    "Iran": ["Co.", "PJS", "Company"],
    "United Arab Emirates": ["LLC", "FZE", "FZCO", "L.L.C."],
    "Turkey": ["A.Ş.", "Ltd. Şti."],
    "Germany": ["GmbH", "AG"],
    "Mexico": ["S.A. de C.V.", "SA de CV"],
    "Colombia": ["S.A.S.", "Ltda."],
    "Venezuela": ["C.A.", "S.A."],
    "Lebanon": ["S.A.L.", "SARL"],
    "Syria": ["LLC", "Co."],
    "Cyprus": ["Ltd", "Limited"],
    "United Kingdom": ["Ltd", "Limited", "PLC"],
    "Panama": ["S.A.", "Inc."],
    "Singapore": ["Pte. Ltd."],
    "Malaysia": ["Sdn. Bhd."],
    "India": ["Pvt. Ltd."],
    "Pakistan": ["(Pvt.) Ltd."],
    "Bulgaria": ["EOOD", "OOD"],
    "United States": ["Inc.", "LLC", "Corp."],
    "Switzerland": ["AG", "SA", "GmbH"],
}
DEFAULT_FORMS = ["Ltd", "LLC", "Co.", "Inc."]
#: Forms written before the name as often as after it (Russian and CIS practice, where the
#: register puts the form first and English-language papers put it last).
EITHER_END = {"LLC", "OOO", "TOV", "JSC", "AO", "OJSC", "OAO", "CJSC", "ZAO", "PJSC", "PAO", "PJS"}

#: Words that say an entity is not a business (no legal form gets added to those).
NOT_A_BUSINESS = set(
    _wl(
        "movement brigade brigades army front party organization organisation ministry "
        "committee foundation charity charitable association society university institute "
        "council corps force forces jihad jamaat jamaah jamiat harakat tehrik lashkar "
        "battalion network martyrs mujahidin mujahideen liberation revolutionary guard guards "
        "police directorate office bureau agency department hospital school academy union "
        "federation league club church mosque authority government state federal ansar "
        "islamic prison command service intelligence"
    )
)

#: English words: a name holding one is not respelt or rewritten as if it were Russian or
#: Arabic, and gets "The" only if it holds one.
ENGLISH = set(
    _wl(
        "of the and for in plant machine building group companies company chemical years "
        "research institute design bureau rocket russia russian holding holdings "
        "international trading engineering management investment investments services systems "
        "technologies technology industries industrial factory works center centre scientific "
        "production association state federal corporation enterprise aircraft helicopters "
        "shipyard shipping united national general agency limited ltd energy oil gas "
        "petroleum development brothers aid relief charity fund trust enterprises global bank "
        "organization foundation society exchange capital finance financial insurance trade "
        "import export logistics marine airlines air navigation lines line metals mining "
        "steel power electric electronics academy sciences university committee military "
        "defense defence ministry office army navy forces force guard corps liberation front "
        "movement party brigade martyrs islamic revolutionary council house office world new "
        "star golden global pacific eastern western northern southern"
    )
)


def _form_key(text: str) -> str:
    return re.sub(r"[\s.,()\-]+", "", _fold(text).replace(" ", ""))


_FORM_WORDS: dict[str, list[int]] = {}
for _i, _group in enumerate(FORM_SPELLINGS):
    for _spelling in _group:
        _FORM_WORDS.setdefault(_form_key(_spelling), []).append(_i)


def _find_form(words: Sequence[str]) -> tuple[int, int, list[int]] | None:
    """The longest run of words at the start or the end of ``words`` that spells a legal form:
    (start, end, form groups), or None. Only the ends: a form in the middle ("X Co. Ltd
    Branch") is left alone."""
    n = len(words)
    best: tuple[int, int, list[int]] | None = None
    for size in range(min(6, n - 1), 0, -1):
        for start in (n - size, 0):
            key = _form_key(" ".join(words[start : start + size]))
            if key in _FORM_WORDS and (best is None or size > best[1] - best[0]):
                best = (start, start + size, _FORM_WORDS[key])
        if best:
            return best
    return best


# --- the alterations ----------------------------------------------------------------------------

Alteration = Callable[[Any, str, random.Random], tuple[str, str] | None]


def _entity_form(record: Any, name: str) -> tuple[list[str], int, int, list[int]] | None:
    """An entity's name as words, with where its legal form stands and the form's groups."""
    if record.kind != "entity":
        return None
    words = _words(name)
    found = _find_form(words)
    return (words, *found) if found else None


def _legal_form(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    found = _entity_form(record, name)
    if not found:
        return None
    words, start, end, groups = found
    old = " ".join(words[start:end])
    choices = sorted(
        {s for g in groups for s in FORM_SPELLINGS[g] if _form_key(s) != _form_key(old)}
    )
    if not choices:
        return None
    new = rnd.choice(choices)
    rest = words[:start] + words[end:]
    if not rest:
        return None
    at_start = start == 0
    movable = any(FORM_SPELLINGS[g][0] in EITHER_END for g in groups)
    if movable and rnd.random() < 0.3:  # the other end: "LLC NAME" <-> "NAME LLC", "NAME, LLC"
        at_start = not at_start
    if at_start:
        text = f"{new} {' '.join(rest)}"
    else:
        text = f"{' '.join(rest)}{rnd.choice([' ', ', '])}{new}"
    where = "front" if at_start else "end"
    return text, f"{old} -> {new} ({where})"


def _form_glued(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    """Abbreviated forms only: a full "Company" or "Limited Liability Company" is not typed
    glued to the name."""
    found = _entity_form(record, name)
    if not found:
        return None
    words, start, end, groups = found
    form = " ".join(words[start:end])
    rest = words[:start] + words[end:]
    letters = re.sub(r"[^\w]", "", form)
    if not rest or len(letters) > 5 or " " in form.strip():
        return None
    body = " ".join(rest)
    russian = any(FORM_SPELLINGS[g][0] in {"OOO", "AO", "OAO", "ZAO", "PAO", "TOV"} for g in groups)
    if start == 0:
        if not russian:
            return None
        quote = rnd.choice(['"{}"', "«{}»", "'{}'"])
        sep = rnd.choice(["", " "])
        return (
            f"{form}{sep}{quote.format(body)}",
            f"{form} + quoted name{' (no space)' if not sep else ''}",
        )
    styles = ["comma", "period", "hyphen"] + (["nothing"] if len(letters) >= 3 else [])
    style = rnd.choice(styles)
    sep = {"nothing": "", "comma": ",", "period": ".", "hyphen": "-"}[style]
    if rnd.random() < 0.3:  # a form with dots can lose them too: NAMELTDA
        form = form.replace(".", "")
    return f"{body}{sep}{form}", f"{form} glued at the end ({style})"


def _form_added_dropped(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if record.kind != "entity":
        return None
    words = _words(name)
    found = _find_form(words)
    if found:
        start, end, _groups = found
        rest = words[:start] + words[end:]
        if len(rest) < 2 and len("".join(rest)) < 6:
            return None  # "AO ERA" -> "ERA": nothing left that names the company
        return " ".join(rest), f"dropped {' '.join(words[start:end])}"
    if {_fold(w) for w in words} & NOT_A_BUSINESS:
        return None
    forms: list[str] = []
    for country in record.countries:
        forms += FORM_BY_COUNTRY.get(country, [])
    form = rnd.choice(forms or DEFAULT_FORMS)
    if form in {"OOO", "AO", "OAO", "TOV", "PJS"} and rnd.random() < 0.7:
        return f"{form} {name}", f"added {form} in front"
    return f"{name.rstrip('.')}{rnd.choice([' ', ', '])}{form}", f"added {form}"


def _middle_dropped(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if record.kind != "person":
        return None
    parts = _split_person(name)
    if not parts:
        return None
    family, given = parts
    if len(given) < 2:
        return None
    return f"{given[0]} {' '.join(family)}", f"dropped {len(given) - 1} of {len(given)} given names"


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours(letter: str) -> str:
    """The keys next to ``letter`` on a QWERTY keyboard (same row, and the rows above and
    below at the same place)."""
    for r, row in enumerate(_KEYBOARD_ROWS):
        i = row.find(letter)
        if i < 0:
            continue
        near = row[max(0, i - 1) : i] + row[i + 1 : i + 2]
        for other in (r - 1, r + 1):
            if 0 <= other < len(_KEYBOARD_ROWS):
                near += _KEYBOARD_ROWS[other][max(0, i - 1) : i + 1]
        return near
    return "e"


def _typo_word(word: str, rnd: random.Random) -> tuple[str, str]:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    inner = [i for i in letters if i > 0] or letters
    i = rnd.choice(inner)
    c = word[i]
    op = rnd.choice(["drop", "drop", "double", "swap", "neighbour", "insert"])
    if op == "drop":
        return word[:i] + word[i + 1 :], "dropped a letter"
    if op == "double":
        return word[:i] + c + word[i:], "doubled a letter"
    if op == "swap" and i + 1 < len(word) and word[i + 1].isalpha() and word[i + 1] != c:
        return word[:i] + word[i + 1] + c + word[i + 2 :], "swapped two letters"
    if op == "insert":
        extra = rnd.choice(_neighbours(c.lower()))
        extra = extra.upper() if c.isupper() else extra
        return word[: i + 1] + extra + word[i + 1 :], "inserted a letter"
    near = rnd.choice(_neighbours(c.lower()))
    near = near.upper() if c.isupper() else near
    return word[:i] + near + word[i + 1 :], "hit a neighbouring key"


def _typo_short(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    words = _words(name)
    if not 1 <= len(words) <= 2 or not _is_latin(name):
        return None
    # a word of a name, not an acronym (PFLP): it has a vowel, and four letters or more (five
    # for a name of one word)
    least = 5 if len(words) == 1 else 4
    long = [
        i
        for i, w in enumerate(words)
        if sum(c.isalpha() for c in w) >= least and set(w.casefold()) & set("aeiouy")
    ]
    if not long:
        return None
    i = rnd.choice(long)
    new, what = _typo_word(words[i], rnd)
    out = list(words)
    out[i] = new
    text = f"{out[0]}, {' '.join(out[1:])}" if "," in name else " ".join(out)
    return text, f"{what} ({len(words)} word{'s' if len(words) > 1 else ''})"


#: Short words that are written joined, hyphenated or apart with the next word.
_JOINING = set(
    _wl(
        "al el ul ud ad ar as ash at az an abu abd bin ibn bint umm abdul abdel van von de "
        "del da di le la mc mac st"
    )
)


def _hyphen_space(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if not _is_latin(name):
        return None
    tokens = re.split(r"(\s+|-)", name)
    # candidates: each separator between two word parts: (index of separator, what it is)
    spots = []
    for i in range(1, len(tokens) - 1, 2):
        left, sep, right = tokens[i - 1], tokens[i], tokens[i + 1]
        if not left or not right or not left[-1].isalpha() or not right[0].isalpha():
            continue
        if sep == "-" or (left.casefold().strip(",") in _JOINING and sep.isspace()):
            spots.append(i)
    if not spots:
        return None
    # not inside a legal form ("S. de R.L."): the kind is about names' particles
    form = _find_form(_words(name))
    if form:
        form_words = set(_words(name)[form[0] : form[1]])
        spots = [i for i in spots if tokens[i - 1] not in form_words]
    if not spots:
        return None
    i = rnd.choice(spots)
    sep = tokens[i]
    options = [o for o in ("-", " ", "") if o != (sep if sep == "-" else " ")]
    new = rnd.choice(options)
    tokens[i] = new
    described = {"-": "hyphen", " ": "space", "": "joined"}
    return "".join(tokens), f"{described['-' if sep == '-' else ' ']} -> {described[new]}"


_ABBREVIATIONS: dict[str, list[str]] = {
    "international": ["Intl", "Intl.", "Int'l", "Internat."],
    "corporation": ["Corp.", "Corp"],
    "industries": ["Inds.", "Ind.", "Indus."],
    "industrial": ["Indl.", "Ind.", "Indust."],
    "manufacturing": ["Mfg.", "Mfg", "Manuf."],
    "technology": ["Tech.", "Tech", "Technol."],
    "technologies": ["Techs.", "Tech.", "Technol."],
    "engineering": ["Eng.", "Engg.", "Engr."],
    "development": ["Dev.", "Devt.", "Devel."],
    "services": ["Svcs.", "Servs.", "Svcs"],
    "service": ["Svc.", "Serv."],
    "brothers": ["Bros.", "Bros"],
    "trading": ["Trdg.", "Trad."],
    "investment": ["Inv.", "Invest."],
    "investments": ["Invs.", "Invest."],
    "management": ["Mgmt.", "Mgt."],
    "holding": ["Hldg.", "Hldg"],
    "holdings": ["Hldgs.", "Hldgs"],
    "association": ["Assn.", "Assoc."],
    "department": ["Dept.", "Dept"],
    "government": ["Govt.", "Govt"],
    "national": ["Natl.", "Nat'l", "Nat."],
    "enterprise": ["Ent.", "Entpr."],
    "enterprises": ["Ents.", "Entpr."],
    "establishment": ["Est.", "Estab."],
    "general": ["Gen.", "Genl."],
    "shipping": ["Shpg.", "Shipg."],
    "construction": ["Constr.", "Const."],
    "equipment": ["Equip.", "Eqpt."],
    "electronics": ["Elec.", "Electr."],
    "electronic": ["Elec.", "Electr."],
    "chemical": ["Chem.", "Chem"],
    "chemicals": ["Chems.", "Chem."],
    "pharmaceutical": ["Pharm.", "Pharma"],
    "pharmaceuticals": ["Pharms.", "Pharma"],
    "petroleum": ["Petr.", "Petrol."],
    "laboratory": ["Lab.", "Lab"],
    "laboratories": ["Labs.", "Labs"],
    "research": ["Res.", "Rsch."],
    "institute": ["Inst.", "Inst"],
    "university": ["Univ.", "Univ"],
    "organization": ["Org.", "Orgn."],
    "organisation": ["Org.", "Orgn."],
    "foundation": ["Fdn.", "Found."],
    "society": ["Soc.", "Soc"],
    "center": ["Ctr.", "Cntr."],
    "centre": ["Ctr.", "Cen."],
    "saint": ["St.", "St"],
    "aviation": ["Avn.", "Aviat."],
    "transport": ["Transp.", "Trans."],
    "products": ["Prods.", "Prod."],
    "systems": ["Sys.", "Syst."],
    "maritime": ["Marit.", "Mar."],
    "navigation": ["Nav.", "Navig."],
    "group": ["Grp.", "Gp."],
    "commercial": ["Comml.", "Coml."],
    "agricultural": ["Agric.", "Agr."],
    "exchange": ["Exch.", "Exch"],
    "financial": ["Fin.", "Finl."],
    "insurance": ["Ins.", "Insur."],
    "and": ["&"],
    "import": ["Imp.", "Imp"],
    "export": ["Exp.", "Exp"],
    "company": ["Co.", "Co"],
    "mohammed": ["Mohd.", "Md.", "Mohd"],
    "mohammad": ["Mohd.", "Md.", "Mohd"],
    "muhammad": ["Muhd.", "Md.", "Mohd."],
    "mohamed": ["Mohd.", "Md."],
    "abdul": ["Abd.", "Abd"],
}


#: Shared facts about the lists, set by :func:`altered_names`: family names -> entries.
_CONTEXT: dict[str, dict[str, int]] = {"family": {}}


def _abbreviation(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if not _is_latin(name):
        return None
    words = _words(name)
    spots = [i for i, w in enumerate(words) if _fold(w) in _ABBREVIATIONS]
    found = _find_form(words) if record.kind == "entity" else None
    if found:  # a legal form at an end is legal_form's business
        spots = [i for i in spots if not found[0] <= i < found[1]]
    if record.kind == "person" and rnd.random() < 0.5:
        parts = _split_person(name)
        family_key = _fold(" ".join(parts[0])) if parts else ""
        # initials and a family name say who it is only if few entries have that family name
        if (
            parts
            and sum(c.isalpha() for c in family_key) >= 4
            and _CONTEXT["family"].get(family_key, 0) <= 3
        ):
            family, given = parts
            initials = " ".join(f"{w[0].upper()}." for w in given if w[0].isalpha())
            if initials:
                return f"{initials} {' '.join(family)}", "given names as initials"
    if not spots:
        return None
    i = rnd.choice(spots)
    old = words[i]
    short = rnd.choice(_ABBREVIATIONS[_fold(old)])
    words[i] = short.upper() if old.isupper() else short
    text = " ".join(words)
    if "," in name and record.kind == "person":
        parts = _split_person(name)
        if parts:
            n_family = len(parts[0])
            text = f"{' '.join(words[:n_family])}, {' '.join(words[n_family:])}"
    return text, f"{_fold(old)} -> {words[i]}"


def _cjk_order(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if record.kind != "person" or not set(record.countries) & CJK_COUNTRIES:
        return None
    if not _is_latin(name):
        return None
    parts = _split_person(name)
    if parts:
        family, given = parts
    else:
        words = _words(name)  # UN writes Korean and Chinese names family first, no comma
        if len(words) < 2:
            return None
        family, given = words[:1], words[1:]
    if len(family) != 1 or len(family[0]) > 6:
        return None
    syllables = [s for w in given for s in w.split("-") if s]
    if not syllables:
        return None
    style = rnd.choice(["spaced", "hyphenated", "joined"]) if len(syllables) > 1 else "one"
    if style == "hyphenated":
        first = syllables[0].capitalize() + "-" + "-".join(s.lower() for s in syllables[1:])
    elif style == "joined":
        first = syllables[0].capitalize() + "".join(s.lower() for s in syllables[1:])
    else:
        first = " ".join(s.capitalize() for s in syllables)
    fam = family[0].capitalize()
    if rnd.random() < 0.2:  # family name first but in the given name's style, no comma
        return f"{fam.upper()} {first}", f"family first, given {style}"
    return f"{first} {fam}", f"Western order, given {style}"


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "a=b c=d" -> [("a", "b"), ("c", "d")], in order."""
    return [(a, b) for a, _, b in (item.partition("=") for item in text.split())]


# --- Cyrillic -------------------------------------------------------------------------------

_TO_CYRILLIC = _pairs(
    "iya=ия iye=ие iyu=ию shch=щ sch=щ zh=ж kh=х ts=ц tz=ц ch=ч sh=ш yu=ю ya=я yo=ё "
    "iu=ю ia=я a=а b=б v=в w=в g=г d=д e=е z=з i=и k=к l=л m=м n=н o=о p=п r=р s=с "
    "t=т u=у f=ф h=х c=к q=к j=й x=кс '=ь"
)
_VOWELS = set("aeiouy")
_RUSSIAN_FORMS_CYR = {
    "LIMITED LIABILITY COMPANY": "ООО",
    "OOO": "ООО",
    "LLC": "ООО",
    "JOINT STOCK COMPANY": "АО",
    "JOINT-STOCK COMPANY": "АО",
    "JSC": "АО",
    "AO": "АО",
    "OPEN JOINT STOCK COMPANY": "ОАО",
    "OJSC": "ОАО",
    "OAO": "ОАО",
    "CLOSED JOINT STOCK COMPANY": "ЗАО",
    "CJSC": "ЗАО",
    "ZAO": "ЗАО",
    "PUBLIC JOINT STOCK COMPANY": "ПАО",
    "PJSC": "ПАО",
    "PAO": "ПАО",
}


def to_cyrillic(word: str) -> str:
    """A romanised Russian word back in Cyrillic, as a Russian clerk would spell it: "ye" after
    a vowel or at the start is е, "y" after a vowel й, else ы; the adjective endings -sky/-iy/
    -yy are -ский/-ий/-ый."""
    w = word.casefold().replace("’", "'")
    ending = ""
    for latin, cyr in (
        ("tskiy", "цкий"),
        ("tsky", "цкий"),
        ("skiy", "ский"),
        ("skii", "ский"),
        ("sky", "ский"),
        ("ski", "ский"),
        ("iy", "ий"),
        ("ii", "ий"),
        ("yy", "ый"),
        ("oy", "ой"),
        ("ey", "ей"),
        ("ei", "ей"),
        ("ay", "ай"),
    ):
        if w.endswith(latin) and len(w) > len(latin) + 1:
            w, ending = w[: -len(latin)], cyr
            break
    out: list[str] = []
    i = 0
    while i < len(w):
        prev = w[i - 1] if i else ""
        if w.startswith("ye", i):  # after a consonant BGN's ye is ье: Yuryevich, Vasilyev
            out.append("е" if not prev or prev in _VOWELS or prev == "'" else "ье")
            i += 2
            continue
        if w.startswith(("ya", "yu", "yo"), i):
            out.append({"a": "я", "u": "ю", "o": "ё"}[w[i + 1]])
            i += 2
            continue
        if w[i] == "y" and i == len(w) - 1 and prev and prev not in _VOWELS:
            out.append("ий")  # Dmitry, Yury, Anatoly
            i += 1
            continue
        if w[i] == "y":
            out.append("й" if prev in _VOWELS else ("е" if not prev else "ы"))
            i += 1
            continue
        if w[i] == "e" and not prev:
            out.append("э")
            i += 1
            continue
        for latin, cyr in _TO_CYRILLIC:
            if w.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(w[i])
            i += 1
    text = "".join(out) + ending
    return text[:1].upper() + text[1:]


def _cyrillic_script(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if not set(record.countries) & CYRILLIC_COUNTRIES or not _is_latin(name):
        return None
    if record.kind == "person":
        parts = _split_person(name)
        if not parts:
            return None
        family, given = parts
        words = family + given
        order = "family first"
        if rnd.random() < 0.5:
            words = given + family
            order = "given first"
        return " ".join(to_cyrillic(w) for w in words), f"person, {order}"
    if record.kind != "entity":
        return None
    upper = " ".join(_words(name)).upper()
    for latin, cyr in sorted(_RUSSIAN_FORMS_CYR.items(), key=lambda kv: -len(kv[0])):
        if upper.startswith(latin + " ") or upper.endswith(" " + latin):
            body = (
                upper[len(latin) + 1 :]
                if upper.startswith(latin + " ")
                else upper[: -len(latin) - 1]
            )
            if {_fold(w) for w in body.split()} & ENGLISH:
                return None  # English words are translated, not transliterated
            cyr_body = " ".join(to_cyrillic(w) for w in body.split())
            cyr_body = cyr_body.upper() if rnd.random() < 0.5 else cyr_body
            return f"{cyr} «{cyr_body}»", f"entity, {latin} -> {cyr}"
    return None


#: One romanisation against another (BGN/PCGN as the lists use it, against the passport
#: system, French and German habits and plain ASCII simplifications).
_CYRILLIC_LATIN: list[tuple[str, str]] = [
    ("iy$", "ii"),
    ("iy$", "y"),
    ("iy$", "i"),
    ("yy$", "iy"),
    ("yy$", "y"),
    ("sky$", "ski"),
    ("sky$", "skiy"),
    ("skiy$", "sky"),
    ("yevich", "evich"),
    ("yevna", "evna"),
    ("yev$", "ev"),
    ("yeva$", "eva"),
    ("^ye", "e"),
    ("^e", "ye"),
    ("kh", "h"),
    ("kh", "ch"),
    ("zh", "j"),
    ("zh", "sch"),
    ("yu", "iu"),
    ("yu", "ju"),
    ("ya", "ia"),
    ("ya", "ja"),
    ("ts", "tz"),
    ("ts", "c"),
    ("shch", "sch"),
    ("shch", "shh"),
    ("ks", "x"),
    ("v$", "ff"),
    ("ov$", "off"),
    ("aleksandr", "alexander"),
    ("aleksey", "alexei"),
    ("yevgeniy", "eugene"),
    ("mikhail", "michael"),
    ("dmitriy", "dmitry"),
    ("yuriy", "yuri"),
    ("sergey", "sergei"),
    ("andrey", "andrei"),
    ("nikolay", "nikolai"),
    ("anatoliy", "anatoly"),
    ("vasiliy", "vasily"),
    ("natalya", "natalia"),
    ("tatyana", "tatiana"),
]


def _respell(
    words: list[str], rules: Sequence[tuple[str, str]], rnd: random.Random, times: int
) -> tuple[list[str], list[str]] | None:
    """Apply up to ``times`` of the applicable rules, each once, to words of the name (not to
    English ones). A rule is a regular expression on the lower-cased word and its replacement;
    ``^`` and ``$`` in it anchor to a part of the word (between hyphens too)."""
    done: list[str] = []
    out = list(words)
    for _ in range(times):
        options = []
        for wi, w in enumerate(out):
            lw = w.casefold()
            if lw in ENGLISH or len(lw) < 3:
                continue
            for pat, rep in rules:
                if f"{pat}>{rep}" in done:
                    continue
                rx = pat.replace("^", r"(?<![a-z'])").replace("$", r"(?![a-z])")
                for m in re.finditer(rx, lw):
                    options.append((wi, pat, rep, m.start(), m.end(), m))
        if not options:
            break
        wi, pat, rep, start, end, m = rnd.choice(options)
        lw = out[wi].casefold()
        new = lw[:start] + m.expand(rep) + lw[end:]
        out[wi] = new.upper() if out[wi].isupper() else _title(new)
        done.append(f"{pat}>{rep}")
    if not done:
        return None
    return out, done


def _cyrillic_latin(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if not set(record.countries) & CYRILLIC_COUNTRIES or not _is_latin(name):
        return None
    if record.kind not in {"person", "entity"}:
        return None
    words = _words(name)
    if record.kind == "entity":
        found = _find_form(words)
        if found:  # leave the legal form as it is
            words = words[: found[0]] + words[found[1] :]
    done = _respell(words, _CYRILLIC_LATIN, rnd, 1 if rnd.random() < 0.6 else 2)
    if not done:
        return None
    out, rules = done
    if record.kind == "entity":
        full = _words(name)
        found = _find_form(full)
        if found:
            form = full[found[0] : found[1]]
            out = form + out if found[0] == 0 else out + form
    return _rejoin(name, out, record.kind), ", ".join(rules)


def _rejoin(name: str, words: list[str], kind: str) -> str:
    """Words back into the name's layout: "FAMILY, Given" for a person written so."""
    if kind == "person" and "," in name:
        parts = _split_person(name)
        if parts and len(words) == len(parts[0]) + len(parts[1]):
            n = len(parts[0])
            return f"{' '.join(words[:n])}, {' '.join(words[n:])}"
    return " ".join(words)


# --- Arabic ----------------------------------------------------------------------------------

_TO_ARABIC = _pairs(
    "sh=ش kh=خ th=ث dh=ذ gh=غ ch=چ zh=ژ ph=ف b=ب p=پ t=ت j=ج h=ح d=د r=ر z=ز s=س f=ف "
    "q=ق k=ك g=گ l=ل m=م n=ن w=و v=و y=ي x=كس c=ك '=ع `=ع ’=ع ‘=ع"
)
_LONG = _pairs("aa=ا ee=ي ii=ي ei=ي ey=ي ai=ي ay=ي iy=ي oo=و uu=و ou=و aw=و ow=و")


def to_arabic(word: str, persian: bool = False) -> str:
    """A romanised Arabic (or Persian) word in Arabic script, spelt the way the script is
    written: short vowels left out, long ones (aa, ee, ou, ei ...) and a word's first and last
    vowel written, doubled consonants once, an apostrophe as ʿayn, -ah as ة."""
    w = word.casefold()
    suffix = ""
    m = re.match(r"^(.{2,}?)[uoa]ll[ae]h$", w)
    if m:
        # -ullah / -allah is the word God, written apart: Fazlullah فضل الله
        w, suffix = m.group(1), " الله"
    w = re.sub(r"([bcdfghjklmnpqrstvwxz])\1", r"\1", w)
    prefix = ""
    m = re.match(r"^(al|el|ul|ad|ar|as|ash|at|az|an)-", w)
    if m:
        prefix, w = "ال", w[m.end() :]
    m = re.match(r"^abd-?([aeou][lrsdnzt])-?(.*)$", w)
    if m:
        # "servant of ...": عبد written as a word of its own before the article (عبد المجيد,
        # Abdur Rahman عبد الرحمن); only Abdullah is usually written in one (_ARABIC_NAMES);
        # Abdo, Abdi are names of their own
        prefix, w = prefix + "عبد ال", m.group(2)
    out: list[str] = []
    i = 0
    if w[:1] in set("aeiou") and not prefix.endswith(("عبد ", "ال")):
        out.append("ا")
        i = 1
        if w[1:2] in set("aeiou"):
            i = 2
    while i < len(w):
        if w[i:] in ("ah", "eh") and out:
            out.append("ه" if persian else "ة")
            break
        for latin, ar in _LONG:
            if w.startswith(latin, i):
                out.append(ar)
                i += len(latin)
                break
        else:
            c = w[i]
            last = i == len(w) - 1
            if c in "aeiou":
                if last:
                    out.append({"a": "ا", "e": "ه" if persian else "ي", "i": "ي"}.get(c, "و"))
                i += 1
                continue
            for latin, ar in _TO_ARABIC:
                if w.startswith(latin, i):
                    if latin == "g" and not persian:
                        ar = "ج"
                    if latin in ("p", "ch", "zh") and not persian:
                        # "ch" in a French romanisation (Maghreb, Lebanon) is ش: Hicham
                        ar = {"p": "ب", "ch": "ش", "zh": "ج"}[latin]
                    out.append(ar)
                    i += len(latin)
                    break
            else:
                i += 1
    return prefix + "".join(out) + suffix


#: Names a clerk spells from memory, as they are written (however the list romanised them).
_ARABIC_NAMES: dict[str, str] = {
    **dict.fromkeys(["mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad"], "محمد"),
    **dict.fromkeys(["ali"], "علي"),
    **dict.fromkeys(["ahmed", "ahmad"], "أحمد"),
    **dict.fromkeys(["abdullah", "abdallah", "abdalla"], "عبدالله"),
    **dict.fromkeys(["hassan", "hasan"], "حسن"),
    **dict.fromkeys(["hussein", "husayn", "hussain", "husain", "hossein", "hosein"], "حسين"),
    **dict.fromkeys(["omar", "umar"], "عمر"),
    **dict.fromkeys(["khalid", "khaled"], "خالد"),
    **dict.fromkeys(["ibrahim", "ebrahim"], "إبراهيم"),
    **dict.fromkeys(["yusuf", "youssef", "yousef", "yousif", "yusif"], "يوسف"),
    **dict.fromkeys(["mahmoud", "mahmud"], "محمود"),
    **dict.fromkeys(["mustafa", "mostafa", "moustafa"], "مصطفى"),
    **dict.fromkeys(["salih", "saleh"], "صالح"),
    **dict.fromkeys(["saeed", "said", "saed", "sa'id"], "سعيد"),
    **dict.fromkeys(["jamal", "gamal"], "جمال"),
    **dict.fromkeys(["osama", "usama"], "أسامة"),
    **dict.fromkeys(["hamza", "hamzah"], "حمزة"),
    **dict.fromkeys(["khalil"], "خليل"),
    **dict.fromkeys(["nasser", "nasir", "naser"], "ناصر"),
    **dict.fromkeys(["abbas"], "عباس"),
    **dict.fromkeys(["musa", "mousa"], "موسى"),
    **dict.fromkeys(["isa", "issa"], "عيسى"),
    **dict.fromkeys(["yahya"], "يحيى"),
    **dict.fromkeys(["mahdi", "mehdi"], "مهدي"),
    **dict.fromkeys(["reza", "ridha", "rida"], "رضا"),
    **dict.fromkeys(["mohsen", "muhsin"], "محسن"),
    **dict.fromkeys(["qasim", "qassem", "kasim", "qasem"], "قاسم"),
    **dict.fromkeys(["walid", "waleed"], "وليد"),
    **dict.fromkeys(["rashid", "rasheed"], "راشد"),
    **dict.fromkeys(["hamid", "hamed"], "حامد"),
    **dict.fromkeys(["majid", "majed"], "ماجد"),
    **dict.fromkeys(["abu"], "أبو"),
    **dict.fromkeys(["bin", "ibn"], "بن"),
    **dict.fromkeys(["al", "el"], "ال"),
}


def _arabic_script(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    countries = set(record.countries)
    if not countries & (ARABIC_COUNTRIES | PERSIAN_COUNTRIES) or not _is_latin(name):
        return None
    if record.kind != "person":
        return None
    persian = bool(countries & PERSIAN_COUNTRIES) and not countries & ARABIC_COUNTRIES
    parts = _split_person(name)
    words = (parts[1] + parts[0]) if parts else _words(name)  # Arabic writes given first
    if len(words) < 2:
        return None
    # a hyphenated name is several words in Arabic script (Abu-Ubaydah, 'Ala'-al-Din,
    # Aw-Mohamed): each written on its own, an article joined to what follows
    words = [part for w in words for part in w.split("-") if part.strip("'")]
    out: list[str] = []
    for w in words:
        lw = w.casefold().strip("'")
        bare = re.sub(r"^(al|el)-", "", lw)
        if lw in _ARABIC_NAMES:
            out.append(_ARABIC_NAMES[lw])
        elif bare != lw and bare in _ARABIC_NAMES:
            out.append("ال" + _ARABIC_NAMES[bare])
        else:
            out.append(to_arabic(w, persian))
    # the article is written joined to its word
    joined: list[str] = []
    for part in out:
        if joined and (joined[-1] == "ال" or joined[-1].endswith(" ال")):
            joined[-1] += part
        else:
            joined.append(part)
    text = " ".join(joined)
    return text, "Persian" if persian else "Arabic"


#: Where romanisations of Arabic and Persian names differ (English, French, Egyptian and Gulf,
#: South Asian and Persian habits; the lists' own spellings are one of each).
_ARABIC_LATIN: list[tuple[str, str]] = [
    # the Prophet's name, written every way
    ("^mohammed$", "muhammad"),
    ("^mohammed$", "mohamed"),
    ("^muhammad$", "mohammed"),
    ("^muhammad$", "mohamad"),
    ("^muhammad$", "muhammed"),
    ("^mohammad$", "muhammad"),
    ("^mohamed$", "mohammed"),
    ("^mohamad$", "mohammad"),
    # "servant of": Abdul Aziz, Abd al-Aziz, Abdel Aziz, Abdulaziz
    ("^abdul$", "abd al"),
    ("^abdul$", "abdel"),
    ("^abdul", "abd-ul-"),
    ("^abd al$", "abdul"),
    ("^abd-al-", "abdel "),
    ("^abdel", "abdul"),
    ("^abdol", "abdul"),
    ("^abdul", "abdol"),
    # the article
    ("^al-", "el-"),
    ("^al-", "al "),
    ("^el-", "al-"),
    ("^al-(s|t|d|r|z|n)", "a\\1-\\1"),  # sun letters: al-Rahman -> ar-Rahman
    ("^ad-d", "al-d"),
    ("^ar-r", "al-r"),
    ("^as-s", "al-s"),
    # vowels
    ("ou", "u"),
    ("^yu", "you"),
    ("oo", "u"),
    ("u(?=[bdfhjklmnqrstz])", "ou"),
    ("ee", "i"),
    ("ei", "ay"),
    ("ay", "ei"),
    ("ai", "ay"),
    ("ey$", "ei"),
    ("ed$", "ad"),
    ("ad$", "ed"),
    ("id$", "ed"),
    ("ed$", "id"),
    ("i([dlmnr])$", "ee\\1"),
    ("^o", "u"),
    ("^u", "o"),
    ("^i", "e"),
    ("^e", "i"),
    ("aa", "a"),
    ("ah$", "a"),
    ("a$", "ah"),
    ("ullah$", "allah"),
    ("allah$", "ullah"),
    ("ollah$", "ullah"),
    ("ullah$", "olah"),
    # consonants
    ("^q", "k"),
    ("q", "k"),
    ("q", "g"),
    ("k(?=[aeiou])", "q"),
    ("dh", "z"),
    ("dh", "d"),
    ("th", "s"),
    ("th", "t"),
    ("^j", "g"),
    ("^g", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("([bdfhjklmnrstz])\\1", "\\1"),  # Hassan -> Hasan, Abbas -> Abas
    ("(?<=[aeiou])([bdlmnrst])(?=[aeiou])", "\\1\\1"),  # Hasan -> Hassan
    ("'", ""),
    ("^bin$", "ibn"),
    ("^ibn$", "bin"),
    ("^bin$", "ben"),
    ("w", "v"),
    ("^v", "w"),
    # whole names spelt apart by system
    ("^hussein$", "husayn"),
    ("^husayn$", "hussein"),
    ("^hussain$", "hussein"),
    ("^husain$", "hussain"),
    ("^yusuf$", "youssef"),
    ("^youssef$", "yusuf"),
    ("^yousef$", "yusuf"),
    ("^osman$", "uthman"),
    ("^uthman$", "othman"),
    ("^saeed$", "said"),
    ("^said$", "saeed"),
    ("^sayed$", "sayyid"),
]


def _arabic_latin(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    countries = set(record.countries)
    if not countries & (ARABIC_COUNTRIES | PERSIAN_COUNTRIES) or not _is_latin(name):
        return None
    if record.kind not in {"person", "entity"}:
        return None
    words = _words(name)
    if record.kind == "entity":
        found = _find_form(words)
        if found:
            words = words[: found[0]] + words[found[1] :]
    if record.kind == "entity" and not any(
        _fold(w).split(" ")[0][:2] in {"al", "el"} for w in words
    ):
        # entities: only names with Arabic words (an article); English ones are not respelt
        return None
    done = _respell(words, _ARABIC_LATIN, rnd, 1 if rnd.random() < 0.6 else 2)
    if not done:
        return None
    out, rules = done
    out = [w for w in out if w]
    if record.kind == "entity":
        full = _words(name)
        found = _find_form(full)
        if found:
            form = full[found[0] : found[1]]
            out = form + out if found[0] == 0 else out + form
    text = _rejoin(name, out, record.kind)
    if _fold(text) == _fold(name):
        return None
    return text, ", ".join(rules)


# --- honorifics and articles -------------------------------------------------------------------

_HONORIFICS_BY_REGION: dict[str, list[str]] = {
    "arab": _wl("Sheikh Shaykh Sheikh Haji Dr. Eng. Sayyid Mr. H.E. Al-Hajj"),
    "cjk": ["Mr.", "Dr.", "Gen.", "Col.", "Prof."],
    "persian": ["Haji", "Hajj", "Seyed", "Dr.", "Mr.", "Mullah", "Mawlawi", "Maulana", "Agha"],
    "spanish": ["Lic.", "Ing.", "Sr.", "Don", "Dr.", "Gral.", "Sra."],
    "cyrillic": ["Mr.", "Dr.", "Gen.", "Col.", "Prof."],
    "other": ["Mr.", "Dr.", "Prof.", "Gen.", "Col.", "Capt.", "H.E.", "Rev."],
}
_SUFFIXES = ["Jr.", "Sr.", "PhD", "II", "III"]
_ALL_TITLES = {_fold(t).replace(" ", "") for ts in _HONORIFICS_BY_REGION.values() for t in ts} | {
    "sheikh",
    "shaykh",
    "haji",
    "hajji",
    "mullah",
    "mulla",
    "maulana",
    "mawlawi",
    "maulvi",
    "qari",
    "sayed",
    "sayyid",
    "sheik",
    "shaikh",
    "hajj",
    "mawlana",
    "mawlvi",
    "molvi",
    "seyed",
    "syed",
    "general",
    "colonel",
    "doctor",
    "engineer",
    "commander",
    "brigadier",
    "major",
    "captain",
}


def _region(countries: Iterable[str]) -> str:
    cs = set(countries)
    if cs & PERSIAN_COUNTRIES:
        return "persian"
    if cs & ARABIC_COUNTRIES:
        return "arab"
    if cs & SPANISH_COUNTRIES:
        return "spanish"
    if cs & CYRILLIC_COUNTRIES:
        return "cyrillic"
    if cs & CJK_COUNTRIES:
        return "cjk"
    return "other"


def _honorific(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    if record.kind != "person" or not _is_latin(name):
        return None
    words = _words(name)
    listed = [i for i, w in enumerate(words) if _fold(w).replace(" ", "") in _ALL_TITLES]
    if listed and len(words) - len(listed) >= 2:
        i = listed[0]
        out = words[:i] + words[i + 1 :]
        return " ".join(out), f"removed {words[i]}"
    parts = _split_person(name)
    natural = f"{' '.join(parts[1])} {' '.join(parts[0])}" if parts else " ".join(words)
    if len(natural.split()) < 2:
        return None
    if _region(record.countries) in {"other", "spanish"} and rnd.random() < 0.15:
        suffix = rnd.choice(_SUFFIXES)
        return f"{natural} {suffix}", f"added {suffix}"
    title = rnd.choice(_HONORIFICS_BY_REGION[_region(record.countries)])
    return f"{title} {natural}", f"added {title}"


_LEADING_ARTICLES = {"the", "el", "la", "los", "las", "le", "les", "il", "lo", "der", "die", "das"}


def _article(record: Any, name: str, rnd: random.Random) -> tuple[str, str] | None:
    """Remove a leading article of an entity (The, El, La ...) or an Arabic al-/el- anywhere;
    add "The" (El/La in Spanish-speaking countries) to an English or Spanish business name,
    or al- to an Arab or Persian person's family name."""
    if not _is_latin(name) or record.kind not in {"person", "entity"}:
        return None
    words = _words(name)
    if len(words) < 2:
        return None
    countries = set(record.countries)
    arabic = bool(countries & (ARABIC_COUNTRIES | PERSIAN_COUNTRIES))
    removable = []
    if record.kind == "entity" and _fold(words[0]) in _LEADING_ARTICLES and len(words) > 2:
        removable.append(("lead", 0))
    for i, w in enumerate(words):
        m = re.match(r"^(al|el)-", w, re.IGNORECASE)
        if m and len(w) - m.end() >= 3:
            removable.append(("prefix", i))
        elif _fold(w) in {"al", "el"} and i + 1 < len(words) and i > 0:
            removable.append(("word", i))
    if removable and rnd.random() < 0.6:
        how, i = rnd.choice(removable)
        out = list(words)
        if how == "prefix":
            out[i] = re.sub(r"^(al|el)-", "", out[i], flags=re.IGNORECASE)
            return _rejoin(name, out, record.kind), f"removed {words[i][:3]}"
        removed = out.pop(i)
        if record.kind == "person" and "," in name and i == 0:
            return None
        return " ".join(out), f"removed {removed}"
    if record.kind == "entity":
        found = _find_form(words)
        if _fold(words[0]) in _LEADING_ARTICLES or (found and found[0] == 0):
            return None
        body = words[: found[0]] + words[found[1] :] if found else words
        folded = {_fold(w) for w in body}
        if countries & SPANISH_COUNTRIES:
            art = rnd.choice(["La", "El"])
        elif folded & ENGLISH and not arabic:
            art = "The"
        else:
            return None
        return f"{art} {' '.join(words)}", f"added {art}"
    if arabic:
        parts = _split_person(name)
        if parts:
            family, given = parts
            if _fold(family[0])[:2] in {"al", "el"} or len(family[0]) < 4:
                return None
            art = rnd.choice(["al-", "Al-", "el-", "Al "])
            family = [
                art + (family[0] if art.endswith(" ") else family[0].capitalize()),
                *family[1:],
            ]
            return f"{' '.join(family)}, {' '.join(given)}", f"added {art.strip()}"
        last = words[-1]
        if _fold(last)[:2] in {"al", "el"} or len(last) < 4 or _fold(words[-2]) in _JOINING:
            return None
        art = rnd.choice(["al-", "Al-", "el-", "Al "])
        return " ".join([*words[:-1], art + last.capitalize()]), f"added {art.strip()}"
    return None


ALTERATIONS: dict[str, Alteration] = {
    "legal_form": _legal_form,
    "form_glued": _form_glued,
    "form_added_dropped": _form_added_dropped,
    "middle_dropped": _middle_dropped,
    "typo_short": _typo_short,
    "hyphen_space": _hyphen_space,
    "abbreviation": _abbreviation,
    "cjk_order": _cjk_order,
    "cyrillic_script": _cyrillic_script,
    "cyrillic_latin": _cyrillic_latin,
    "arabic_script": _arabic_script,
    "arabic_latin": _arabic_latin,
    "honorific": _honorific,
    "article": _article,
}


# --- how a customer master writes it ------------------------------------------------------------


def _present(text: str, kind: str, person: bool, rnd: random.Random) -> str:
    """Case and (for a person still written "FAMILY, Given") order as a customer master has
    them. Names in other scripts keep their case."""
    keeps_order = kind in {"honorific", "middle_dropped", "cjk_order"}
    if person and "," in text and not keeps_order and rnd.random() < 0.35:
        family, _, given = text.partition(",")
        text = f"{given.strip()} {family.strip()}"
    if not _is_latin(text) or kind in {"cjk_order"}:
        return text
    r = rnd.random()
    if r < 0.4:
        return text.upper()
    if r < 0.9:
        return _title_name(text) if text.isupper() or text.islower() else text
    return text.lower()


# --- the generator ---------------------------------------------------------------------------


def altered_names(
    records: Sequence[Any], per_kind: int, seed: int, kinds: Iterable[str] = KINDS
) -> list[Altered]:
    """``per_kind`` altered names of each kind (fewer if the lists have fewer candidates)."""
    out: list[Altered] = []
    family: dict[str, int] = {}
    for r in records:
        if r.kind == "person":
            keys = set()
            for name, _q in r.names:
                parts = _split_person(name)
                if parts:
                    keys.add(_fold(" ".join(parts[0])))
            for k in keys:
                family[k] = family.get(k, 0) + 1
    _CONTEXT["family"] = family
    strong = [
        (r, name)
        for r in records
        for i, (name, quality) in enumerate(r.names)
        if (i == 0 or quality == "strong") and name.strip()
    ]
    for kind in kinds:
        rnd = random.Random(f"{seed}:{kind}")
        make = ALTERATIONS[kind]
        order = list(range(len(strong)))
        rnd.shuffle(order)
        seen: set[str] = set()
        got = 0
        for idx in order:
            if got >= per_kind:
                break
            record, name = strong[idx]
            if record.key in seen:
                continue
            made = make(record, name, rnd)
            if not made:
                continue
            text, detail = made
            text = " ".join(_present(text, kind, record.kind == "person", rnd).split())
            if not text or (_fold(text) == _fold(name) and kind not in {"cyrillic_script"}):
                continue
            seen.add(record.key)
            out.append(Altered(text, kind, detail, record.key, name))
            got += 1
    return out


# --- clean names -----------------------------------------------------------------------------

_GIVEN = {
    "ja": _wl(
        "Haruto Yuki Sota Aoi Hina Riku Mei Kenji Naoko Takumi Emi Daisuke Sakura Shota Ayaka"
    ),
    "zh": _wl(
        "Xiuying|Wei|Fang|Lei|Jing|Yong|Xiaoming|Li Na|Haoran|Yuxuan|Zihan|Jianguo|Meiling|"
        "Guoqiang",
        "|",
    ),
    "ko": _wl("Min-jun Seo-yeon Ji-ho Ha-eun Do-yoon Soo-ah Jae-won Eun-ji Hyun-woo Ye-jin"),
    "ru": _wl(
        "Irina Sergei Olga Dmitri Natalia Pavel Yekaterina Anton Svetlana Konstantin Marina Igor"
    ),
    "ar": _wl("Omar Layla Khalid Noura Tariq Salma Yasmin Faisal Rania Ziad Huda Karim"),
    "fa": _wl("Dariush Shirin Kaveh Parisa Babak Nasrin Arash Leila Farhad Mahsa"),
    "es": _wl(
        "Lucía Javier Camila Mateo Valentina Diego Sofía Andrés Paula Santiago Carmen Rodrigo"
    ),
    "de": _wl("Lukas Anna Jonas Lea Felix Hannah Matthias Katrin Tobias Sabine"),
    "en": _wl("Emily James Olivia Thomas Charlotte Daniel Grace Henry Sophie William"),
    "in": _wl("Priya Arjun Ananya Rohan Kavya Vikram Meera Aditya Sneha Rahul"),
    "tr": ["Elif", "Emre", "Zeynep", "Burak", "Ayşe", "Mert", "Selin", "Can"],
    "vi": ["Minh", "Lan", "Hoang", "Thu", "Quang", "Linh", "Duc", "Hanh"],
    "fr": ["Camille", "Julien", "Chloé", "Antoine", "Manon", "Nicolas", "Élodie", "Mathieu"],
}
_FAMILY = {
    "ja": _wl(
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida "
        "Yamada Sasaki Matsumoto Inoue"
    ),
    "zh": _wl("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu"),
    "ko": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
    "ru": _wl(
        "Sokolova Kuznetsov Popova Vasilyev Morozova Volkov Lebedeva Novikov Fedorova Orlov "
        "Belova Zaytsev"
    ),
    "ar": _wl("Haddad Khoury Mansour Nasser Saleh Farouk Aziz Hamdan Qasim Barakat Darwish Said"),
    "fa": _wl("Rahimi Karimi Hosseini Moradi Jafari Sadeghi Ahmadi Rezaei Ghorbani Mohammadi"),
    "es": _wl(
        "García Fernández López Martínez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Morales"
    ),
    "de": _wl("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz"),
    "en": _wl("Smith Johnson Brown Taylor Wilson Davies Evans Clarke Walker Wright"),
    "in": ["Sharma", "Patel", "Reddy", "Iyer", "Nair", "Gupta", "Mehta", "Rao", "Desai", "Kapoor"],
    "tr": ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"],
    "vi": ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"],
    "fr": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
}
#: Cultures that write the family name first.
_FAMILY_FIRST = {"ja", "zh", "ko", "vi"}

_PLACES = {
    "ja": _wl("Kawaguchi Hokuriku Sanyo Tokai Shinshu Kansai Kyushu Tohoku Setouchi Hamamatsu"),
    "zh": _wl("Ningbo Suzhou Shenzhen Wuxi Qingdao Xiamen Foshan Dongguan Hangzhou Chengdu"),
    "ko": ["Busan", "Incheon", "Daegu", "Ulsan", "Gwangju", "Suwon"],
    "ru": ["Volga", "Ural", "Sibir", "Kama", "Neva", "Baikal", "Don", "Oka"],
    "de": ["Rhein", "Schwarzwald", "Allgäu", "Harz", "Elbe", "Bodensee"],
    "es": ["Andes", "Pacífico", "Altiplano", "Sierra Madre", "Bajío", "Caribe"],
    "en": ["Northfield", "Riverside", "Pennine", "Cascade", "Thames", "Lakeshore"],
    "in": ["Deccan", "Malabar", "Konkan", "Narmada", "Coromandel"],
    "tr": ["Ege", "Marmara", "Anadolu", "Karadeniz", "Toros"],
}
_BRANDS = {
    "ja": ["Seiki", "Kogyo", "Denki", "Shoji", "Giken", "Kasei", "Tekko"],
    "zh": ["Huaxin", "Jinfeng", "Tianrui", "Hongda", "Xinyuan", "Ruitai", "Yongsheng"],
    "ko": ["Hanil", "Daesung", "Samhwa", "Dongbang", "Seojin"],
    "ru": ["Promtekh", "Stroymash", "Energokomplekt", "Tekhnopark", "Avtodetal"],
}
_INDUSTRY = {
    "en": _wl(
        "Precision Machinery|Plastics|Textiles|Logistics|Foods|Paper Products|Medical Devices|"
        "Furniture|Packaging|Ceramics|Auto Parts|Garments|Solar Components|Water Treatment",
        "|",
    ),
    "de": [
        "Feinmechanik",
        "Maschinenbau",
        "Kunststofftechnik",
        "Verpackungen",
        "Elektrotechnik",
        "Holzbau",
    ],
    "es": [
        "Construcciones",
        "Alimentos",
        "Textiles",
        "Distribuidora",
        "Agroindustrias",
        "Transportes",
    ],
    "tr": ["Makina Sanayi ve Ticaret", "Tekstil Sanayi", "Gıda Sanayi", "Ambalaj"],
}
_COMPANY_PATTERNS: list[tuple[str, Callable[[random.Random], str]]] = [
    (
        "ja",
        lambda r: (
            f"{r.choice(_PLACES['ja'])} {r.choice(_BRANDS['ja'])} {r.choice(['Co., Ltd.', 'K.K.', 'Kabushiki Kaisha'])}"
        ),
    ),
    ("ja", lambda r: f"{r.choice(_FAMILY['ja'])} {r.choice(_INDUSTRY['en'])} Co., Ltd."),
    (
        "zh",
        lambda r: (
            f"{r.choice(_PLACES['zh'])} {r.choice(_BRANDS['zh'])} {r.choice(_INDUSTRY['en'])} Co., Ltd."
        ),
    ),
    ("ko", lambda r: f"{r.choice(_BRANDS['ko'])} {r.choice(_INDUSTRY['en'])} Co., Ltd."),
    (
        "ru",
        lambda r: (
            f"{r.choice(['OOO', 'AO', 'LLC'])} {r.choice(_PLACES['ru'])}{r.choice(_BRANDS['ru']).lower()}"
        ),
    ),
    (
        "de",
        lambda r: (
            f"{r.choice(_FAMILY['de'])} {r.choice(_INDUSTRY['de'])} {r.choice(['GmbH', 'GmbH & Co. KG', 'AG'])}"
        ),
    ),
    (
        "es",
        lambda r: (
            f"{r.choice(_INDUSTRY['es'])} {r.choice(_PLACES['es'])} {r.choice(['S.A. de C.V.', 'S.A.S.', 'Ltda.', 'S.A.'])}"
        ),
    ),
    (
        "en",
        lambda r: (
            f"{r.choice(_PLACES['en'])} {r.choice(_INDUSTRY['en'])} {r.choice(['Ltd', 'LLC', 'Inc.', 'Limited'])}"
        ),
    ),
    (
        "en",
        lambda r: (
            f"{r.choice(_FAMILY['en'])} & {r.choice(_FAMILY['en'])} {r.choice(['LLP', 'Ltd', 'Inc.'])}"
        ),
    ),
    (
        "in",
        lambda r: (
            f"{r.choice(_FAMILY['in'])} {r.choice(_INDUSTRY['en'])} {r.choice(['Pvt. Ltd.', 'Private Limited'])}"
        ),
    ),
    (
        "tr",
        lambda r: (
            f"{r.choice(_PLACES['tr'])} {r.choice(_INDUSTRY['tr'])} {r.choice(['A.Ş.', 'Ltd. Şti.'])}"
        ),
    ),
    (
        "ar",
        lambda r: (
            f"{r.choice(_FAMILY['ar'])} {r.choice(['General Trading', 'Contracting', 'Industrial Supplies', 'Medical Supplies'])} {r.choice(['LLC', 'Est.', 'FZE'])}"
        ),
    ),
]
#: Weak names: one word, or nothing but words that name no one in particular.
_WEAK_WORDS = _wl(
    "Mohammed Ali Ahmad Hassan Maria Wei Juan John Kim Li Ivan Khan Hussein Lopez Wang Ivanov "
    "Said Omar Jose Chen Nguyen Singh Smith Abdullah Fatima"
)
_GENERIC = _wl(
    "Trading|General Trading|International Trading|Import Export|Global Logistics|"
    "Industrial Supplies|Engineering Services|Holding|Investment|Energy|Technology|Shipping|"
    "Petroleum Services|Construction|Oil and Gas|Electronics|Star|Golden Star|United|National|"
    "Eastern|Pacific|New Century|Silk Road|Green Energy|Commercial Bank|Investment Bank|"
    "Medical Equipment",
    "|",
)
_GENERIC_FORMS = ["", " Company", " Co.", " LLC", " Co., Ltd.", " Ltd", " Group", " Corporation"]


def _person(rnd: random.Random) -> tuple[str, str]:
    culture = rnd.choice(list(_GIVEN))
    given = rnd.choice(_GIVEN[culture])
    family = rnd.choice(_FAMILY[culture])
    if culture == "ru" and rnd.random() < 0.5:
        male = not given.endswith("a")
        father = rnd.choice(["Ivan", "Pavel", "Sergei", "Anton", "Igor", "Oleg"])
        patronymic = father.rstrip("i") + ("ovich" if male else "ovna")
        if not male and not family.endswith("a"):
            family = family + "a"
        return f"{given} {patronymic} {family}", culture
    if culture in {"es"} and rnd.random() < 0.6:
        return f"{given} {family} {rnd.choice(_FAMILY['es'])}", culture
    if culture in {"ar", "fa"} and rnd.random() < 0.4:
        father = rnd.choice([g for g in _GIVEN[culture] if g != given])
        return f"{given} {father} {family}", culture
    if culture in _FAMILY_FIRST and rnd.random() < 0.5:
        return f"{family.upper()} {given}", culture
    return f"{given} {family}", culture


def _weak(rnd: random.Random) -> tuple[str, str]:
    if rnd.random() < 0.45:
        return rnd.choice(_WEAK_WORDS), "one word"
    return f"{rnd.choice(_GENERIC)}{rnd.choice(_GENERIC_FORMS)}", "generic words"


def clean_names(records: Sequence[Any], counts: dict[str, int], seed: int) -> list[Clean]:
    """Clean names per group ("company", "person", "weak"), each checked against every list
    name with rapidfuzz (default processing: lower case, punctuation off), a criterion that
    is not the matcher's:

    * a company or person is kept only if for every list name ``token_set_ratio < 85`` (no
      list name holds all its words, nearly) and ``token_sort_ratio < 80``, and no list name
      has, for every word of it (legal forms aside), a word within ``ratio >= 80`` (a
      namesake: "Sergei Novikov" is on the list as "NOVIKOV, Sergey Ignatovich", "Javier
      García" as "HERNANDEZ GARCIA, Javier" — one more criterion, added after the first runs
      showed such names among the clean ones);
    * a weak name (one word, or generic words with or without a legal form) is kept only if
      no list name has the same words once legal forms are set aside (then an alert is
      right) and none is within ``ratio >= 90`` of it as a whole.
    """
    from rapidfuzz import fuzz, process, utils

    choices = [utils.default_process(name) for r in records for name, _q in r.names]
    stripped = {_strip_forms(name) for r in records for name, _q in r.names}
    holders: dict[str, set[int]] = {}  # list word -> list names holding it
    for ni, name in enumerate(choices):
        for word in name.split():
            holders.setdefault(word, set()).add(ni)
    vocabulary = list(holders)

    def namesake(text: str) -> bool:
        words = utils.default_process(_strip_forms(text)).split()
        if len(words) < 2:
            return False
        common: set[int] | None = None
        for word in words:
            near = process.extract(
                word, vocabulary, scorer=fuzz.ratio, processor=None, score_cutoff=80, limit=None
            )
            names = set().union(*(holders[w] for w, _s, _i in near)) if near else set()
            common = names if common is None else common & names
            if not common:
                return False
        return bool(common)

    out: list[Clean] = []
    makers: dict[str, Callable[[random.Random], tuple[str, str]]] = {
        "company": lambda r: (lambda c: (c[1](r), c[0]))(r.choice(_COMPANY_PATTERNS)),
        "person": _person,
        "weak": _weak,
    }
    for group, n in counts.items():
        rnd = random.Random(f"{seed}:clean:{group}")
        seen: set[str] = set()
        tries = 0
        while sum(1 for c in out if c.group == group) < n and tries < n * 50:
            tries += 1
            text, detail = makers[group](rnd)
            if text in seen:
                continue
            seen.add(text)
            q = utils.default_process(text)
            if group == "weak":
                if _strip_forms(text) in stripped:
                    continue
                if process.extractOne(
                    q, choices, scorer=fuzz.ratio, processor=None, score_cutoff=90
                ):
                    continue
            else:
                if process.extractOne(
                    q, choices, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=85
                ):
                    continue
                if process.extractOne(
                    q, choices, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=80
                ):
                    continue
                if namesake(text):
                    continue
            out.append(Clean(text, group, detail))
    return out


def _strip_forms(name: str) -> str:
    """The name's words without legal forms, folded and sorted."""
    words = _words(name)
    while words:
        found = _find_form(words)
        if not found or found[1] - found[0] == len(words):
            break
        words = words[: found[0]] + words[found[1] :]
    return " ".join(sorted(_fold(" ".join(words)).split()))
