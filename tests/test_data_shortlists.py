"""Shortlists with a link of their own (data/shortlists.py): kept as shared, for advisers only."""

from __future__ import annotations

import pytest

from data.models import Viewer
from data.refusals import NotAllowed, Refused
from data.shortlists import ShortlistItem, save_shortlist, shortlist
from data.store import PartnerStore

ADVISER = Viewer("kari", "adviser")
COMPANY = Viewer("ola", "company", "fjordkraft")
ITEMS = [ShortlistItem("sintef", "SINTEF", "research", 0.91, ("Profilen sier: «hydrogen»",), "Trøndelag", "NO",
                       "Par 1"),
         ShortlistItem("havlys", "Havlys AS", "company", 0.5)]


@pytest.fixture
def store(tmp_path):
    with PartnerStore(tmp_path / "shortlists.duckdb") as store:
        yield store


def test_a_saved_shortlist_opens_as_it_was_shared(store):
    shortlist_id = save_shortlist(store, ADVISER, ITEMS, idea_id=None, subject="Hydrogen til fôrflåter")
    assert len(shortlist_id) >= 12  # not a counter: links cannot be guessed
    saved = shortlist(store, ADVISER, shortlist_id)
    assert saved.items == tuple(ITEMS) and saved.subject == "Hydrogen til fôrflåter" and saved.created_by == "kari"


def test_companies_and_unknown_links_get_the_same_answer(store):
    shortlist_id = save_shortlist(store, ADVISER, ITEMS)
    for viewer, sid in ((COMPANY, shortlist_id), (ADVISER, "nope"), (ADVISER, "x" * 500)):
        with pytest.raises(NotAllowed) as caught:
            shortlist(store, viewer, sid)
        assert caught.value.key == "shortlist.not_found"
    with pytest.raises(NotAllowed):
        save_shortlist(store, COMPANY, ITEMS)
    with pytest.raises(Refused):
        save_shortlist(store, ADVISER, [])
