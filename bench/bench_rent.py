"""Benchmark rent pages on 1,000,000 bills: 10 years x ~8,300 leases in a SQLite file.

Builds the database once under /tmp with bulk inserts (kept for the next run; ``--rebuild``
to start again), then measures through the Flask test client, signed in:

* the tenant's 租金 page (``/rent/``), p95 target 50 ms;
* the staff arrears list (``/staff/rent/``, every sort, first pages), p95 target 300 ms.

Run ``python bench/bench_rent.py``; exits 1 if a p95 is over its target.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from app import create_app
from app.core.clock import today_in_china
from app.extensions import db
from app.rent.billing import Period
from app.rent.staff_services import ARREARS_SORTS

TENANT_P95_MS = 50.0
ARREARS_P95_MS = 300.0
PASSWORD = "Bench2026pw"  # noqa: S105 - a throwaway benchmark account
MONTHS = 120
UNITS_PER_BUILDING = 100
DEFAULT_DB = Path(tempfile.gettempdir()) / "anju-bench-rent.sqlite3"


def build(path: Path, leases: int, seed: int) -> None:
    """Schema from the models, then rows by executemany with journaling off."""
    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    rng = random.Random(seed)
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    now = datetime.now().isoformat(sep=" ")  # created_at filler
    password_hash = generate_password_hash(PASSWORD)
    _housing(connection, leases, now)
    connection.executemany(
        "INSERT INTO users (id, phone, password_hash, role, real_name, elder_mode,"
        " session_version, created_at) VALUES (?, ?, ?, ?, ?, 0, 1, ?)",
        [(i, f"139{i:08d}", password_hash, "resident", "王小明", now) for i in range(1, leases + 1)]
        + [(leases + 1, "13700000000", password_hash, "lease_manager", None, now)],
    )
    this_period = Period.of(today_in_china())
    first = this_period
    for _ in range(MONTHS - 1):
        first = first.previous()
    start = first.first_day
    connection.executemany(
        "INSERT INTO leases (id, contract_number, unit_id, tenant_id, guarantee_type, status,"
        " version, created_at) VALUES (?, ?, ?, ?, ?, 'active', 1, ?)",
        [
            (i, f"JJ-BENCH-{i:06d}", i, i, "lianzu" if i % 10 == 0 else "gongzu", now)
            for i in range(1, leases + 1)
        ],
    )
    connection.executemany(
        "INSERT INTO lease_terms (lease_id, start_date, end_date, monthly_rent_fen,"
        " property_fee_fen, monthly_subsidy_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                start.isoformat(),
                (start + timedelta(days=365 * 11)).isoformat(),
                60_000 + 100 * (i % 50),
                8_000,
                30_000 if i % 10 == 0 else 0,
                now,
            )
            for i in range(1, leases + 1)
        ],
    )
    periods = [first]
    while periods[-1] < this_period:
        periods.append(periods[-1].next())
    today = today_in_china()
    rows = []
    total = 0
    for lease_id in range(1, leases + 1):
        owed = rng.choice([1, 2, 3, 4, 6, 8]) if rng.random() < 0.03 else 0
        for index, period in enumerate(periods):
            due = period.due_date(15)
            unpaid = index >= len(periods) - owed or (period == this_period and rng.random() < 0.4)
            paid_at = None if unpaid else f"{due - timedelta(days=3)} 02:00:00.000000"
            amount = 60_000 + 100 * (lease_id % 50) + 8_000
            rows.append(
                (
                    lease_id,
                    str(period),
                    due.isoformat(),
                    amount - 8_000,
                    8_000,
                    0,
                    amount,
                    "unpaid" if unpaid else "paid",
                    0,
                    paid_at,
                    now,
                )
            )
        if len(rows) >= 100_000:
            total += _insert_bills(connection, rows)
            rows = []
    total += _insert_bills(connection, rows)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    assert today  # bills are relative to today in China
    print(f"built {total:,} bills for {leases:,} leases in {time.perf_counter() - started:.1f} s")


def _insert_bills(connection: sqlite3.Connection, rows: list[tuple]) -> int:
    connection.executemany(
        "INSERT INTO rent_bills (lease_id, period, due_date, rent_fen, property_fee_fen,"
        " subsidy_fen, amount_due_fen, status, late_fee_paid_fen, paid_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _housing(connection: sqlite3.Connection, leases: int, now: str) -> None:
    connection.execute("INSERT INTO districts (id, code, name) VALUES (1, '360403', '浔阳区')")
    connection.execute(
        "INSERT INTO streets (id, code, name, district_id) VALUES (1, '360403001', '甘棠街道', 1)"
    )
    connection.execute(
        "INSERT INTO communities (id, name, address, street_id) VALUES (1, '基准小区', '测试路1号', 1)"
    )
    buildings = (leases + UNITS_PER_BUILDING - 1) // UNITS_PER_BUILDING
    connection.executemany(
        "INSERT INTO buildings (id, community_id, name, floors, has_lift) VALUES (?, 1, ?, 20, 1)",
        [(b, f"{b}栋") for b in range(1, buildings + 1)],
    )
    connection.executemany(
        "INSERT INTO units (id, building_id, number, floor, area_m2, bedrooms, living_rooms,"
        " bathrooms, orientation) VALUES (?, ?, ?, ?, 50.00, 2, 1, 1, '南')",
        [
            (
                i,
                (i - 1) // UNITS_PER_BUILDING + 1,
                f"{(i - 1) % UNITS_PER_BUILDING + 101}",
                (i - 1) % 20 + 1,
            )
            for i in range(1, leases + 1)
        ],
    )


def bill_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT count(*) FROM rent_bills").fetchone()[0]
    except sqlite3.Error:
        return 0


def signed_in(app, phone: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def p95_ms(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] * 1000


def timed_get(client: FlaskClient, path: str, expect: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and expect in response.get_data(as_text=True), path
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leases", type=int, default=8_334, help="leases (x 120 months)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--requests", type=int, default=300, help="tenant page requests")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    if args.rebuild or bill_count(args.db) != args.leases * MONTHS:
        build(args.db, args.leases, args.seed)
    print(f"rent: {bill_count(args.db):,} bills in {args.db}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.db}",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    rng = random.Random(args.seed)
    tenants = [signed_in(app, f"139{rng.randint(1, args.leases):08d}") for _ in range(10)]
    staff = signed_in(app, "13700000000")
    for client in tenants:  # warm up: templates compiled, caches filled
        timed_get(client, "/rent/", "缴费状态")
    tenant_times = [
        timed_get(tenants[i % len(tenants)], "/rent/", "缴费状态") for i in range(args.requests)
    ]
    arrears_paths = [
        f"/staff/rent/?sort={sort}&page={page}" for sort in ARREARS_SORTS for page in (1, 2, 5)
    ]
    timed_get(staff, arrears_paths[0], "欠租租户")
    arrears_times = [
        timed_get(staff, arrears_paths[i % len(arrears_paths)], "欠租租户") for i in range(60)
    ]
    tenant_p95, arrears_p95 = p95_ms(tenant_times), p95_ms(arrears_times)
    print(
        f"rent page: p95 {tenant_p95:.1f} ms, median {statistics.median(tenant_times) * 1000:.1f} ms"
        f" (target p95 < {TENANT_P95_MS:.0f} ms)"
    )
    print(
        f"arrears list: p95 {arrears_p95:.1f} ms,"
        f" median {statistics.median(arrears_times) * 1000:.1f} ms"
        f" (target p95 < {ARREARS_P95_MS:.0f} ms)"
    )
    return 0 if tenant_p95 < TENANT_P95_MS and arrears_p95 < ARREARS_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
