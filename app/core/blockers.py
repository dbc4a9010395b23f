"""Why someone cannot do something now. Pure module, no Flask."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blocker:
    """A reason, in Chinese, with what to do about it; ``code`` names it for the code."""

    code: str
    message: str
