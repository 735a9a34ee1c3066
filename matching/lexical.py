"""Lexical similarity: TF-IDF over the same texts the model embeds (scikit-learn).

Keyword matching earns its place next to the model: on the long English H2020
abstracts it beats plain embeddings (see README, "Evaluation"), and it gives the
"shared terms" reason. Stop words cover English and Norwegian bokmål because the
cluster writes in both (:mod:`data.text.stopwords`, the one list every layer uses).

scikit-learn is imported only to fit (``samspill index``): importing it took 2.3 s, the
largest part of a cold ``samspill match`` once the model ran in onnxruntime. A fit read back
from the store (:meth:`LexicalIndex.from_parts`) transforms ideas with :class:`SavedTfidf`,
the same computation as ``TfidfVectorizer.transform`` for :func:`make_vectorizer`'s settings
(tested equal on the sample cluster and the H2020 texts).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from data.text.stopwords import GENERIC_WORDS, STOP_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.feature_extraction.text import TfidfVectorizer

# Words frequent in one language and rare in the others. Swedish and Danish are told from bokmål by
# the words they do not share with it; a cluster on the border gets profiles in all four.
_MARKERS = {
    "nb": frozenset("og av til med på er som det en et å ikke fra vi har skal ved kan også mellom".split()),
    "en": frozenset("the and of to with on is are that this we from by an be will which".split()),
    "sv": frozenset("och att för från är inte även också bland eller utan vid vår våra ett mellan".split()),
    "da": frozenset("af vores mellem efter nogle meget hvad blandt jeg".split()),
}
#: Languages :func:`guess_language` can tell apart ("" when it cannot tell).
TEXT_LANGUAGES = tuple(_MARKERS)
_WORD = re.compile(r"[a-zæøåäöé]+")
_NB_LETTER = re.compile("[æøå]")
_SV_LETTER = re.compile("[äö]")
_DA_SPELLING = re.compile(r"(?:ud[fvbdks]\w+|virksomhed\w*|fødevare\w*|\w+tion(?:er|en|erne)?)$")


def guess_language(text: str) -> str:
    """``"nb"``, ``"en"``, ``"sv"``, ``"da"`` or ``""`` (too short or mixed), from marker words.

    Shared words only mean something within one language; the matcher uses this to let the
    model stand in for word overlap across languages.

    >>> [guess_language(t) for t in ("Vi lager fôr av insekter", "We make feed from insects", "fisk")]
    ['nb', 'en', '']
    >>> [guess_language(t) for t in ("Vi tillverkar förpackningar för fisk", "Vi udvikler sensorer af stål")]
    ['sv', 'da']
    """
    folded = text.casefold()
    words = _WORD.findall(folded)
    # Counted without a Python loop per word: this runs once per indexed text at load.
    counts = {lang: sum(map(markers.__contains__, words)) for lang, markers in _MARKERS.items()}
    if _SV_LETTER.search(folded):  # ä and ö are Swedish, never bokmål or Danish
        counts["sv"] += 2 * sum(1 for w in words if _SV_LETTER.search(w))
    elif _NB_LETTER.search(folded):
        # Danish spelling where bokmål differs: "-tion" (bokmål "-sjon"), "ud-" (bokmål "ut-")
        counts["da"] += sum(1 for w in words if _DA_SPELLING.match(w))
        # Danish shares most of bokmål's words and letters: it wins on the words bokmål lacks.
        if counts["da"] >= 2 and counts["da"] >= 0.3 * counts["nb"]:
            counts["da"], counts["nb"] = counts["da"] + counts["nb"], 0
        else:
            counts["nb"] += sum(1 for w in words if w not in _MARKERS["nb"] and _NB_LETTER.search(w))
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top and top > 1.5 * second else ""


# Letters incl. æøå and digits; two characters or more (keeps "co2", "h2").
TOKEN_PATTERN = r"(?u)\b[^\W_][\w-]*[^\W_]\b"


def make_vectorizer(n_documents: int) -> TfidfVectorizer:
    """The one TF-IDF configuration used for matching and for the baseline.

    Sublinear tf so one long abstract that repeats a word does not dominate;
    ``min_df=2`` only on large corpora (on a 60-project cluster it would drop
    most of the vocabulary).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**vectorizer_settings(n_documents), dtype=np.float32)


