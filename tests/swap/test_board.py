"""The board: filters, keyword search, sorting, paging, the htmx fragment; the SQL that
narrows the board agrees with the pure matching rules."""

from __future__ import annotations

import random
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import GuaranteeType, Lease, LeaseTerm
from app.swap import board, board_matches, match_store, matching, matching_sql, tenant_standing
from app.swap.browse import SUBSIDISED, BrowseFilters
from app.swap.chains import chains_through
from app.swap.models import SwapListing
from app.swap.subsidy_sql import enjoys_rent_subsidy_sql
from tests.conftest import page_text
from tests.swap import builders

HX = {"HX-Request": "true"}
PLACES = [
    ("琵琶湖小区", "浔阳区"),
    ("甘棠小区", "浔阳区"),
    ("十里小区", "濂溪区"),
    ("沙河小区", "柴桑区"),
]


def test_board_is_public_and_hides_who_and_where(client: FlaskClient, pair) -> None:
    a, a_listing, _b, _ = pair
    html = page_text(client.get("/swap/"))
    assert "共 2 条互换信息" in html
    assert "琵琶湖小区" in html and "十里小区" in html
    detail = page_text(client.get(f"/swap/listings/{a_listing.id}"))
    unit = a_listing.lease.unit
    for secret in (a.real_name, a.phone, unit.number, unit.address, unit.building.name):
        assert secret not in html and secret not in detail
    assert "登录后可以收藏" in detail


def test_filters_narrow_the_board(client: FlaskClient, app) -> None:
    people = []
    for index, (place, district_name) in enumerate(PLACES):
        lift = index % 2 == 0
        user, _ = builders.tenant(
            f"租户{index}",
            home=builders.unit(
                place,
                district_name,
                floor=3 + 4 * index,
                bedrooms=1 + index % 3,
                lift=lift,
                floors=20,
            ),
        )
        people.append(builders.listing(user, description=f"编号{index}的房子，靠近学校{index}。"))
    lianzu_user, _ = builders.tenant(
        "吴敏", home=builders.unit("十里小区", "濂溪区"), guarantee=GuaranteeType.LIANZU
    )
    builders.listing(lianzu_user, description="廉租房一室，想换到浔阳区照顾老人。")

    def titles(**args) -> int:
        html = page_text(client.get("/swap/", query_string=args))
        return html.count('class="card swap-card"')

    xunyang = builders.district("浔阳区").id
    assert titles() == 5
    assert titles(district=xunyang) == 2
    assert titles(community=builders.community("沙河小区").id) == 1
    assert titles(lift="1") == 2
    assert titles(layout="2") == 2 and titles(layout="3") == 1
    assert titles(floor="low") == 2  # floors 3 (and 吴敏's 3)
    assert titles(floor="high") == 2  # floors 11 and 15
    assert titles(guarantee="lianzu") == 1 and titles(guarantee="gongzu") == 4
    assert titles(area_min="65") == 3 and titles(area_max="60") == 2
    assert titles(q="学校2") == 1
    assert titles(q="沙河") == 1  # the place name is searched too
    assert titles(q="学校 编号1") == 1  # every word must appear
    assert titles(q="100%_") == 0  # LIKE wildcards are literal
    assert titles(district=xunyang, q="学校0") == 1


def test_active_search_fragment_and_shareable_url(client: FlaskClient, pair) -> None:
    page = client.get("/swap/", query_string={"q": "公交"})
    html = page_text(page)
    assert "<html" in html and 'hx-push-url="true"' in html and "input changed delay:300ms" in html
    assert 'value="公交"' in html  # the URL's filters are back in the form after a refresh
    fragment = client.get("/swap/", query_string={"q": "公交"}, headers=HX)
    text = page_text(fragment)
    assert "<html" not in text and text.strip().startswith('<section id="results"')
    assert "共 2 条互换信息" in text
    assert "HX-Request" in fragment.headers["Vary"]
    assert fragment.headers["HX-Push-Url"] == "/swap/?q=%E5%85%AC%E4%BA%A4"  # no empty fields
    assert len(fragment.data) < 20 * 1024


def test_expired_paused_and_closed_listings_are_not_on_the_board(client, pair) -> None:
    _a, a_listing, _b, b_listing = pair
    builders.age_listing(a_listing, 61)
    assert "共 1 条互换信息" in page_text(client.get("/swap/"))
    assert client.get(f"/swap/listings/{a_listing.id}").status_code == 404  # not public now
    from app.swap import listings

    listings.pause_listing(b_listing)
    assert "共 0 条互换信息" in page_text(client.get("/swap/"))


