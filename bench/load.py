"""Load benchmark: gunicorn with the production settings, a scaled database, and wrk.

1. Prepares the database: ``flask db upgrade`` and ``flask seed-demo --scale N`` (SQLite
   file under /tmp by default, kept for the next run; the database in ``DATABASE_URL``
   when set). Seeding is idempotent, so a second run only checks.
2. Starts gunicorn (``gunicorn.conf.py``: several workers, ``ANJU_ENV=production``) on
   loopback, signs in residents and staff over HTTP, and checks every page answers them.
3. In three rounds over all pages, for each page a warm-up then a measured wrk run with 20
   connections, bounded by time and by a request budget; each request carries one signed-in
   user's own cookie (and, for autosave, CSRF token and form). ``/healthz`` in the same run
   is the stack's ceiling. A page's figures are those of its median round (this shared
   2-core machine varies by a third from one run to the next).
4. Prints per page p50/p95/p99, requests per second, errors, response size and the ratio
   to the ceiling, the peak RSS of the workers, and whether each budget holds; writes the
   same as JSON. Exits 1 when the run could not be done, and, with ``--strict``, when a
   budget is missed.

Run ``make bench`` (or ``python bench/load.py --help``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_pages.lua"
BENCH_SECRET = "anju-bench-only-not-secret"  # noqa: S105 - the bench database's own key
PASSWORD = "Anju2026"  # noqa: S105 - the documented demo password (app.demo.DEMO_PASSWORD)
RESIDENT_P95_MS = 100.0
STAFF_P95_MS = 300.0
MIN_THROUGHPUT_RATIO = 0.25
ACCEPT_ENCODING = "br, gzip"
USER_AGENT = "anju-bench (Android; phone)"


# -- pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of the run: which users request it, how, and its p95 budget."""

    key: str
    label: str
    path: str
    users: str | None  # a key of USER_QUERIES; None: signed out
    p95_budget_ms: float | None  # None: the ceiling itself
    method: str = "GET"
    htmx: bool = False
    marker: str | None = None  # text every response must contain
    variants: tuple[str, ...] = ("",)  # query strings the users rotate through
    # How many users take turns; a page that saves needs enough of them that one user's
    # requests never overlap (a phone's autosaves are sequential: hx-sync).
    user_count: int = 20


PAGES = [
    Page("healthz", "最小端点（上限）", "/healthz", None, None),
    Page("home", "首页", "/", "tenant", RESIDENT_P95_MS),
    Page("apply_step", "申请·家庭成员", "/apply/members", "draft", RESIDENT_P95_MS),
    Page(
        "autosave",
        "申请·自动暂存",
        "/apply/members/autosave",
        "draft",
        RESIDENT_P95_MS,
        method="POST",
        htmx=True,
        marker="已自动保存",
        user_count=200,
    ),
    Page("eligibility", "自评结果", "/eligibility/result", "assessed", RESIDENT_P95_MS),
    Page(
        "swap_search",
        "互换搜索",
        "/swap/",
        "tenant",
        RESIDENT_P95_MS,
        htmx=True,
        variants=(
            "?q=学校",
            "?q=电梯房&layout=2",
            "?district=2&sort=area",
            "?q=医院&lift=1",
            "?page=5",
            "?q=两室一厅&floor=low",
        ),
    ),
    Page("swap_match", "互相匹配", "/swap/matches", "lister", STAFF_P95_MS),
    Page("rent", "租金", "/rent/", "tenant", RESIDENT_P95_MS),
    Page("messages", "消息中心", "/messages/", "tenant", RESIDENT_P95_MS),
    Page("staff_queue", "审核队列（工作人员）", "/staff/applications", "reviewer", STAFF_P95_MS),
    Page("arrears", "欠租名单（工作人员）", "/staff/rent/", "lease_manager", STAFF_P95_MS),
]

