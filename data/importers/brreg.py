"""Enhetsregisteret (the Central Coordinating Register for Legal Entities, data.brreg.no).

Accepted: a single ``enhet`` or ``underenhet`` from the API, a paged search
(``_embedded.enheter`` / ``_embedded.underenheter``; an empty search imports
nothing), the bulk download (a JSON array of ``enhet`` objects) and the bulk
CSV (the same fields as dotted column names, ``organisasjonsform.kode``, …).
Roles responses (``rollegrupper``) hold no organisation data and are refused.

A unit **enriches** every stored organisation with the same ``org_number``:
name, NACE codes (``naeringskode1..3.kode`` joined with ``;``), head count
(``antallAnsatte``), municipality, its county as the region (from the
municipality's ``kommunenummer``, :mod:`data.regions`) and address
(``forretningsadresse``, else ``beliggenhetsadresse`` for sub-units, else
``postadresse``) and website (``hjemmeside``; one that is no http(s) address, such as
``javascript:…``, is left out and the report says where) replace stored values where the
unit has them; kind and country only fill gaps; everything else is kept.
Otherwise it **creates** ``NO:<orgnr>`` with country ``NO``.

The kind is :func:`data.kinds.kind_from_register` of the NACE codes, the
institutional sector (``institusjonellSektorkode.kode``) and the legal form
(``organisasjonsform.kode``): a foundation with NACE 72.190 (STIFTELSEN
SINTEF) is research, a municipality public.

Deleted units (``slettedato`` set) are skipped and listed in the report's
notes: the register says they no longer exist, and Samspill has no field to
mark an organisation as dissolved; an organisation already stored under that
number is left as it is.
"""

from __future__ import annotations

from data.contacts import website_url
from data.importers.base import Batch, Location, MergePolicy, ParseContext, as_text, parse_count
from data.kinds import kind_from_register
from data.limits import MAX_NAME_CHARS
from data.models import Organisation
from data.regions import county_of_municipality

POLICY = MergePolicy(
    replace=frozenset({"name", "nace_codes", "employees", "municipality", "region", "website", "address"}),
    fill=frozenset({"kind", "country", "org_number"}),
)
ADDRESSES = ("forretningsadresse", "beliggenhetsadresse", "postadresse")


def is_unit(obj) -> bool:
    return isinstance(obj, dict) and "organisasjonsnummer" in obj and "navn" in obj


def units_of(data) -> tuple[list, str] | None:
    """The units in an Enhetsregisteret JSON document and what it is, or None."""
    if is_unit(data):
        return [data], "Enhetsregisteret unit"
    if isinstance(data, list) and data and all(is_unit(u) for u in data):
        return data, "Enhetsregisteret bulk JSON"
    if isinstance(data, dict) and isinstance(data.get("_embedded"), dict):
        embedded = data["_embedded"]
        for key in ("enheter", "underenheter"):
            if isinstance(embedded.get(key), list):
                return embedded[key], "Enhetsregisteret search"
    if isinstance(data, dict) and "page" in data and "_links" in data and "_embedded" not in data:
        return [], "Enhetsregisteret search"
    return None


