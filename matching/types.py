"""What the matcher returns: small frozen dataclasses, best first, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field


class MatchingError(ValueError):
    """Bad input to the matcher (empty idea, unknown organisation, bad shapes).

    The message is meant for the person who typed the input.
    """


@dataclass(frozen=True)
class Suggestion:
    """One organisation worth calling, with why."""

    org_id: str
    name: str
    kind: str
    score: float
    reasons: tuple[str, ...]
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class Pairing:
    """A company with a research, education or support partner (e.g. SINTEF, Proneo)."""

    company: Suggestion
    partner: Suggestion
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Consortium:
    """3-5 organisations that together cover the idea and mix kinds."""

    members: tuple[Suggestion, ...]
    score: float
    reasons: tuple[str, ...]
    coverage: float = 0.0  # share of the idea's key terms/aspects covered


@dataclass(frozen=True)
class MatchQuery:
    text: str
    top: int = 10
    kind: str | None = None
    region: str | None = None
    country: str | None = None
    as_org: str | None = None
    exclude: tuple[str, ...] = ()
    lang: str | None = None  # language of the reasons; None = the matcher's default


@dataclass(frozen=True)
class MatchResult:
    query: MatchQuery
    organisations: tuple[Suggestion, ...]
    pairings: tuple[Pairing, ...] = ()
    consortia: tuple[Consortium, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "idea truncated to 20,000 characters"
