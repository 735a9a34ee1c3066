"""Sessions signed out before their expiry (``revoked_sessions``), so a copied cookie ends with "sign out".

Signing and checking tokens are :mod:`data.sessions`; this module only keeps the ids of ended
sessions until their expiry, on a cursor it is given.
"""

from __future__ import annotations

SELECT_REVOKED = "SELECT 1 FROM revoked_sessions WHERE session_id = ?"
INSERT_REVOKED = (
    "INSERT INTO revoked_sessions (session_id, expires_at) VALUES (?, to_timestamp(?)) ON CONFLICT DO NOTHING"
)
DELETE_EXPIRED = "DELETE FROM revoked_sessions WHERE expires_at < to_timestamp(?)"


def is_revoked(cur, session_id: str) -> bool:
    return cur.execute(SELECT_REVOKED, [session_id]).fetchone() is not None


def revoke_session(cur, session_id: str, expires: int, *, now: float) -> None:
    """Record an ended session until ``expires`` (unix seconds), forgetting those expired by ``now``
    (an expired token is refused anyway, so its record only takes room)."""
    cur.execute(DELETE_EXPIRED, [now])
    cur.execute(INSERT_REVOKED, [session_id, expires])