def test_paging_and_load_more(client: FlaskClient, app) -> None:
    ids = []
    for index in range(23):
        user, _ = builders.tenant(f"租户{index}")
        ids.append(builders.listing(user, description=f"第{index:02d}套房子，采光很好。").id)
    first = page_text(client.get("/swap/"))
    assert first.count('class="card swap-card"') == 20
    assert f'/swap/listings/{ids[22]}"' in first  # newest first
    assert f'/swap/listings/{ids[2]}"' not in first
    assert 'href="/swap/?page=2"' in first and 'hx-get="/swap/more?page=2"' in first
    more = client.get("/swap/more", query_string={"page": 2}, headers=HX)
    text = page_text(more)
    assert "<section" not in text and text.count('class="card swap-card"') == 3
    assert f'/swap/listings/{ids[0]}"' in text and "加载更多" not in text
    # Without htmx the load-more link is a plain link to page 2.
    plain = client.get("/swap/more", query_string={"page": 2})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/swap/?page=2")
    assert page_text(client.get("/swap/?page=2")).count('class="card swap-card"') == 3


def test_best_match_sorting_uses_the_viewers_wishes(app, pair) -> None:
    a, _a_listing, _b, b_listing = pair
    c, _ = builders.tenant("郑伟", home=builders.unit("沙河小区", "柴桑区"))
    newest = builders.listing(c, description="最新发布的房子，在柴桑区。")
    client = builders.signed_in(app, a)
    by_match = page_text(client.get("/swap/", query_string={"sort": "match"}))
    assert "按匹配程度排序" in by_match
    assert by_match.index(f"/swap/listings/{b_listing.id}") < by_match.index(
        f"/swap/listings/{newest.id}"
    )
    newest_first = page_text(client.get("/swap/"))
    assert newest_first.index(f"/swap/listings/{newest.id}") < newest_first.index(
        f"/swap/listings/{b_listing.id}"
    )


def test_best_match_for_visitors_puts_place_hits_first(client, app) -> None:
    one, _ = builders.tenant("甲", home=builders.unit("十里小区", "濂溪区"))
    in_place = builders.listing(one, description="两室一厅，靠近学校和医院。")
    two, _ = builders.tenant("乙", home=builders.unit("沙河小区", "柴桑区"))
    mentions = builders.listing(two, description="想换到十里小区附近，离父母近一点。")
    html = page_text(client.get("/swap/", query_string={"q": "十里", "sort": "match"}))
    assert html.index(f"/swap/listings/{in_place.id}") < html.index(f"/swap/listings/{mentions.id}")


# (guarantee type, monthly subsidy): 公租房 without, 公租房 with, and 廉租房 (002 Q&A 10 ③)
TENANCIES = [
    (GuaranteeType.GONGZU, 0),
    (GuaranteeType.GONGZU, 25000),
    (GuaranteeType.LIANZU, 25000),
]


def _random_board(seed: int, size: int = 24, *, subsidies: bool = False) -> list[SwapListing]:
    """Random homes and wishes; with ``subsidies``, random 保障类型 too, and some leases with
    a newer term whose subsidy differs (the newest term is the one that counts)."""
    rng = random.Random(seed)
    listings = []
    for index in range(size):
        place, district_name = rng.choice(PLACES)
        guarantee, subsidy = rng.choice(TENANCIES) if subsidies else TENANCIES[0]
        user, lease = builders.tenant(
            f"随机{index}",
            home=builders.unit(
                place,
                district_name,
                floor=rng.randint(1, 12),
                bedrooms=rng.randint(1, 3),
                lift=rng.random() < 0.5,
                floors=12,
            ),
            guarantee=guarantee,
            subsidy_fen=subsidy,
        )
        if subsidies and rng.random() < 0.25:
            _add_newer_term(lease, subsidy_fen=25000 - subsidy)
        areas = rng.sample(PLACES, rng.randint(0, 2))
        floor_min = rng.choice([None, None, 2, 4])
        listings.append(
            builders.listing(
                user,
                districts=tuple({d for _p, d in areas if rng.random() < 0.5}),
                communities=tuple({p for p, _d in areas if rng.random() < 0.5}),
                min_bedrooms=rng.choice([None, 1, 2, 3]),
                floor_min=floor_min,
                floor_max=rng.choice([None, None, 10]),
                lift=rng.random() < 0.25,
            )
        )
    return listings


def _add_newer_term(lease: Lease, *, subsidy_fen: int) -> None:
    """A renewal already approved: a term after the current one, with another subsidy."""
    current = lease.current_term
    start = current.end_date + timedelta(days=1)
    lease.terms.append(
        LeaseTerm(
            start_date=start,
            end_date=start + timedelta(days=3 * 365),
            monthly_rent_fen=current.monthly_rent_fen,
            property_fee_fen=current.property_fee_fen,
            monthly_subsidy_fen=subsidy_fen,
        )
    )
    db.session.commit()


def test_the_sql_agrees_with_the_matching_rules(app, whole_graph) -> None:
    _assert_the_sql_agrees(_random_board(20261123))


