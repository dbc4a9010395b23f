"""A property-based sweep of every route: hostile values in every parameter, as every role.

What to drive is found, not listed: the routes from ``app.url_map``; real URL values from
the links and forms on the pages each role sees; the parameter names from those forms,
from the fields of the FlaskForm classes each view uses, and from what each view actually
looks up in ``request.args`` / ``.form`` / ``.files`` (recorded while the sweep runs, so a
key that a view reads only after another one is set is fuzzed from then on).

Every response is checked: never a server error, and a refusal (4xx) leaves the database
as it was. All findings of a run are collected and reported together at the end.

``SWEEP_EXAMPLES`` (default 8) sets the Hypothesis examples per route and method, e.g.
``SWEEP_EXAMPLES=200 pytest tests/test_sweep.py`` for a nightly run. The summary is
printed and written to /tmp/anju-sweep-summary.txt.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.extensions import db, limiter
from tests import sweep_support as support
from tests.conftest import SUMMARY_LINES
from tests.sweep_support import Actor, Upload

EXAMPLES = int(os.environ.get("SWEEP_EXAMPLES", "8"))
SUMMARY_FILE = "/tmp/anju-sweep-summary.txt"  # noqa: S108 (a report for people, not a secret)

# Endpoints not driven, each with why.
SKIPPED = {
    "static": "files under app/static: no view code, only the path is matched",
    "auth.logout": "reads nothing but the CSRF token; it would sign every role out",
}
# Tables that may change on any request, refusals included; not compared.
VOLATILE = {
    "audit_events": "staff reads of resident data, failed face checks and rejected payment notifications are audited even when the request is refused",
    "sms_codes": "a wrong SMS code is refused but counted (attempts) to stop guessing",
    "face_verifications": "each failed face check is kept; FACE_MAX_FAILURES locks on them",
}
# POSTs that end something are driven last, so the other routes still find their objects.
ENDING = re.compile(r"withdraw|close|delete|cancel|restart|decline|block|refuse|approve|submit")
CRAWL_PAGES_PER_ROLE = 120
CRAWL_URLS_PER_ENDPOINT = 3


@dataclass
class Target:
    endpoint: str
    method: str
    rule: object
    keys: dict[str, str] = field(default_factory=dict)  # name → "args" / "form" / "files"
    defaults: dict[str, list[str]] = field(default_factory=dict)  # from the page's form
    reached_by: list[Actor] = field(default_factory=list)
    values: dict[str, dict] = field(default_factory=dict)  # actor → URL values
    owner: Actor | None = None  # the first role whose plain request was not a 404


@dataclass
class Finding:
    what: str
    endpoint: str
    method: str
    actor: str
    url: str
    params: dict
    detail: str
    count: int = 1


class Sweep:
    def __init__(self, app, actors: list[Actor]) -> None:
        self.app = app
        self.actors = actors
        self.tables = [t for t in db.metadata.sorted_tables if t.name not in VOLATILE]
        self.snapshot = support.Snapshot(self.tables)
        self.state = self.snapshot.take()
        self.adapter = app.url_map.bind("localhost")
        self.seen_values: dict[str, list[dict]] = defaultdict(list)
        self.seen_by_name: dict[str, list] = defaultdict(list)  # URL variable → values
        self.html_keys: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.defaults: dict[tuple[str, str], dict] = {}
        self.findings: dict[tuple, Finding] = {}
        self.requests = 0
        self.writes = 0  # requests after which the data had changed
        self.driven: set[tuple[str, str, str]] = set()  # endpoint, method, parameter
        self.routes_driven: set[str] = set()
        self.roles_driven: set[str] = set()
        views = app.view_functions
        self.form_fields = support.flask_form_fields(views)
        self.targets = self._targets()

    # -- sending, and checking every response ----------------------------------------

    def send(self, actor: Actor, method: str, url: str, args=None, form=None, endpoint="?"):
        query, _ = support.form_body(
            {k: v.filename if isinstance(v, Upload) else v for k, v in (args or {}).items()}
        )
        body, multipart = support.form_body(form or {})
        kwargs = {"query_string": MultiDict(query)}
        if method == "POST":
            kwargs["data"] = MultiDict([("csrf_token", actor.token), *body])
            kwargs["content_type"] = (
                "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
            )
        support.RECORDED = set()
        response, error = None, None
        try:
            response = actor.client.open(url, method=method, **kwargs)
            status = response.status_code
        except Exception as exception:
            db.session.rollback()
            db.session.expire_all()
            status, error = 500, exception
        finally:
            recorded, support.RECORDED = support.RECORDED, None
        self.requests += 1
        self.roles_driven.add(actor.name)
        params = {**(args or {}), **(form or {})}
        if status >= 500:
            where = support.app_frame(error) if error else "-"
            detail = (
                f"{type(error).__name__}: {' '.join(str(error).split())[:160]}"
                if error
                else f"HTTP {status}"
            )
            self._find("server error", endpoint, method, actor, url, params, (where, detail))
        after = self.snapshot.take()
        if 400 <= status < 500 and after != self.state:
            changed = sorted(t for t in after if after[t] != self.state.get(t))
            self._find(
                f"refused with {status} but changed",
                endpoint,
                method,
                actor,
                url,
                params,
                (", ".join(changed), ""),
            )
        self.writes += after != self.state
        self.state = after
        if support.session_cookie(actor) != actor.cookie:
            if support.signed_in(self.app, actor) != (actor.phone is not None):
                support.sign_in(actor)
                self.state = self.snapshot.take()
            actor.cookie = support.session_cookie(actor)
        return response, status, recorded

    def _find(self, what, endpoint, method, actor, url, params, signature) -> None:
        key = (what, endpoint, method, *signature)
        if key in self.findings:
            self.findings[key].count += 1
            return
        detail = " at ".join(reversed(signature)) if signature[1] else signature[0]
        shown = {k: support.describe(v) for k, v in params.items()}
        self.findings[key] = Finding(what, endpoint, method, actor.name, url, shown, detail)

    # -- what to drive --------------------------------------------------------------

    def _targets(self) -> list[Target]:
        targets = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint in SKIPPED:
                continue
            for method in sorted(rule.methods & {"GET", "POST"}):
                targets.append(Target(rule.endpoint, method, rule))
        targets.sort(key=lambda t: (t.method, bool(ENDING.search(t.endpoint)), t.rule.rule))
        return targets

    def crawl(self) -> None:
        """Each role follows the links of the pages it can see, from every plain GET route."""
        starts = ["/"] + [
            t.rule.rule for t in self.targets if t.method == "GET" and not t.rule.arguments
        ]
        for actor in self.actors:
            queue, visited, per_endpoint = list(starts), set(), defaultdict(int)
            while queue and len(visited) < CRAWL_PAGES_PER_ROLE:
                url = queue.pop(0)
                if url in visited:
                    continue
                visited.add(url)
                endpoint = self._match(url, "GET")
                response, status, recorded = self.send(actor, "GET", url, endpoint=endpoint)
                self._note_recorded(endpoint, "GET", recorded)
                if response is None or status != 200 or response.mimetype != "text/html":
                    if response is not None:
                        response.close()
                    continue
                parser = support.PageParser()
                parser.feed(response.get_data(as_text=True))
                response.close()
                for link in parser.links:
                    target = self._learn(urljoin(url, link), "GET", {})
                    if target and per_endpoint[target[0]] < CRAWL_URLS_PER_ENDPOINT:
                        per_endpoint[target[0]] += 1
                        queue.append(target[1])
                for action, method, fields in parser.forms:
                    self._learn(urljoin(url, action or url), method, fields)

    def _match(self, url: str, method: str) -> str:
        try:
            endpoint, _ = self.adapter.match(urlsplit(url).path, method=method)
        except HTTPException:
            return "?"
        return endpoint

    def _learn(self, url: str, method: str, fields: dict) -> tuple[str, str] | None:
        """Remember an in-app URL's values and its form's fields; the path to crawl, if any."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            return None
        try:
            endpoint, values = self.adapter.match(parts.path, method=method)
        except HTTPException:
            return None
        if values and values not in self.seen_values[endpoint]:
            self.seen_values[endpoint].append(values)
            for name, value in values.items():
                if value not in self.seen_by_name[name]:
                    self.seen_by_name[name].append(value)
        for name in re.findall(r"(?:^|&)([^=&]+)=", parts.query):
            self.html_keys[(endpoint, method)].add(name)
        if fields:
            self.html_keys[(endpoint, method)].update(fields)
            fields = {k: v for k, v in fields.items() if k != "csrf_token"}
            self.defaults.setdefault((endpoint, method), fields)
        crawl = method == "GET" and endpoint not in SKIPPED and endpoint != "static"
        return (endpoint, parts.path) if crawl else None

    def _note_recorded(self, endpoint: str, method: str, recorded) -> None:
        for target in self.targets:
            if target.endpoint == endpoint and target.method == method:
                for kind, key in recorded or ():
                    if key != "csrf_token" and target.keys.get(key) != "files":
                        target.keys[key] = kind if kind == "files" else target.keys.get(key, kind)

    def _candidates(self, rule) -> list[dict]:
        """URL values to try: those seen on pages, else ids from the likely tables."""
        seen = self.seen_values.get(rule.endpoint)
        if seen:
            return seen[:4]
        values = {}
        for name in rule.arguments:
            if self.seen_by_name.get(name):  # the same variable on another route's links
                values[name] = self.seen_by_name[name][:2]
            elif isinstance(rule._converters[name], IntegerConverter):
                values[name] = support.seeded_ids(name)
            else:
                values[name] = ["x"]
        combos = [{}]
        for name, options in values.items():
            combos = [{**c, name: option} for c in combos for option in options]
        return combos[:4]

    def discover(self) -> None:
        """A first plain request per route and role: which URL values reach it, and which
        parameters the view reads."""
        for target in self.targets:
            target.defaults = self.defaults.get((target.endpoint, target.method), {})
            for name in self.html_keys.get((target.endpoint, target.method), ()):
                target.keys.setdefault(name, "args" if target.method == "GET" else "form")
            for name, kind in self.form_fields.get(target.endpoint, {}).items():
                kind = "args" if target.method == "GET" else kind
                target.keys[name] = kind if kind == "files" else target.keys.get(name, kind)
            target.keys.pop("csrf_token", None)
            candidates = self._candidates(target.rule)
            for actor in self.actors:
                for values in candidates:
                    url = self.adapter.build(target.endpoint, values)
                    response, status, recorded = self.send(
                        actor, target.method, url, endpoint=target.endpoint
                    )
                    if response is not None:
                        response.close()
                    self._note_recorded(target.endpoint, target.method, recorded)
                    target.values[actor.name] = values
                    if status != 404:
                        break
                location = response.headers.get("Location", "") if response is not None else ""
                if status not in (401, 403, 405) and "/auth/login" not in location:
                    target.reached_by.append(actor)
                    if status != 404 and target.owner is None:
                        target.owner = actor
            self.probe(target)

    def probe(self, target: Target) -> None:
        """Before the random examples, a fixed pass as the role that owns the object: an
        overflowing id in each integer URL variable, and each of ``PROBES`` in each
        parameter, so every parameter is driven with every known-bad class of input."""
        actor = target.owner or (target.reached_by or self.actors)[0]
        values = target.values.get(actor.name, {})
        for name in sorted(target.rule.arguments):
            if isinstance(target.rule._converters[name], IntegerConverter):
                url = self.adapter.build(target.endpoint, {**values, name: 2**63})
                self.drive(actor, target, url, {}, {})
        url = self.adapter.build(target.endpoint, values)
        for key in sorted(target.keys):
            probes = support.FILE_PROBES if target.keys[key] == "files" else support.PROBES
            for value in probes:
                self.drive(actor, target, url, {}, {key: value})

    # -- the property: hostile parameters, as every role ------------------------------

    def fuzz(self, target: Target) -> None:
        """Hypothesis examples for the keys known now; again for keys the views read only
        once others were set (the strategy must not change within one run)."""
        done: set[str] = set()
        for _round in range(2):
            fresh = {k: v for k, v in target.keys.items() if k not in done}
            if _round and not fresh:
                break
            self._fuzz(target, fresh, first=not _round)
            done.update(fresh)

    def _fuzz(self, target: Target, kinds: dict[str, str], *, first: bool) -> None:
        first = [first]
        others = [a for a in self.actors if a not in target.reached_by]
        keys = sorted(kinds)

        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
            phases=[Phase.generate], suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(st.data())
        def example(data) -> None:
            chosen = []
            if keys:
                size = st.integers(1, min(3, len(keys)))
                chosen = data.draw(
                    size.flatmap(lambda n: st.lists(st.sampled_from(keys), min_size=n, max_size=n, unique=True))
                )  # fmt: skip
            values = {
                key: data.draw(
                    support.file_value if kinds[key] == "files" else support.hostile_value
                )
                for key in chosen
            }
            base = dict(target.defaults) if target.defaults and data.draw(st.booleans()) else {}
            hostile_url = None
            if target.rule.arguments and data.draw(st.integers(0, 4)) == 0:
                name = data.draw(st.sampled_from(sorted(target.rule.arguments)))
                converter = target.rule._converters[name]
                if isinstance(converter, IntegerConverter):
                    hostile_url = (name, data.draw(st.sampled_from(support.HOSTILE_INT_PATH)))
                else:
                    text = support.hostile_text.filter(lambda s: s.strip() and "/" not in s)
                    hostile_url = (name, data.draw(text))
            actors = target.reached_by + (others if first[0] else [])
            first[0] = False
            for actor in actors:
                url_values = dict(target.values.get(actor.name, {}))
                if hostile_url:
                    url_values[hostile_url[0]] = hostile_url[1]
                url = self.adapter.build(target.endpoint, url_values)
                self.drive(actor, target, url, base, values)

        example()

    def drive(self, actor, target, url, base, values) -> None:
        args, form = {}, {}
        for key, value in {**base, **values}.items():
            kind = target.keys.get(key, "form")
            (args if target.method == "GET" or kind == "args" else form)[key] = value
        response, _status, recorded = self.send(
            actor, target.method, url, args, form, endpoint=target.endpoint
        )
        if response is not None:
            response.close()
        self._note_recorded(target.endpoint, target.method, recorded)
        self.routes_driven.add(target.rule.rule)
        for key in values:
            self.driven.add((target.endpoint, target.method, key))

    def summary(self, seconds: float) -> str:
        errors = [f for f in self.findings.values() if f.what == "server error"]
        refusals = [f for f in self.findings.values() if f.what != "server error"]
        known = {(t.endpoint, t.method, k) for t in self.targets for k in t.keys}
        rules = {r.rule for r in self.app.url_map.iter_rules() if r.endpoint not in SKIPPED}
        return (
            f"sweep: {len(self.routes_driven)}/{len(rules)} routes × "
            f"{len(self.driven)}/{len(known)} parameters × {len(self.roles_driven)} roles, "
            f"{self.requests:,} requests ({self.writes:,} changed data) in {seconds:.0f} s; "
            f"{len(errors)} server errors (route, method, place), "
            f"{len(refusals)} refusals that changed data"
        )

    def report(self, seconds: float) -> str:
        lines = [self.summary(seconds)]
        by_place = defaultdict(list)
        for finding in self.findings.values():
            by_place[(finding.what, finding.detail)].append(finding)
        for (what, detail), findings in sorted(by_place.items()):
            lines.append(f"{what}: {detail} — {len(findings)} route(s):")
            for f in sorted(findings, key=lambda f: (f.endpoint, f.method)):
                lines.append(
                    f"    {f.method} {f.endpoint} as {f.actor} ({f.count}×): {f.url} {f.params}"
                )
        return "\n".join(lines)


def test_every_route_and_parameter_survives_hostile_values(app, monkeypatch):
    started = time.monotonic()
    # The sweep drives the views, not the rate limiter (every client is 127.0.0.1).
    monkeypatch.setattr(limiter, "enabled", False)
    app.request_class = support.recording_request_class(app.request_class)
    sweep = Sweep(app, support.build_world(app))
    sweep.crawl()
    sweep.discover()
    for target in sweep.targets:
        sweep.fuzz(target)
    sweep.snapshot.close()
    report = sweep.report(time.monotonic() - started)
    print("\n" + report)
    SUMMARY_LINES.append(report.splitlines()[0])
    with open(SUMMARY_FILE, "w", encoding="utf-8") as out:
        out.write(report + "\n")

    # The sweep must not silently cover nothing.
    line = report.splitlines()[0]
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED}
    known = {(t.endpoint, t.method, k) for t in sweep.targets for k in t.keys}
    assert len(sweep.routes_driven) >= 0.8 * len(rules), line
    assert len(sweep.driven) >= max(100, 0.8 * len(known)), line
    assert len(sweep.roles_driven) == len(sweep.actors) == 9, line
    assert sweep.writes > 0, "the snapshot never saw a change: it is not reading the data"
    assert not sweep.findings, report
