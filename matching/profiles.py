"""What gets embedded: the texts that make up an organisation's competence profile.

A profile is learned from two sources, each embedded separately so that one long
history does not drown in a 512-token window:

* **the organisation's own words**: its description and competences, embedded whole
  (the ``profile`` item, keyed by org id) and cut into sentence-sized passages
  (``org_id#n``). The whole text is the first-class evidence of what it does; the
  best passage catches one specific competence in a long text, and the reason shown
  to the user quotes it.
* **project documents**: ``title. summary`` of every project it took part in,
  shared by all participants (most real profiles start with no description,
  so the history is all there is).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from data.limits import MAX_PASSAGES_PER_ORGANISATION
from data.models import Organisation, Project

PASSAGE_SEPARATOR = "#"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])")
_MIN_PASSAGE_WORDS = 12


def project_document(project: Project) -> str:
    """The text that stands for a project: its title, then its summary."""
    title = project.title.strip()
    summary = project.summary.strip()
    if not summary:
        return title
    if title and title[-1] not in ".!?:":
        title += "."
    return f"{title} {summary}".strip()


def split_passages(text: str, *, min_words: int = _MIN_PASSAGE_WORDS) -> list[str]:
    """Cut a text into sentences, joining short neighbours so each carries meaning.

    Sentences are joined only within a line: a title or a list item is never glued to the
    sentence after it.

    >>> split_passages("Heat storage\\n\\nWe store heat in sand. It gives steam to a dairy.", min_words=4)
    ['Heat storage', 'We store heat in sand.', 'It gives steam to a dairy.']
    """
    passages: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split()).lstrip("-*• ")
        if line:
            passages.extend(_join_short(_SENTENCE_END.split(line), min_words))
    return passages


def _join_short(sentences: list[str], min_words: int) -> list[str]:
    passages: list[str] = []
    current = ""
    for sentence in sentences:
        current = f"{current} {sentence}".strip()
        if len(current.split()) >= min_words:
            passages.append(current)
            current = ""
    if current:
        if passages and len(current.split()) < min_words // 2:
            passages[-1] = f"{passages[-1]} {current}"
        else:
            passages.append(current)
    return passages


def profile_document(org: Organisation) -> str:
    """The organisation's own words as one text: its description, then its competences."""
    keywords = ", ".join(k.strip() for k in org.competences.split(";") if k.strip())
    return " ".join(part for part in (" ".join(org.description.split()), keywords) if part)


def organisation_passages(org: Organisation) -> list[str]:
    """The organisation's own words about what it does: description sentences, then competences.

    At most :data:`~data.limits.MAX_PASSAGES_PER_ORGANISATION` (a text of fragments would
    otherwise be embedded fragment by fragment).
    """
    passages = split_passages(org.description)[: MAX_PASSAGES_PER_ORGANISATION - 1]
    keywords = [k.strip() for k in org.competences.split(";") if k.strip()]
    if keywords:
        passages.append(", ".join(keywords))
    return passages


def passage_id(org_id: str, n: int) -> str:
    return f"{org_id}{PASSAGE_SEPARATOR}{n}"


def org_of_passage(item_id: str) -> str:
    return item_id.rsplit(PASSAGE_SEPARATOR, 1)[0]


def iter_profile_items(
    organisations: Iterable[Organisation], projects: Iterable[Project]
) -> Iterator[tuple[str, str, str]]:
    """Every text to embed, as ``(item_type, item_id, text)``; item types ``profile``, ``passage`` and ``project``."""
    for org in organisations:
        if whole := profile_document(org):
            yield "profile", org.org_id, whole
        for n, text in enumerate(organisation_passages(org)):
            yield "passage", passage_id(org.org_id, n), text
    for project in projects:
        text = project_document(project)
        if text:
            yield "project", project.project_id, text


def content_hash(model_id: str, text: str) -> str:
    """Changes when the text or the model changes, so only those items are embedded again."""
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()[:32]
