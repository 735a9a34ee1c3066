"""Kinds of organisation from what each source says, "unknown" only where nothing does.

Every importer asks here, so a kind means the same whatever file it came from:

* CORDIS: the activity type (PRC, REC, HES, PUB, OTH);
* the Research Council's EU participations: the R&D statistics sector (``FoU sektor``) and, where
  the sector is the catch-all "Øvrige", its category (``FoU kategori``: public or not);
* Enhetsregisteret: the industry (NACE) code first -- it tells a research institute or a university
  from a company even when both are limited companies or foundations --, then the institutional
  sector, then the legal form;
* a name alone (an interchange row with no kind): the legal form its last words give, or a
  university's name. This is the weakest evidence, so importers use it last and only where no
  register speaks for the organisation (see :func:`kind_from_name`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "ACTIVITY_KINDS",
    "kind_from_activity_type",
    "kind_from_name",
    "kind_from_rd_sector",
    "kind_from_register",
]

#: CORDIS activity types (../shared/data/raw/cordis-activity-types.csv) -> kinds.
ACTIVITY_KINDS = {"PRC": "company", "REC": "research", "HES": "education", "PUB": "public", "OTH": "other"}

#: The Research Council's ``FoU sektor`` -> kinds; an unlisted public-sounding sector is public.
RD_SECTOR_KINDS = {
    "næringsliv": "company",
    "instituttsektor": "research",
    "uoh-sektor": "education",
    "helseforetak": "public",
    "norges forskningsråd": "public",
    "offentlig": "public",
    "offentlig forvaltning": "public",
}

#: Enhetsregisteret legal forms of the public sector.
PUBLIC_FORMS = frozenset({"KOMM", "FYLK", "STAT", "ORGL", "SF", "KF", "FKF", "IKS", "HF", "ADOS", "KIRK", "OPMV"})
#: Legal forms that are neither businesses nor public bodies: associations, foundations, housing
#: co-operatives, estates, bankruptcy estates.
OTHER_FORMS = frozenset(
    {"FLI", "STI", "BRL", "BBL", "SAM", "ESEK", "KBO", "IKJP", "AAFY", "UTBG", "VPFO", "TVAM", "PERS", "SÆR"}
)

#: NACE (SN2007) prefixes that say what an organisation is, whatever its legal form.
NACE_KINDS = (
    ("72.1", "research"),  # research and experimental development, natural sciences and engineering
    ("72.2", "research"),  # ... social sciences and humanities
    ("85.4", "education"),  # tertiary (universities, university colleges, vocational colleges)
    ("85.3", "education"),  # upper secondary
    ("85.2", "education"),
    ("84.", "public"),  # public administration
    ("94.11", "support"),  # business and employers' organisations
    ("94.12", "support"),  # professional organisations
)

#: Institutional sector codes (SN2012) of general government.
PUBLIC_SECTORS = frozenset({"6100", "6500"})
NON_PROFIT_SECTORS = frozenset({"7000"})

#: Company legal forms as the last word(s) of a European name (dots and commas removed): a form
#: names what the body legally is, and CORDIS writes it into the name.
COMPANY_FORMS = frozenset(
    {
        "AB", "AD", "AE", "AG", "APS", "AS", "ASA", "BV", "BVBA", "CORP", "CVBA", "DOO", "EOOD", "EPE",
        "EURL", "GMBH", "IKE", "INC", "KFT", "KG", "LDA", "LIMITED", "LLC", "LTD", "NV", "OHG", "OOD",
        "OU", "OY", "OYJ", "PLC", "SA", "SARL", "SAS", "SASU", "SAU", "SCARL", "SIA", "SL", "SLU",
        "SPA", "SPRL", "SRL", "SRO", "UAB", "ZRT",
        "S A", "S L", "B V", "N V", "S P A", "S R L", "SP Z O O", "SP ZOO", "S R O", "A S", "D O O",
    }
)
_COMPANY_FORM_WORDS = max(len(form.split()) for form in COMPANY_FORMS)
# A research or university word beside a company form: the form says "limited company", not what it
# does (SINTEF ENERGI AS, NORCE NORWEGIAN RESEARCH CENTRE AS are research institutes).
_RESEARCH_WORDS = re.compile(
    r"RESEARCH|INSTITUT|FORSK|FORSCHUNG|RICERC|RECHERCHE|INVESTIGACI|ONDERZOEK|TUTKIMUS|SINTEF|UNIVERSIT"
)
_UNIVERSITY_WORDS = re.compile(
    r"\b(UNIVERSIT\w*|UNIWERSYTET\w*|UNIVERZIT\w*|YLIOPISTO|HOGSKOL\w*|HOCHSCHULE|POLITECNIC\w*|"
    r"POLITECHNIKA|POLYTECHNIC\w*|EGYETEM)\b"
)
_HOSPITAL_OR_MINISTRY = re.compile(r"SYKEHUS|HOSPITAL|KLINIKUM|MINIST|INSTITUT|VEREIN|\bAN DER\b|\bEV\b")


def kind_from_activity_type(code: str) -> str:
    """CORDIS activity type -> kind ("" where the code is empty or unknown).

    The JSON export doubles the code for some merged rows ("PRC;PRC"): the first one counts.

    >>> kind_from_activity_type("REC"), kind_from_activity_type(" hes "), kind_from_activity_type("")
    ('research', 'education', '')
    >>> kind_from_activity_type("PRC;PRC"), kind_from_activity_type("XYZ")
    ('company', '')
    """
    return ACTIVITY_KINDS.get(code.split(";")[0].strip().upper(), "")


def kind_from_rd_sector(sector: str, category: str = "") -> str:
    """The Research Council's R&D sector (and category) -> kind ("" where empty, "other" where unlisted).

    The catch-all sector "Øvrige" splits by category into public bodies ("Øvrige offentlige":
    municipalities, directorates, state enterprises) and the rest.

    >>> kind_from_rd_sector("Instituttsektor"), kind_from_rd_sector("Offentlig sektor"), kind_from_rd_sector("")
    ('research', 'public', '')
    >>> kind_from_rd_sector("Øvrige", "Øvrige offentlige"), kind_from_rd_sector("Øvrige", "Øvrige andre")
    ('public', 'other')
    """
    key = sector.strip().lower()
    if not key:
        return ""
    if key in RD_SECTOR_KINDS:
        return RD_SECTOR_KINDS[key]
    if key.startswith("offentlig") or category.strip().lower().endswith("offentlige"):
        return "public"
    return "other"


def kind_from_register(legal_form: str, sector: str = "", nace_codes: Iterable[str] = ()) -> str:
    """Enhetsregisteret's industry codes, institutional sector and legal form -> kind.

    >>> kind_from_register("STI", "7000", ["72.190"])  # a research foundation (SINTEF-like)
    'research'
    >>> kind_from_register("ASA", "1120", ["06.100"]), kind_from_register("KOMM", "6500", ["84.110"])
    ('company', 'public')
    >>> kind_from_register("FLI", "7000", ["94.991"]), kind_from_register("ORGL", "", [])
    ('other', 'public')
    >>> kind_from_register("", "", ["85.421"]), kind_from_register("", "", [])
    ('education', '')
    """
    for code in nace_codes:
        code = code.strip()
        for prefix, kind in NACE_KINDS:
            if code.startswith(prefix):
                return kind
    form, sector = legal_form.strip().upper(), sector.strip()
    if form in PUBLIC_FORMS or sector in PUBLIC_SECTORS:
        return "public"
    if form in OTHER_FORMS or sector in NON_PROFIT_SECTORS:
        return "other"
    return "company" if form else ""


def kind_from_name(name: str) -> str:
    """What a name alone says: a company by its legal form, a university by its name, else "".

    On the real H2020 set, where CORDIS gives the activity type, a company form at the end of the
    name is a PRC row 97% of the time (1,953 of 2,011) and a university word an HES row 99.7% of
    the time (352 of 353); tests/test_data_kinds_regions.py holds both above 95% and 97%. A
    research word beside a company form gives nothing: Norwegian and German research institutes
    are often limited companies.

    >>> kind_from_name("ZABALA INNOVATION CONSULTING, S.A."), kind_from_name("Lomartov SL")
    ('company', 'company')
    >>> kind_from_name("TECHNISCHE UNIVERSITÄT BERLIN"), kind_from_name("UNIVERSITETET I BERGEN")
    ('education', 'education')
    >>> kind_from_name("SINTEF ENERGI AS"), kind_from_name("TIAMAT"), kind_from_name("OSLO UNIVERSITETSSYKEHUS HF")
    ('', '', '')
    """
    text = unicodedata.normalize("NFKD", name.upper())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace(".", "")
    words = re.sub(r"[^A-Z0-9&]+", " ", text).split()
    if not words:
        return ""
    tail = (" ".join(words[-n:]) for n in range(1, _COMPANY_FORM_WORDS + 1) if n < len(words))
    if any(form in COMPANY_FORMS for form in tail):
        return "" if _RESEARCH_WORDS.search(" ".join(words)) else "company"
    joined = " ".join(words)
    if _UNIVERSITY_WORDS.search(joined) and not _HOSPITAL_OR_MINISTRY.search(joined):
        return "education"
    return ""
