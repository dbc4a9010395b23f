"""What other areas hear from rent, without rent knowing them.

``on_bills_paid(listener)``: the listener is called with the ids of the bills a payment
has just paid (online, at the counter or by bank deduction), inside the paying
transaction and before its commit. A listener adds to that transaction and never commits
or rolls back itself, so the payment and what follows from it land together or not at
all (e.g. 互换 submits an application whose year of rent is now paid).
"""

from __future__ import annotations

from collections.abc import Callable

BillsPaidListener = Callable[[list[int]], None]

_bills_paid_listeners: list[BillsPaidListener] = []


def on_bills_paid(listener: BillsPaidListener) -> BillsPaidListener:
    """Register ``listener`` (once, however often its module is imported)."""
    if listener not in _bills_paid_listeners:
        _bills_paid_listeners.append(listener)
    return listener


def bills_paid(bill_ids: list[int]) -> None:
    """Tell every listener that ``bill_ids`` were just paid (the caller commits)."""
    for listener in _bills_paid_listeners:
        listener(bill_ids)
