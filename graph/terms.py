"""Competence terms: what an organisation works on, in a few words.

Used for community labels and for the reasons given with suggested
introductions. Deliberately simple and model-free: words of project titles
and summaries and of the organisation's own description, counted once per
text, without the stop and generic words of :mod:`data.text.stopwords`; the ``competences``
field (``;``-separated keywords) is kept as whole phrases.

An organisation's terms are a ``Counter`` mapping term -> number of its texts
that use it (a keyword from ``competences`` counts :data:`COMPETENCE_WEIGHT`).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from data.models import Organisation, Participation, Project
from data.text import stopwords

__all__ = [
    "COMPETENCE_WEIGHT",
    "STOP_WORDS",
    "distinctive_terms",
    "document_frequency",
    "idf",
    "name_words",
    "naming_language",
    "organisation_terms",
    "profile_terms",
    "project_terms",
    "text_language",
    "tokenize",
    "top_terms",
]

#: A keyword the organisation wrote itself counts as much as this many texts.
COMPETENCE_WEIGHT = 2

#: Words that explain nothing as a term: function words, the generic vocabulary of project
#: descriptions ("project", "develop", "innovation") and words that make poor names ("utnytte",
#: "universitet"), Norwegian and English alike (data.text.stopwords).
STOP_WORDS: frozenset[str] = stopwords.STOP_WORDS | stopwords.GENERIC_WORDS | stopwords.LABEL_WORDS

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased words of ``text`` of three or more letters, stop words removed.

    >>> tokenize("Hydrogen-fuelled ferries for the fjords of Trøndelag, 2024!")
    ['hydrogen-fuelled', 'ferries', 'fjords', 'trøndelag']
    """
    words = (w.lower() for w in _WORD.findall(text or ""))
    return [w for w in words if len(w) >= 3 and w not in STOP_WORDS]


_ANY_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Function words of one language only: "i", "at", "on" and the like are left out, they say little.
_ONLY_NB = stopwords.NORWEGIAN_STOP_WORDS - stopwords.ENGLISH_STOP_WORDS
_ONLY_EN = stopwords.ENGLISH_STOP_WORDS - stopwords.NORWEGIAN_STOP_WORDS


@functools.lru_cache(maxsize=16384)
def text_language(text: str) -> str:
    """``"nb"`` or ``"en"`` by the function words ``text`` uses, or ``""`` when they do not tell.

    Swedish and Danish share enough function words with bokmål to count as
    Norwegian here; terms only need to be in the report's language, not
    tagged by dialect.

    >>> text_language("Vi utvikler hydrogen for ferjer og hurtigbåter"), text_language("Hydrogen for the ferries")
    ('nb', 'en')
    >>> text_language("Hydrogen")
    ''
    """
    words = [w.lower() for w in _ANY_WORD.findall(text or "")]
    nb = sum(w in _ONLY_NB for w in words)
    en = sum(w in _ONLY_EN for w in words)
    if nb == en:
        return ""
    return "nb" if nb > en else "en"


def naming_language(projects: Iterable[Project], organisations: Iterable[Organisation]) -> str | None:
    """The language most of the register's texts are in (:func:`text_language`), or None when none tells.

    Communities are named from texts in this one language, whatever the reader's: advisers
    reading in bokmål and in English then call a community by the same words (only "og"/"and"
    between them differs), where names taken from each reader's own language named the same
    community "Spillvarme, laks og fiskeslam" and "Farm, land-based and protein".

    >>> naming_language([Project("p", "Hydrogen for ferjer og hurtigbåter"), Project("q", "Batterier og landstrøm")],
    ...                 [Organisation("a", "A", description="We build the boats for the ferries")])
    'nb'
    >>> naming_language([Project("p", "Hydrogen")], []) is None
    True
    """
    counts = Counter(text_language(f"{p.title} {p.summary}") for p in projects)
    counts.update(text_language(o.description) for o in organisations if o.description)
    counts.pop("", None)
    if not counts:
        return None
    return max(sorted(counts), key=lambda lang: counts[lang])  # a tie goes to the first in order


# Words that say what kind of body an organisation is, not who it is.
_BODY_WORDS = frozenset(
    "universitet university universitetet kommune fylkeskommune institutt institute høgskole høgskolen skole "
    "videregående sykehus klynge cluster forening stiftelse foundation group gruppen holding næringsforum".split()
)
_LEGAL_FORMS = frozenset(
    "as asa sa ab oy oyj gmbh ltd limited bv nv srl spa sl sas ag ev kg plc inc llc ug sarl sprl aps iks da ba ks"
    .split()
)


