"""Request and response shapes of the API (what /docs shows). Responses are the library's data as JSON."""

from __future__ import annotations

import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.identifiers import clean_org_number
from matching.types import MAX_FILTER_VALUES

Kind = Literal["company", "research", "education", "public", "support", "other"]
Lang = Literal["nb", "en"]

def _text(value: str | None, *, lines: bool) -> str | None:
    """``value`` if it is text a person wrote: no control characters (in a text of several lines,
    line breaks and tabs), which an import removes and the API stored as sent (a NUL in a name,
    a name over two lines ending in ``=cmd``)."""
    if value is None:
        return None
    bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and not (lines and ch in "\n\r\t")), None)
    if bad is not None:
        raise ValueError(f"holds U+{ord(bad):04X}, a control character, at position {value.index(bad) + 1}")
    return value


#: Ids to leave out of one query (cheap: a look-up each); regions and countries have the
#: matcher's limit, kinds are six.
MAX_EXCLUDE = 10_000


class MatchRequest(BaseModel):
    """One idea to rank partners for; the fields are ``samspill match``'s options."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | int | None = Field(None, description="Echoed back (a batch line's id).")
    text: str = Field(..., description="The project idea, Norwegian or English.", max_length=100_000)
    top: int = Field(10, ge=1, le=200)
    kind: list[Kind] = Field(default_factory=list, max_length=6, description="Only these kinds (any of them).")
    region: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    country: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES, description="ISO codes, e.g. NO.")
    as_org: str | None = Field(None, alias="as", description="Rank partners for this organisation id.")
    exclude: list[str] = Field(default_factory=list, max_length=MAX_EXCLUDE)
    lang: Lang = Field("en", description="Language of the reasons.")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ideas: list[MatchRequest] = Field(..., min_length=1, max_length=100)


class OrgOut(BaseModel):
    org_id: str
    name: str
    kind: str
    score: float
    reasons: list[str]


class PairingOut(BaseModel):
    company: OrgOut
    partner: OrgOut
    score: float
    reasons: list[str]


class ConsortiumOut(BaseModel):
    members: list[OrgOut]
    score: float
    coverage: float
    reasons: list[str]


class MatchOut(BaseModel):
    """The same JSON as one line of ``samspill match --json``."""

    id: str | int | None
    organisations: list[OrgOut]
    pairings: list[PairingOut]
    consortia: list[ConsortiumOut]
    notes: list[str]


class IdeaIn(BaseModel):
    """A project idea, as the app's *Send inn en prosjektidé* form takes it."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=200)
    text: str = Field(..., max_length=20_000)
    org_id: str | None = Field(None, description="A company's token may leave it out: its own organisation.")
    contact: str = Field("", max_length=300)
    wanted_kinds: list[Kind] = Field(default_factory=list, max_length=6)
    confidential: bool = True
    request_key: str | None = Field(
        None, max_length=200, description="Send the same key again to retry safely: the idea is stored once."
    )

    @field_validator("title", "contact", "request_key", "org_id")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return _text(value, lines=False)

    @field_validator("text")
    @classmethod
    def _lines(cls, value: str) -> str:
        return _text(value, lines=True)


class IdeaOut(BaseModel):
    idea_id: int
    title: str
    text: str
    submitted_by: str
    org_id: str | None
    contact: str
    wanted_kinds: list[str]
    confidential: bool
    status: str
    notes: str
    created_at: str
    suggestions: list[str]


class SubmittedOut(BaseModel):
    idea: IdeaOut
    suggestions: list[OrgOut] = Field(description="The matcher's first suggestions, also stored with the idea.")
    notes: list[str] = Field(default_factory=list)


class IdeaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["new", "in_progress", "matched", "closed"] | None = None
    notes: str | None = Field(None, max_length=20_000)

    @field_validator("notes")
    @classmethod
    def _lines(cls, value: str | None) -> str | None:
        return _text(value, lines=True)


class OrganisationOut(BaseModel):
    org_id: str
    name: str
    kind: str
    country: str
    region: str
    org_number: str
    description: str
    competences: str
    municipality: str
    nace_codes: str
    employees: int | None


class OrganisationUpdate(BaseModel):
    """The fields to change; the others keep their values. The profile is embedded again."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=500)
    kind: Literal["company", "research", "education", "public", "support", "other", ""] | None = None
    country: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=200)
    org_number: str | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=20_000)
    competences: str | None = Field(None, max_length=5_000)
    municipality: str | None = Field(None, max_length=200)
    nace_codes: str | None = Field(None, max_length=500)
    employees: int | None = Field(None, ge=0, le=2**31 - 1, strict=True)

    @field_validator("name", "country", "region", "municipality", "nace_codes")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return _text(value, lines=False)

    @field_validator("description", "competences")
    @classmethod
    def _lines(cls, value: str | None) -> str | None:
        return _text(value, lines=True)

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str | None) -> str | None:
        """Nine digits with the mod-11 check digit, as every import checks it ("123" was stored as given)."""
        if value is None:
            return None
        number, problem = clean_org_number(value)
        if problem:
            raise ValueError(problem)
        return number

    @model_validator(mode="after")
    def _no_null_texts(self) -> OrganisationUpdate:
        """``{"name": null}`` reached the store as None (a 500); only the head count may be unknown."""
        for name in sorted(self.model_fields_set - {"employees"}):
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null: give a text (\"\" to empty it) or leave the field out")
        return self


class Me(BaseModel):
    username: str
    role: str
    org_id: str | None
