"""Every page of the app with its icon and URL, so the router and page links agree."""

from __future__ import annotations

from pathlib import Path

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
    "network": ("network.py", "nav.network", ":material/hub:", "nettverk"),
}


def page(name: str, *, default: bool = False) -> st.Page:
    script, title, icon, url_path = _PAGES[name]
    return st.Page(HERE / script, title=t(title), icon=icon, url_path=url_path, default=default)


def pages_for(viewer) -> list | dict:
    """The navigation a viewer gets: sign-in only, the advisers' pages, or a company's."""
    if viewer is None:
        return [page("signin")]
    if viewer.is_adviser:
        return {
            t("nav.section.advisers"): [
                page("find", default=True),
                page("inbox"),
                page("organisations"),
                page("submit"),
            ],
            t("nav.section.cluster"): [page("network")],
        }
    return {
        t("nav.section.company"): [page("submit", default=True), page("my_ideas")],
        t("nav.section.cluster"): [page("network")],
    }