def name_words(organisations: Iterable[Organisation]) -> frozenset[str]:
    """Words that are organisations' names rather than competences.

    A one-word name ("SINTEF", "Proneo AS"), the one distinctive word of a
    name that is otherwise a kind of body ("Nord universitet", "Verdal
    kommune") and the acronyms in a mixed-case name ("NTNU – Norges
    teknisk-naturvitenskapelige universitet"). Longer names are left alone:
    "Hydrogen Mareld AS" must not cost the cluster the word "hydrogen".

    >>> sorted(name_words([Organisation("s", "SINTEF"), Organisation("p", "Proneo AS"),
    ...     Organisation("n", "NTNU – Norges teknisk-naturvitenskapelige universitet"),
    ...     Organisation("h", "Hydrogen Mareld AS"), Organisation("f", "FUNDACION TECNALIA RESEARCH"),
    ...     Organisation("u", "Nord universitet")]))
    ['nord', 'ntnu', 'proneo', 'sintef']
    """
    out = set()
    for org in organisations:
        words = [w for w in _WORD.findall(org.name or "") if w.lower() not in _LEGAL_FORMS]
        own = [w for w in words if w.lower() not in _BODY_WORDS]
        if len(own) == 1:
            out.add(own[0].lower())
        elif not (org.name or "").isupper():
            out.update(w.lower() for w in words if len(w) >= 3 and w.isupper())
    return frozenset(out)


@functools.lru_cache(maxsize=16384)
def _text_terms(text: str) -> frozenset[str]:
    # Cached: yearly metrics ask for the terms "as of" each year, which would
    # otherwise tokenise the same summaries once per year.
    return frozenset(tokenize(text))


def _keywords(competences: str) -> set[str]:
    return {k.strip().lower() for k in (competences or "").split(";") if k.strip()}


def organisation_terms(
    organisations: Iterable[Organisation],
    projects: Iterable[Project],
    participations: Iterable[Participation],
    *,
    until: int | None = None,
    exclude: frozenset[str] | None = None,
    lang: str | None = None,
) -> dict[str, Counter]:
    """Terms per organisation from its description, keywords and projects.

    Parameters
    ----------
    organisations, projects, participations : iterables of records
    until : int, optional
        Only projects that started in or before this year count (so a
        measurement on the past does not see the future). Projects without a
        start year count only when ``until`` is None.
    exclude : frozenset, optional
        Words to leave out; default :func:`name_words` of ``organisations``
        (a partner's name in a summary is not a competence).
    lang : {"nb", "en"}, optional
        Only texts written in this language (:func:`text_language`) count,
        so that terms shown to a reader are in the reader's language; an
        organisation's keywords count when its description is in it.

    Returns
    -------
    dict
        org id -> Counter(term -> number of texts using it). Organisations
        without any text are absent.

    Examples
    --------
    >>> from data.models import Organisation, Participation, Project
    >>> terms = organisation_terms(
    ...     [Organisation("a", "A", competences="Electrolysis; fuel cells")],
    ...     [Project("p1", "Hydrogen ferries", "Hydrogen for ferries.", start_year=2020)],
    ...     [Participation("p1", "a")],
    ... )
    >>> terms["a"]["hydrogen"], terms["a"]["electrolysis"], terms["a"]["fuel cells"]
    (1, 2, 2)
    """
    organisations = list(organisations)
    exclude = name_words(organisations) if exclude is None else exclude
    project_terms: dict[str, frozenset[str]] = {}
    for project in projects:
        if until is not None and (project.start_year is None or project.start_year > until):
            continue
        text = f"{project.title} {project.summary}"
        if lang is not None and text_language(text) != lang:
            continue
        project_terms[project.project_id] = _text_terms(text) - exclude
    out: dict[str, Counter] = defaultdict(Counter)
    for part in participations:
        words = project_terms.get(part.project_id)
        if words:
            out[part.org_id].update(words)
    for org in organisations:
        if lang is not None and text_language(org.description) != lang:
            continue
        own = (_text_terms(org.description) - exclude) if org.description else frozenset()
        if own:
            out[org.org_id].update(own)
        for keyword in _keywords(org.competences):
            out[org.org_id][keyword] += COMPETENCE_WEIGHT
    return {org_id: counter for org_id, counter in out.items() if counter}


def document_frequency(org_terms: Mapping[str, Counter]) -> Counter:
    """How many organisations use each term.

    >>> document_frequency({"a": Counter(x=3, y=1), "b": Counter(x=1)})
    Counter({'x': 2, 'y': 1})
    """
    df: Counter = Counter()
    for counter in org_terms.values():
        df.update(counter.keys())
    return df