# Who requests each page: phones found in the seeded database.
USER_QUERIES = {
    "tenant": "SELECT u.phone FROM users u JOIN leases l ON l.tenant_id = u.id"
    " WHERE l.status = 'active' AND u.role = 'resident'",
    "lister": "SELECT u.phone FROM users u JOIN swap_listings s ON s.tenant_id = u.id"
    " WHERE s.status = 'active' AND u.role = 'resident'",
    "draft": "SELECT u.phone FROM users u JOIN applications a ON a.applicant_id = u.id"
    " WHERE a.status = 'draft' AND a.region_confirmed_at IS NOT NULL AND u.role = 'resident'",
    "assessed": "SELECT u.phone FROM users u JOIN eligibility_answers e ON e.user_id = u.id"
    " WHERE u.role = 'resident'",
    "reviewer": "SELECT phone FROM users"
    " WHERE role IN ('street_reviewer', 'district_reviewer', 'city_reviewer')",
    "lease_manager": "SELECT phone FROM users WHERE role = 'lease_manager'",
}


# -- a small HTTP client with a cookie jar (the session cookie is Secure in production,
# -- which a standard cookie jar would not send over plain-HTTP loopback) ---------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Visitor:
    """One browser: keeps its cookies, like a phone signed in to the app."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Reply:
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body and body.encode(), headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a keep-alive connection after a couple of idle seconds
            self.connection.close()
            self.connection.request(method, path, body=body and body.encode(), headers=sent)
            response = self.connection.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return reply

    def sign_in(self, phone: str) -> None:
        page = self.request("GET", "/auth/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if token is None:
            raise BenchError("登录页没有 CSRF 令牌")
        form = {"csrf_token": token.group(1), "phone": phone, "password": PASSWORD}
        reply = self.request("POST", "/auth/login", urlencode(form))
        if reply.status != 303:
            raise BenchError(f"{phone} 登录失败（HTTP {reply.status}）")


class FormFields(HTMLParser):
    """The fields a browser would submit from one form (inputs, selects, textareas)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


class BenchError(Exception):
    """Something the bench could not do; the message says what."""


# -- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": BENCH_SECRET, **extra}
    env.pop("PII_KEY", None)  # derived from SECRET_KEY, for seeding and serving alike
    return env


