"""Benchmark the swap board and 互相匹配 in a SQLite file (or a PostgreSQL database).

Builds the database once (kept under /tmp for the next run; ``--rebuild`` to start again)
with bulk inserts: 50,000 tenants with leases across 6 districts and 240 communities, and
their listings, wishes and photo rows. Of the 50,000 listings 2,500 are live on the board
(active, published within the last 60 days); the rest are closed, paused or past their 60
days. The stored matches (``swap_matches``) are quadratic in the listings on the board; the
bulk insert bypasses the session hook that keeps them, so ``match_store.rebuild_all()``
writes them afterwards (rows and seconds printed). Then measures through the Flask test
client:

* the filtered board (``/swap/``: filters, keywords, sorting, deep pages, htmx fragments,
  signed out and signed in), p95 target 100 ms, and every list fragment under 20 KB;
* 互相匹配 (``/swap/matches``) for tenants with a listing, p95 target 300 ms.

``--explain`` prints the query plans of the board's queries and of what 互相匹配 runs on
the stored matches. Run ``python bench/bench_swap.py`` (``--db postgresql+psycopg://...``
for PostgreSQL); exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient
from sqlalchemy import event, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from app import create_app
from app.core.clock import utcnow
from app.extensions import db
from app.swap import board, board_matches, match_store
from app.swap.browse import BrowseFilters
from app.swap.models import SwapListing, SwapMatch
from app.swap.rules import LISTING_DAYS
from bench.scale.housing import BUILDING_COLUMNS, COMMUNITY_COLUMNS, UNIT_COLUMNS
from bench.scale.swap import LISTING_COLUMNS, WISH_COLUMNS
from bench.scale.tenancy import LEASE_COLUMNS, TERM_COLUMNS

LIST_P95_MS = 100.0
LIVE_SHARE = 0.05  # of the generated listings: live on the board
MATCH_P95_MS = 300.0
FRAGMENT_BYTES = 20 * 1024
PASSWORD = "Bench2026pw"  # noqa: S105 - a throwaway benchmark account
DEFAULT_DB = Path(tempfile.gettempdir()) / "anju-bench-swap.sqlite3"
DISTRICTS = ["浔阳区", "濂溪区", "柴桑区", "经开区", "八里湖新区", "庐山区"]
COMMUNITIES_PER_DISTRICT = 40
WORDS = [
    "两室一厅", "南北通透", "采光好", "电梯房", "步梯房", "靠近学校", "靠近医院", "菜市场",
    "公交站", "地铁口", "公园", "安静", "精装修", "简装", "朝南", "父母", "上班", "孩子上学",
    "超市", "江景", "小区绿化好", "停车方便", "邻居和睦", "通勤方便",
]  # fmt: skip


def build(url: str, listings: int, live: int, seed: int) -> None:
    """Schema from the models, then rows in batches with executemany, then the stored
    matches (``match_store.rebuild_all``: the bulk insert bypasses the session hook)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        engine = db.engine
        with engine.begin() as connection:
            _rows(connection, listings, live, rng)
        print(f"built {listings:,} listings in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        written = match_store.rebuild_all()
        db.session.remove()
        print(
            f"rebuild_all: {written:,} match rows for"
            f" {_on_board_count():,} listings on the board in"
            f" {time.perf_counter() - started:.1f} s"
        )
        if engine.dialect.name == "sqlite":
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()


def _on_board_count() -> int:
    return db.session.scalar(select(func.count(SwapListing.id)).where(board.on_board(utcnow())))


def _insert(connection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    insert = db.metadata.tables[table].insert()
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        connection.execute(insert, [dict(zip(columns, row, strict=True)) for row in chunk])


def listing_row(**values: object) -> tuple:
    """A ``swap_listings`` row in the order of ``LISTING_COLUMNS`` (the scale seed's)."""
    missing = set(LISTING_COLUMNS) ^ set(values)
    assert not missing, f"swap_listings columns not matched: {sorted(missing)}"
    return tuple(values[name] for name in LISTING_COLUMNS)


def _life(now: datetime, shown: bool, rng: random.Random) -> tuple[str, datetime, datetime | None]:
    """(status, published, closed) of one listing: ``shown`` ones active within their 60
    days; of the rest most closed, some still active but past their 60 days, a few paused."""
    if shown:
        return "active", now - timedelta(minutes=rng.randint(5, (LISTING_DAYS - 1) * 24 * 60)), None
    kind = rng.random()
    if kind < 0.08:
        days = rng.uniform(LISTING_DAYS + 1, 2 * LISTING_DAYS)
        return "active", now - timedelta(days=days), None
    if kind < 0.12:
        return "paused", now - timedelta(days=rng.uniform(1, LISTING_DAYS - 1)), None
    published = now - timedelta(days=rng.uniform(3, 400))
    open_for = timedelta(days=rng.uniform(1, LISTING_DAYS + 10))
    return "closed", published, min(published + open_for, now - timedelta(hours=1))


def _rows(connection, listings: int, live: int, rng: random.Random) -> None:
    now = utcnow()
    stamp = now - timedelta(days=400)
    password_hash = generate_password_hash(PASSWORD)
    shown = set(rng.sample(range(1, listings + 1), min(live, listings)))
    _insert(
        connection,
        "districts",
        ["id", "code", "name"],
        [(i + 1, f"36040{i}", name) for i, name in enumerate(DISTRICTS)],
    )
    _insert(
        connection,
        "streets",
        ["id", "code", "name", "district_id"],
        [(i + 1, f"36040{i}001", f"{name}街道", i + 1) for i, name in enumerate(DISTRICTS)],
    )
    communities = []
    for d in range(len(DISTRICTS)):
        for c in range(COMMUNITIES_PER_DISTRICT):
            cid = d * COMMUNITIES_PER_DISTRICT + c + 1
            communities.append(
                (cid, f"{DISTRICTS[d][:2]}{c + 1:02d}号公租房小区", "测试路1号", d + 1)
            )
    _insert(connection, "communities", COMMUNITY_COLUMNS, communities)
    buildings = [
        (b, (b - 1) % len(communities) + 1, f"{b}栋", 18 if b % 3 else 6, b % 3 != 0)
        for b in range(1, listings // 20 + 2)
    ]
    _insert(connection, "buildings", BUILDING_COLUMNS, buildings)
    term_start = stamp.date()
    term_end = term_start.replace(year=term_start.year + 3) - timedelta(days=1)
    users, units, leases, terms, listing_rows, wish_rows, photo_rows = [], [], [], [], [], [], []
    wish_id = photo_id = 0
    for i in range(1, listings + 1):
        building = buildings[(i - 1) // 20]
        community_id = building[1]
        district_id = (community_id - 1) // COMMUNITIES_PER_DISTRICT + 1
        floors, lift = building[3], building[4]
        floor = rng.randint(1, floors)
        bedrooms = rng.choice([1, 1, 2, 2, 2, 3])
        area = 35 + bedrooms * 15 + rng.randint(0, 9)
        guarantee = "lianzu" if rng.random() < 0.15 else "gongzu"
        users.append((i, f"139{i:08d}", password_hash, "resident", "王小明", False, 1, stamp))
        units.append((i, building[0], f"{floor}{i % 20:02d}", floor, area, bedrooms, 1, 1, "南北"))
        leases.append((i, f"JJ-BENCH-{i:06d}", i, i, guarantee, "active", 1, stamp))
        rent = 60_000 + 100 * (i % 50)
        subsidy = rent // 2 if guarantee == "lianzu" else 0  # 廉租房: rule 3 pairs them apart
        terms.append((i, i, term_start, term_end, rent, 5_000, subsidy, stamp))
        status, published, closed = _life(now, i in shown, rng)
        words = " ".join(rng.sample(WORDS, 5))
        description = f"{bedrooms}室一厅，{words}。"
        district_name = DISTRICTS[district_id - 1]
        community_name = communities[community_id - 1][1]
        place = f"{community_name} {district_name} {district_name}街道"
        kind = rng.random()
        areas: list[tuple[int | None, int | None]] = []
        if kind >= 0.3:
            if kind < 0.72:
                areas = [
                    (d, None) for d in rng.sample(range(1, len(DISTRICTS) + 1), rng.randint(1, 2))
                ]
            else:
                areas = [
                    (None, c) for c in rng.sample(range(1, len(communities) + 1), rng.randint(1, 3))
                ]
        listing_rows.append(
            listing_row(
                id=i,
                tenant_id=i,
                lease_id=i,
                status=status,
                district_id=district_id,
                community_id=community_id,
                floor=floor,
                floors_total=floors,
                has_lift=lift,
                area_m2=area,
                bedrooms=bedrooms,
                living_rooms=1,
                bathrooms=1,
                orientation="南北",
                monthly_rent_fen=rent,
                guarantee_type=guarantee,
                description=description,
                reason_category=rng.choice(["medical", "school", "work", "elderly", "other"]),
                wants_any_area=not areas,
                min_bedrooms=rng.choice([None, None, 1, 2, 3]),
                floor_min=rng.choice([None, None, None, 2, 4]),
                floor_max=rng.choice([None, None, None, 9, 12]),
                needs_lift=rng.random() < 0.2,
                place_text=place,
                search_text=f"{place} {bedrooms}室1厅1卫 南北 {description}",
                published_at=published,
                updated_at=closed or published,
                closed_at=closed,
                version=1 if closed is None else 2,
                created_at=published,
            )
        )
        for district, community in areas:
            wish_id += 1
            wish_rows.append((wish_id, i, district, community))
        if rng.random() < 0.7:
            photo_id += 1
            photo_rows.append(
                (
                    photo_id,
                    i,
                    f"bench/{photo_id}.jpg",
                    f"bench/{photo_id}-t.jpg",
                    "image/jpeg",
                    100_000,
                    "0" * 64,
                    published,
                )
            )
    _insert(
        connection,
        "users",
        [
            "id",
            "phone",
            "password_hash",
            "role",
            "real_name",
            "elder_mode",
            "session_version",
            "created_at",
        ],
        users,
    )
    _insert(connection, "units", UNIT_COLUMNS, units)
    _insert(connection, "leases", LEASE_COLUMNS, leases)
    _insert(connection, "lease_terms", TERM_COLUMNS, terms)
    _insert(connection, "swap_listings", LISTING_COLUMNS, listing_rows)
    _insert(connection, "swap_wish_areas", WISH_COLUMNS, wish_rows)
    _insert(
        connection,
        "swap_listing_photos",
        [
            "id",
            "listing_id",
            "storage_key",
            "thumbnail_key",
            "content_type",
            "size_bytes",
            "sha256",
            "created_at",
        ],
        photo_rows,
    )


def ready(url: str, listings: int) -> bool:
    """Built before, with today's tables, ``listings`` listings and its matches stored."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            if set(db.metadata.tables) - set(inspect(db.engine).get_table_names()):
                return False  # built by an older version of the models
            count = db.session.scalar(select(func.count(SwapListing.id))) or 0
            return count == listings and match_store.has_matches()
        except SQLAlchemyError:  # no schema yet, or one from before swap_matches
            return False
        finally:
            db.session.remove()
            db.engine.dispose()


def summary(url: str) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        listings = db.session.scalar(select(func.count(SwapListing.id))) or 0
        matches = db.session.scalar(select(func.count()).select_from(SwapMatch)) or 0
        shown = _on_board_count()
        db.session.remove()
        db.engine.dispose()
    return f"{listings:,} listings ({shown:,} on the board), {matches:,} stored matches"


def signed_in(app, phone: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def p95_ms(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] * 1000


def timed_get(client: FlaskClient, path: str, expect: str, headers=None) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path, headers=headers or {})
    elapsed = time.perf_counter() - started
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and expect in body, (path, response.status_code)
    return elapsed, len(response.data)


def board_paths(rng: random.Random) -> list[str]:
    district = rng.randint(1, len(DISTRICTS))
    community = rng.randint(1, len(DISTRICTS) * COMMUNITIES_PER_DISTRICT)
    word = rng.choice(WORDS)
    return [
        "/swap/",
        f"/swap/?district={district}",
        f"/swap/?community={community}",
        "/swap/?layout=2&lift=1",
        "/swap/?area_min=60&area_max=80&floor=mid",
        "/swap/?guarantee=lianzu&layout=1",
        f"/swap/?q={word}",
        f"/swap/?q={word}&district={district}&sort=match",
        f"/swap/?q={DISTRICTS[district - 1][:2]}01号&sort=match",
        f"/swap/?district={district}&page=5",
        "/swap/?sort=match",
        f"/swap/more?district={district}&page=2",
    ]


def _statements(action: Callable[[], object]) -> list[tuple[str, object]]:
    """The SQL statements (with their parameters) ``action`` runs."""
    seen: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def _print_plan(name: str, statement: str, parameters=None) -> None:
    dialect = db.engine.dialect
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    connection = db.session.connection()
    rows = connection.exec_driver_sql(prefix + statement, parameters or None).all()
    print(f"  plan: {name}")
    for row in rows:
        print("    " + str(row[-1] if dialect.name == "sqlite" else row[0]))


def explain(url: str) -> None:
    """The plans of the board's count and page queries and of the queries 互相匹配 runs
    on the stored matches (mutual matches, then the moves a chain search reads)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        dialect = db.engine.dialect
        now = utcnow()
        filters = BrowseFilters(district=2, layout="2")
        conditions = board.board_conditions(filters, now, None)
        queries = {
            "board count (district, layout)": select(func.count(SwapListing.id)).where(*conditions),
            "board page (district, newest)": select(SwapListing.id)
            .where(*conditions)
            .order_by(SwapListing.published_at.desc(), SwapListing.id.desc())
            .limit(20),
        }
        for name, query in queries.items():
            compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            _print_plan(name, str(compiled))
        listing, firsts, lasts = None, [], []
        for listing in db.session.scalars(
            select(SwapListing).where(board.on_board(now)).order_by(SwapListing.id).limit(200)
        ):  # one with moves out and in that are not mutual: every query of a chain search
            firsts = board_matches._side(listing, now, out=True, cap=board_matches.SIDE_CAP)
            lasts = board_matches._side(listing, now, out=False, cap=board_matches.SIDE_CAP)
            if firsts and lasts:
                break
        if listing is None:
            print("  plan: no listing on the board to explain 互相匹配 with")
            return
        viewer = listing
        first_ids = [home for _wanter, home, _fit in firsts]
        last_ids = [wanter for wanter, _home, _fit in lasts]
        steps = {
            "match: a page of mutual matches (ix_swap_matches_mutual) and their count": lambda: (
                board_matches.mutual_page(viewer, now, 1)
            ),
            "match: best moves out (homes it wants, not mutual)": lambda: board_matches._side(
                viewer, now, out=True, cap=board_matches.SIDE_CAP
            ),
            "match: best moves in (listings wanting its home)": lambda: board_matches._side(
                viewer, now, out=False, cap=board_matches.SIDE_CAP
            ),
            f"match: next steps out of {len(first_ids)} homes (union of best moves)": lambda: (
                board_matches._steps(viewer, now, first_ids, out=True, cap=board_matches.STEP_CAP)
            ),
            "match: moves between the chain's ends": lambda: board_matches._between(
                first_ids, last_ids
            ),
        }
        print(f"  match plans for listing {viewer.id}: {len(firsts)} out, {len(lasts)} in")
        for name, step in steps.items():
            for number, (statement, parameters) in enumerate(_statements(step), 1):
                _print_plan(f"{name} [{number}]", statement, parameters)
        db.session.remove()
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=50_000, help="listings generated")
    parser.add_argument(
        "--live", type=int, help="of them live on the board (default 5%%: 2,500 of 50,000)"
    )
    parser.add_argument("--db", default=f"sqlite:///{DEFAULT_DB}", help="database URL")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--requests", type=int, default=240, help="board requests")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    live = args.live if args.live is not None else round(args.listings * LIVE_SHARE)
    if args.rebuild or not ready(args.db, args.listings):
        build(args.db, args.listings, live, args.seed)
    print(f"swap: {summary(args.db)} in {args.db}")
    if args.explain:
        explain(args.db)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.db,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    rng = random.Random(args.seed)
    visitor = app.test_client()
    with app.app_context():
        now = utcnow()
        tenants = list(
            db.session.scalars(select(SwapListing.tenant_id).where(board.on_board(now)).limit(5000))
        )
        db.session.remove()
    members = [signed_in(app, f"139{rng.choice(tenants):08d}") for _ in range(8)]
    clients = [visitor, *members]
    for path in board_paths(rng):  # warm up: templates compiled, caches filled
        timed_get(visitor, path, "swap-card", {"HX-Request": "true"})
    list_times, biggest = [], 0
    for i in range(args.requests):
        client = clients[i % len(clients)]
        paths = board_paths(rng)
        path = paths[i % len(paths)]
        fragment = i % 2 == 0 or "/swap/more" in path
        headers = {"HX-Request": "true"} if fragment else {}
        elapsed, size = timed_get(client, path, "swap-card", headers)
        list_times.append(elapsed)
        if fragment:
            biggest = max(biggest, size)
    timed_get(members[0], "/swap/matches", "互相匹配")
    match_times = [
        timed_get(members[i % len(members)], "/swap/matches", "互相匹配")[0] for i in range(40)
    ]
    list_p95, match_p95 = p95_ms(list_times), p95_ms(match_times)
    print(
        f"board list: p95 {list_p95:.1f} ms, median {statistics.median(list_times) * 1000:.1f} ms"
        f" (target p95 < {LIST_P95_MS:.0f} ms); largest list fragment {biggest:,} bytes"
        f" (target < {FRAGMENT_BYTES:,})"
    )
    print(
        f"match view: p95 {match_p95:.1f} ms, median {statistics.median(match_times) * 1000:.1f} ms"
        f" (target p95 < {MATCH_P95_MS:.0f} ms)"
    )
    ok = list_p95 < LIST_P95_MS and match_p95 < MATCH_P95_MS and biggest < FRAGMENT_BYTES
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
