"""Regions from a reference: Norwegian counties, and NUTS codes where the data has them.

A region filter is only useful if a region means the same everywhere. Sources disagree: CORDIS
gives a city ("PARIS 08", "KGS LYNGBY") and sometimes a NUTS code, the Research Council gives the
county of the time, Enhetsregisteret a municipality number. :func:`region_of` turns what a source
says into a region Samspill can filter on, or ``""`` when the source names no region -- a city
is not a region (it is kept as the organisation's municipality by the importers).

Norwegian counties are named as they were in the source's time (county numbers before 2020,
2020-2023 and since 2024 all map to their own names): a county merged or split later is still
the region the data describes, and renaming would need every municipality's history.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

__all__ = [
    "COUNTIES",
    "county_of_municipality",
    "county_of_number",
    "is_nuts_code",
    "norwegian_county",
    "region_of",
    "regions_in_use",
]

#: County number -> name (Statistics Norway's standard, all numbers used since 1972).
COUNTIES: dict[str, str] = {
    # until 2019 (and Oslo throughout)
    "01": "Østfold",
    "02": "Akershus",
    "03": "Oslo",
    "04": "Hedmark",
    "05": "Oppland",
    "06": "Buskerud",
    "07": "Vestfold",
    "08": "Telemark",
    "09": "Aust-Agder",
    "10": "Vest-Agder",
    "11": "Rogaland",
    "12": "Hordaland",
    "14": "Sogn og Fjordane",
    "15": "Møre og Romsdal",
    "16": "Sør-Trøndelag",
    "17": "Nord-Trøndelag",
    "18": "Nordland",
    "19": "Troms",
    "20": "Finnmark",
    # 2020-2023
    "30": "Viken",
    "34": "Innlandet",
    "38": "Vestfold og Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "54": "Troms og Finnmark",
    # since 2024
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "39": "Vestfold",
    "40": "Telemark",
    "55": "Troms",
    "56": "Finnmark",
    # not a county, but Statistics Norway's county-level standard lists it, and so does the
    # Research Council (fylkenummer 21 for the university centre in Longyearbyen)
    "21": "Svalbard",
}

# Names as sources write them: Sámi and Kven names after the Norwegian one, any case.
_BY_NAME = {name.casefold(): name for name in COUNTIES.values()}
_NUTS = re.compile(r"[A-Z]{2}[0-9A-Z]{1,3}")


def norwegian_county(text: str) -> str:
    """The county a source's text names, as the reference writes it, or ``""``.

    >>> norwegian_county("Troms og Finnmark - Romsa ja Finnmárku - Tromssa ja Finmarkku")
    'Troms og Finnmark'
    >>> norwegian_county("TRØNDELAG"), norwegian_county("Trondheim")
    ('Trøndelag', '')
    """
    name = unicodedata.normalize("NFC", text).split(" - ")[0].strip().casefold()
    return _BY_NAME.get(name, "")


def county_of_number(number: str) -> str:
    """The county of a county number, with or without its leading zero (``"3"`` is Oslo), or ``""``.

    >>> county_of_number("50"), county_of_number("3"), county_of_number(""), county_of_number("99")
    ('Trøndelag', 'Oslo', '', '')
    """
    number = number.strip()
    return COUNTIES.get(number.zfill(2), "") if re.fullmatch(r"\d{1,2}", number) else ""


def county_of_municipality(number: str) -> str:
    """The county of a municipality number (its first two digits), or ``""``.

    Spreadsheets drop the leading zero ("301" for Oslo's 0301), so three digits are taken too.

    >>> county_of_municipality("5038"), county_of_municipality("0301"), county_of_municipality("301")
    ('Trøndelag', 'Oslo', 'Oslo')
    >>> county_of_municipality("99"), county_of_municipality("")
    ('', '')
    """
    number = number.strip()
    return COUNTIES.get(number.zfill(4)[:2], "") if re.fullmatch(r"\d{3,4}", number) else ""


def is_nuts_code(text: str) -> bool:
    """A NUTS code of level 1 to 3 (``NO06``, ``DE2``, ``FR101``): two letters and one to three more.

    >>> is_nuts_code("NO06"), is_nuts_code("PARIS 08"), is_nuts_code("NO")
    (True, False, False)
    """
    return bool(_NUTS.fullmatch(text.strip()))


def region_of(country: str, text: str) -> str:
    """The region a source's region field means, or ``""`` if it names none (a city, say).

    In Norway (or where the country is not given) a county, by name; elsewhere a NUTS code of that
    country. Short city names look like NUTS codes ("OSLO", "ROMA"), so a code must start with the
    organisation's country, and without a country it must hold a digit.

    >>> region_of("NO", "Trøndelag"), region_of("FR", "PARIS 08"), region_of("DK", "DK01"), region_of("NO", "OSLO")
    ('Trøndelag', '', 'DK01', 'Oslo')
    >>> region_of("", "OSLO"), region_of("IT", "ROMA"), region_of("", "de212"), region_of("", "BERN")
    ('Oslo', '', 'DE212', '')
    """
    text, country = text.strip(), country.strip().upper()
    if not text:
        return ""
    code = text.upper()
    if is_nuts_code(code) and (code[:2] == country if country else any(c.isdigit() for c in code)):
        return code
    if country in ("NO", ""):
        return norwegian_county(text)
    return ""


def regions_in_use(organisations: Iterable) -> list[tuple[str, int]]:
    """The regions organisations have, as ``(region, how many)``, most used first, for a filter.

    Takes anything with a ``region`` (an :class:`~data.models.Organisation`).

    >>> from data.models import Organisation as O
    >>> regions_in_use([O("a", "A", region="Viken"), O("b", "B", region="Oslo"), O("c", "C", region="Oslo"),
    ...                 O("d", "D")])
    [('Oslo', 2), ('Viken', 1)]
    """
    counts = Counter(o.region for o in organisations if o.region)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
