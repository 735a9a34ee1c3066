"""What the matcher returns: small frozen dataclasses, best first, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Regions or countries in one query: each costs a pass over the register (a million of them held
#: an API worker for minutes).
MAX_FILTER_VALUES = 100


class MatchingError(ValueError):
    """Bad input to the matcher (empty idea, unknown organisation, bad shapes).

    The message is meant for the person who typed the input.
    """


@dataclass(frozen=True)
class Suggestion:
    """One organisation worth calling, with why.

    ``score`` is relative to the idea: 1 is the best fit among the organisations known the same
    way (by their own words, or by their projects only); a "we are" tie and advisers' feedback add
    a little on top. Scores of different ideas are not comparable.
    """

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
    """3-5 organisations that together cover the idea and mix kinds (one of up to three alternatives)."""

    members: tuple[Suggestion, ...]
    score: float
    reasons: tuple[str, ...]
    coverage: float = 0.0  # share of the idea's key terms/aspects covered


@dataclass(frozen=True)
class MatchQuery:
    """One idea and what to rank for it.

    ``kinds``, ``regions`` and ``countries`` each allow any of their values (empty: no filter);
    a single string is taken as a one-value filter.
    """

    text: str
    top: int = 10
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    as_org: str | None = None
    exclude: tuple[str, ...] = ()
    lang: str | None = None  # language of the reasons; None = the matcher's default

    def __post_init__(self) -> None:
        for name in ("kinds", "regions", "countries", "exclude"):
            value = getattr(self, name)
            if value is None:
                object.__setattr__(self, name, ())
            elif isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True)
class MatchResult:
    query: MatchQuery
    organisations: tuple[Suggestion, ...]
    pairings: tuple[Pairing, ...] = ()
    consortia: tuple[Consortium, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "idea truncated to 20,000 characters"
