"""Pieces several pages share: error display, the empty-database guard, profiles and suggestion cards."""

from __future__ import annotations

import re
import unicodedata
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
    """One line (Markdown) for a library error: a refusal in the reader's language, others with
    their message; the names and values it quotes are shown as written (:func:`md`)."""
    if isinstance(exc, Refused):
        return md(exc.message(lang()))
    return t(lead_key, message=md(str(exc)))


def require_data(store) -> None:
    """Stop the page with a clear message while the register is empty."""
    if not store.counts()["organisations"]:
        st.info(t("app.empty_db", db=store.path), icon=":material/database:")
        st.stop()


#: Markdown's own characters, and the colon and slash of Streamlit's ``:red[...]``, ``:material/home:``, ``:smile:``.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$:/"})
#: An entity (``&lt;``, ``&#60;``) would be drawn as the character it names.
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
#: What makes a line a list item, a heading's underline or a rule: escaped at the line's start only.
_MD_LINE_START = re.compile(r"^(\d{1,9}(?=[.)])|)([-+=.)])")
#: Right-to-left letters and the explicit direction controls: a name holding them is isolated.
_BIDI = frozenset(("R", "AL", "RLE", "LRE", "RLO", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"))
_PARAGRAPHS = re.compile(r"\n[^\S\n]*\n\s*")
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE


def md(text: str) -> str:
    r"""``text`` (a name, title, description or reason from users or imported files) as Markdown
    that draws exactly that text.

    Markup of every kind is escaped: Markdown and HTML, Streamlit's colours, icons and emoji
    shortcodes, LaTeX between dollars, entities; a line keeps its line break but cannot become a
    list, heading, rule or code block. A text with right-to-left letters or direction controls
    is isolated (U+2068 ... U+2069), so it cannot turn the rest of the line around. A text with
    no visible character is shown by its code points (``U+200D``) rather than as nothing.

    >>> print(md("**Bold** :red[x] $x$ &lt;"))
    \*\*Bold\*\* \:red\[x\] \$x\$ \&lt;
    >>> md("- one\n2. two")
    '\\- one  \n2\\. two'
    >>> md("\u200d")
    'U+200D'
    """
    text = str(text)
    if not any(_visible(ch) for ch in text):
        return " ".join(f"U+{ord(ch):04X}" for ch in text)
    text = text.strip()
    # A line break stays one (two spaces before it: a hard break), so lines show as written.
    paragraphs = ["  \n".join(_md_line(line) for line in part.splitlines() if line.strip())
                  for part in _PARAGRAPHS.split(text)]
    return isolated("\n\n".join(p for p in paragraphs if p))


def _md_line(line: str) -> str:
    line = line.strip().translate(_MD_SPECIAL)
    line = _MD_ENTITY.sub(r"\\&", line)
    return _MD_LINE_START.sub(r"\1\\\2", line)


def isolated(text: str) -> str:
    """``text`` between U+2068 and U+2069 when it holds right-to-left letters or direction controls.

    A right-to-left override in a name would otherwise reverse what follows it on the line (its
    kind, its region); the isolate ends at U+2069 whatever the text leaves open. A U+2069 of the
    text's own that closes nothing is left out, so it cannot end the isolate early.

    >>> isolated("Fisk AS")
    'Fisk AS'
    >>> isolated("\u202eFisk AS") == "\u2068\u202eFisk AS\u2069"
    True
    """
    text = str(text)
    if not any(unicodedata.bidirectional(ch) in _BIDI for ch in text):
        return text
    kept, depth = [], 0
    for ch in text:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == _END_ISOLATE:
            if not depth:
                continue
            depth -= 1
        kept.append(ch)
    return _ISOLATE + "".join(kept) + _END_ISOLATE


def _visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")


def org_option_label(org: Organisation) -> str:
    """A choice's label (plain text, not Markdown): a right-to-left name does not turn its kind around."""
    place = f", {isolated(org.municipality or org.region)}" if (org.municipality or org.region) else ""
    return f"{isolated(org.name)} ({kind_label(org.kind)}{place})"


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
        st.error(t("error.library", message=md(str(exc))))
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