def test_seed_002_qa10_rule3_the_subsidy_sql_agrees_with_the_rule(app, whole_graph) -> None:
    """002 Q&A 10 ③ (享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象进行
    互换房屋) in SQL: the board's 保障类型 filter and the match view's candidates go by whether
    the lease's current term carries a subsidy, as ``eligibility.enjoys_rent_subsidy`` does."""
    listings = _random_board(20261206, 30, subsidies=True)
    parties = [matching_sql.party_of(listing) for listing in listings]
    for listing, party in zip(listings, parties, strict=True):
        standing, _lease = tenant_standing.standing_of(listing.tenant_id)
        assert party.home.enjoys_rent_subsidy is standing.enjoys_rent_subsidy
    subsidised = {p.listing_id for p in parties if p.home.enjoys_rent_subsidy}
    assert 0 < len(subsidised) < len(parties)
    assert any(p.home.guarantee_type == "gongzu" for p in parties if p.home.enjoys_rent_subsidy)
    assert set(db.session.scalars(select(SwapListing.id).where(enjoys_rent_subsidy_sql()))) == (
        subsidised
    )
    assert board.board_page(BrowseFilters(guarantee=SUBSIDISED)).total == len(subsidised)
    assert board.board_page(BrowseFilters(guarantee="gongzu")).total == (
        len(parties) - len(subsidised)
    )
    _assert_the_sql_agrees(listings)


def test_the_matches_page_reads_the_mutual_list_a_page_at_a_time(
    app, whole_graph, monkeypatch
) -> None:
    """Sorted and cut in SQL: page after page, the same listings in the same order as the
    pure rules, and the total counted apart."""
    monkeypatch.setattr(board_matches, "PAGE_SIZE", 3)
    listings = _random_board(20261207)
    parties = [matching_sql.party_of(listing) for listing in listings]
    longest = 0
    for listing, me in zip(listings, parties, strict=True):
        expected = builders.pure_mutual(parties, me)
        first = board_matches.match_view(listing)
        assert first.total == len(expected)
        assert first.pages == max(1, -(-len(expected) // 3))
        read = []
        for page in range(1, first.pages + 1):
            read += [
                card.card.listing.id for card in board_matches.match_view(listing, page).mutual
            ]
        assert read == expected
        past_the_end = board_matches.match_view(listing, first.pages + 5)
        assert past_the_end.page == first.pages
        assert [c.card.listing.id for c in past_the_end.mutual] == read[(first.pages - 1) * 3 :]
        assert board_matches.match_view(listing, 0).page == 1
        longest = max(longest, first.pages)
    assert longest > 2  # some listing's matches fill several pages


def _assert_the_sql_agrees(listings: list[SwapListing]) -> None:
    """The SQL mirrors agree with the pure rules, and so do the stored matches, the mutual
    matches and the chains read from them (the chain search reads the whole small board)."""
    parties = [matching_sql.party_of(listing) for listing in listings]
    assert builders.stored_moves() == builders.pure_moves(parties)
    assert builders.stored_shares() == builders.pure_shares(parties)
    match_store.rebuild_all()  # the bulk path, from the board in memory, writes the same
    assert builders.stored_moves() == builders.pure_moves(parties)
    assert builders.stored_shares() == builders.pure_shares(parties)
    mutual_pairs = 0
    for listing, me in zip(listings, parties, strict=True):
        expected = builders.pure_mutual(parties, me)
        found = [m.listing_id for m in board_matches.mutual_matches(listing, utcnow())]
        assert found == expected
        mutual_pairs += len(found)
        fits_sql = set(
            db.session.scalars(select(SwapListing.id).where(matching_sql.home_fits_sql(me.wishes)))
        )
        assert fits_sql == {p.listing_id for p in parties if matching.fits(p.home, me.wishes)}
        accepts_sql = set(
            db.session.scalars(select(SwapListing.id).where(matching_sql.accepts_home_sql(me.home)))
        )
        assert accepts_sql == {p.listing_id for p in parties if matching.fits(me.home, p.wishes)}
        points_sql = dict(
            db.session.execute(select(SwapListing.id, matching_sql.fit_points_sql(me.wishes))).all()
        )
        assert points_sql == {p.listing_id: matching.fit_points(p.home, me.wishes) for p in parties}
        assert board_matches.chains_for(listing) == chains_through(
            builders.pure_graph(parties), listing.id
        )
    assert mutual_pairs > 0  # the random board is not trivially empty


def test_filters_parse_into_the_query(app, pair) -> None:
    page = board.board_page(BrowseFilters(q="公交", sort="match"))
    assert page.total == 2 and page.sorted_by_match  # keyword hits in the place name first
    assert not board.board_page(BrowseFilters(sort="match")).sorted_by_match  # no wishes known


HOSTILE = ["²", "①", "١٢", "𝟙", "9" * 40, "1e309", "-1", "\x00", "1_000"]


def test_hostile_filters_and_pages_show_the_whole_board(client: FlaskClient, pair) -> None:
    """Superscript and circled digits pass ``str.isdigit()`` but break ``int()``: a link
    edited by hand still shows the board, unfiltered, never a 500."""
    for value in HOSTILE:
        for name in ("district", "community", "page", "area_min", "area_max"):
            response = client.get("/swap/", query_string={name: value})
            assert response.status_code == 200, (name, value)
            assert "共 2 条互换信息" in page_text(response), (name, value)
        more = client.get("/swap/more", query_string={"page": value}, headers=HX)
        assert more.status_code == 200, value
    assert BrowseFilters.from_args({"district": "²", "page": "²"}) == BrowseFilters()
