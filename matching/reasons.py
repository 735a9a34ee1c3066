"""Why a suggestion was made, in words an adviser can repeat on the phone.

Reasons are built only for the handful of organisations shown, from evidence the ranking
already computed (:class:`matching.scoring.Evidence`):

* the sentence of the organisation's own profile that fits the idea best;
* past projects, but only those close to the idea (half the fit of the idea's best match or
  more), so a long history does not list whatever it happens to hold;
* key terms the idea and the organisation share, without stop words, fragments or a word
  repeated inside a longer term; none where the two are written in different languages, which
  is said instead;
* the collaboration history, activity and advisers' verdicts.

All wording lives in the text layer (:mod:`data.text`, keys ``match.*``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from data.text import t
from matching.index import MatchIndex
from matching.lexical import guess_language, proper_names, shared_terms
from matching.scoring import Evidence
from matching.types import Suggestion

#: A project is quoted as a reason only if it fits the idea at least this share of the idea's best
#: fit with any text in the register.
CLOSE_PROJECT_SHARE = 0.5
QUOTED_PROJECTS = 2


def phrase(lang: str, key: str, **values) -> str:
    """The matcher's phrase ``match.<key>`` in ``lang`` (the text layer picks the noun's form for a count).

    >>> phrase("en", "worked_with", name="SINTEF", n=2, year=2024), phrase("nb", "pair_worked", a="A", b="B", n=1)
    ('Worked with SINTEF on 2 projects (latest 2024)', 'A og B har gjort 1 prosjekt sammen')
    """
    return t(lang, f"match.{key}", **values)


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


class Explainer:
    """Suggestions with reasons for the organisation rows of one query (built once per row)."""

    def __init__(
        self,
        index: MatchIndex,
        evidence: Evidence,
        query_terms,
        *,
        query_text: str = "",
        query_language: str,
        as_row: int | None,
        lang: str,
    ):
        self.index, self.evidence, self.query_terms = index, evidence, query_terms
        self.query_language, self.as_row, self.lang = query_language, as_row, lang
        self._cache: dict[int, Suggestion] = {}
        self._skip = index.place_names | proper_names(query_text)
        best = [a.max() for a in (evidence.semantic_projects, evidence.semantic_passages) if a.size]
        self._close_fit = CLOSE_PROJECT_SHARE * max(max(best, default=0.0), 0.0)
        self._close_lexical = CLOSE_PROJECT_SHARE * float(evidence.lexical_projects.max(initial=0.0))

    def suggestion(self, row: int) -> Suggestion:
        if row not in self._cache:
            org = self.index.orgs[row]
            self._cache[row] = Suggestion(
                org_id=org.org_id,
                name=org.name,
                kind=org.kind,
                score=round(float(self.evidence.scores[row]), 4),
                reasons=tuple(self.reasons(row)),
                region=org.region,
                country=org.country,
            )
        return self._cache[row]

    def reasons(self, row: int) -> list[str]:
        index, ev, lang = self.index, self.evidence, self.lang
        reasons = []
        passage = ev.best_passage[row]
        if passage >= 0 and ev.semantic_passages[passage] > 0:
            reasons.append(phrase(lang, "profile", passage=shorten(index.passage_texts[passage])))
        projects = self._close_projects(row)
        for j in projects[:QUOTED_PROJECTS]:
            p = index.projects[j]
            role = phrase(lang, "coordinator") if (row, j) in index.coordinators else ""
            reasons.append(phrase(lang, "project", title=shorten(p.title, 90), year=p.start_year or "?", role=role))
        profile_language = guess_language(index.orgs[row].description) if index.has_profile[row] else ""
        if self.query_language and profile_language and profile_language != self.query_language:
            profile_name, idea_name = (t(lang, f"language.{code}") for code in (profile_language, self.query_language))
            reasons.append(phrase(lang, "languages", profile=profile_name, idea=idea_name))
        else:
            terms = self._terms(row, projects)
            if terms:
                reasons.append(phrase(lang, "terms", terms=", ".join(terms)))
        if self.as_row is not None:
            reasons.extend(self._network_reasons(row))
        if index.activity[row] >= 2 and index.first_year[row]:
            reasons.append(
                phrase(
                    lang, "active", n=int(index.activity[row]), first=index.first_year[row], last=index.last_year[row]
                )
            )
        if index.feedback is not None and index.feedback[row] > 0:
            reasons.append(phrase(lang, "feedback", n=int(index.feedback[row])))
        return reasons

    def _close_projects(self, row: int) -> np.ndarray:
        """The organisation's projects close to the idea, closest first."""
        index, ev = self.index, self.evidence
        projects = index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]]
        if not projects.size:
            return projects
        semantic, lexical = ev.semantic_projects[projects], ev.lexical_projects[projects]
        close = (semantic >= self._close_fit) & (semantic > 0)
        if self._close_lexical > 0:
            close |= lexical >= self._close_lexical
        projects, semantic = projects[close], semantic[close]
        return projects[np.argsort(-semantic, kind="stable")]

    def _terms(self, row: int, projects: np.ndarray) -> list[str]:
        """Key terms of the idea found in the organisation's own words or its close projects."""
        lexical = self.index.lexical
        docs = [lexical.passages[self.index.passages_of(row)]]
        if projects.size:
            docs.append(lexical.projects[projects])
        return shared_terms(
            self.query_terms,
            sp.vstack(docs).tocsr(),
            lexical.vocabulary(),
            common=lexical.common,
            skip=self._skip,
        )

    def _network_reasons(self, row: int) -> list[str]:
        index, seed = self.index, self.as_row
        joint = index.collaboration[seed, row]
        if joint:
            shared = np.intersect1d(
                index.incidence.indices[index.incidence.indptr[seed] : index.incidence.indptr[seed + 1]],
                index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]],
            )
            year = max((index.projects[j].start_year or 0) for j in shared) or "?"
            return [phrase(self.lang, "worked_with", name=index.orgs[seed].name, n=int(joint), year=year)]
        partners = index.collaboration[seed].indices
        # the tie counts are symmetric: row's own ties answer "has p worked with row?" for every p at once
        ties = index.collaboration[row]
        with_row = dict(zip(ties.indices.tolist(), ties.data.tolist(), strict=True))
        via = [p for p in partners if with_row.get(int(p))]
        if via:
            via = sorted(via, key=lambda p: -with_row[int(p)])[:3]
            return [phrase(self.lang, "via", names=", ".join(index.orgs[p].name for p in via))]
        return []
