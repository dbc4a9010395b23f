"""No GET writes to the database: every GET route of ``app.url_map``, as every role
(signed out, a resident, a tenant and each staff role), on the route sweep's seeded
world, leaves every row of every table as it was.

URL values are real: each role follows the links of the pages it sees (as the sweep
does), tries the URLs other roles found, and a route no page links to gets ids of
seeded rows. The data is compared before and after each request, table by table.
Only ``ALLOWED`` tables may change, each for its reason; any other change is a write to
move out of the GET (into the POST or service that causes it, or a CLI step).

One GET writes by design and is not reachable here: the QR link ``/h/<token>`` notes
the scan (so the computer can show its number), because a phone's camera opens a link
with GET. It needs the secret token, works once (compare-and-set) and at once sends the
phone on to ``/h/match`` (tests/handoff).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from itertools import product
from urllib.parse import urljoin, urlsplit

from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.core.clock import utcnow
from app.extensions import db, limiter
from app.rent.models import BillStatus
from app.swap import application_steps as swap_application_steps
from app.swap import applications as swap_applications
from app.swap import requests as swap_requests
from tests import sweep_support as support
from tests.factories import PASSWORD
from tests.swap import builders
from tests.sweep_support import Actor
from tests.test_sweep import SKIPPED

ALLOWED = {
    "audit_events": "a staff read of a resident's data must leave an audit record "
    "(only those records, by staff: STAFF_READS)",
    "login_sessions": "sign-in bookkeeping (app/auth/sessions.py): a session past its "
    "idle or absolute limit is ended when its browser next comes back",
}
# The audit records a staff GET may write (app.apply.review_reads.note_read, audit_csv).
STAFF_READS = frozenset({"application.viewed", "application.file_viewed", "audit.exported"})
STAFF = frozenset(role.value for role in Role if role.is_staff)
URLS_PER_ENDPOINT = 2  # per role: a list page links to many objects of one kind


@dataclass(frozen=True)
class Write:
    endpoint: str
    actor: str
    url: str
    status: int
    what: frozenset[str]  # table names, and "audit:<action>" for audit records

    def __str__(self) -> str:
        what = ", ".join(sorted(self.what))
        return f"GET {self.url} ({self.endpoint}) as {self.actor} → {self.status}: {what}"


class Walk:
    """Every GET route as every role, with a snapshot of the data after each request."""

    def __init__(self, app, actors: list[Actor]) -> None:
        self.app = app
        self.actors = actors
        self.adapter = app.url_map.bind("localhost")
        self.rules = {
            rule.endpoint: rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint not in SKIPPED
        }
        tables = [t for t in db.metadata.sorted_tables if t.name not in ALLOWED]
        self.snapshot = support.Snapshot(tables)
        self.state = self.snapshot.take()
        self.last_audit = self._last_audit_id()
        self.found: dict[str, list[str]] = defaultdict(list)  # endpoint → URLs on pages
        self.done: dict[tuple[str, str], int] = defaultdict(int)  # (actor, endpoint) → count
        self.writes: list[Write] = []
        self.requests = 0

    def run(self) -> None:
        for actor in self.actors:
            self.follow_links(actor)
        for endpoint, rule in sorted(self.rules.items()):
            urls = self.found[endpoint][:URLS_PER_ENDPOINT] or self._seeded_urls(rule)
            for actor in self.actors:
                for url in urls:
                    if self.done[(actor.name, endpoint)] >= len(urls):
                        break
                    self.get(actor, url, endpoint)

    def follow_links(self, actor: Actor) -> None:
        starts = ["/"] + [r.rule for r in self.rules.values() if not r.arguments]
        queue, visited = deque(starts), set()
        while queue:
            url = queue.popleft()
            endpoint = self._endpoint(url)
            if url in visited or endpoint is None:
                continue
            visited.add(url)
            if self.done[(actor.name, endpoint)] >= URLS_PER_ENDPOINT:
                continue
            for link in self.get(actor, url, endpoint):
                queue.append(link)

    def get(self, actor: Actor, url: str, endpoint: str) -> list[str]:
        """GET ``url`` as ``actor``, note any write; the in-app links of the page."""
        response = actor.client.get(url)
        self.requests += 1
        self.done[(actor.name, endpoint)] += 1
        links = []
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = support.PageParser()
            parser.feed(response.get_data(as_text=True))
            links = [link for link in map(self._learn, parser.links) if link]
        response.close()
        after = self.snapshot.take()
        changed = {name for name, digest in after.items() if digest != self.state[name]}
        changed |= self._audit_problems(actor)
        if changed:
            self.writes.append(Write(endpoint, actor.name, url, response.status_code, changed))
        self.state = after
        if support.signed_in(self.app, actor) != (actor.phone is not None):
            support.sign_in(actor)  # a write of its own (POST), not the GET's
            self.state, self.last_audit = self.snapshot.take(), self._last_audit_id()
        return links

    def _audit_problems(self, actor: Actor) -> set[str]:
        """New audit records other than a staff member's own ``STAFF_READS``."""
        events = db.session.execute(
            select(AuditEvent.id, AuditEvent.action, AuditEvent.actor_id)
            .where(AuditEvent.id > self.last_audit)
            .order_by(AuditEvent.id)
        ).all()
        db.session.rollback()
        if events:
            self.last_audit = events[-1].id
        return {
            f"audit:{event.action}"
            for event in events
            if actor.name not in STAFF or event.action not in STAFF_READS or not event.actor_id
        }

    def _last_audit_id(self) -> int:
        last = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        db.session.rollback()
        return last

    def _endpoint(self, url: str) -> str | None:
        try:
            endpoint, _values = self.adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            return None
        return endpoint if endpoint in self.rules else None

    def _learn(self, link: str) -> str | None:
        """An in-app GET link as a URL to request (path and query), remembered by route."""
        parts = urlsplit(urljoin("http://localhost/", link))
        if parts.netloc != "localhost":
            return None
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        endpoint = self._endpoint(url)
        if endpoint is None:
            return None
        if url not in self.found[endpoint]:
            self.found[endpoint].append(url)
        return url

    def _seeded_urls(self, rule) -> list[str]:
        names = sorted(rule.arguments)
        options = [
            support.seeded_ids(name)[:URLS_PER_ENDPOINT]
            if isinstance(rule._converters[name], IntegerConverter)
            else ["x"]
            for name in names
        ]
        combos = [dict(zip(names, values, strict=True)) for values in product(*options)]
        return [self.adapter.build(rule.endpoint, values) for values in combos][:URLS_PER_ENDPOINT]