def prepare_database(database_url: str, scale: int) -> None:
    """Migrate and seed with the real commands (idempotent: a second run only checks)."""
    env = app_env(database_url, ANJU_ENV="development")
    flask = str(BIN / "flask")
    commands = [
        ["db", "upgrade"],
        ["seed-demo", "--scale", str(scale)],
        # a database seeded before 互相匹配 kept its matches as data
        ["swap", "rebuild-matches", "--if-empty"],
    ]
    for command in commands:
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own venv's flask, fixed arguments
            [flask, "--app", "app", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BenchError(f"flask {' '.join(command)} 失败：\n{done.stdout}{done.stderr}")
        last = (done.stdout.strip().splitlines() or [""])[-1]
        print(f"  flask {' '.join(command)}: {time.perf_counter() - started:.0f} s  {last}")


class Server:
    """gunicorn with gunicorn.conf.py and the production config, on a loopback port."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        env = app_env(
            database_url,
            ANJU_ENV="production",
            BIND=f"127.0.0.1:{self.port}",
            # every simulated user signs in from 127.0.0.1
            LOGIN_RATE_LIMIT="100000 per hour",
            # the benchmark measures pages, not a shared limit store
            RATELIMIT_ALLOW_MEMORY="1",
        )
        self.log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn 退出了，见 {self.log_path}")
            try:
                if Visitor(self.port).request("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise BenchError(f"gunicorn {seconds:.0f} 秒内没有就绪，见 {self.log_path}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class MemorySampler(threading.Thread):
    """Reads each worker's memory from /proc while the load runs: the peak resident set
    (VmHWM, which with SQLite's memory map includes database pages shared through the
    OS page cache) and the peak of its private memory (RssAnon, sampled)."""

    def __init__(self, server: Server, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.peak_kib: dict[int, int] = {}
        self.private_kib: dict[int, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            for pid in self.server.worker_pids():
                status = _proc_status(pid)
                for peaks, name in ((self.peak_kib, "VmHWM"), (self.private_kib, "RssAnon")):
                    if name in status:
                        peaks[pid] = max(peaks.get(pid, 0), status[name])

    def summary(self) -> dict:
        peaks = sorted(self.peak_kib.values())
        private = sorted(self.private_kib.values())
        if not peaks:
            return {"workers_seen": 0}
        return {
            "workers_seen": len(peaks),
            "peak_rss_mib_max": round(peaks[-1] / 1024, 1),
            "peak_rss_mib_median": round(statistics.median(peaks) / 1024, 1),
            "peak_private_mib_max": round(private[-1] / 1024, 1) if private else None,
        }


def _proc_status(pid: int) -> dict[str, int]:
    """The kB figures of /proc/PID/status (empty once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {name: int(kib) for name, kib in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}


# -- users ------------------------------------------------------------------------------


def find_phones(database_url: str, pages: list[Page], scale: float) -> dict[str, list[str]]:
    """A fixed random sample of each group's phones, as many as its pages need."""
    from sqlalchemy import create_engine, text

    wanted: dict[str, int] = {}
    for page in pages:
        if page.users:
            count = max(1, round(page.user_count * scale))
            wanted[page.users] = max(wanted.get(page.users, 0), count)
    engine = create_engine(_sqlalchemy_url(database_url))
    rng = random.Random(2026)
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for group, limit in wanted.items():
            phones = sorted({row[0] for row in connection.execute(text(USER_QUERIES[group]))})
            found[group] = rng.sample(phones, min(limit, len(phones)))
    engine.dispose()
    return found


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


@dataclass
class Prepared:
    """A page's requests, one per user (and query), ready for wrk; and what they weigh."""

    page: Page
    lines: list[str] = field(default_factory=list)
    users: int = 0
    html_bytes: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def prepare_page(page: Page, visitors: list[Visitor], port: int) -> Prepared:
    """Request the page once as each user (a real first visit), keep the users it answers
    with 200, and write down the exact request wrk will repeat for them."""
    prepared = Prepared(page)
    signed_out = page.users is None
    for visitor in [Visitor(port)] if signed_out else visitors:
        build = _autosave_request if page.method == "POST" else _get_request
        for variant in page.variants:
            try:
                method, path, body, headers = build(page, variant, visitor)
                reply = visitor.request(method, path, body, headers)
            except (BenchError, OSError) as problem:
                prepared.problems.append(str(problem))
                continue
            if reply.status != 200 or (page.marker and page.marker not in reply.text):
                prepared.problems.append(f"{path}: HTTP {reply.status}")
                continue
            prepared.html_bytes.append(len(reply.body))
            if not signed_out:
                headers = {**headers, "Cookie": visitor.cookie_header()}
            prepared.lines.append(_line(method, path, body, headers))
        prepared.users += 1
    return prepared


def _base_headers(page: Page) -> dict[str, str]:
    headers = {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": USER_AGENT}
    if page.htmx:
        headers["HX-Request"] = "true"
    return headers


def _get_request(page: Page, variant: str, _visitor: Visitor):
    return "GET", quote(page.path + variant, safe="/?=&"), None, _base_headers(page)


def _autosave_request(page: Page, _variant: str, visitor: Visitor):
    """What the members page's autosave sends: the whole applicant form (with the draft
    stamp it carries: version and page-editor id), and the CSRF token in the htmx header."""
    html = visitor.request("GET", "/apply/members").text
    fields = form_fields(html, "applicant-form")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    if not fields or token is None or "version" not in dict(fields):
        raise BenchError("家庭成员页没有申请人表单")
    headers = {**_base_headers(page), "X-CSRFToken": token.group(1)}
    return "POST", page.path, urlencode(fields), headers


def _line(method: str, path: str, body: str | None, headers: dict[str, str]) -> str:
    if body is not None:
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    parts = [method, path, body or "", *(f"{name}: {value}" for name, value in headers.items())]
    if any("\t" in part or "\n" in part for part in parts):
        raise BenchError(f"{path}: 请求中含制表符或换行")
    return "\t".join(parts)


# -- wrk --------------------------------------------------------------------------------


def run_wrk(port: int, prepared: Prepared, seconds: float, connections: int, budget: int) -> dict:
    threads = 2
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as requests_file:
        requests_file.write("\n".join(prepared.lines) + "\n")
    expected = [requests_file.name, str(budget // threads), "200", str(threads)]
    if prepared.page.marker:
        expected.append(prepared.page.marker)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        *expected,
    ]
    try:
        done = subprocess.run(  # noqa: S603 - wrk with arguments built here
            command, capture_output=True, text=True, errors="replace", timeout=seconds + 60
        )
    finally:
        os.unlink(requests_file.name)
    result = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if done.returncode != 0 or result is None:
        raise BenchError(f"wrk 失败：{done.stdout}{done.stderr}")
    return json.loads(result.removeprefix("RESULT "))


@dataclass
class Measured:
    key: str
    label: str
    path: str
    p95_budget_ms: float | None
    users: int = 0
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    bytes_per_response: int = 0
    html_bytes: int = 0
    ratio: float = 0.0
    problems: list[str] = field(default_factory=list)

    def missed(self) -> list[str]:
        missed = list(self.problems)
        if self.errors:
            missed.append(f"{self.errors} 个错误")
        if self.p95_budget_ms is not None:
            if self.p95_ms >= self.p95_budget_ms:
                missed.append(f"p95 {self.p95_ms:.0f} ms ≥ {self.p95_budget_ms:.0f} ms")
            if self.ratio < MIN_THROUGHPUT_RATIO:
                missed.append(f"吞吐比 {self.ratio:.0%} < {MIN_THROUGHPUT_RATIO:.0%}")
        return missed


def measure(port: int, prepared: Prepared, args: argparse.Namespace) -> Measured:
    page = prepared.page
    if not prepared.lines:
        problems = prepared.problems[:3] or ["没有可用的用户"]
        return Measured(
            key=page.key,
            label=page.label,
            path=page.path,
            p95_budget_ms=page.p95_budget_ms,
            errors=1,  # a page nobody could load counts as failed, never as fast
            problems=problems,
        )
    run_wrk(port, prepared, args.warmup, args.connections, args.max_requests)
    raw = run_wrk(port, prepared, args.duration, args.connections, args.max_requests)
    errors = raw["bad"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    problems = [f"错误响应示例：{raw['bad_sample'][:160]}"] if raw["bad"] else []
    return Measured(
        key=page.key,
        label=page.label,
        path=page.path,
        users=prepared.users,
        requests=raw["requests"],
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=errors,
        bytes_per_response=raw["bytes"] // max(raw["requests"], 1),
        html_bytes=int(statistics.median(prepared.html_bytes)),
        p95_budget_ms=page.p95_budget_ms,
        problems=problems,
    )


# -- report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = model.group(1) if model else cpu
        memory = re.search(r"^MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(), re.M)
        memory_gib = round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None
    except OSError:
        memory_gib = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def print_table(results: list[Measured]) -> None:
    header = (
        f"{'页面':<14}{'p50':>7}{'p95':>7}{'p99':>7}{'请求/秒':>9}{'错误':>5}"
        f"{'传输/次':>9}{'吞吐比':>7}  预算"
    )
    print(header)
    for result in results:
        budget = "上限" if result.p95_budget_ms is None else f"p95<{result.p95_budget_ms:.0f}ms"
        verdict = "" if result.p95_budget_ms is None else ("✓" if not result.missed() else "✗")
        print(
            f"{_pad(result.label, 14)}{result.p50_ms:7.1f}{result.p95_ms:7.1f}{result.p99_ms:7.1f}"
            f"{result.rps:9.0f}{result.errors:5d}{result.bytes_per_response / 1024:8.1f}K"
            f"{result.ratio:7.0%}  {budget} {verdict}"
        )
        for problem in result.missed():
            print(f"{'':14}✗ {problem}")


def _pad(text: str, width: int) -> str:
    """Left-justify allowing for CJK characters taking two columns."""
    shown = sum(2 if ord(character) > 0x2E80 else 1 for character in text)
    return text + " " * max(width - shown, 1)


# -- main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("需要 wrk：运行 `bash scripts/ensure-wrk.sh`（make bench 会自动安装）")
        return 2
    database_url = args.database_url or (
        f"sqlite:///{Path(tempfile.gettempdir()) / f'anju-bench-scale{args.scale}.sqlite3'}"
    )
    if args.rebuild:
        if not database_url.startswith("sqlite:///"):
            print("--rebuild 只用于 SQLite 文件；PostgreSQL 请自行清空数据库")
            return 2
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    started = time.perf_counter()
    dialect = "PostgreSQL" if "postgres" in database_url else "SQLite"
    print(f"数据库（{dialect}，规模 {args.scale}）：")
    prepare_database(database_url, args.scale)
    server = Server(database_url, Path(tempfile.gettempdir()) / "anju-bench-gunicorn.log")
    sampler = MemorySampler(server)
    try:
        server.wait_until_up()
        results = run_pages(server, database_url, args, sampler)
        workers = len(server.worker_pids())
    except BenchError as problem:
        print(f"基准没有完成：{problem}")
        return 1
    finally:
        sampler.stopping.set()
        server.stop()
    memory = sampler.summary()
    print_table(results)
    print(
        f"内存：工作进程峰值 RSS 最大 {memory.get('peak_rss_mib_max', 0)} MiB，"
        f"中位 {memory.get('peak_rss_mib_median', 0)} MiB；"
        f"其中私有内存峰值 {memory.get('peak_private_mib_max', 0)} MiB"
        f"（共见到 {memory['workers_seen']} 个工作进程）"
    )
    failed = [result for result in results if result.p95_budget_ms is not None and result.missed()]
    if failed:
        print(f"{len(failed)} 个页面未达标：{'、'.join(result.label for result in failed)}")
    else:
        print("全部预算达标")
    report = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": dialect,
        "scale": args.scale,
        "gunicorn_workers": workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "budgets": {
            "resident_p95_ms": RESIDENT_P95_MS,
            "staff_and_match_p95_ms": STAFF_P95_MS,
            "min_throughput_ratio": MIN_THROUGHPUT_RATIO,
        },
        "pages": [asdict(result) | {"missed": result.missed()} for result in results],
        "memory": memory,
        "all_budgets_hold": not failed,
        "seconds": round(time.perf_counter() - started),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"结果已写入 {args.json}（用时 {report['seconds']} 秒）")
    return 1 if failed and args.strict else 0


def run_pages(
    server: Server, database_url: str, args: argparse.Namespace, sampler: MemorySampler
) -> list[Measured]:
    pages = [page for page in PAGES if page.key in args.pages]
    phones = find_phones(database_url, pages, args.users_scale)
    visitors: dict[str, Visitor] = {}
    signed_in = _sign_in_all(server.port, phones, visitors)
    print(
        f"gunicorn {len(server.worker_pids())} 个工作进程（端口 {server.port}）；"
        f"已登录 {signed_in} 个用户；{args.connections} 个并发连接；"
        f"{args.rounds} 轮，每轮每页预热 {args.warmup:g} 秒、测 {args.duration:g} 秒"
    )
    prepared = []
    for page in pages:
        group = phones.get(page.users or "", [])
        count = max(1, round(page.user_count * args.users_scale))
        prepared.append(prepare_page(page, [visitors[p] for p in group[:count]], server.port))
    sampler.start()
    rounds: list[list[Measured]] = [[] for _ in prepared]
    for number in range(1, args.rounds + 1):
        print(f"第 {number} 轮：")
        for item, measured in zip(prepared, rounds, strict=True):
            result = measure(server.port, item, args)
            measured.append(result)
            print(
                f"  {_pad(result.label, 22)} {result.rps:6.0f} 请求/秒  p95 {result.p95_ms:6.1f} ms"
            )
    results = [_median_round(measured) for measured in rounds]
    ceiling = results[0].rps or 1.0
    for result in results:
        result.ratio = result.rps / ceiling
    return results


def _median_round(measured: list[Measured]) -> Measured:
    """The round with the median throughput stands for the page (its latencies with it, so
    the figures stay one consistent run); errors are those of every round together."""
    chosen = sorted(measured, key=lambda result: result.rps)[(len(measured) - 1) // 2]
    chosen.errors = sum(result.errors for result in measured)
    chosen.problems = [problem for result in measured for problem in result.problems]
    return chosen


def _sign_in_all(port: int, phones: dict[str, list[str]], visitors: dict[str, Visitor]) -> int:
    for phone in sorted({phone for group in phones.values() for phone in group}):
        visitor = Visitor(port)
        visitor.sign_in(phone)
        visitors[phone] = visitor
    return len(visitors)


def positive(kind: Callable[[str], float | int], upper: float) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"应为数字：{text!r}") from None
        if not 0 < value <= upper:
            raise argparse.ArgumentTypeError(f"应大于 0 且不超过 {upper:g}：{text}")
        return value

    return parse


def _page_keys(text: str) -> list[str]:
    keys = [key.strip() for key in text.split(",") if key.strip()]
    unknown = sorted(set(keys) - {page.key for page in PAGES})
    if unknown or not keys:
        shown = "、".join(unknown) or repr(text)
        raise argparse.ArgumentTypeError(
            f"没有这些页面：{shown}（可选：{'、'.join(p.key for p in PAGES[1:])}）"
        )
    return ["healthz", *keys]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Anju 负载基准（gunicorn + wrk）")
    parser.add_argument(
        "--scale", type=positive(int, 100), default=10, help="数据规模 N（默认 10）"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="数据库（默认 DATABASE_URL，否则 /tmp 下的 SQLite 文件）",
    )
    parser.add_argument("--rebuild", action="store_true", help="删除 SQLite 基准库后重建")
    parser.add_argument(
        "--strict", action="store_true", help="有页面未达预算时以状态 1 退出（默认只报告）"
    )
    parser.add_argument(
        "--duration", type=positive(float, 600), default=5, help="每轮每页测量秒数（默认 5）"
    )
    parser.add_argument(
        "--rounds",
        type=positive(int, 20),
        default=3,
        help="轮数：各页轮流测，每页取吞吐居中的一轮（默认 3）",
    )
    parser.add_argument(
        "--warmup", type=positive(float, 60), default=1, help="每轮每页预热秒数（默认 1）"
    )
    parser.add_argument(
        "--connections", type=positive(int, 200), default=20, help="并发用户数（默认 20）"
    )
    parser.add_argument(
        "--max-requests",
        type=positive(int, 10_000_000),
        default=40_000,
        help="每页最多请求数（默认 40000）",
    )
    parser.add_argument(
        "--users-scale",
        type=positive(float, 10),
        default=1.0,
        help="登录用户数的倍数（默认 1：每页 20 人，自动暂存 200 人）",
    )
    parser.add_argument(
        "--pages",
        type=_page_keys,
        default=[page.key for page in PAGES],
        help="只测这些页面，逗号分隔（最小端点总会测）：" + ",".join(p.key for p in PAGES[1:]),
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "bench" / "results" / "load.json",
        help="JSON 结果文件（默认 bench/results/load.json）",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
