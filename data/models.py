"""The records Samspill keeps: small frozen dataclasses, no behaviour.

Every layer (importers, store, matching, graph, app) speaks in these types, so
none of them needs to know how another stores or computes things.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds of organisation. The empty string means "not known" (CORDIS "OTH" rows
#: and bare register entries often carry no usable kind).
KINDS: tuple[str, ...] = ("company", "research", "education", "public", "support", "other")

#: Kinds that count as the knowledge side of a company + research pairing.
RESEARCH_KINDS: tuple[str, ...] = ("research", "education")

ROLES: tuple[str, ...] = ("coordinator", "partner")

IDEA_STATUSES: tuple[str, ...] = ("new", "in_progress", "matched", "closed")

VERDICTS: tuple[str, ...] = ("useful", "not_useful", "contacted")


@dataclass(frozen=True)
class Organisation:
    org_id: str
    name: str
    kind: str = ""
    country: str = ""
    region: str = ""
    org_number: str = ""
    description: str = ""
    competences: str = ""  # ";"-separated keywords, optional
    municipality: str = ""
    nace_codes: str = ""  # ";"-separated NACE codes from Enhetsregisteret
    employees: int | None = None
    # Public facts of the organisation (Enhetsregisteret has both). Contact *persons* are not
    # here: they are kept apart (data.contacts) and handed out only to viewers who may see them.
    website: str = ""
    address: str = ""  # postal form, one line: "Industriveien 1, 7600 Levanger"


@dataclass(frozen=True)
class Project:
    project_id: str
    title: str
    summary: str = ""
    start_year: int | None = None
    programme: str = ""
    budget_nok: float | None = None
    funding_source: str = ""


@dataclass(frozen=True)
class Participation:
    project_id: str
    org_id: str
    role: str = "partner"


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Advisers see every idea; a company sees only its own."""

    username: str
    role: str  # "adviser" or "company"
    org_id: str | None = None

    @property
    def is_adviser(self) -> bool:
        return self.role == "adviser"


@dataclass(frozen=True)
class Idea:
    idea_id: int
    title: str
    text: str
    submitted_by: str
    org_id: str | None = None
    contact: str = ""
    wanted_kinds: tuple[str, ...] = ()
    confidential: bool = True
    status: str = "new"
    notes: str = ""
    created_at: str = ""
    suggestions: tuple[str, ...] = field(default_factory=tuple)  # org ids, best first


@dataclass(frozen=True)
class Feedback:
    feedback_id: int
    org_id: str
    verdict: str
    given_by: str
    given_at: str
    idea_id: int | None = None
    query: str = ""


# -- contacts, introductions and profile changes (the app's everyday work) -------------------------

#: An introduction moves forward along this chain, or ends as "declined" from any step.
INTRODUCTION_STEPS: tuple[str, ...] = ("proposed", "introduced", "met", "joint_project")
INTRODUCTION_STATUSES: tuple[str, ...] = (*INTRODUCTION_STEPS, "declined")


@dataclass(frozen=True)
class Contact:
    """A person to call at an organisation."""

    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Introduction:
    """An adviser's introduction of a company (``company_org_id``, or the idea's submitter) to a partner.

    Each status carries the date it was reached (ISO ``YYYY-MM-DD``, ``""`` when not reached).
    """

    intro_id: int
    org_id: str  # the partner being introduced
    company_org_id: str | None
    idea_id: int | None
    status: str
    created_by: str
    created_at: str = ""
    #: why this partner, as the matcher said it: (language, the reasons in it) for each language the
    #: adviser's app wrote them in; language "" for words of an unknown language (introductions
    #: proposed before the reasons were kept in every language, or by a caller that gave one list)
    reasons: tuple[tuple[str, tuple[str, ...]], ...] = ()
    proposed_on: str = ""
    introduced_on: str = ""
    met_on: str = ""
    joint_project_on: str = ""
    declined_on: str = ""
    sent_by_mail: bool = False  # sent through the app's mail server (else by the adviser's own program)

    def date_of(self, status: str) -> str:
        return getattr(self, f"{status}_on") if status in INTRODUCTION_STATUSES else ""

    def reasons_in(self, lang: str) -> tuple[str, ...]:
        """The reasons in ``lang``; else those of an unknown language, else those of any language.

        >>> i = Introduction(1, "sintef", "acme", None, "proposed", "r", reasons=(("nb", ("Ja",)), ("en", ("Yes",))))
        >>> i.reasons_in("en"), i.reasons_in("de"), Introduction(1, "s", "a", None, "proposed", "r").reasons_in("en")
        (('Yes',), ('Ja',), ())
        """
        worded = dict(self.reasons)
        if lang in worded:
            return worded[lang]
        return worded.get("", next(iter(worded.values()), ()))


@dataclass(frozen=True)
class ProfileChange:
    """One saved edit of an organisation's profile: who, when, and each field's text before and after."""

    change_id: int
    org_id: str
    changed_by: str
    changed_at: str
    fields: tuple[tuple[str, str, str], ...]  # (field, before, after)