def parse_units(items: list[tuple[Location, object]], ctx: ParseContext, *, format: str) -> Batch:
    batch = Batch(format=format, org_policy=POLICY, match_org_number=True)
    deleted: list[str] = []
    no_website: list[Location] = []
    seen: dict[str, Location] = {}
    for where, unit in ctx.rows(items):
        if not isinstance(unit, dict):
            ctx.problems.add(where, "is not an object")
            continue
        raw_number = _text(unit, "organisasjonsnummer", where, ctx)
        name = _text(unit, "navn", where, ctx)
        deleted_on = _text(unit, "slettedato", where, ctx).strip()
        if deleted_on:  # not imported, so its number need not be valid
            deleted.append(f"{''.join(raw_number.split())[:20]} {name.strip()[:100]} (deleted {deleted_on[:20]})")
            continue
        number = ctx.org_number(raw_number, where.at("organisasjonsnummer"))
        if number is None:
            continue
        if not number:
            ctx.problems.add(where.at("organisasjonsnummer"), "the organisation number is empty")
            continue
        if not name.strip():
            ctx.problems.add(where.at("navn"), "name is empty")
            continue
        if len(name) > MAX_NAME_CHARS:
            ctx.limited(name, where.at("navn"), MAX_NAME_CHARS, "name")
            continue
        if number in seen:
            first = seen[number]
            ctx.problems.add(
                where.at("organisasjonsnummer"),
                f"duplicate organisation number {number} (first at {first.unit} {first.row})",
            )
            continue
        seen[number] = where
        nace = [_text(unit, f"naeringskode{i}.kode", where, ctx).strip() for i in (1, 2, 3)]
        employees = parse_count(_text(unit, "antallAnsatte", where, ctx), where.at("antallAnsatte"), ctx.problems)
        # municipality and its number from the same address, so the county is the municipality's
        municipality, municipality_number = next(
            (
                (m, _text(unit, f"{address}.kommunenummer", where, ctx))
                for address in ADDRESSES
                if (m := _text(unit, f"{address}.kommune", where, ctx).strip())
            ),
            ("", ""),
        )
        address = next((a for a in (_address(_object(unit, k)) for k in ADDRESSES) if a), "")
        website = _text(unit, "hjemmeside", where, ctx).strip()
        if website and website_url(website) is None:
            no_website.append(where.at("hjemmeside"))
            website = ""
        kind = kind_from_register(
            _text(unit, "organisasjonsform.kode", where, ctx),
            _text(unit, "institusjonellSektorkode.kode", where, ctx),
            nace,
        )
        batch.organisations.append(
            Organisation(
                org_id=f"NO:{number}",
                name=name.strip(),
                kind=kind,
                country="NO",
                region=county_of_municipality(municipality_number),
                org_number=number,
                municipality=municipality,
                nace_codes=";".join(code for code in nace if code),
                employees=employees,
                website=website,
                address=ctx.text(address, where.at("forretningsadresse")),
            )
        )
    if no_website:
        batch.notes.append(
            f"left out {len(no_website):,} website(s) that are no http(s) web address (the app links to a "
            f"website); first at {no_website[0]}"
        )
    if deleted:
        shown = "; ".join(deleted[:5]) + (f"; … and {len(deleted) - 5} more" if len(deleted) > 5 else "")
        batch.notes.append(f"skipped {len(deleted):,} deleted unit(s) (slettedato set): {shown}")
    return batch


def _text(unit: dict, dotted: str, where: Location, ctx: ParseContext) -> str:
    """A value by dotted path (``forretningsadresse.kommune``); flat dotted keys
    (the bulk CSV) work too."""
    if dotted in unit:
        value = unit[dotted]
    else:
        value = unit
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return ctx.value(value, where.at(dotted))


def _address(value) -> str:
    """One line from a register address object: street lines, then postcode and place.

    >>> _address({"adresse": ["Strindvegen 4"], "postnummer": "7034", "poststed": "TRONDHEIM", "kommune": "x"})
    'Strindvegen 4, 7034 TRONDHEIM'
    >>> _address(None), _address({"kommune": "TRONDHEIM"})
    ('', '')
    """
    if not isinstance(value, dict):
        return ""
    lines = value.get("adresse")
    street = [" ".join(str(x).split()) for x in lines if isinstance(x, str) and x.strip()] if isinstance(
        lines, list
    ) else ([" ".join(lines.split())] if isinstance(lines, str) and lines.strip() else [])
    place = " ".join(as_text(value.get(k)).strip() for k in ("postnummer", "poststed") if as_text(value.get(k)).strip())
    return ", ".join([*street, place] if place else street)


def _object(unit: dict, name: str):
    """``unit[name]``, or for the bulk CSV the object its dotted columns (``name.poststed``) make."""
    if isinstance(unit.get(name), dict):
        return unit[name]
    prefix = name + "."
    found = {key[len(prefix):]: value for key, value in unit.items() if key.startswith(prefix)}
    return found or None
