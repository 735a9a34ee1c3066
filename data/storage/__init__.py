"""The parts :class:`data.store.PartnerStore` is made of, one concern each.

* :mod:`~data.storage.errors`: the store's named errors;
* :mod:`~data.storage.connection`: the DuckDB file, its locks, transactions and migrations;
* :mod:`~data.storage.register`: organisations, projects and participations;
* :mod:`~data.storage.ideas`: ideas and advisers' feedback;
* :mod:`~data.storage.accounts`: sign-in account rows (hashing is :mod:`data.accounts`);
* :mod:`~data.storage.contacts`: contact persons, profile edits and their record (:mod:`data.contacts`);
* :mod:`~data.storage.introductions`: introductions and their dated statuses (:mod:`data.introductions`);
* :mod:`~data.storage.sessions`: sessions signed out before expiry (:mod:`data.sessions`);
* :mod:`~data.storage.shortlists`: shortlists saved under a link (:mod:`data.shortlists`);
* :mod:`~data.storage.tokens`: API tokens' digests and records (:mod:`data.tokens`);
* :mod:`~data.storage.vectors`: stored vectors, the saved TF-IDF and the index fingerprint;
* :mod:`~data.storage.integrity`: the checks behind ``samspill check``;
* :mod:`~data.storage.backup`: ``samspill backup`` and ``samspill restore``.

Each module holds its SQL as constants and works on a cursor it is given; the store decides
when a cursor is opened and whether it runs inside a transaction. The domain modules named
above keep the rules (who may see or change what) and open their cursors with the store's
``read()`` and ``write()``; only these modules, :mod:`data.store` and :mod:`data.migrations`
run SQL (tests/test_layers.py checks).
"""
