"""Numbered schema migrations, applied in order when a store opens.

Each migration is a list of SQL statements run in one transaction and recorded
in ``_migrations``; a migration that is already recorded is skipped, so opening
a store is idempotent. Never edit a released migration: add the next number.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "m001_create_register",
        [
            """
            CREATE TABLE organisations (
                org_id       VARCHAR PRIMARY KEY,
                name         VARCHAR NOT NULL,
                kind         VARCHAR NOT NULL DEFAULT '',
                country      VARCHAR NOT NULL DEFAULT '',
                region       VARCHAR NOT NULL DEFAULT '',
                org_number   VARCHAR NOT NULL DEFAULT '',
                description  VARCHAR NOT NULL DEFAULT '',
                competences  VARCHAR NOT NULL DEFAULT '',
                municipality VARCHAR NOT NULL DEFAULT '',
                nace_codes   VARCHAR NOT NULL DEFAULT '',
                employees    INTEGER
            )
            """,
            """
            CREATE TABLE projects (
                project_id     VARCHAR PRIMARY KEY,
                title          VARCHAR NOT NULL,
                summary        VARCHAR NOT NULL DEFAULT '',
                start_year     INTEGER,
                programme      VARCHAR NOT NULL DEFAULT '',
                budget_nok     DOUBLE,
                funding_source VARCHAR NOT NULL DEFAULT ''
            )
            """,
            """
            CREATE TABLE participations (
                project_id VARCHAR NOT NULL,
                org_id     VARCHAR NOT NULL,
                role       VARCHAR NOT NULL DEFAULT 'partner',
                PRIMARY KEY (project_id, org_id)
            )
            """,
            "CREATE INDEX participations_by_org ON participations (org_id)",
        ],
    ),
    (
        "m002_create_ideas_feedback_accounts",
        [
            "CREATE SEQUENCE idea_ids START 1",
            """
            CREATE TABLE ideas (
                idea_id      INTEGER PRIMARY KEY DEFAULT nextval('idea_ids'),
                title        VARCHAR NOT NULL,
                text         VARCHAR NOT NULL,
                submitted_by VARCHAR NOT NULL,
                org_id       VARCHAR,
                contact      VARCHAR NOT NULL DEFAULT '',
                wanted_kinds VARCHAR NOT NULL DEFAULT '',
                confidential BOOLEAN NOT NULL DEFAULT TRUE,
                status       VARCHAR NOT NULL DEFAULT 'new',
                notes        VARCHAR NOT NULL DEFAULT '',
                suggestions  VARCHAR NOT NULL DEFAULT '',
                request_key  VARCHAR UNIQUE,
                created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
            )
            """,
            "CREATE SEQUENCE feedback_ids START 1",
            """
            CREATE TABLE feedback (
                feedback_id INTEGER PRIMARY KEY DEFAULT nextval('feedback_ids'),
                idea_id     INTEGER,
                query       VARCHAR NOT NULL DEFAULT '',
                org_id      VARCHAR NOT NULL,
                verdict     VARCHAR NOT NULL,
                given_by    VARCHAR NOT NULL,
                given_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
            )
            """,
            """
            CREATE TABLE accounts (
                username      VARCHAR PRIMARY KEY,
                password_hash VARCHAR NOT NULL,
                role          VARCHAR NOT NULL,
                org_id        VARCHAR,
                created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
            )
            """,
        ],
    ),
    (
        # The vectors table itself is (re)created per model by
        # PartnerStore.ensure_embedding_space, because FLOAT[n] needs n.
        "m003_create_embedding_space",
        [
            """
            CREATE TABLE embedding_space (
                model_id VARCHAR NOT NULL,
                dim      INTEGER NOT NULL
            )
            """,
        ],
    ),
    (
        # A cache of the fitted TF-IDF (matching.lexical), keyed by a digest of the texts it was
        # fitted on: refitting took 24 s of a 30 s index load at 100,000 organisations. Plain
        # arrays and text, never pickles, so a database from elsewhere cannot run code on load.
        "m004_create_lexical_index",
        [
            """
            CREATE TABLE lexical_index (
                part   VARCHAR PRIMARY KEY,
                digest VARCHAR NOT NULL,
                data   BLOB NOT NULL
            )
            """,
        ],
    ),
    (
        # Counts changes to the register (organisations, projects, participations), so a process
        # that keeps the register in memory -- the app's matcher -- notices a command's import.
        "m005_create_revision",
        [
            "CREATE TABLE _revision (register BIGINT NOT NULL)",
            "INSERT INTO _revision VALUES (0)",
        ],
    ),
    (
        # API tokens (api/, data/tokens.py): only a SHA-256 digest of each token is kept; the
        # token itself is shown once when it is made. A token acts as its account (role, org).
        "m010_create_api_tokens",
        [
            """
            CREATE TABLE api_tokens (
                token_id   VARCHAR PRIMARY KEY,
                digest     VARCHAR NOT NULL,
                username   VARCHAR NOT NULL,
                label      VARCHAR NOT NULL DEFAULT '',
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                revoked    BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
        ],
    ),
    # -- m015–m019: contacts, introductions, profile changes, sessions and shortlist links (the app) --
    (
        # Contact persons get a table of their own, not columns of the organisation: they are handed
        # out only to viewers allowed to see them (data.contacts), and an organisation has several.
        "m015_add_website_address_and_contacts",
        [
            "ALTER TABLE organisations ADD COLUMN website VARCHAR NOT NULL DEFAULT ''",
            "ALTER TABLE organisations ADD COLUMN address VARCHAR NOT NULL DEFAULT ''",
            """
            CREATE TABLE contacts (
                org_id   VARCHAR NOT NULL,
                ordinal  INTEGER NOT NULL,
                name     VARCHAR NOT NULL,
                role     VARCHAR NOT NULL DEFAULT '',
                email    VARCHAR NOT NULL DEFAULT '',
                phone    VARCHAR NOT NULL DEFAULT '',
                PRIMARY KEY (org_id, ordinal)
            )
            """,
        ],
    ),
    (
        # One row per introduction with the date each status was reached, so "how many
        # introductions of 2025 became joint projects" is one query (data.introductions).
        "m016_create_introductions",
        [
            "CREATE SEQUENCE introduction_ids START 1",
            """
            CREATE TABLE introductions (
                intro_id         INTEGER PRIMARY KEY DEFAULT nextval('introduction_ids'),
                idea_id          INTEGER,
                company_org_id   VARCHAR,
                org_id           VARCHAR NOT NULL,
                status           VARCHAR NOT NULL DEFAULT 'proposed',
                reasons          VARCHAR NOT NULL DEFAULT '[]',
                created_by       VARCHAR NOT NULL,
                created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
                proposed_on      DATE,
                introduced_on    DATE,
                met_on           DATE,
                joint_project_on DATE,
                declined_on      DATE,
                sent_by_mail     BOOLEAN NOT NULL DEFAULT FALSE,
                updated_by       VARCHAR NOT NULL DEFAULT '',
                updated_at       TIMESTAMP
            )
            """,
        ],
    ),
    (
        # Advisers see what a company changed in its own profile, and when.
        "m017_create_profile_changes",
        [
            "CREATE SEQUENCE profile_change_ids START 1",
            """
            CREATE TABLE profile_changes (
                change_id  INTEGER PRIMARY KEY DEFAULT nextval('profile_change_ids'),
                org_id     VARCHAR NOT NULL,
                changed_by VARCHAR NOT NULL,
                changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                fields     VARCHAR NOT NULL
            )
            """,
        ],
    ),
    (
        # The sign-in cookie (data.sessions): sessions signed out before they expired (a copied
        # cookie must not outlive "sign out").
        "m018_create_sessions",
        [
            """
            CREATE TABLE revoked_sessions (
                session_id VARCHAR PRIMARY KEY,
                expires_at TIMESTAMP NOT NULL
            )
            """,
        ],
    ),
    (
        # A shortlist an adviser shares as a link: the suggestions as they were shown.
        "m019_create_shortlists",
        [
            """
            CREATE TABLE shortlists (
                shortlist_id VARCHAR PRIMARY KEY,
                created_by   VARCHAR NOT NULL,
                created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
                idea_id      INTEGER,
                subject      VARCHAR NOT NULL DEFAULT '',
                items        VARCHAR NOT NULL
            )
            """,
        ],
    ),
]
