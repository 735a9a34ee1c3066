"""A company's own ideas: their status, the suggestions given and what came of the introductions.

Nothing of anyone else's: the store hands a company its own ideas only, and the introductions of
those ideas; a partner's contacts appear once an adviser has introduced the two. An idea's link
(``/mine-ideer?idea=12``) opens it here.
"""

from __future__ import annotations

import streamlit as st

from app_pages import auth, routes
from app_pages.common import md
from app_pages.i18n import intro_status_label, kind_label, status_label, t
from app_pages.introductions_ui import company_view
from app_pages.resources import get_store
from data.introductions import introductions
from data.store import IdeaNotFound


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("mine.title"))
    ideas = store.ideas(viewer)  # the store shows a company its own ideas only
    linked = routes.query_int("idea")
    if linked is not None:
        try:
            store.idea(linked, viewer)
        except IdeaNotFound:
            st.error(t("links.idea_not_found", id=linked), icon=":material/link_off:")
            linked = None
    organisations = store.organisations()
    names = {o.org_id: o.name for o in organisations}
    kinds = {o.org_id: o.kind for o in organisations}
    by_idea: dict[int, list] = {}
    for intro in introductions(store, viewer):
        by_idea.setdefault(intro.idea_id, []).append(intro)
    if not ideas:
        st.info(t("mine.none"), icon=":material/lightbulb:")
        st.page_link(routes.page("submit"), label=t("nav.submit"), icon=":material/lightbulb:")
    else:
        st.caption(t("mine.count", n=len(ideas)))
    _ideas(viewer, ideas, by_idea, names, kinds, linked)
    # An adviser may introduce the company to a partner without an idea of its ("we are" in Find
    # partners): shown apart, or the company would never learn of it nor see the partner's contacts.
    if by_idea.get(None):
        st.subheader(t("mine.other_introductions"))
        st.caption(t("mine.other_introductions_help"))
        company_view(viewer, by_idea[None], names)


def _ideas(viewer, ideas, by_idea: dict, names: dict[str, str], kinds: dict[str, str], linked: int | None) -> None:
    for idea in ideas:
        intros = by_idea.get(idea.idea_id, [])
        outcome = f" · {t('intro.count', n=len(intros))}" if intros else ""
        latest = f" ({intro_status_label(intros[0].status)})" if len(intros) == 1 else ""
        label = f"#{idea.idea_id} · {md(idea.title)} · {status_label(idea.status)}{outcome}{latest}"
        with st.expander(label, expanded=idea.idea_id == linked):
            # who may see it: a company that sent an idea in confidence wants to see that it was kept so
            st.caption(t("mine.submitted", created=idea.created_at[:16], user=md(idea.submitted_by)) + " · "
                       + t("submit.confidential_yes" if idea.confidential else "submit.confidential_no"))
            st.caption(t("links.idea_link", url=routes.link("my_ideas", idea=idea.idea_id)))
            st.markdown(md(idea.text))
            if idea.wanted_kinds:
                st.caption(t("mine.wanted", kinds=", ".join(kind_label(k) for k in idea.wanted_kinds)))
            if idea.suggestions:
                st.markdown(t("mine.suggestions"))
                # with the kind: back on this page, "Proneo" alone does not say what it would bring
                st.markdown("\n".join(
                    f"- {md(names.get(o, o))}" + (f" · {kind_label(kinds[o])}" if kinds.get(o) else "")
                    for o in idea.suggestions
                ))
            if intros:
                company_view(viewer, intros, names)


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
