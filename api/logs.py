"""What ``samspill serve`` logs: uvicorn's own lines, with secrets in a request's address blotted out.

The API reads its token only from the ``Authorization`` header, which uvicorn never logs; but a
client that puts one in the address (``/me?token=ssp_...``, a link someone pasted) gets a 401 *and*
its token written to the access log, where anyone who reads the logs could use it. Every line of
uvicorn's loggers passes :class:`RedactSecrets` first.
"""

from __future__ import annotations

import copy
import logging
import re

__all__ = ["RedactSecrets", "log_config", "redact"]

_TOKEN = re.compile(r"ssp_[A-Za-z0-9_\-]+")
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;][^=&;\s\"]*(?:token|secret|passw|pwd|key|auth|session)[^=&;\s\"]*=)[^&;\s\"]*"
)


def redact(text: str) -> str:
    """``text`` with API tokens and the values of secret-looking query parameters replaced by ``[redacted]``.

    >>> redact('GET /me?access_token=abc&q=sveis HTTP/1.1')
    'GET /me?access_token=[redacted]&q=sveis HTTP/1.1'
    >>> redact("/organisations/ssp_0123456789ab_" + "x" * 43)
    '/organisations/[redacted]'
    """
    return _SECRET_PARAMETER.sub(r"\1[redacted]", _TOKEN.sub("[redacted]", text))


class RedactSecrets(logging.Filter):
    """A logging filter: :func:`redact` over the message and each of its text arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict:
    """uvicorn's logging configuration with :class:`RedactSecrets` on each of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["secrets"] = {"()": RedactSecrets}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("secrets")
    return config
