"""Ideas submitted to the cluster, matched: how an idea is asked, and its first suggestions kept with it.

The app's submit page and the find-partners page (and the HTTP service) ask for partners for a stored
idea the same way: its title and text, the kinds of partner it wants, from the point of view of the
organisation that sent it (never suggested to itself).
"""

from __future__ import annotations

from data.models import Idea
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


def propose_for_idea(store, matcher, viewer, idea: Idea, org_id: str, *, lang: str | None = None):
    """Propose introducing ``idea``'s company to ``org_id``, with the matcher's reasons for that partner.

    The reasons are the ones the matcher gives ``org_id`` for this idea now (among partners of its
    kind); a partner it no longer ranks is proposed without reasons. Returns the
    :class:`~data.models.Introduction` (an open one for the same parties is reused).
    """
    from dataclasses import replace

    from data.introductions import propose

    reasons: tuple[str, ...] = ()
    if store.has_organisation(org_id):
        kind = store.organisation(org_id).kind
        query = replace(idea_query(idea, top=REASONS_DEPTH, lang=lang), kinds=(kind,) if kind else ())
        found = next((s for s in matcher.match(query).organisations if s.org_id == org_id), None)
        reasons = found.reasons if found is not None else ()
    return propose(store, viewer, org_id=org_id, idea_id=idea.idea_id, reasons=reasons)