def vectorizer_settings(n_documents: int) -> dict[str, Any]:
    """:func:`make_vectorizer`'s parameters, as ``TfidfVectorizer.get_params()`` gives them (no dtype).

    Written out so that checking a saved fit (:func:`corpus_digest`) needs no scikit-learn; a test
    checks that they equal ``get_params()``.
    """
    return {
        "analyzer": "word", "binary": False, "decode_error": "strict", "encoding": "utf-8", "input": "content",
        "lowercase": True, "max_df": 1.0, "max_features": None,
        "min_df": 2 if n_documents >= 500 else 1,
        "ngram_range": (1, 2),  # "fuel cell", "heat pump": measured +2-4% MRR on the validation split
        "norm": "l2", "preprocessor": None, "smooth_idf": True, "stop_words": sorted(STOP_WORDS),
        "strip_accents": None, "sublinear_tf": True, "token_pattern": TOKEN_PATTERN, "tokenizer": None,
        "use_idf": True, "vocabulary": None,
    }


class SavedTfidf:
    """A fitted TF-IDF read back from the store: ``TfidfVectorizer.transform`` without scikit-learn.

    For :func:`make_vectorizer`'s settings only: lower case, :data:`TOKEN_PATTERN`, stop words
    removed before word pairs are formed, sublinear tf, idf, rows of unit length (float32 squares summed
    in order in a double, as scikit-learn's Cython does).
    """

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, *, stop_words: bool = True) -> None:
        self.vocabulary_ = vocabulary
        self.idf_ = np.asarray(idf, dtype=np.float32)
        self.stop_words = sorted(STOP_WORDS) if stop_words else None
        self._stop = STOP_WORDS if stop_words else frozenset()
        self._token = re.compile(TOKEN_PATTERN)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        indptr, indices, data = [0], [], []
        vocabulary, stop = self.vocabulary_, self._stop
        for text in texts:
            words = [w for w in self._token.findall(text.lower()) if w not in stop]
            counts: dict[int, int] = {}
            for term in (*words, *map(" ".join, zip(words, words[1:], strict=False))):
                column = vocabulary.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            row = sorted(counts)
            values = np.array([counts[c] for c in row], dtype=np.float32)
            if values.size:
                np.log(values, values)
                values += np.float32(1.0)
                values *= self.idf_[row]
                # as scikit-learn's Cython: float32 squares summed in order in a double, divided in double
                norm = float(np.sqrt(np.cumsum((values * values).astype(np.float64))[-1]))
                if norm != 0:
                    values = (values.astype(np.float64) / norm).astype(np.float32)
            indices.extend(row)
            data.append(values)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0, np.float32), np.array(indices, dtype=np.int32),
             np.array(indptr, dtype=np.int32)),
            shape=(len(texts), self.idf_.size),
        )


#: Part of :func:`corpus_digest`: bump when what :meth:`LexicalIndex.to_parts` writes changes.
LEXICAL_FORMAT = "lexical-2"


