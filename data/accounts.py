"""Local accounts: salted password hashes (argon2id), sign-in checks and the demo accounts.

For small installs and tests. Real deployments sign people in through the
identity provider (Streamlit's OIDC login); an account row may then exist only
to give an e-mail address a role (:data:`NO_PASSWORD` as its hash, so no
password ever matches it).

Hashes come from ``argon2-cffi``'s :class:`~argon2.PasswordHasher` (argon2id,
random salt per hash, parameters encoded in the hash string). Nothing here logs
or returns a password; errors name the username only.

Demo accounts
-------------
:func:`ensure_demo_accounts` creates one adviser and two company accounts
(:data:`DEMO_ACCOUNTS`) with the password :data:`DEMO_PASSWORD`, so a newcomer
can try the app on the sample cluster (``make run``). The sign-in page shows
those credentials only while :func:`demo_accounts_active` is true: every demo
account exists and still accepts the demo password. An install that gives the
demo accounts real passwords (or never creates them) shows nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data.identifiers import clean_id, username_problem
from data.models import Viewer
from data.store import OrganisationNotFound, PartnerStore, StoreError

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "MIN_PASSWORD_LENGTH",
    "NO_PASSWORD",
    "ROLES",
    "AccountError",
    "account_problem",
    "DemoAccount",
    "authenticate",
    "create_account",
    "demo_accounts_active",
    "ensure_demo_accounts",
    "hash_password",
    "verify_password",
    "viewer_for",
]

ROLES: tuple[str, ...] = ("adviser", "company")
MIN_PASSWORD_LENGTH = 8
#: Stored instead of a hash for accounts that only sign in through the identity provider.
NO_PASSWORD = "!no-local-password"

_hasher = PasswordHasher()
# Verified against when the username does not exist, so a wrong username costs
# as long as a wrong password and the timing does not tell which accounts exist.
_DUMMY_HASH = _hasher.hash("samspill-no-such-account")


class AccountError(StoreError):
    """A bad account request (unknown role, short password, missing organisation)."""


def account_problem(role: str, org_id: str | None) -> str | None:
    """What is wrong with an account of ``role`` for ``org_id`` (already cleaned), or None.

    A company account sees its own organisation's ideas, profile and contacts; without an
    organisation it would be a company user of nothing (its own profile page empty, its ideas tied
    to no one), so one is required. An adviser speaks for the cluster, not for an organisation.

    >>> account_problem("company", None)
    'a company account needs its organisation: give the organisation id (--org ORG_ID)'
    >>> account_problem("adviser", None) is None
    True
    """
    if role not in ROLES:
        return f"unknown role {role!r}; expected {' or '.join(ROLES)}"
    if role == "company" and not org_id:
        return "a company account needs its organisation: give the organisation id (--org ORG_ID)"
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh random salt."""
    if not isinstance(password, str) or not password:
        raise AccountError("a password is required")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Does ``password`` match ``password_hash``? False for malformed hashes and :data:`NO_PASSWORD`."""
    if not password or not password_hash or password_hash == NO_PASSWORD:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_account(
    store: PartnerStore,
    username: str,
    password: str | None,
    role: str,
    org_id: str | None = None,
) -> Viewer:
    """Add an account; ``password=None`` makes an identity-provider-only account.

    ``org_id`` is read as an id (:func:`data.identifiers.clean_id`: full-width "ＳＩＮＴＥＦ" is
    "SINTEF").

    Raises
    ------
    AccountError
        Empty username, one with control or look-alike characters
        (:func:`data.identifiers.username_problem`), unknown role, a company account without an
        organisation (:func:`account_problem`), an organisation id no id could be, a password
        shorter than :data:`MIN_PASSWORD_LENGTH` or of only whitespace.
    OrganisationNotFound
        ``org_id`` is not in the register.
    StoreError
        The username exists already (also in another case: ``Kari`` when ``kari`` exists).
    """
    username = (username or "").strip()
    if not username:
        raise AccountError("a username is required")
    problem = username_problem(username)
    if problem:
        raise AccountError(problem)
    org_id = (org_id or "").strip() or None
    if org_id is not None:
        org_id, id_problem = clean_id(org_id)
        if id_problem:
            raise AccountError(f"the organisation id {id_problem}")
    problem = account_problem(role, org_id)
    if problem:
        raise AccountError(problem)
    if password is not None and not password.strip():
        raise AccountError("the password cannot be only whitespace")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if org_id is not None and not store.has_organisation(org_id):
        raise OrganisationNotFound(f"no organisation with id {org_id!r}")
    password_hash = NO_PASSWORD if password is None else hash_password(password)
    store.add_account(username, password_hash, role, org_id)
    return Viewer(username=username, role=role, org_id=org_id)


def viewer_for(store: PartnerStore, username: str) -> Viewer | None:
    """The role and organisation recorded for ``username``, without checking a password."""
    row = store.account(username)
    if row is None:
        return None
    _, role, org_id = row
    return Viewer(username=username, role=role, org_id=org_id)


def authenticate(store: PartnerStore, username: str, password: str) -> Viewer | None:
    """The signed-in :class:`Viewer`, or None for a wrong username or password (which is not said)."""
    username = (username or "").strip()
    row = store.account(username) if username else None
    if row is None:
        verify_password(_DUMMY_HASH, password or "x")
        return None
    password_hash, role, org_id = row
    if not verify_password(password_hash, password):
        return None
    return Viewer(username=username, role=role, org_id=org_id)


# -- demo accounts --------------------------------------------------------------------------

#: Shown on the sign-in page while the demo accounts are active; never use it for real data.
DEMO_PASSWORD = "samspill-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    #: Organisations of the bundled sample cluster, first one present wins;
    #: without any of them the first companies of the register are used.
    preferred_orgs: tuple[str, ...] = ()


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("radgiver", "adviser"),
    DemoAccount("bedrift1", "company", ("innherred-hydrogen", "fosen-solkraft")),
    DemoAccount("bedrift2", "company", ("titran-laks", "innherred-landlaks")),
)


def _demo_orgs(store: PartnerStore, accounts: Sequence[DemoAccount]) -> dict[str, str | None]:
    """A distinct organisation per demo company account (None when the register has too few)."""
    taken: set[str] = set()
    chosen: dict[str, str | None] = {}
    spare = None
    for account in accounts:
        if account.role != "company":
            continue
        org = next((o for o in account.preferred_orgs if o not in taken and store.has_organisation(o)), None)
        if org is None:
            if spare is None:
                spare = [o.org_id for o in store.organisations(kind="company")]
            org = next((o for o in spare if o not in taken), None)
        if org is not None:
            taken.add(org)
        chosen[account.username] = org
    return chosen


def ensure_demo_accounts(store: PartnerStore) -> list[Viewer]:
    """Create the demo accounts that do not exist yet; return all of them. Idempotent.

    Existing accounts are left as they are (their password and organisation
    may have been changed on purpose). A demo company account is not made while the register
    has no company left for it (a company account needs its organisation), so the demo
    accounts are then not all there and the sign-in page does not offer them.
    """
    orgs = _demo_orgs(store, DEMO_ACCOUNTS)
    out = []
    for account in DEMO_ACCOUNTS:
        existing = viewer_for(store, account.username)
        if existing is None and account_problem(account.role, orgs.get(account.username)):
            continue
        if existing is None:
            existing = create_account(
                store, account.username, DEMO_PASSWORD, account.role, orgs.get(account.username)
            )
        out.append(existing)
    return out


def demo_accounts_active(store: PartnerStore) -> bool:
    """True while every demo account exists and still accepts :data:`DEMO_PASSWORD`."""
    for account in DEMO_ACCOUNTS:
        row = store.account(account.username)
        if row is None or not verify_password(row[0], DEMO_PASSWORD):
            return False
    return True