def idf(org_terms: Mapping[str, Counter]) -> dict[str, float]:
    """Smoothed inverse document frequency over organisations, ``log((1+N)/(1+df))+1``.

    >>> w = idf({"a": Counter(x=1, y=1), "b": Counter(x=1)})
    >>> round(w["x"], 3), round(w["y"], 3)
    (1.0, 1.405)
    """
    n = len(org_terms)
    return {t: math.log((1 + n) / (1 + df)) + 1.0 for t, df in document_frequency(org_terms).items()}


def project_terms(
    projects: Iterable[Project], *, exclude: frozenset[str] = frozenset(), lang: str | None = None
) -> dict[str, frozenset[str]]:
    """The terms of each project's title and summary (less ``exclude``, e.g. :func:`name_words`).

    With ``lang``, only projects written in that language (:func:`text_language`) are kept.

    >>> sorted(project_terms([Project("p1", "Hydrogen ferries", "Ferries on hydrogen.")])["p1"])
    ['ferries', 'hydrogen']
    """
    texts = {p.project_id: f"{p.title} {p.summary}" for p in projects}
    return {pid: _text_terms(text) - exclude for pid, text in texts.items()
            if lang is None or text_language(text) == lang}


def profile_terms(
    organisations: Iterable[Organisation], *, exclude: frozenset[str] | None = None, lang: str | None = None
) -> dict[str, frozenset[str]]:
    """The terms of each organisation's own description and keywords (absent when it has none).

    ``exclude`` defaults to :func:`name_words` of ``organisations``; with ``lang``, only
    profiles whose description is in that language (:func:`text_language`) are kept.

    >>> terms = profile_terms([Organisation("a", "A", description="Subsea robotics", competences="ROV; sensors")])
    >>> sorted(terms["a"])
    ['robotics', 'rov', 'sensors', 'subsea']
    """
    organisations = list(organisations)
    exclude = name_words(organisations) if exclude is None else exclude
    out = {}
    for org in organisations:
        if lang is not None and text_language(org.description) != lang:
            continue
        words = ((_text_terms(org.description) if org.description else frozenset()) - exclude) | _keywords(
            org.competences
        )
        if words:
            out[org.org_id] = frozenset(words)
    return out


def distinctive_terms(
    documents: Sequence[frozenset[str]],
    background: Mapping[str, int],
    n_background: int,
    *,
    top: int = 5,
    min_documents: int = 1,
) -> list[str]:
    """The terms that best characterise a group of documents against a background.

    A term in ``m`` of the group's ``g`` documents and in ``df`` of the
    ``N`` background documents scores ``m * log((m / g) / (df / N))``: common
    in the group *and* more common there than overall. Terms scoring 0 or
    less are dropped; ties break alphabetically. A term that starts like one
    already chosen (five letters or more: "acoustic", "acoustics") is one
    word said twice and is skipped.

    Parameters
    ----------
    documents : sequence of term sets
        The group's texts (projects, profiles).
    background : mapping
        term -> number of background documents using it (the group's own
        documents should be among them).
    n_background : int
    top : int
    min_documents : int
        A term must occur in at least this many of the group's documents.

    Examples
    --------
    >>> docs = [frozenset({"wind", "steel"}), frozenset({"wind"})]
    >>> background = Counter(wind=2, steel=2, solar=2)
    >>> distinctive_terms(docs, background, 8, top=2)
    ['wind', 'steel']
    """
    group = len(documents)
    if not group:
        return []
    uses: Counter = Counter()
    for doc in documents:
        uses.update(doc)
    n_all = max(n_background, group)
    scored = []
    for term, m in uses.items():
        if m < min_documents:
            continue
        score = m * math.log((m / group) / (max(background.get(term, 0), m) / n_all))
        if score > 0:
            scored.append((-score, term))
    chosen: list[str] = []
    for _, term in sorted(scored):
        stem = term[:5]
        if len(stem) == 5 and any(other.startswith(stem) for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == top:
            break
    return chosen


def top_terms(
    counter: Counter, weights: Mapping[str, float], *, top: int = 5, exclude: Iterable[str] = ()
) -> list[str]:
    """One organisation's most characteristic terms by TF-IDF (count × :func:`idf` weight).

    Terms it used in at least two texts (or wrote as a keyword) come first: a
    word from a single abstract is weak evidence of a competence.

    >>> top_terms(Counter(wind=3, energy=5, steel=1), {"wind": 2.0, "energy": 1.0, "steel": 2.5}, top=2)
    ['wind', 'energy']
    >>> top_terms(Counter(wind=3, steel=1), {"wind": 1.0, "steel": 9.0}, top=2)
    ['wind', 'steel']
    """
    skip = set(exclude)
    scored = sorted((n < 2, -n * weights.get(t, 1.0), t) for t, n in counter.items() if t not in skip)
    return [t for _, _, t in scored[:top]]