def corpus_digest(project_texts: Sequence[str], passage_texts: Sequence[str]) -> str:
    """What a fitted :class:`LexicalIndex` depends on: the texts in order, the TF-IDF settings
    and scikit-learn's version. Equal digests mean a saved fit can be used as it is."""
    digest = hashlib.sha256()
    settings = vectorizer_settings(len(project_texts) + len(passage_texts))  # dtype left out: float32 is fixed
    version = metadata.version("scikit-learn")
    digest.update(f"{LEXICAL_FORMAT}|{version}|{sorted(settings.items())!r}".encode())
    for texts in (project_texts, passage_texts):
        digest.update(f"|{len(texts)}|".encode())
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class LexicalIndex:
    """A fitted vectorizer and the TF-IDF rows of the project documents and profile passages."""

    vectorizer: TfidfVectorizer | SavedTfidf
    projects: sp.csr_matrix  # (n_projects, n_terms), rows L2-normalised
    passages: sp.csr_matrix  # (n_passages, n_terms)
    # the language of each text (guess_language): kept with the fit, since guessing it for
    # every text was the next largest part of a large index load
    project_language: np.ndarray
    passage_language: np.ndarray

    @classmethod
    def fit(cls, project_texts: Sequence[str], passage_texts: Sequence[str]) -> LexicalIndex:
        texts = list(project_texts) + list(passage_texts)
        vectorizer = make_vectorizer(len(texts))
        try:
            matrix = vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # empty vocabulary: no texts, or nothing but stop words
            vectorizer = make_vectorizer(0).set_params(stop_words=None).fit(["empty"])
            matrix = vectorizer.transform(texts).tocsr()
        n = len(project_texts)
        languages = np.array([guess_language(t) for t in texts], dtype=object)
        return cls(vectorizer, matrix[:n], matrix[n:], languages[:n], languages[n:])

    def to_parts(self) -> dict[str, bytes]:
        """The fitted state as plain arrays and text, to keep in the store (see :meth:`from_parts`)."""
        matrix = sp.vstack([self.projects, self.passages], format="csr")
        meta = {
            "format": LEXICAL_FORMAT,
            "n_projects": self.projects.shape[0],
            "n_terms": matrix.shape[1],
            "stop_words": self.vectorizer.stop_words is not None,
        }
        return {
            "meta": json.dumps(meta).encode(),
            "terms": "\n".join(self.vocabulary()).encode(),  # a term never holds a newline
            "idf": self.vectorizer.idf_.astype("<f4").tobytes(),
            "indptr": matrix.indptr.astype("<i8").tobytes(),
            "indices": matrix.indices.astype("<i4").tobytes(),
            "data": matrix.data.astype("<f4").tobytes(),
            "languages": "\n".join([*self.project_language, *self.passage_language]).encode(),
        }

    @classmethod
    def from_parts(cls, parts: dict[str, bytes], *, n_projects: int, n_passages: int) -> LexicalIndex:
        """Rebuild what :meth:`to_parts` saved; ``ValueError`` if anything does not add up."""
        try:
            meta = json.loads(parts["meta"])
            terms = parts["terms"].decode().split("\n") if parts["terms"] else []
            idf = np.frombuffer(parts["idf"], "<f4")
            indptr = np.frombuffer(parts["indptr"], "<i8")
            indices = np.frombuffer(parts["indices"], "<i4")
            data = np.frombuffer(parts["data"], "<f4")
            languages = parts["languages"].decode().split("\n")
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise ValueError(f"saved TF-IDF is unreadable: {exc}") from exc
        n_rows, n_terms = n_projects + n_passages, len(terms)
        if n_rows == 0:
            languages = []
        if (
            meta.get("format") != LEXICAL_FORMAT
            or meta.get("n_projects") != n_projects
            or meta.get("n_terms") != n_terms
            or idf.size != n_terms
            or indptr.size != n_rows + 1
            or indptr[0] != 0
            or indptr[-1] != indices.size
            or indices.size != data.size
            or bool((np.diff(indptr) < 0).any())
            or (indices.size and (int(indices.min()) < 0 or int(indices.max()) >= n_terms))
            or len(languages) != n_rows
            or not set(languages) <= {*TEXT_LANGUAGES, ""}
        ):
            raise ValueError("saved TF-IDF does not fit these texts")
        vectorizer = SavedTfidf(
            dict(zip(terms, range(n_terms), strict=True)), idf, stop_words=meta.get("stop_words", True)
        )
        languages = np.array(languages, dtype=object)
        # Each half built from its slice of the saved arrays: one copy, not the whole matrix
        # and then its row slices (which held the TF-IDF three times over at 100k).
        split = int(indptr[n_projects])
        projects = sp.csr_matrix(
            (data[:split].copy(), indices[:split].copy(), indptr[: n_projects + 1].copy()), shape=(n_projects, n_terms)
        )
        passages = sp.csr_matrix(
            (data[split:].copy(), indices[split:].copy(), indptr[n_projects:] - split), shape=(n_passages, n_terms)
        )
        return cls(vectorizer, projects, passages, languages[:n_projects], languages[n_projects:])

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.vectorizer.transform(list(texts)).tocsr()

    def vocabulary(self) -> np.ndarray:
        """Term of each column (built once: sklearn's ``get_feature_names_out`` sorts the whole
        vocabulary on every call, which cost more than a whole match on a large register)."""
        return self._terms

    @cached_property
    def common(self) -> np.ndarray:
        """Per column: the term is too common to explain a match (:data:`COMMON_TERM_SHARE`), from the fitted idf."""
        texts = self.projects.shape[0] + self.passages.shape[0]
        idf = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        if not texts or not idf.size:
            return np.zeros(idf.size, bool)
        # sklearn's smoothed idf is ln((1 + n) / (1 + df)) + 1
        documents = (1 + texts) / np.exp(idf - 1) - 1
        return documents > max(COMMON_TERM_SHARE * texts, COMMON_TERM_TEXTS)

    @cached_property
    def _terms(self) -> np.ndarray:
        vocabulary = self.vectorizer.vocabulary_
        terms = np.empty(len(vocabulary), dtype=object)
        terms[np.fromiter(vocabulary.values(), np.int64, len(vocabulary))] = list(vocabulary)
        terms.setflags(write=False)
        return terms


