"""What the app keeps for every session between register changes (app_pages.resources.Workspace.kept)."""

from __future__ import annotations

from data.models import Organisation
from data.settings import Settings
from data.store import PartnerStore


def _workspace(tmp_path):
    from app_pages.resources import Workspace

    db = tmp_path / "kept.duckdb"
    with PartnerStore(db) as store:
        store.upsert([Organisation("havlys", "Havlys AS", kind="company")])
    return db, Workspace(Settings(db=db))


def test_kept_until_the_register_changes_in_another_process(tmp_path):
    db, ws = _workspace(tmp_path)
    calls = []

    def names():
        calls.append(1)
        return tuple(o.name for o in ws.store.organisations())

    try:
        assert ws.kept("names", names) == ("Havlys AS",)
        assert ws.kept("names", names) == ("Havlys AS",)
        assert len(calls) == 1  # kept: the second page view computed nothing
        # the app's brief store lets go of the file between page views; a command imports meanwhile
        with PartnerStore(db, wait=60) as command:
            command.upsert([Organisation("fjordlab", "Fjordlab", kind="research")])
        assert sorted(ws.kept("names", names)) == ["Fjordlab", "Havlys AS"]
        assert len(calls) == 2
    finally:
        ws.store.close()


def test_kept_until_this_app_changes_the_register(tmp_path):
    _, ws = _workspace(tmp_path)
    try:
        first = ws.organisations()
        assert ws.organisations() is first
        ws.store.upsert([Organisation("havlys", "Havlys Lys AS", kind="company")])  # a profile edit in the app
        ws.changed()
        assert [o.name for o in ws.organisations()] == ["Havlys Lys AS"]
        seen = ws.organisations()
        ws.changed()  # the app's own count alone also renews what is kept
        assert ws.organisations() is not seen
    finally:
        ws.store.close()


def test_kept_values_are_per_name(tmp_path):
    _, ws = _workspace(tmp_path)
    try:
        assert ws.kept("a", lambda: "one") == "one"
        assert ws.kept("b", lambda: "two") == "two"
        assert ws.kept("a", lambda: "other") == "one"
    finally:
        ws.store.close()


def test_profiles_are_kept_per_revision_and_unknown_ids_still_raise(tmp_path):
    import pytest

    from data.store import OrganisationNotFound

    _, ws = _workspace(tmp_path)
    try:
        org, projects = ws.profile("havlys")
        assert org.name == "Havlys AS" and projects == ()
        assert ws.profile("havlys")[0] is org
        with pytest.raises(OrganisationNotFound):
            ws.profile("nobody")
        ws.store.update_organisation(Organisation("havlys", "Havlys Lys AS", kind="company"))
        assert ws.profile("havlys")[0].name == "Havlys Lys AS"  # the store's revision moved: read again
        with pytest.raises(OrganisationNotFound):
            ws.profile("nobody")
    finally:
        ws.store.close()
