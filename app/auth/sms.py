"""SMS gateways. Real carriers cannot be reached from here, so the default gateway
writes the code to the server log; ``memory`` keeps an outbox for tests. A real
gateway implements ``SmsGateway.send`` and is selected with ``SMS_GATEWAY``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("anju.sms")


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsGateway:
    """Writes each message to the server log instead of a carrier (local default)."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s: %s", phone, text)


@dataclass
class MemorySmsGateway:
    """Keeps sent messages in memory; tests read ``outbox``."""

    outbox: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))

    def last_code_for(self, phone: str) -> str | None:
        for to, text in reversed(self.outbox):
            if to == phone:
                return "".join(ch for ch in text if ch.isdigit())[:6]
        return None


GATEWAYS: dict[str, type] = {"log": LogSmsGateway, "memory": MemorySmsGateway}


def make_gateway(name: str) -> SmsGateway:
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise ValueError(
            f"unknown SMS_GATEWAY {name!r}; choose one of {sorted(GATEWAYS)}"
        ) from None
