"""Ideas submitted to the cluster, matched: how an idea is asked, and its first suggestions kept with it.

The app's submit page and the find-partners page (and the HTTP service) ask for partners for a stored
idea the same way: its title and text, the kinds of partner it wants, from the point of view of the
organisation that sent it (never suggested to itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from data.models import Idea
from data.text import LANGUAGES
from matching.types import MatchQuery, Suggestion

#: Suggestions a company gets right after it submits an idea.
FIRST_SUGGESTIONS = 5


def idea_query(idea: Idea, *, top: int = FIRST_SUGGESTIONS, lang: str | None = None) -> MatchQuery:
    """The query that asks for partners for ``idea``.

    >>> q = idea_query(Idea(1, "Heat", "Waste heat for drying.", "u", org_id="acme", wanted_kinds=("research",)))
    >>> q.text, q.kinds, q.as_org, q.exclude
    ('Heat\\n\\nWaste heat for drying.', ('research',), 'acme', ('acme',))
    """
    return MatchQuery(
        text=f"{idea.title}\n\n{idea.text}",
        top=top,
        kinds=tuple(idea.wanted_kinds),
        as_org=idea.org_id,
        exclude=(idea.org_id,) if idea.org_id else (),
        lang=lang,
    )


def suggest_for_idea(store, matcher, idea: Idea, *, top: int = FIRST_SUGGESTIONS, lang: str | None = None):
    """Match a stored idea and keep the suggestions with it (for the inbox); returns them, best first.

    Raises the matcher's or the store's error; the idea itself stays stored either way.
    """
    result = matcher.match(idea_query(idea, top=top, lang=lang))
    suggestions: tuple[Suggestion, ...] = result.organisations
    store.update_idea(idea.idea_id, suggestions=[s.org_id for s in suggestions])
    return suggestions


#: How far down the ranking :func:`propose_for_idea` looks for the partner's reasons.
REASONS_DEPTH = 50


def reasons_in_every_language(
    matcher, query: MatchQuery, org_id: str, known: Mapping[str, Sequence[str]] | None = None
) -> dict[str, tuple[str, ...]]:
    """Why ``org_id`` fits ``query``, in every language of the text layer.

    The matcher words its reasons in one language per query; an introduction is read by an
    adviser and a company who may each read another, so it keeps them in all (``known``: those
    the caller has already). The idea's vector is the matcher's to keep, so asking again only
    ranks and words. A language in which the matcher no longer ranks the partner is left out.
    """
    worded = {code: tuple(r) for code, r in (known or {}).items()}
    missing = [code for code in LANGUAGES if code not in worded]
    results = matcher.match_many([replace(query, lang=code) for code in missing]) if missing else []
    for code, result in zip(missing, results, strict=True):
        found = next((s for s in result.organisations if s.org_id == org_id), None)
        if found is not None:
            worded[code] = found.reasons
    return {code: worded[code] for code in LANGUAGES if code in worded}


def propose_for_idea(store, matcher, viewer, idea: Idea, org_id: str):
    """Propose introducing ``idea``'s company to ``org_id``, with the matcher's reasons for that partner.

    The reasons are the ones the matcher gives ``org_id`` for this idea now (among partners of its
    kind), in every language (:func:`reasons_in_every_language`); a partner it no longer ranks is
    proposed without reasons. Returns the :class:`~data.models.Introduction` (an open one for the
    same parties is reused).
    """
    from data.introductions import propose

    reasons: dict[str, tuple[str, ...]] = {}
    if store.has_organisation(org_id):
        kind = store.organisation(org_id).kind
        query = replace(idea_query(idea, top=REASONS_DEPTH), kinds=(kind,) if kind else ())
        reasons = reasons_in_every_language(matcher, query, org_id)
    return propose(store, viewer, org_id=org_id, idea_id=idea.idea_id, reasons=reasons)
