"""Every page of the app with its icon and URL, so the router, page links and shared links agree.

Links: an idea, an organisation and a shortlist each have a URL (:func:`link`), e.g.
``/innboks?idea=12``. Every page's URL answers every visitor: someone not signed in gets the
sign-in form at that URL and, once signed in, the page itself with the same query (the
pages check that the viewer may see what it names); a signed-in user whose role lacks the
page gets a message in their language instead of Streamlit's "Page not found".
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from app_pages.i18n import t

HERE = Path(__file__).resolve().parent

# name -> (page script, title key, icon, url path). Pages are files (run by
# st.navigation, guarded by ``__name__ == "__main__"``) so that AppTest can
# switch to them like a browser does.
_PAGES = {
    "signin": ("signin.py", "nav.signin", ":material/login:", "logg-inn"),
    "find": ("find_partners.py", "nav.find", ":material/travel_explore:", "finn-partnere"),
    "inbox": ("inbox.py", "nav.inbox", ":material/inbox:", "innboks"),
    "organisations": ("organisations.py", "nav.organisations", ":material/apartment:", "organisasjoner"),
    "submit": ("submit_idea.py", "nav.submit", ":material/lightbulb:", "send-inn-ide"),
    "my_ideas": ("my_ideas.py", "nav.my_ideas", ":material/list_alt:", "mine-ideer"),
    "own_profile": ("own_profile.py", "nav.own_profile", ":material/badge:", "var-profil"),
    "network": ("network.py", "nav.network", ":material/hub:", "nettverk"),
}
ADVISER_PAGES = ("find", "inbox", "organisations", "submit")
COMPANY_PAGES = ("submit", "my_ideas", "own_profile")
EVERYONE = ("network",)


def page(name: str, *, default: bool = False) -> st.Page:
    script, title, icon, url_path = _PAGES[name]
    return st.Page(HERE / script, title=t(title), icon=icon, url_path=url_path, default=default)


def url_path(name: str) -> str:
    return _PAGES[name][3]


def _stand_in(name: str, render) -> st.Page:
    """A hidden page answering ``name``'s URL with ``render`` (same URL, so after signing in the
    real page takes over with the query the link carried)."""
    _, title, icon, path = _PAGES[name]
    return st.Page(render, title=t(title), icon=icon, url_path=path, visibility="hidden")


def pages_for(viewer) -> list | dict:
    """The navigation a viewer gets: sign-in only, the advisers' pages, or a company's."""
    if viewer is None:
        from app_pages.signin import page as sign_in_page

        return [page("signin", default=True)] + [_stand_in(name, sign_in_page) for name in _PAGES if name != "signin"]
    if viewer.is_adviser:
        section, names = t("nav.section.advisers"), list(ADVISER_PAGES)
    else:
        section, names = t("nav.section.company"), [n for n in COMPANY_PAGES if n != "own_profile" or viewer.org_id]
    start = page(names[0], default=True)
    mine = {section: [start, *(page(n) for n in names[1:])], t("nav.section.cluster"): [page(n) for n in EVERYONE]}
    listed = {*names, *EVERYONE}
    adviser = viewer.is_adviser
    others = [
        _stand_in(name, (lambda: st.switch_page(start)) if name == "signin" else (lambda: _not_for_your_role(adviser)))
        for name in _PAGES
        if name not in listed
    ]
    mine[section] = mine[section] + others
    return mine


def _not_for_your_role(adviser: bool) -> None:
    """What a signed-in user sees at the URL of a page their role does not have."""
    st.title(t("links.not_for_you_title"))
    st.info(t("links.companies_only" if adviser else "links.not_for_you"), icon=":material/lock:")
    idea = st.query_params.get("idea")
    if idea and _plain_number(idea):  # a link to an idea made by the other role: the idea's page for this one
        target, label, icon = ("inbox", "links.idea_in_inbox", ":material/inbox:") if adviser else (
            "my_ideas", "links.idea_in_my_ideas", ":material/list_alt:")
        st.page_link(page(target), label=t(label, id=idea), query_params={"idea": idea}, icon=icon)


def link(name: str, **params) -> str:
    """The full URL of page ``name`` with ``params`` (``link("inbox", idea=12)``), to bookmark or send.

    Relative (``/innboks?idea=12``) where the browser's address is unknown (AppTest).
    """
    query = ("?" + urlencode(params)) if params else ""
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    tail = base.rsplit("/", 1)
    if len(tail) == 2 and tail[1] in {p[3] for p in _PAGES.values()}:
        base = tail[0]
    # Streamlit serves the default page only at "/": its own path answers "Page not found" to a
    # signed-in adviser. Signed out, "/" is the sign-in page, and the query outlives signing in.
    path = "" if name == ADVISER_PAGES[0] else url_path(name)
    return f"{base}/{path}{query}"


#: session-state key of a link's query while its reader signs in
_QUERY_AT_SIGN_IN = "routes_query_at_sign_in"
#: runs after signing in during which that query is put back if dropped (the page change takes two)
_RUNS_TO_WATCH = 3


def keep_query_through_sign_in() -> None:
    """Remember the link's query (``?shortlist=...``) as the sign-in page hands over to the real one.

    Streamlit drops the query when the page behind a URL changes, and signing in changes it: the
    first run after signing in still has it, the browser's next one has lost it.
    """
    st.session_state[_QUERY_AT_SIGN_IN] = (st.query_params.to_dict(), _RUNS_TO_WATCH)


def restore_query_after_sign_in() -> None:
    """Put back the query kept by :func:`keep_query_through_sign_in` (after ``st.navigation``)."""
    kept = st.session_state.get(_QUERY_AT_SIGN_IN)
    if kept is None:
        return
    query, runs = kept
    if query and not st.query_params.to_dict():
        st.query_params.from_dict(query)
        del st.session_state[_QUERY_AT_SIGN_IN]
    elif runs <= 1 or not query:
        del st.session_state[_QUERY_AT_SIGN_IN]
    else:
        st.session_state[_QUERY_AT_SIGN_IN] = (query, runs - 1)


def query_int(name: str) -> int | None:
    """A whole-number query parameter (``?idea=12``), or None when absent or not a number."""
    value = st.query_params.get(name, "")
    return int(value) if _plain_number(value) else None


def _plain_number(value: str) -> bool:
    """ASCII digits 0-9 only, fewer than ten: ``str.isdigit`` also says yes to ``²`` (which ``int``
    refuses with a traceback) and to other scripts' digits, which no link of ours carries."""
    return value.isascii() and value.isdigit() and len(value) < 10
