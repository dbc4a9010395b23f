"""The back office's work queues: ``QUEUES`` is the one list the 工作台 shows.

Each area plugs its queue in with ``register_queue(Queue(...))`` from its own module
(imported by its routes), e.g.::

    register_queue(Queue("renewals", "续约审核", frozenset({Role.LEASE_MANAGER}),
                         "renewal_staff.queue", count=renewals_waiting))

``position`` orders the list. ``count(user, today) -> QueueCount`` must be cheap (one or two indexed queries). Like the
home page's cards (``app.home.cards``), the registry sits below every area that plugs in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for

from app.auth.models import User
from app.auth.roles import Role


@dataclass(frozen=True)
class QueueCount:
    waiting: int
    flagged: int = 0  # overdue or nearly due


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset[Role]
    endpoint: str
    count: Callable[[User, date], QueueCount] | None = None
    description: str = ""
    # Where the 工作台 lists it (lower first), whichever area's module is imported first.
    position: int = 50


QUEUES: list[Queue] = []


def register_queue(queue: Queue) -> Queue:
    if all(existing.key != queue.key for existing in QUEUES):
        QUEUES.append(queue)
        QUEUES.sort(key=lambda registered: registered.position)
    return queue


@dataclass(frozen=True)
class QueueLink:
    queue: Queue
    url: str
    count: QueueCount | None


def queues_for(user: User, today: date) -> list[QueueLink]:
    """The queues ``user``'s role works on, whose pages exist in this deployment."""
    links = []
    for queue in QUEUES:
        if user.role not in queue.roles or queue.endpoint not in current_app.view_functions:
            continue
        count = queue.count(user, today) if queue.count else None
        links.append(QueueLink(queue, url_for(queue.endpoint), count))
    return links
