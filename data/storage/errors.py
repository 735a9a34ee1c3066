"""The store's named errors. Their messages are meant for users: one line, naming what is wrong."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for the store's own errors; the message is meant for users."""


class StoreBusy(StoreError):
    """Another process holds the database file."""


class OrganisationNotFound(StoreError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0] if self.args else "organisation not found"


class IdeaNotFound(StoreError, KeyError):
    def __str__(self) -> str:
        return self.args[0] if self.args else "idea not found"
