"""Pieces several pages share: error display, the empty-database guard, profiles and suggestion cards."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from app_pages.i18n import kind_label, lang, number, t
from app_pages.resources import workspace
from data.contacts import contact_line, visible_contacts, website_url
from data.models import Contact, Organisation
from data.refusals import Refused
from data.store import OrganisationNotFound, StoreError
from matching.embedder import ModelUnavailable
from matching.types import MatchingError, Suggestion

#: Set by the inbox to open an idea on the Find partners page.
OPEN_IDEA_KEY = "find_partners_open_idea"

#: The "all" choice of filter boxes (a selectbox shows None as "nothing chosen").
ALL = "*"

#: The library's own errors: their messages are written for users.
LIBRARY_ERRORS = (StoreError, MatchingError, ModelUnavailable)


@dataclass
class Outcome:
    failed: bool = False


@contextmanager
def library_errors(lead_key: str = "error.library") -> Iterator[Outcome]:
    """Show a library error as ``st.error`` (never a traceback); the block stops there.

    >>> with library_errors() as outcome:  # doctest: +SKIP
    ...     store.update_organisation(org)
    >>> if not outcome.failed: ...  # doctest: +SKIP
    """
    outcome = Outcome()
    try:
        yield outcome
    except LIBRARY_ERRORS as exc:
        outcome.failed = True
        st.error(error_text(exc, lead_key), icon=":material/error:")


def error_text(exc: Exception, lead_key: str = "error.library") -> str:
    """One line for a library error: a refusal in the reader's language, others with their message."""
    if isinstance(exc, Refused):
        return exc.message(lang())
    return t(lead_key, message=str(exc))


def require_data(store) -> None:
    """Stop the page with a clear message while the register is empty."""
    if not store.counts()["organisations"]:
        st.info(t("app.empty_db", db=store.path), icon=":material/database:")
        st.stop()


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$"})


def md(text: str) -> str:
    """``text`` (a name or reason from imported data) safe to put inside Markdown."""
    return str(text).translate(_MD_SPECIAL)


def org_option_label(org: Organisation) -> str:
    place = f", {org.municipality or org.region}" if (org.municipality or org.region) else ""
    return f"{org.name} ({kind_label(org.kind)}{place})"


def show_contacts(contacts: Sequence[Contact], none_key: str = "contacts.none") -> None:
    if contacts:
        st.markdown(t("contacts.heading") + "\n" + "\n".join(f"- {md(contact_line(c))}" for c in contacts))
    else:
        st.caption(t(none_key))


def show_website(org: Organisation) -> None:
    url = website_url(org.website)
    bits = []
    if url:
        bits.append(f"[{md(org.website.removeprefix('https://').removeprefix('http://'))}]({url})")
    elif org.website:
        bits.append(md(org.website))
    if org.address:
        bits.append(md(org.address))
    if bits:
        st.markdown(" · ".join(bits))


def show_profile(store, org_id: str, *, history: bool = True, viewer=None, no_contacts: str = "contacts.none") -> None:
    """An organisation's profile and, below it, the projects it took part in.

    With ``viewer``, also its contact persons when that viewer may see them (data.contacts);
    ``no_contacts`` is the key of what to say when it has none.
    """
    try:
        org, projects = workspace().profile(org_id)
    except OrganisationNotFound as exc:
        st.error(t("error.library", message=str(exc)))
        return
    facts = [kind_label(org.kind)]
    facts += [x for x in (org.municipality, org.region, org.country) if x]
    if org.employees:
        facts.append(t("profile.employees", n=number(org.employees)))
    if org.org_number:
        facts.append(t("profile.org_number", number=org.org_number))
    st.markdown(f"**{md(org.name)}** · " + " · ".join(md(f) for f in facts))
    if org.description:
        st.markdown(md(org.description))
    keywords = [k.strip() for k in org.competences.split(";") if k.strip()]
    if keywords:
        st.caption(t("profile.competences") + ": " + md(", ".join(keywords)))
    show_website(org)
    if viewer is not None:
        shown = visible_contacts(store, viewer, [org_id])
        if org_id in shown:
            show_contacts(shown[org_id], no_contacts)
    if not history:
        return
    if not projects:
        st.caption(t("profile.no_projects"))
        return
    st.dataframe(
        [
            {
                t("col.year"): p.start_year,
                t("col.project"): p.title,
                t("col.role"): t(f"role.{role}") if role in ("coordinator", "partner") else role,
                t("col.programme"): p.programme,
                t("col.funding"): p.funding_source,
            }
            for p, role in projects
        ],
        hide_index=True,
        width="stretch",
    )


def suggestion_heading(s: Suggestion) -> str:
    place = " · ".join(x for x in (s.region, s.country) if x)
    return f"**{md(s.name)}** · {kind_label(s.kind)}" + (f" · {md(place)}" if place else "")


def show_reasons(reasons: Sequence[str]) -> None:
    if reasons:
        st.markdown("\n".join(f"- {md(r)}" for r in reasons))
