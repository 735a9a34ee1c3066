"""Kinds of organisation from what each source says, "unknown" only where nothing does.

Every importer asks here, so a kind means the same whatever file it came from:

* CORDIS: the activity type (PRC, REC, HES, PUB, OTH);
* the Research Council's EU participations: the R&D statistics sector (``FoU sektor``);
* Enhetsregisteret: the industry (NACE) code first -- it tells a research institute or a university
  from a company even when both are limited companies or foundations --, then the institutional
  sector, then the legal form.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["ACTIVITY_KINDS", "kind_from_activity_type", "kind_from_register", "kind_from_rd_sector"]

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

#: NACE (SN2007) prefixes that say what an organisation is, whatever its legal form; longest first.
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


def kind_from_activity_type(code: str) -> str:
    """CORDIS activity type -> kind ("" where the code is empty or unknown).

    >>> kind_from_activity_type("REC"), kind_from_activity_type(" hes "), kind_from_activity_type("")
    ('research', 'education', '')
    """
    return ACTIVITY_KINDS.get(code.strip().upper(), "")


def kind_from_rd_sector(sector: str) -> str:
    """The Research Council's R&D sector -> kind ("" where empty, "other" where unlisted).

    >>> kind_from_rd_sector("Instituttsektor"), kind_from_rd_sector("Offentlig sektor"), kind_from_rd_sector("")
    ('research', 'public', '')
    """
    key = sector.strip().lower()
    if not key:
        return ""
    if key in RD_SECTOR_KINDS:
        return RD_SECTOR_KINDS[key]
    return "public" if key.startswith("offentlig") else "other"


def kind_from_register(legal_form: str, sector: str = "", nace_codes: Iterable[str] = ()) -> str:
    """Enhetsregisteret's industry codes, institutional sector and legal form -> kind.

    >>> kind_from_register("STI", "7000", ["72.190"])  # a research foundation (SINTEF-like)
    'research'
    >>> kind_from_register("ASA", "1120", ["06.100"]), kind_from_register("KOMM", "6500", ["84.110"])
    ('company', 'public')
    >>> kind_from_register("FLI", "7000", ["94.991"]), kind_from_register("ORGL", "", [])
    ('other', 'public')
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
