"""Demo data for renewals (called at the end of ``app.demo.seed_demo``).

王芳 (JJLZ-2023-0007) has a lease ending within the renewal window, no arrears and no
violations: she can renew, and the message centre tells her the window is open. 李华's
overdue rent bills keep her from renewing until they are paid. Idempotent: the window
notice is posted once per lease term.
"""

from __future__ import annotations

from app.renewal.services import notify_window_openings


def seed_renewal_demo() -> None:
    notify_window_openings()
