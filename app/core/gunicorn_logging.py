"""gunicorn's logger with the secrets scrubbed (``logger_class`` in gunicorn.conf.py).

The access log is built from "atoms" (``%(r)s`` the request line, ``%(U)s`` the path,
``%(f)s`` the Referer, ``%({name}i)s`` any request header, ``%({name}o)s`` any response
header such as Location, ``%({name}e)s`` any environ value such as RAW_URI). Every text
atom is scrubbed, so whatever ``access_log_format`` an operator picks, no QR handoff
token is written, and a handler reading the atoms from ``record.args`` sees them
scrubbed too. The error log ('Error handling request /h/...') gets the logging filter.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from app.core.logscrub import add_scrubbing_filter, scrub_secrets


class SecretScrubbingLogger(Logger):
    """``gunicorn.glogging.Logger`` that never writes a secret path (see ``logscrub``)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        add_scrubbing_filter(self.error_log)

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: scrub_secrets(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
