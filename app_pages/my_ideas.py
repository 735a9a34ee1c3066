"""A company's own ideas, their status and the suggestions given (nothing of anyone else's)."""

from __future__ import annotations

import streamlit as st

from app_pages import auth
from app_pages.common import md
from app_pages.i18n import kind_label, status_label, t
from app_pages.resources import get_store


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("mine.title"))
    ideas = store.ideas(viewer)  # the store shows a company its own ideas only
    if not ideas:
        st.info(t("mine.none"))
        return
    st.caption(t("mine.count", n=len(ideas)))
    names = {o.org_id: o.name for o in store.organisations()}
    for idea in ideas:
        with st.expander(f"#{idea.idea_id} · {md(idea.title)} · {status_label(idea.status)}"):
            st.caption(t("mine.submitted", created=idea.created_at[:16], user=md(idea.submitted_by)))
            st.markdown(md(idea.text))
            if idea.wanted_kinds:
                st.caption(t("mine.wanted", kinds=", ".join(kind_label(k) for k in idea.wanted_kinds)))
            if idea.suggestions:
                st.markdown(t("mine.suggestions"))
                st.markdown("\n".join(f"- {md(names.get(o, o))}" for o in idea.suggestions))


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
