"""The JSON contract of a match (``samspill match --json``, the HTTP API): results to plain data and back."""

from __future__ import annotations

import math

from matching.types import Consortium, MatchQuery, MatchResult, Pairing, Suggestion


def finite(value: float) -> float | None:
    """A score as JSON can carry it: NaN and infinities are not numbers there (they become null)."""
    return value if math.isfinite(value) else None


def result_as_json(idea_id, result: MatchResult) -> dict:
    """id, organisations (best first), pairings, consortia, notes; a score that is not a number is null."""

    def org(s):
        return {
            "org_id": s.org_id,
            "name": s.name,
            "kind": s.kind,
            "score": finite(s.score),
            "reasons": list(s.reasons),
        }

    return {
        "id": idea_id,
        "organisations": [org(s) for s in result.organisations],
        "pairings": [
            {"company": org(p.company), "partner": org(p.partner), "score": finite(p.score), "reasons": list(p.reasons)}
            for p in result.pairings
        ],
        "consortia": [
            {
                "members": [org(m) for m in c.members],
                "score": finite(c.score),
                "coverage": finite(c.coverage),
                "reasons": list(c.reasons),
            }
            for c in result.consortia
        ],
        "notes": list(result.notes),
    }


def result_from_json(data: dict, query: MatchQuery) -> MatchResult:
    """A :class:`MatchResult` from :func:`result_as_json`'s data (regions and countries are not in it)."""

    def number(value) -> float:
        return math.nan if value is None else value

    def org(d):
        return Suggestion(d["org_id"], d["name"], d["kind"], number(d["score"]), tuple(d["reasons"]))

    return MatchResult(
        query,
        tuple(org(o) for o in data["organisations"]),
        tuple(
            Pairing(org(p["company"]), org(p["partner"]), number(p["score"]), tuple(p["reasons"]))
            for p in data["pairings"]
        ),
        tuple(
            Consortium(
                tuple(org(m) for m in c["members"]), number(c["score"]), tuple(c["reasons"]), number(c["coverage"])
            )
            for c in data["consortia"]
        ),
        tuple(data["notes"]),
    )
