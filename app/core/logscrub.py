"""Secrets kept out of the logs: the QR handoff token in ``/h/<token>`` above all.

The phone opens ``/h/<token>``; whoever holds the token can take the task over, so the
request lines of the access logs (Werkzeug's and gunicorn's) and any message quoting the
URL (a Referer, a 'Exception on /h/...' line) carry ``/h/[hidden]`` instead.

Pure: no Flask. Add any other secret-bearing path to ``SECRET_PATTERNS``.
"""

from __future__ import annotations

import logging
import re

# One percent-encoded byte (``%41``); a client may encode what it need not.
_ENCODED = r"%[0-9A-Fa-f]{2}"
# The path separator, plain or encoded (both reach the route once decoded).
_SLASH = r"(?:/|%2F)+"

# (pattern, replacement) pairs, applied in order. A secret is 16 or more characters
# (``secrets.token_urlsafe`` never makes fewer), so ``/h`` and ``/h/match`` stay readable.
SECRET_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"(?:/|%2F)(?:h|%68){_SLASH}(?:[A-Za-z0-9_-]|{_ENCODED}){{16,}}",
            re.IGNORECASE,
        ),
        "/h/[hidden]",
    ),
]


def scrub_secrets(text: str) -> str:
    """``text`` with every secret path segment (see ``SECRET_PATTERNS``) replaced.

    Works on a bare path, a request line, a full URL (a Referer) and a whole log line;
    what follows the secret (a query string, ``HTTP/1.1``) is kept."""
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretScrubbingFilter(logging.Filter):
    """Rewrite each record's message with the secrets scrubbed; never drops a record.

    The message is formatted here (``msg % args``) so that a secret passed as an
    argument is caught too; the record then carries the final text and no args."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:
            # Bad arguments for the format: keep everything, scrubbed, rather than let the
            # handler print the raw msg and args in its own error report.
            text = f"{record.msg} {record.args!r}" if record.args else str(record.msg)
        record.msg = scrub_secrets(text)
        record.args = ()
        return True


# The loggers that write request lines: Werkzeug's development server.
REQUEST_LOGGERS = ("werkzeug",)


def add_scrubbing_filter(logger: logging.Logger) -> None:
    """Add a ``SecretScrubbingFilter`` to ``logger`` unless it already has one."""
    if not any(isinstance(existing, SecretScrubbingFilter) for existing in logger.filters):
        logger.addFilter(SecretScrubbingFilter())


def install_log_scrubbing(*logger_names: str) -> None:
    """Scrub the request loggers and the named ones (Flask's app logger, which writes
    'Exception on <path>'). Safe to call again: each logger gets one filter."""
    for name in (*REQUEST_LOGGERS, *logger_names):
        add_scrubbing_filter(logging.getLogger(name))
