"""Introductions: an adviser introduces a company to a partner, and follows what came of it.

An introduction joins a company side (the organisation of an idea, or the "we are"
organisation; for an idea from outside the register, its submitter) with a partner
(``org_id``). It moves along :data:`~data.models.INTRODUCTION_STEPS`
(proposed → introduced → met → joint project) or ends as declined, and keeps the date each
status was reached (:func:`move`).

The mail (:func:`draft_email`) is written in the reader's language: the idea as far as the
company allowed (a confidential idea is not quoted), why this partner (the matcher's reasons),
and both sides' contacts. The adviser sends it from their own mail program (a ``mailto:`` link
or an ``.eml`` file), or the app sends it through the cluster's mail server
(:func:`send_introduction`, when ``SAMSPILL_SMTP_*`` are set; data.settings).

What came of introductions is feedback to the matcher: :func:`outcome_balance` adds
:data:`OUTCOME_WEIGHTS` per partner to the store's feedback balance, which the matcher reads.
For the annual report, :func:`introductions_per_year` counts the introductions made each year
and how many of them became joint projects.

Who sees what: advisers every introduction; a company user the introductions of its own
organisation and of the ideas it may see (data.store ``ideas``), never the adviser's others.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote

from data.contacts import contact_line
from data.models import INTRODUCTION_STATUSES, INTRODUCTION_STEPS, Contact, Introduction, Viewer
from data.refusals import NotAllowed, Refused
from data.storage import contacts as contact_rows
from data.storage import ideas as idea_rows
from data.storage import introductions as introduction_rows
from data.storage.errors import IdeaNotFound, OrganisationNotFound
from data.storage.introductions import OUTCOME_WEIGHTS, IntroductionYear, outcome_balance
from data.storage.register import has_organisation, organisation_name
from data.text import LANGUAGES, join_names, t

__all__ = [
    "OUTCOME_WEIGHTS",
    "EmailDraft",
    "IntroductionYear",
    "draft_email",
    "introduction",
    "introductions",
    "introductions_per_year",
    "move",
    "outcome_balance",
    "propose",
    "send_email",
    "send_introduction",
]

#: How much of a shareable idea the mail quotes.
SUMMARY_CHARS = 1_200
#: Contacts per side named in a mail.
CONTACTS_PER_SIDE = 2
#: Seconds to wait for the mail server.
SMTP_TIMEOUT = 20

_EMAIL_IN_TEXT = re.compile(r"[^@\s,;:<>()\[\]\"']+@[^@\s,;:<>()\[\]\"']+\.[A-Za-z]{2,}")


def _require_adviser(viewer: Viewer) -> None:
    if not viewer.is_adviser:
        raise NotAllowed("intro.advisers_only")


# -- reading ---------------------------------------------------------------------------------------


def introductions(
    store, viewer: Viewer, *, idea_id: int | None = None, status: Sequence[str] | None = None
) -> list[Introduction]:
    """The introductions the viewer may see, newest first (optionally of one idea, or with these statuses)."""
    with store.read() as cur:
        return introduction_rows.introductions(
            cur, visible_to=None if viewer.is_adviser else viewer, idea_id=idea_id, status=status
        )


def introduction(store, viewer: Viewer, intro_id: int) -> Introduction:
    """One introduction the viewer may see; :class:`NotAllowed` ("not found") otherwise."""
    for intro in introductions(store, viewer):
        if intro.intro_id == intro_id:
            return intro
    raise NotAllowed("intro.not_found", id=intro_id)


# -- proposing and moving --------------------------------------------------------------------------


def propose(
    store,
    viewer: Viewer,
    *,
    org_id: str,
    idea_id: int | None = None,
    company_org_id: str | None = None,
    reasons: Iterable[str] | Mapping[str, Iterable[str]] = (),
    today: date | None = None,
) -> Introduction:
    """Propose introducing the company side (the idea's organisation unless given) to ``org_id``.

    ``reasons`` are why this partner, best given in every language of the text layer
    (``{"nb": [...], "en": [...]}``), so that each reader reads them in their own
    (:meth:`~data.models.Introduction.reasons_in`); one list is kept as words of an unknown language.
    An open introduction of the same two parties for the same idea is returned instead of a
    second one (pressing "introduce" twice makes one).
    """
    _require_adviser(viewer)
    today = today or date.today()
    if isinstance(reasons, Mapping):
        reasons = {code: [str(r) for r in worded][:10] for code, worded in reasons.items() if code in LANGUAGES}
    else:
        reasons = [str(r) for r in reasons][:10]
    with store.write() as cur:
        if not has_organisation(cur, org_id):
            raise OrganisationNotFound(f"no organisation with id {org_id!r}")
        if idea_id is not None:
            idea = idea_rows.idea(cur, idea_id)
            if idea is None:
                raise IdeaNotFound(f"no idea {idea_id}")
            company_org_id = company_org_id or idea.org_id
            # An idea an adviser introduces partners for is being worked on.
            idea_rows.mark_in_progress(cur, idea_id)
        if company_org_id is not None and not has_organisation(cur, company_org_id):
            raise OrganisationNotFound(f"no organisation with id {company_org_id!r}")
        if idea_id is None and company_org_id is None:
            raise Refused("intro.need_company")
        if company_org_id == org_id:
            raise Refused("intro.same_org")
        intro_id = introduction_rows.open_introduction(cur, org_id, company_org_id, idea_id)
        if intro_id is None:
            intro_id = introduction_rows.add_introduction(
                cur, idea_id=idea_id, company_org_id=company_org_id, org_id=org_id, reasons=reasons,
                created_by=viewer.username, proposed_on=today,
            )
        return introduction_rows.introduction(cur, intro_id)


def move(
    store,
    viewer: Viewer,
    intro_id: int,
    status: str,
    *,
    on: date | None = None,
    today: date | None = None,
    sent_by_mail: bool | None = None,
) -> Introduction:
    """Set an introduction's status, dated ``on`` (default: today; never in the future).

    Moving forward dates every step passed on the way that had no date yet (met implies
    introduced). Moving back is a correction: the dates of the later steps are cleared.
    Declining keeps the steps' dates, so the record shows how far it got.
    """
    _require_adviser(viewer)
    if status not in INTRODUCTION_STATUSES:
        raise Refused("intro.bad_status", status=str(status)[:40])
    today = today or date.today()
    on = on or today
    if on > today:
        raise Refused("intro.future_date", date=on.isoformat())
    with store.write() as cur:
        intro = introduction_rows.introduction(cur, intro_id)
        if intro is None:
            raise NotAllowed("intro.not_found", id=intro_id)
        if intro.proposed_on and on.isoformat() < intro.proposed_on:
            raise Refused("intro.before_proposed", date=on.isoformat(), proposed=intro.proposed_on)
        dates = {s: intro.date_of(s) or None for s in INTRODUCTION_STATUSES}
        if status == "declined":
            dates["declined"] = on.isoformat()
        else:
            reached = INTRODUCTION_STEPS.index(status)
            for i, step in enumerate(INTRODUCTION_STEPS):
                if i < reached:
                    dates[step] = dates[step] or on.isoformat()
                elif i == reached:
                    dates[step] = on.isoformat() if (step != "proposed" or not dates[step]) else dates[step]
                else:
                    dates[step] = None
            dates["declined"] = None
        introduction_rows.set_status(
            cur, intro_id, status, dates, updated_by=viewer.username, sent_by_mail=sent_by_mail
        )
        return introduction_rows.introduction(cur, intro_id)


# -- the mail --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailDraft:
    """An introduction mail: to both sides' addresses, in one language."""

    subject: str
    body: str
    to: tuple[str, ...]
    lang: str = "nb"

    def mailto(self) -> str:
        """A ``mailto:`` link that opens the draft in the reader's own mail program (RFC 6068).

        >>> EmailDraft("Hei & hå", "A\\nB", ("a@x.no", "b@y.no")).mailto()
        'mailto:a@x.no,b@y.no?subject=Hei%20%26%20h%C3%A5&body=A%0D%0AB'
        """
        to = ",".join(quote(a, safe="@.+-_") for a in self.to)
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        return f"mailto:{to}?subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"

    def message(self, sender: str = "") -> EmailMessage:
        msg = EmailMessage()
        if sender:
            msg["From"] = sender
        if self.to:
            msg["To"] = ", ".join(self.to)
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain="samspill.local")
        msg["Content-Language"] = self.lang
        msg.set_content(self.body)
        return msg

    def eml(self) -> bytes:
        """The draft as an ``.eml`` file; ``X-Unsent`` makes Outlook and Thunderbird open it for sending."""
        msg = self.message()
        msg["X-Unsent"] = "1"
        return msg.as_bytes()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _shorten(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


def _side(contacts: Sequence[Contact], extra: str = "") -> tuple[list[str], list[str], list[str]]:
    """(names of persons, lines naming them, e-mail addresses) of one side of the introduction:
    the idea's own contact text (``extra``), then the organisation's first :data:`CONTACTS_PER_SIDE` contacts."""
    names, lines, emails = [], [], []
    if extra.strip():
        lines.append(_one_line(extra))
        emails += _EMAIL_IN_TEXT.findall(extra)
        person = _one_line(extra).split(",")[0].strip()
        if person and "@" not in person:
            names.append(person)
    for contact in contacts[:CONTACTS_PER_SIDE]:
        if contact.email and contact.email.lower() in (e.lower() for e in emails):
            continue
        lines.append(contact_line(contact))
        names.append(contact.name)
        if contact.email:
            emails.append(contact.email)
    return names, lines, emails


def draft_email(store, viewer: Viewer, intro_id: int, *, lang: str) -> EmailDraft:
    """The introduction mail in ``lang``, signed by the adviser (advisers only)."""
    _require_adviser(viewer)
    intro = introduction(store, viewer, intro_id)
    with store.read() as cur:
        partner = organisation_name(cur, intro.org_id)
        company = organisation_name(cur, intro.company_org_id) if intro.company_org_id else None
        idea = idea_rows.idea(cur, intro.idea_id) if intro.idea_id is not None else None
        company_contacts = contact_rows.contacts(cur, intro.company_org_id) if intro.company_org_id is not None else ()
        partner_contacts = contact_rows.contacts(cur, intro.org_id)
    partner_name = partner if partner is not None else intro.org_id
    company_name = company if company is not None else t(lang, "intro.mail.the_company")
    company_people, company_lines, company_emails = _side(company_contacts, idea.contact if idea else "")
    partner_people, partner_lines, partner_emails = _side(partner_contacts)
    people = company_people + partner_people or [company_name, partner_name]
    parts = [
        t(lang, "intro.mail.greeting", names=join_names(people, lang)),
        t(lang, "intro.mail.opening", company=company_name, partner=partner_name),
    ]
    if idea is not None and not idea.confidential:
        parts.append(t(lang, "intro.mail.idea", company=company_name, title=_one_line(idea.title)))
        parts.append(_shorten(idea.text, SUMMARY_CHARS))
    elif idea is not None:
        parts.append(t(lang, "intro.mail.confidential", company=company_name))
    reasons = intro.reasons_in(lang)
    if reasons:
        parts.append(t(lang, "intro.mail.why", partner=partner_name) + "\n"
                     + "\n".join(f"- {_one_line(r)}" for r in reasons))
    contacts = [t(lang, "intro.mail.contacts")]
    for name, lines in ((company_name, company_lines), (partner_name, partner_lines)):
        contacts.append(f"{name}: " + ("; ".join(lines) if lines else t(lang, "intro.mail.no_contact")))
    parts.append("\n".join(contacts))
    parts.append(t(lang, "intro.mail.closing"))
    parts.append(t(lang, "intro.mail.signature", adviser=viewer.username))
    to = tuple(dict.fromkeys(e for e in company_emails + partner_emails))
    subject = _one_line(t(lang, "intro.mail.subject", company=company_name, partner=partner_name))
    return EmailDraft(subject=subject, body="\n\n".join(parts) + "\n", to=to, lang=lang)


def send_email(draft: EmailDraft, settings) -> None:
    """Send ``draft`` through the mail server of ``settings`` (:class:`data.settings.Settings`).

    Raises :class:`Refused` with a reason for the reader (no server set, no address, the server
    refused or could not be reached); the password never appears in it.
    """
    if not settings.smtp_configured:
        raise Refused("intro.no_smtp")
    if not draft.to:
        raise Refused("intro.no_addresses")
    msg = draft.message(sender=settings.smtp_from)
    try:
        if settings.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password)
            server.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        detail = _one_line(str(exc) or type(exc).__name__)
        if settings.smtp_password:
            detail = detail.replace(settings.smtp_password, "***")
        raise Refused("intro.send_failed", server=settings.smtp_host, detail=detail[:200]) from None


def send_introduction(
    store, viewer: Viewer, intro_id: int, *, lang: str, settings, today: date | None = None
) -> Introduction:
    """Draft the mail, send it through the cluster's mail server, and mark the introduction made."""
    draft = draft_email(store, viewer, intro_id, lang=lang)
    send_email(draft, settings)
    current = introduction(store, viewer, intro_id)
    status = current.status if current.status in ("met", "joint_project") else "introduced"
    return move(store, viewer, intro_id, status, today=today,
                on=date.fromisoformat(current.introduced_on) if current.introduced_on else None, sent_by_mail=True)


# -- what came of them -----------------------------------------------------------------------------


def introductions_per_year(store) -> dict[int, IntroductionYear]:
    """Per year: introductions made that year, and how many of them became joint projects (or were declined).

    For the annual report. A year without introductions is absent.
    """
    with store.read() as cur:
        return introduction_rows.introductions_per_year(cur)
