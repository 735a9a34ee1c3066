"""Samspill's HTTP API (``samspill serve``): one long-lived process holding the store, the model and the index.

:mod:`api.service` holds that state, :mod:`api.application` builds the FastAPI app with thin
routers (:mod:`api.routers`), :mod:`api.auth` turns a bearer token into the account it acts
as, and :mod:`api.errors` maps the library's errors to HTTP codes in one place.
"""
