"""Why a suggestion was made, in words an adviser can repeat on the phone.

Reasons are built only for the handful of organisations shown, from evidence the
ranking already computed: the profile passage and past projects that matched,
the terms the idea and the organisation share, and the collaboration history.
All wording lives in :data:`TEXT`, one table per language.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "profile": "Profilen sier: «{passage}»",
        "project": "Har deltatt i «{title}» ({year}{role})",
        "coordinator": ", koordinator",
        "terms": "Felles nøkkelord: {terms}",
        "worked_with": "Har samarbeidet med {name} i {n} prosjekt{plural} (sist {year})",
        "via": "Partner av dine partnere {names}",
        "active": "Aktiv i {n} prosjekter {first}–{last}",
        "feedback": "Rådgivere har merket den som nyttig {n} gang{plural}",
        "pair_worked": "{a} og {b} har gjort {n} prosjekt{plural} sammen",
        "pair_new": "Ny kombinasjon: {a} ({kind_a}) og {b} ({kind_b}) har ikke jobbet sammen før",
        "pair_covers": "{name} dekker «{aspect}»",
        "consortium_kinds": "Blander {kinds}",
        "consortium_covers": "Dekker {covered} av {total} deler av idéen",
        "consortium_ties": "{n} par i konsortiet har samarbeidet før",
        "plural_prosjekt": "er",
        "plural_gang": "er",
        "plural_par": "",
        "truncated": "Idéen var {n:,} tegn lang; bare de første {limit:,} ble brukt",
    },
    "en": {
        "profile": "Profile says: “{passage}”",
        "project": "Took part in “{title}” ({year}{role})",
        "coordinator": ", coordinator",
        "terms": "Shared key terms: {terms}",
        "worked_with": "Worked with {name} on {n} project{plural} (latest {year})",
        "via": "Partner of your partners {names}",
        "active": "Active in {n} projects {first}–{last}",
        "feedback": "Advisers marked it useful {n} time{plural}",
        "pair_worked": "{a} and {b} have done {n} project{plural} together",
        "pair_new": "New combination: {a} ({kind_a}) and {b} ({kind_b}) have not worked together yet",
        "pair_covers": "{name} covers “{aspect}”",
        "consortium_kinds": "Mixes {kinds}",
        "consortium_covers": "Covers {covered} of the idea's {total} parts",
        "consortium_ties": "{n} pair{plural} in the consortium have worked together before",
        "plural_prosjekt": "s",
        "plural_gang": "s",
        "plural_par": "s",
        "truncated": "The idea was {n:,} characters long; only the first {limit:,} were used",
    },
}

KIND_NAMES: dict[str, dict[str, str]] = {
    "nb": {
        "company": "bedrift",
        "research": "forskning",
        "education": "utdanning",
        "public": "offentlig",
        "support": "virkemiddel",
        "other": "annet",
        "": "ukjent",
    },
    "en": {
        "company": "company",
        "research": "research",
        "education": "education",
        "public": "public",
        "support": "support",
        "other": "other",
        "": "unknown",
    },
}

LANGUAGES = tuple(TEXT)


def phrase(lang: str, key: str, **values) -> str:
    table = TEXT.get(lang, TEXT["en"])
    if "n" in values and "plural" not in values:
        plural_key = (
            "plural_gang" if key in ("feedback",) else "plural_par" if key == "consortium_ties" else "plural_prosjekt"
        )
        values["plural"] = "" if values["n"] == 1 else table[plural_key]
    return table[key].format(**values)


def kind_name(lang: str, kind: str) -> str:
    return KIND_NAMES.get(lang, KIND_NAMES["en"]).get(kind, kind)


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
