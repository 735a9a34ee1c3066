"""Sign-in: local accounts, the identity provider when configured, and the demo accounts hint."""

from __future__ import annotations

import importlib.util

import streamlit as st
from streamlit.errors import StreamlitAuthError

from app_pages import auth, routes
from app_pages.common import md
from app_pages.i18n import number, t
from app_pages.resources import get_store
from data.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_active


@st.cache_data(ttl=60, show_spinner=False)
def _demo_active(db_path: str) -> bool:
    # Three argon2 checks: cached a minute so the sign-in page stays quick.
    return demo_accounts_active(get_store())


def page() -> None:
    store = get_store()
    st.title(t("signin.title"))
    st.write(t("signin.intro"))

    providers = auth.oidc_providers()
    if providers is not None:
        st.subheader(t("signin.oidc_heading"))
        for name in providers or [None]:
            label = t("signin.oidc_button", provider=name.title()) if name else t("signin.oidc_default")
            if st.button(label, key=f"signin_oidc_{name or 'default'}", type="primary"):
                if importlib.util.find_spec("authlib") is None:  # st.login needs it; say so instead of a traceback
                    st.error(t("signin.oidc_needs_authlib"))
                else:
                    try:
                        st.login(name or None)
                    except StreamlitAuthError as exc:  # incomplete [auth] settings: say what Streamlit said
                        st.error(t("signin.oidc_misconfigured", detail=str(exc)))
        st.subheader(t("signin.local_heading"))

    form_col, _ = st.columns([3, 2])
    with form_col.form("signin_form"):
        username = st.text_input(t("signin.username"), key="signin_username", autocomplete="username")
        password = st.text_input(
            t("signin.password"), type="password", key="signin_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("signin.submit"), type="primary", key="signin_submit")
        st.caption(t("signin.remembered", days=number(auth.session_days())))
    if submitted:
        if not username.strip() or not password:
            st.error(t("signin.missing"))
        elif auth.sign_in(store, username, password) is None:
            st.error(t("signin.failed"))
        else:
            routes.keep_query_through_sign_in()
            st.rerun()

    if _demo_active(store.path):
        with form_col.container(border=True):
            st.markdown(t("signin.demo_heading"))
            st.markdown(t("signin.demo_intro"))
            lines = []
            for account in DEMO_ACCOUNTS:
                org_id = (store.account(account.username) or (None, None, None))[2]
                known = bool(org_id) and store.has_organisation(org_id)
                org = md(store.organisation(org_id).name) if known else t("role.company")
                lines.append(f"- `{account.username}` – {t('signin.demo_' + account.role, org=org)}")
            st.markdown("\n".join(lines) + "\n\n" + t("signin.demo_password", password=DEMO_PASSWORD))
    elif not store.counts()["accounts"] and providers is None:
        st.info(t("signin.no_accounts"), icon=":material/person_add:")


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