def _swap_ready_but_not_submitted() -> None:
    """王芳 and 陈军 have done every step of their swap application, the last bills marked
    paid outside the app (so no payment submitted it): it waits for ``flask swap
    submit-ready``, and no page may submit it."""
    a, _ = builders.tenant("王芳", home=builders.unit("湖滨小区", "浔阳区"))
    b, _ = builders.tenant("陈军", home=builders.unit("莲花小区", "濂溪区", lift=True))
    a_listing = builders.listing(a, districts=("濂溪区",))
    builders.listing(b, districts=("浔阳区",))
    request = swap_requests.send_request(b, a_listing, "想和您换房，方便看看吗？")
    swap_requests.accept_request(request, a)
    application = swap_applications.start_application(a, request)
    for user in (a, b):
        swap_application_steps.save_reason(
            application, user, "work", "在对方小区附近上班，通勤太远。"
        )
        swap_application_steps.add_proof(application, user, builders.jpeg())
        swap_application_steps.sign(application, user, PASSWORD)
        builders.mark_paid(swap_application_steps.issue_prepayment(application, user))


def _payment_left_open_past_its_deadline(tenant_phone: str) -> None:
    """A pending rent payment whose deadline has passed: its page and its poll show it
    expired, and only a POST or ``rent mark-overdue`` closes it."""
    from app.auth.models import User
    from app.housing.models import Lease
    from app.rent.billing import Period
    from app.rent.models import Bill
    from app.rent.online_payments import start_online_payment
    from tests.rent.builders import add_bill

    tenant = db.session.scalar(select(User).where(User.phone == tenant_phone))
    lease = db.session.scalar(select(Lease).where(Lease.tenant_id == tenant.id))
    bill = db.session.scalar(  # the oldest unpaid bill: a payment starts there
        select(Bill)
        .where(Bill.lease_id == lease.id, Bill.status == BillStatus.UNPAID)
        .order_by(Bill.period)
        .limit(1)
    )
    if bill is None:
        billed = set(db.session.scalars(select(Bill.period).where(Bill.lease_id == lease.id)))
        end = lease.current_term.end_date
        month = next(  # a month of the term no seed bill has
            p
            for p in (Period.of(end - timedelta(days=30 * n)) for n in range(1, 36))
            if str(p) not in billed
        )
        bill = add_bill(lease, month)
    payment = start_online_payment(tenant, [bill.id], "e" * 32)
    payment.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_no_get_route_writes_to_the_database(app, monkeypatch) -> None:
    monkeypatch.setattr(limiter, "enabled", False)  # every client is 127.0.0.1
    actors = support.build_world(app)
    _swap_ready_but_not_submitted()
    _payment_left_open_past_its_deadline(next(a.phone for a in actors if a.name == "tenant"))
    walk = Walk(app, actors)
    walk.run()
    walk.snapshot.close()

    line = f"GET writes: {len(walk.rules)} routes × {len(actors)} roles, {walk.requests} requests"
    missed = [
        (actor.name, endpoint)
        for actor in actors
        for endpoint in walk.rules
        if not walk.done[(actor.name, endpoint)]
    ]
    assert not missed, f"{line}; not requested: {missed}"
    assert {actor.name for actor in actors} >= {"signed_out", "resident", *STAFF}
    assert not walk.writes, "\n".join([f"{line}; GETs that wrote:", *map(str, walk.writes)])
