"""Benchmark the swap board on 50,000 listings in a SQLite file (or a PostgreSQL database).

Builds the database once (kept under /tmp for the next run; ``--rebuild`` to start again)
with bulk inserts: 50,000 tenants with leases across 6 districts and 240 communities, their
listings (90% shown, some expired, paused or closed; 15% 廉租房), wishes and photo rows.
Then measures through the Flask test client:

* the filtered board (``/swap/``: filters, keywords, sorting, deep pages, htmx fragments,
  signed out and signed in), p95 target 100 ms, and every list fragment under 20 KB;
* 互相匹配 (``/swap/matches``) for tenants with a listing, p95 target 300 ms.

It also prints the query plans of the main queries. Run ``python bench/bench_swap.py``
(``--db postgresql+psycopg://...`` for PostgreSQL); exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from app import create_app
from app.core.clock import utcnow
from app.extensions import db
from app.swap import board, board_matches, matching_sql
from app.swap.browse import BrowseFilters
from app.swap.models import SwapListing

LIST_P95_MS = 100.0
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


def build(url: str, listings: int, seed: int) -> None:
    """Schema from the models, then rows in batches with executemany."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        engine = db.engine
        with engine.begin() as connection:
            _rows(connection, listings, rng)
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("ANALYZE")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    print(f"built {listings:,} listings in {time.perf_counter() - started:.1f} s")


def _insert(connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    insert = db.metadata.tables[table].insert()
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        connection.execute(insert, [dict(zip(columns, row, strict=True)) for row in chunk])


def _rows(connection, listings: int, rng: random.Random) -> None:
    now = utcnow()
    stamp = now - timedelta(days=300)
    password_hash = generate_password_hash(PASSWORD)
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
    _insert(connection, "communities", ["id", "name", "address", "street_id"], communities)
    buildings = [
        (b, (b - 1) % len(communities) + 1, f"{b}栋", 18 if b % 3 else 6, b % 3 != 0)
        for b in range(1, listings // 20 + 2)
    ]
    _insert(
        connection, "buildings", ["id", "community_id", "name", "floors", "has_lift"], buildings
    )
    users, units, leases, listing_rows, wish_rows, photo_rows = [], [], [], [], [], []
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
        published = now - timedelta(minutes=rng.randint(0, 70 * 24 * 60))
        status = rng.choices(["active", "paused", "closed"], [90, 5, 5])[0]
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
        floor_min = rng.choice([None, None, None, 2, 4])
        floor_max = rng.choice([None, None, None, 9, 12])
        listing_rows.append(
            (
                i,
                i,
                i,
                status,
                district_id,
                community_id,
                floor,
                floors,
                lift,
                area,
                bedrooms,
                1,
                1,
                "南北",
                60_000 + 100 * (i % 50),
                guarantee,
                description,
                rng.choice(["medical", "school", "work", "elderly", "other"]),
                not areas,
                rng.choice([None, None, 1, 2, 3]),
                floor_min,
                floor_max,
                rng.random() < 0.2,
                place,
                f"{place} {bedrooms}室1厅1卫 南北 {description}",
                published,
                published,
                1,
                published,
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
    _insert(
        connection,
        "units",
        [
            "id",
            "building_id",
            "number",
            "floor",
            "area_m2",
            "bedrooms",
            "living_rooms",
            "bathrooms",
            "orientation",
        ],
        units,
    )
    _insert(
        connection,
        "leases",
        [
            "id",
            "contract_number",
            "unit_id",
            "tenant_id",
            "guarantee_type",
            "status",
            "version",
            "created_at",
        ],
        leases,
    )
    _insert(
        connection,
        "swap_listings",
        [
            "id",
            "tenant_id",
            "lease_id",
            "status",
            "district_id",
            "community_id",
            "floor",
            "floors_total",
            "has_lift",
            "area_m2",
            "bedrooms",
            "living_rooms",
            "bathrooms",
            "orientation",
            "monthly_rent_fen",
            "guarantee_type",
            "description",
            "reason_category",
            "wants_any_area",
            "min_bedrooms",
            "floor_min",
            "floor_max",
            "needs_lift",
            "place_text",
            "search_text",
            "published_at",
            "updated_at",
            "version",
            "created_at",
        ],
        listing_rows,
    )
    _insert(
        connection,
        "swap_wish_areas",
        ["id", "listing_id", "district_id", "community_id"],
        wish_rows,
    )
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


def listing_count(url: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            return db.session.scalar(select(func.count(SwapListing.id))) or 0
        except SQLAlchemyError:  # no schema yet
            return 0
        finally:
            db.session.remove()
            db.engine.dispose()


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


def explain(url: str) -> None:
    """The plans of the board's count and page queries and of the match view's queries."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        dialect = db.engine.dialect
        now = utcnow()
        listing = db.session.scalar(select(SwapListing).where(board.on_board(now)).limit(1))
        me = matching_sql.party_of(listing)
        filters = BrowseFilters(district=2, layout="2")
        conditions = board.board_conditions(filters, now, None)
        queries = {
            "board count (district, layout)": select(func.count(SwapListing.id)).where(*conditions),
            "board page (district, newest)": select(SwapListing.id)
            .where(*conditions)
            .order_by(SwapListing.published_at.desc(), SwapListing.id.desc())
            .limit(20),
            "match: wanted by me": board_matches._candidates(me, listing.tenant_id, now)
            .where(matching_sql.home_fits_sql(me.wishes))
            .order_by(SwapListing.published_at.desc())
            .limit(board_matches.CHAIN_SIDE_CAP),
            "match: wanting my home": board_matches._candidates(me, listing.tenant_id, now)
            .where(matching_sql.accepts_home_sql(me.home))
            .order_by(SwapListing.published_at.desc())
            .limit(board_matches.CHAIN_SIDE_CAP),
        }
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        for name, query in queries.items():
            compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            rows = db.session.execute(text(prefix + str(compiled))).all()
            print(f"  plan: {name}")
            for row in rows:
                print("    " + str(row[-1] if dialect.name == "sqlite" else row[0]))
        db.session.remove()
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--db", default=f"sqlite:///{DEFAULT_DB}", help="database URL")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--requests", type=int, default=240, help="board requests")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    if args.rebuild or listing_count(args.db) != args.listings:
        build(args.db, args.listings, args.seed)
    print(f"swap: {listing_count(args.db):,} listings in {args.db}")
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
