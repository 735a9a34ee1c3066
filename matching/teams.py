"""Teams for an idea: company + research pairings and alternative consortia.

Both are built from a pool of the best-scored organisations (whatever the kind filter), and only
from members that *fit the idea* themselves (:data:`FIT_SHARE`): a company that fits is never
paired with a partner that merely happens to be the best of its kind.
How well members complement each other is measured on the idea's parts (its sentences): each
member's coverage of a part is its best similarity to it among its own texts and projects.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from data.models import RESEARCH_KINDS
from data.text import kind_label
from matching.index import MatchIndex
from matching.reasons import Explainer, phrase, shorten
from matching.types import Consortium, Pairing

#: Organisations considered for pairings and consortia: the best ``POOL_SIZE`` by score.
POOL_SIZE = 40
#: A member fits the idea if it is among this share of the organisations with the best scores
#: (at least :data:`MIN_FITTING`, at most :data:`POOL_SIZE`): the top quarter of a cluster.
#: A bar relative to the best score failed when one member fitted far better than all others
#: (no research partner reached 30% of it for a floating-wind idea). Checked on the cluster
#: benchmark's tuning half: see README, "Pairings and consortia".
FIT_SHARE = 0.25
MIN_FITTING = 8
#: Knowledge and support partners of a company in a pairing (research institutes, universities,
#: schools, incubators such as Proneo).
PARTNER_KINDS = (*RESEARCH_KINDS, "support")

PAIR_CANDIDATES = 8  # best fitting companies, and best fitting partners, that are paired
PAIR_LIMIT = 5
PAIR_MEMBER_USES = 2  # an organisation appears in at most this many pairings
JOINT_BONUS, JOINT_CAP = 0.1, 3  # per earlier joint project, up to the cap
COMPLEMENT_WEIGHT = 2.0  # how much covering different parts of the idea counts

CONSORTIUM_SIZES = (3, 5)  # fewest and most members
CONSORTIUM_ALTERNATIVES = 3
COVERED_SHARE = 0.97  # a part counts as covered by a member near the best coverage the pool offers
COVERAGE_GAIN_WEIGHT = 2.0
TIE_GAIN = 0.05  # per member already in the consortium that the candidate has worked with
SAME_KIND_FACTOR = 0.7  # a second member of a non-company kind counts less: prefer a mix
ENOUGH_GAIN = 0.35  # below this gain a consortium of the fewest members stops growing
REUSE_FACTOR = 0.5  # a member of an earlier alternative counts less, so the alternatives differ


def aspect_coverage(index: MatchIndex, pool: np.ndarray, aspect_vectors: np.ndarray) -> np.ndarray:
    """(len(pool), n_aspects): each pooled organisation's best similarity to each part of the idea.

    ``aspect_vectors`` must be language-neutral (:meth:`MatchIndex.neutral`).
    """
    out = np.zeros((pool.size, len(aspect_vectors)), np.float32)
    if not len(aspect_vectors):
        return out
    for i, row in enumerate(pool):
        projects = index.incidence.indices[index.incidence.indptr[row] : index.incidence.indptr[row + 1]]
        texts = [index.project_vectors[projects], index.passage_vectors[index.passages_of(row)]]
        if index.has_profile[row]:
            texts.append(index.profile_vectors[row : row + 1])
        stacked = [t for t in texts if t.size]
        if stacked:
            out[i] = (np.vstack(stacked) @ aspect_vectors.T).max(axis=0)
    return out


def _relative(scores: np.ndarray) -> np.ndarray:
    """Pool scores scaled to [0, 1] between the weakest and the best member of the pool."""
    spread = float(scores.max() - scores.min()) or 1.0
    return (scores - scores.min()) / spread


def fitting(scores: np.ndarray, pool: np.ndarray, n_orgs: int) -> np.ndarray:
    """Positions in ``pool`` (which is best first) of the members that fit the idea (:data:`FIT_SHARE`)."""
    fits = min(pool.size, max(MIN_FITTING, int(FIT_SHARE * n_orgs)))
    positive = int((scores[pool] > 0).sum())
    return np.arange(min(fits, positive), dtype=np.int64)


def pairings(
    explainer: Explainer, pool: np.ndarray, coverage: np.ndarray, aspects: Sequence[str], ties: np.ndarray
) -> tuple[Pairing, ...]:
    """Up to :data:`PAIR_LIMIT` company + partner pairs, both fitting the idea, best first."""
    index, scores, lang = explainer.index, explainer.evidence.scores, explainer.lang
    kinds = index.kinds()
    fit = fitting(scores, pool, index.n_orgs)
    companies = [int(i) for i in fit if kinds[pool[i]] == "company"][:PAIR_CANDIDATES]
    partners = [int(i) for i in fit if kinds[pool[i]] in PARTNER_KINDS][:PAIR_CANDIDATES]
    if not companies or not partners:
        return ()
    norm = _relative(scores[pool])
    candidates = []
    for c in companies:
        for p in partners:
            joint = int(ties[c, p])
            complement = 0.0
            if coverage.shape[1]:
                complement = float(
                    np.maximum(coverage[c], coverage[p]).mean() - max(coverage[c].mean(), coverage[p].mean())
                )
            score = (norm[c] + norm[p]) / 2 + JOINT_BONUS * min(joint, JOINT_CAP) + COMPLEMENT_WEIGHT * complement
            candidates.append((score, c, p, joint))
    candidates.sort(key=lambda t: (-t[0], int(pool[t[1]]), int(pool[t[2]])))
    used: dict[int, int] = {}
    out = []
    for score, c, p, joint in candidates:
        if used.get(c, 0) >= PAIR_MEMBER_USES or used.get(p, 0) >= PAIR_MEMBER_USES:
            continue
        used[c] = used.get(c, 0) + 1
        used[p] = used.get(p, 0) + 1
        a, b = explainer.suggestion(int(pool[c])), explainer.suggestion(int(pool[p]))
        if joint:
            why = [phrase(lang, "pair_worked", a=a.name, b=b.name, n=joint)]
        else:
            why = [
                phrase(
                    lang,
                    "pair_new",
                    a=a.name,
                    b=b.name,
                    kind_a=kind_label(lang, a.kind),
                    kind_b=kind_label(lang, b.kind),
                )
            ]
        if coverage.shape[1]:
            for member, i in ((a, c), (b, p)):
                aspect = aspects[int(coverage[i].argmax())]
                why.append(phrase(lang, "pair_covers", name=member.name, aspect=shorten(aspect, 80)))
        out.append(Pairing(a, b, round(float(score), 4), tuple(why)))
        if len(out) == PAIR_LIMIT:
            break
    return tuple(out)


def consortia(explainer: Explainer, pool: np.ndarray, coverage: np.ndarray, ties: np.ndarray) -> tuple[Consortium, ...]:
    """Up to :data:`CONSORTIUM_ALTERNATIVES` different consortia of fitting members, best first.

    Each starts from another fitting company and grows greedily by what a candidate adds: its own
    score, the parts of the idea it covers that the others do not, earlier ties; until it holds a
    company and a research or education partner and the next member would add little.
    """
    index, scores, lang = explainer.index, explainer.evidence.scores, explainer.lang
    fewest, most = CONSORTIUM_SIZES
    fit = fitting(scores, pool, index.n_orgs)
    if fit.size < fewest:
        return ()
    kinds = index.kinds()[pool]
    norm = _relative(scores[pool])
    n_aspects = coverage.shape[1]
    covers = coverage >= COVERED_SHARE * coverage.max(axis=0) if n_aspects else None
    leads = [int(i) for i in fit if kinds[i] == "company"]
    used: set[int] = set()
    out, seen = [], set()
    for lead in leads:
        if len(out) == CONSORTIUM_ALTERNATIVES:
            break
        if lead in used and len(leads) > CONSORTIUM_ALTERNATIVES:
            continue  # led or joined an earlier alternative: let another company lead
        members = _grow(lead, fit, kinds, norm, coverage, ties, used)
        has = set(kinds[members])
        key = frozenset(members)
        if len(members) < fewest or "company" not in has or not has & set(RESEARCH_KINDS) or key in seen:
            continue
        seen.add(key)
        used.update(members)
        covered = int(covers[members].any(axis=0).sum()) if n_aspects else 0
        share = covered / n_aspects if n_aspects else 1.0
        pairs_tied = sum(1 for a in members for b in members if a < b and ties[a, b])
        why = [phrase(lang, "consortium_kinds", kinds=", ".join(kind_label(lang, k) for k in sorted(has)))]
        if n_aspects:
            why.append(phrase(lang, "consortium_covers", covered=covered, total=n_aspects))
        if pairs_tied:
            why.append(phrase(lang, "consortium_ties", n=pairs_tied))
        score = float(norm[members].mean()) * (0.5 + 0.5 * share)
        suggestions = tuple(explainer.suggestion(int(pool[m])) for m in members)
        out.append(Consortium(suggestions, round(score, 4), tuple(why), round(share, 3)))
    out.sort(key=lambda c: -c.score)
    return tuple(out)


def _grow(lead, fit, kinds, norm, coverage, ties, used) -> list[int]:
    fewest, most = CONSORTIUM_SIZES
    members = [lead]
    while len(members) < most:
        have = set(kinds[members])
        need_research = not have & set(RESEARCH_KINDS)
        best, best_gain = None, 0.0
        for i in fit:
            i = int(i)
            if i in members:
                continue
            if need_research and len(members) >= fewest - 1 and kinds[i] not in RESEARCH_KINDS:
                continue
            gain = norm[i]
            if coverage.shape[1]:
                current = coverage[members].max(axis=0)
                gain += COVERAGE_GAIN_WEIGHT * float(np.maximum(coverage[i] - current, 0).sum())
            gain += TIE_GAIN * sum(1 for m in members if ties[m, i])
            if kinds[i] in have and kinds[i] != "company":
                gain *= SAME_KIND_FACTOR
            if i in used:
                gain *= REUSE_FACTOR
            if gain > best_gain:
                best, best_gain = i, gain
        if best is None or (len(members) >= fewest and best_gain < ENOUGH_GAIN):
            break
        members.append(best)
    return members