#: A term found in more than this share of the register's texts (and in more than
#: ``COMMON_TERM_TEXTS`` of them, so a small register keeps its words) explains nothing as a shared term.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_TEXTS = 10


def shared_terms(
    query_row: sp.csr_matrix,
    document_rows: sp.csr_matrix,
    vocabulary: np.ndarray,
    k: int = 5,
    *,
    common: np.ndarray | None = None,
    skip: frozenset[str] = frozenset(),
) -> list[str]:
    """The terms that contribute most to the match between a query and some documents.

    Left out: generic words (:data:`GENERIC_WORDS`), terms marked in ``common`` (a boolean per
    column, see :attr:`LexicalIndex.common`), terms with a word in ``skip`` (place names: a shared
    municipality is not a shared competence), fragments of fewer than three letters, and a word
    already shown inside a longer term or the other way round ("landbasert oppdrett", not also
    "landbasert" and "oppdrett").
    """
    if query_row.nnz == 0 or document_rows.shape[0] == 0:
        return []
    cols = query_row.indices
    # only the query's columns: the documents' max over the whole vocabulary was a dense
    # array of every term per suggestion
    weights = np.asarray(document_rows[:, cols].max(axis=0).todense()).ravel()
    contrib = query_row.data * weights
    order = np.argsort(-contrib, kind="stable")
    candidates = [str(vocabulary[cols[i]]) for i in order if contrib[i] > 0 and (common is None or not common[cols[i]])]
    candidates = [t for t in candidates if _explains(t) and not set(t.split()) & skip]
    longer = [t for t in candidates if " " in t]
    chosen: list[str] = []
    for term in candidates:
        words = set(term.split())
        if " " not in term and any(term in other.split() for other in longer):
            continue  # the longer term that holds it is there (or will be)
        if any(words <= set(other.split()) or set(other.split()) <= words for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return chosen


_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-ZÆØÅ][a-zæøåäöé]+)\b")


def proper_names(text: str) -> frozenset[str]:
    """Words a text writes as names (capitalised, not at the start of a sentence), case-folded.

    A shared place or company name says where or who, not what an organisation can do.
    Acronyms (all capitals: RAS, CLT, PAUT) are terms, not names.

    >>> sorted(proper_names("Biogass i Innherred. Vi bruker RAS i Verdal og Levanger."))
    ['innherred', 'levanger', 'verdal']
    """
    return frozenset(m.group(1).casefold() for line in text.splitlines() for m in _NAME.finditer(line.strip()))


def _explains(term: str) -> bool:
    words = term.split()
    if set(words) <= GENERIC_WORDS:
        return False
    return all(len(w) >= 3 or any(c.isdigit() for c in w) for w in words) and not all(w.isdigit() for w in words)
