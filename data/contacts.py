"""Contact persons, profile edits and who may see what of them.

Contacts live in a table of their own (``contacts``, migration m015), never on the
:class:`~data.models.Organisation` record that every page, export and API answer carries: they
are handed out only through the functions here, which ask who is looking.

Who may see an organisation's contacts (:func:`may_see_contacts`):

* an adviser: every organisation's;
* a company user: their own organisation's, and those of an organisation an adviser has
  introduced them to (an introduction that reached "introduced"; the partner then sees the
  company's contacts too). Nothing else, and a refusal says nothing about what exists.

Profiles (:func:`save_profile`): an adviser edits any organisation; a company user only their own
organisation's description, competences, website and contacts. Each save is one transaction that
also records what changed (:class:`~data.models.ProfileChange`), so advisers see what a company
changed and when; the caller re-embeds the profile (the app's ``refresh_index``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict

from data.identifiers import forbidden_character
from data.models import KINDS, Contact, ProfileChange, Viewer
from data.refusals import NotAllowed, Refused, Word
from data.storage import contacts as contact_rows
from data.storage.contacts import replace_contacts
from data.storage.register import organisation

__all__ = [
    "ADVISER_FIELDS",
    "COMPANY_FIELDS",
    "MAX_CONTACTS",
    "check_contacts",
    "check_website",
    "contact_line",
    "contacts_of",
    "may_see_contacts",
    "profile_changes",
    "replace_contacts",
    "save_profile",
    "visible_contacts",
    "website_url",
]

#: An organisation keeps at most this many contact persons.
MAX_CONTACTS = 10
#: Longest value of each contact field.
CONTACT_LIMITS = {"name": 120, "role": 120, "email": 254, "phone": 40}
#: What a company user may change in its own profile (besides its contacts).
COMPANY_FIELDS: tuple[str, ...] = ("description", "competences", "website")
#: What an adviser may change in any profile (besides its contacts).
ADVISER_FIELDS: tuple[str, ...] = (
    "name", "kind", "municipality", "region", "country", "description", "competences", "website", "address",
)
#: Longest value of each profile field (the description as long as an idea).
FIELD_LIMITS = {
    "name": 200, "kind": 20, "municipality": 100, "region": 100, "country": 3, "description": 20_000,
    "competences": 2_000, "website": 300, "address": 300,
}

_EMAIL = re.compile(r"^[^@\s,;:<>()\[\]\"']+@[^@\s,;:<>()\[\]\"']+\.[^@\s,;:<>()\[\]\"'.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,38}$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:[0-9]{1,5})?$")


# -- checks ----------------------------------------------------------------------------------------


def check_contacts(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    """The contacts cleaned (stripped, empty rows dropped), or :class:`Refused` naming the first problem.

    >>> check_contacts([Contact(" Kari Nordmann ", "CEO", "kari@example.no", "+47 900 00 000"), Contact("")])
    (Contact(name='Kari Nordmann', role='CEO', email='kari@example.no', phone='+47 900 00 000'),)
    >>> check_contacts([Contact("", email="kari@example.no")])
    Traceback (most recent call last):
    ...
    data.refusals.Refused: A contact person needs a name (kari@example.no).
    """
    out = []
    for contact in contacts:
        values = {}
        for name, limit in CONTACT_LIMITS.items():
            value = _CONTROL.sub("", " ".join(str(getattr(contact, name) or "").split()))
            if len(value) > limit:
                raise Refused("contacts.too_long", field=Word(f"field.{name}"), limit=limit)
            values[name] = value
        if not any(values.values()):
            continue
        if not values["name"]:
            raise Refused("contacts.need_name", detail=values["email"] or values["phone"] or values["role"])
        if values["email"] and not _EMAIL.match(values["email"]):
            raise Refused("contacts.bad_email", value=values["email"])
        if values["phone"] and not _PHONE.match(values["phone"]):
            raise Refused("contacts.bad_phone", value=values["phone"])
        out.append(Contact(**values))
    if len(out) > MAX_CONTACTS:
        raise Refused("contacts.too_many", limit=MAX_CONTACTS)
    return tuple(out)


def website_url(text: str) -> str | None:
    """The web address ``text`` names, as an ``http(s)://`` URL a link may point to, or None.

    >>> website_url("www.sintef.no"), website_url("https://ntnu.no/ocean"), website_url("javascript:alert(1)")
    ('https://www.sintef.no', 'https://ntnu.no/ocean', None)
    """
    text = (text or "").strip()
    if not text or any(c.isspace() for c in text) or forbidden_character(text) is not None:
        return None  # a right-to-left override in a link's text shows another address than it opens
    lowered = text.lower()
    if "://" not in lowered:
        text, lowered = "https://" + text, "https://" + lowered
    scheme, _, rest = lowered.partition("://")
    if scheme not in ("http", "https"):
        return None
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return text if _HOST.match(host) else None


def check_website(text: str) -> str:
    """A website as it will be stored (``https://`` added when no scheme is given), or :class:`Refused`.

    >>> check_website(" sintef.no "), check_website("")
    ('https://sintef.no', '')
    """
    text = (text or "").strip()
    if not text:
        return ""
    url = website_url(text)
    if url is None:
        raise Refused("contacts.bad_website", value=text[:80])
    return url


def contact_line(contact: Contact) -> str:
    """One line naming a contact: ``Kari Nordmann (CEO), kari@example.no, +47 900 00 000``.

    >>> contact_line(Contact("Kari Nordmann", "CEO", "kari@example.no"))
    'Kari Nordmann (CEO), kari@example.no'
    """
    head = contact.name + (f" ({contact.role})" if contact.role else "")
    return ", ".join(x for x in (head, contact.email, contact.phone) if x)


# -- who may see contacts --------------------------------------------------------------------------


def may_see_contacts(store, viewer: Viewer, org_id: str) -> bool:
    """May ``viewer`` see the contact persons of ``org_id``? (See the module docstring.)"""
    if viewer.is_adviser or (viewer.org_id and viewer.org_id == org_id):
        return True
    with store.read() as cur:
        return org_id in contact_rows.introduced_to(cur, viewer)


def visible_contacts(store, viewer: Viewer, org_ids: Iterable[str]) -> dict[str, tuple[Contact, ...]]:
    """Contacts of those of ``org_ids`` the viewer may see (others are absent, not empty)."""
    wanted = list(dict.fromkeys(org_ids))
    with store.read() as cur:
        if not viewer.is_adviser:
            allowed = contact_rows.introduced_to(cur, viewer) | ({viewer.org_id} if viewer.org_id else set())
            wanted = [o for o in wanted if o in allowed]
        return {org_id: contact_rows.contacts(cur, org_id) for org_id in wanted}


def contacts_of(store, viewer: Viewer, org_id: str) -> tuple[Contact, ...]:
    """The contacts of one organisation, or :class:`NotAllowed` for a viewer who may not see them."""
    if not may_see_contacts(store, viewer, org_id):
        raise NotAllowed("contacts.not_allowed")
    with store.read() as cur:
        return contact_rows.contacts(cur, org_id)


# -- profiles --------------------------------------------------------------------------------------


def _clean_field(name: str, value: object) -> str:
    text = _CONTROL.sub("", str(value if value is not None else ""))
    text = text.strip() if name != "description" else text.strip("\n\r\t ")
    if name not in ("description",):
        text = " ".join(text.split())
    if len(text) > FIELD_LIMITS[name]:
        raise Refused("profile.too_long", field=Word(f"field.{name}"), n=len(text), limit=FIELD_LIMITS[name])
    if name == "name" and not text:
        raise Refused("profile.need_name")
    if name == "kind" and text not in KINDS and text != "":
        raise Refused("profile.bad_kind", value=text)
    if name == "country":
        text = text.upper()
    if name == "website":
        text = check_website(text)
    return text


def save_profile(
    store,
    viewer: Viewer,
    org_id: str,
    changes: Mapping[str, object],
    contacts: Sequence[Contact] | None = None,
) -> ProfileChange | None:
    """Save an edit of ``org_id``'s profile (fields in ``changes``, and the contacts when given).

    One transaction: the profile, the contacts and the record of what changed. Returns that
    record, or None when nothing differed from what is stored (nothing is written then).

    Raises
    ------
    NotAllowed
        A company user editing another organisation, or a field it may not change.
    Refused
        A value that is too long, an empty name, a bad e-mail address, phone number or website.
    OrganisationNotFound
        No such organisation.
    """
    editable = ADVISER_FIELDS if viewer.is_adviser else COMPANY_FIELDS
    if not viewer.is_adviser and (not viewer.org_id or viewer.org_id != org_id):
        raise NotAllowed("profile.not_yours")
    for name in changes:
        if name not in editable:
            label = Word(f"field.{name}") if name in FIELD_LIMITS else name
            raise NotAllowed("profile.field_not_editable", field=label)
    clean = {name: _clean_field(name, value) for name, value in changes.items()}
    new_contacts = check_contacts(contacts) if contacts is not None else None
    with store.write() as cur:
        old = asdict(organisation(cur, org_id))
        diff = [(name, str(old[name] or ""), value) for name, value in clean.items() if str(old[name] or "") != value]
        if new_contacts is not None:
            before = contact_rows.contacts(cur, org_id)
            if before != new_contacts:
                diff.append(("contacts", "\n".join(map(contact_line, before)),
                             "\n".join(map(contact_line, new_contacts))))
                replace_contacts(cur, {org_id: new_contacts})
        if not diff:
            return None
        contact_rows.update_profile(cur, org_id, {name: clean[name] for name, _, _ in diff if name != "contacts"})
        return contact_rows.record_profile_change(cur, org_id, viewer.username, diff)


def profile_changes(store, viewer: Viewer, org_id: str | None = None, *, limit: int = 100) -> list[ProfileChange]:
    """Saved profile edits, newest first: every organisation's for an adviser, a company user's own only."""
    if not viewer.is_adviser:
        if not viewer.org_id or (org_id is not None and org_id != viewer.org_id):
            raise NotAllowed("profile.not_yours")
        org_id = viewer.org_id
    with store.read() as cur:
        return contact_rows.profile_changes(cur, org_id, limit)
