"""Every user-facing string of graph/ (report, drawings, reasons), per language.

Norwegian bokmål (``"nb"``, the default) and English (``"en"``). Add a
language by adding a dict with the same keys; :func:`check_languages` (run by
the tests) makes sure none is missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

__all__ = [
    "LANGUAGES",
    "STRINGS",
    "check_languages",
    "format_number",
    "join_names",
    "kind_label",
    "printable",
    "t",
]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BREAKS = re.compile("[\t\n\r]+")


def printable(text: str) -> str:
    """``text`` for a label or a table cell: line breaks become spaces, other control characters go.

    Everything else -- quotes, markup, æøå, emoji -- is kept; escaping is
    the job of whoever writes the file (SVG, HTML).

    >>> printable("Bell\\x07Co\\nAS <b>")
    'BellCo AS <b>'
    """
    return _CONTROL.sub("", _BREAKS.sub(" ", text))

STRINGS: dict[str, dict[str, str]] = {
    "nb": {
        # kinds
        "kind.company": "bedrift",
        "kind.research": "forskning",
        "kind.education": "utdanning",
        "kind.public": "offentlig",
        "kind.support": "støtteaktør",
        "kind.other": "annet",
        "kind.": "ukjent",
        # reasons for introductions
        "reason.partners": "begge samarbeider med {partners}",
        "reason.partners_more": "{names} og {more} til",
        "reason.on": "{reason} om {terms}",
        "reason.complementary": "utfyllende kompetanse: {a} hos den ene, {b} hos den andre",
        "reason.similarity": "kompetanselikhet {value}",
        "and": "og",
        # drawing
        "draw.title_year": "Samarbeid {year}",
        "draw.title_cumulative": "Samarbeidsnettverket til og med {year}",
        "draw.title_all": "Samarbeidsnettverket",
        "draw.background": "tidligere samarbeid",
        "draw.frame": "{year}: {nodes} aktører, {edges} relasjoner",
        # report
        "report.title": "Samarbeid i klyngen {year}",
        "report.subtitle": "Årsrapport fra Samspill, laget {date}",
        "report.source": "Grunnlag: {projects} prosjekter og {organisations} aktører i Samspill, {first}–{last}.",
        "report.headline": "Nøkkeltall",
        "report.figure": "",
        "report.this_year": "{year}",
        "report.change": "Endring",
        "report.h.organisations": "Aktive aktører",
        "report.h.projects": "Nye prosjekter",
        "report.h.new_organisations": "Nye aktører",
        "report.h.ties": "Samarbeidsrelasjoner i året",
        "report.h.new_ties": "Nye relasjoner",
        "report.h.cross_kind": "Relasjoner på tvers av typer",
        "report.h.network_nodes": "Aktører i nettverket (totalt)",
        "report.h.network_edges": "Relasjoner i nettverket (totalt)",
        "report.h.density": "Tetthet",
        "report.h.components": "Adskilte deler",
        "report.h.largest": "Største sammenhengende del",
        "report.h.budget": "Prosjektbudsjetter (NOK)",
        "report.h.quiet": "Aktører uten nye prosjekter på {n} år",
        "report.network": "Nettverket",
        "report.network_caption": (
            "Hele nettverket til og med {year}. Farget: aktører og relasjoner med prosjekter som startet i {year}; "
            "grått: tidligere samarbeid. Plasseringen er den samme hvert år."
        ),
        "report.top": "De mest sentrale samarbeidspartnerne",
        "report.top_caption": (
            "Rangert etter antall felles prosjekter med andre (vektet grad) i nettverket til og med {year}."
        ),
        "report.col.name": "Aktør",
        "report.col.kind": "Type",
        "report.col.partners": "Partnere",
        "report.col.joint": "Felles prosjekter",
        "report.col.betweenness": "Brobygging",
        "report.col.eigenvector": "Egenvektor",
        "report.col.cut_off": "Avskåret uten",
        "report.col.pieces": "Deler",
        "report.col.pair": "Relasjon",
        "report.col.kinds": "Typer",
        "report.col.ties": "Relasjoner",
        "report.col.new": "Nye",
        "report.col.previous": "I fjor",
        "report.col.size": "Medlemmer",
        "report.col.central": "Mest sentrale",
        "report.col.label": "Kjennetegn",
        "report.col.reason": "Hvorfor",
        "report.col.score": "Poeng",
        "report.col.year": "År",
        "report.brokers": "Brobyggere",
        "report.brokers_caption": (
            "Aktører som holder nettverket sammen: uten dem ville så mange aktører miste forbindelsen "
            "til resten av nettverket."
        ),
        "report.no_brokers": "Ingen enkeltaktør holder deler av nettverket sammen alene.",
        "report.new_ties": "Nye relasjoner i {year}",
        "report.new_ties_caption": "{n} par samarbeidet for første gang. Et utvalg, de mest aktive først:",
        "report.cross_kind": "Samarbeid på tvers av typer",
        "report.cross_kind_caption": "Relasjoner i prosjekter som startet i {year}, etter type aktør.",
        "report.communities": "Miljøer i nettverket",
        "report.communities_caption": (
            "Grupper som samarbeider mest innbyrdes (Louvain), med de mest sentrale medlemmene og "
            "typiske fagord."
        ),
        "report.growth": "Utvikling over tid",
        "report.chart.activity": "Aktivitet per år",
        "report.chart.network": "Nettverket totalt",
        "report.chart.ties": "Nye relasjoner per år",
        "report.chart.budget": "Prosjektbudsjetter per år (mill. NOK)",
        "report.series.organisations": "aktive aktører",
        "report.series.projects": "nye prosjekter",
        "report.series.nodes": "aktører totalt",
        "report.series.edges": "relasjoner totalt",
        "report.series.new_ties": "nye relasjoner",
        "report.series.cross_kind": "på tvers av typer",
        "report.suggest": "Forslag til nye forbindelser",
        "report.suggest_caption": (
            "Par som ikke har samarbeidet ennå, men som har felles partnere og beslektet kompetanse."
        ),
        "report.quiet": "Aktører som har blitt stille",
        "report.quiet_caption": "{n} aktører hadde sitt siste prosjekt i {year} og ingen nye siden.",
        "report.none": "Ingen.",
        "report.more": "… og {n} til",
        "report.page": "Side {page} av {pages}",
        "report.method": (
            "Metode: en relasjon betyr minst ett felles prosjekt. Brobygging er betweenness-sentralitet "
            "{betweenness}. Miljøer er funnet med Louvain-metoden (fast frø)."
        ),
        "report.method.exact": "(eksakt)",
        "report.method.sampled": "(anslått fra {k} tilfeldige startnoder, fast frø)",
        "report.no_data": "Ingen prosjekter startet i {year}.",
    },
    "en": {
        "kind.company": "company",
        "kind.research": "research",
        "kind.education": "education",
        "kind.public": "public",
        "kind.support": "support",
        "kind.other": "other",
        "kind.": "unknown",
        "reason.partners": "both work with {partners}",
        "reason.partners_more": "{names} and {more} more",
        "reason.on": "{reason} on {terms}",
        "reason.complementary": "complementary: {a} vs. {b}",
        "reason.similarity": "competence similarity {value}",
        "and": "and",
        "draw.title_year": "Collaboration {year}",
        "draw.title_cumulative": "The collaboration network up to {year}",
        "draw.title_all": "The collaboration network",
        "draw.background": "earlier collaboration",
        "draw.frame": "{year}: {nodes} organisations, {edges} ties",
        "report.title": "Collaboration in the cluster, {year}",
        "report.subtitle": "Annual report from Samspill, made {date}",
        "report.source": "Based on {projects} projects and {organisations} organisations in Samspill, {first}–{last}.",
        "report.headline": "Headline figures",
        "report.figure": "",
        "report.this_year": "{year}",
        "report.change": "Change",
        "report.h.organisations": "Active organisations",
        "report.h.projects": "New projects",
        "report.h.new_organisations": "New organisations",
        "report.h.ties": "Ties active in the year",
        "report.h.new_ties": "New ties",
        "report.h.cross_kind": "Ties across kinds",
        "report.h.network_nodes": "Organisations in the network (total)",
        "report.h.network_edges": "Ties in the network (total)",
        "report.h.density": "Density",
        "report.h.components": "Separate parts",
        "report.h.largest": "Largest connected part",
        "report.h.budget": "Project budgets (NOK)",
        "report.h.quiet": "Organisations without a new project for {n} years",
        "report.network": "The network",
        "report.network_caption": (
            "The whole network up to {year}. In colour: organisations and ties with projects started in {year}; "
            "grey: earlier collaboration. Positions are the same every year."
        ),
        "report.top": "The most central collaborators",
        "report.top_caption": "Ranked by joint projects with others (weighted degree) in the network up to {year}.",
        "report.col.name": "Organisation",
        "report.col.kind": "Kind",
        "report.col.partners": "Partners",
        "report.col.joint": "Joint projects",
        "report.col.betweenness": "Betweenness",
        "report.col.eigenvector": "Eigenvector",
        "report.col.cut_off": "Cut off without",
        "report.col.pieces": "Pieces",
        "report.col.pair": "Tie",
        "report.col.kinds": "Kinds",
        "report.col.ties": "Ties",
        "report.col.new": "New",
        "report.col.previous": "Last year",
        "report.col.size": "Members",
        "report.col.central": "Most central",
        "report.col.label": "Characterised by",
        "report.col.reason": "Why",
        "report.col.score": "Score",
        "report.col.year": "Year",
        "report.brokers": "Brokers",
        "report.brokers_caption": (
            "Organisations that hold the network together: without them this many organisations would lose "
            "their connection to the rest."
        ),
        "report.no_brokers": "No single organisation holds part of the network together on its own.",
        "report.new_ties": "New ties in {year}",
        "report.new_ties_caption": "{n} pairs worked together for the first time. A selection, most active first:",
        "report.cross_kind": "Collaboration across kinds",
        "report.cross_kind_caption": "Ties in projects started in {year}, by kind of organisation.",
        "report.communities": "Communities in the network",
        "report.communities_caption": (
            "Groups that mostly work with each other (Louvain), with their most central members and typical terms."
        ),
        "report.growth": "Growth over the years",
        "report.chart.activity": "Activity per year",
        "report.chart.network": "The network in total",
        "report.chart.ties": "New ties per year",
        "report.chart.budget": "Project budgets per year (million NOK)",
        "report.series.organisations": "active organisations",
        "report.series.projects": "new projects",
        "report.series.nodes": "organisations in total",
        "report.series.edges": "ties in total",
        "report.series.new_ties": "new ties",
        "report.series.cross_kind": "across kinds",
        "report.suggest": "Suggested introductions",
        "report.suggest_caption": "Pairs that have not worked together yet but share partners and related competence.",
        "report.quiet": "Organisations that went quiet",
        "report.quiet_caption": "{n} organisations had their last project in {year} and none since.",
        "report.none": "None.",
        "report.more": "… and {n} more",
        "report.page": "Page {page} of {pages}",
        "report.method": (
            "Method: a tie means at least one joint project. Betweenness is shortest-path betweenness "
            "{betweenness}. Communities are found with the Louvain method (fixed seed)."
        ),
        "report.method.exact": "(exact)",
        "report.method.sampled": "(estimated from {k} random sources, fixed seed)",
        "report.no_data": "No projects started in {year}.",
    },
}

LANGUAGES: tuple[str, ...] = tuple(STRINGS)


def check_languages() -> None:
    """Raise ``KeyError`` naming any key one language has and another lacks."""
    keys = set().union(*(d.keys() for d in STRINGS.values()))
    for lang, strings in STRINGS.items():
        missing = sorted(keys - strings.keys())
        if missing:
            raise KeyError(f"language {lang!r} lacks {', '.join(missing)}")


def _check_lang(lang: str) -> dict[str, str]:
    try:
        return STRINGS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}") from None


def t(lang: str, key: str, **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``.

    >>> t("en", "report.title", year=2024)
    'Collaboration in the cluster, 2024'
    >>> t("nb", "kind.research")
    'forskning'
    """
    return _check_lang(lang)[key].format(**values)


def kind_label(lang: str, kind: str) -> str:
    """The name of a kind of organisation (``""`` is "unknown"); unlisted kinds are shown as they are.

    >>> kind_label("nb", "company"), kind_label("en", ""), kind_label("en", "cluster")
    ('bedrift', 'unknown', 'cluster')
    """
    return _check_lang(lang).get(f"kind.{kind}", kind)


def format_number(value: float | int | None, lang: str, *, decimals: int = 0, signed: bool = False) -> str:
    """A number the way readers of ``lang`` write it (Norwegian: 1 234,5 with a no-break space).

    >>> format_number(12345.678, "nb", decimals=1), format_number(12345.678, "en", decimals=1)
    ('12\\xa0345,7', '12,345.7')
    >>> format_number(3, "en", signed=True), format_number(None, "nb")
    ('+3', '–')
    """
    _check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


def join_names(names: Sequence[str], lang: str) -> str:
    """"A, B and C" in ``lang``.

    >>> join_names(["SINTEF", "NTNU", "Equinor"], "nb")
    'SINTEF, NTNU og Equinor'
    """
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t(lang, 'and')} {names[-1]}"
