"""A tenant's listing: posted from the lease, one each, eligibility, edit, pause, renew,
close, photos; nobody else can touch it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import GuaranteeType, LeaseViolation
from app.swap import listings
from app.swap.models import ListingStatus, SwapListing, SwapListingPhoto
from app.swap.statuses import SwapError
from tests.conftest import page_text, post
from tests.factories import create_resident
from tests.swap import builders


def listings_of(user) -> list[SwapListing]:
    return list(db.session.scalars(select(SwapListing).where(SwapListing.tenant_id == user.id)))


def test_posting_takes_the_home_from_the_lease(app) -> None:
    home = builders.unit("十里小区", "濂溪区", floor=5, bedrooms=2, lift=True, floors=11)
    user, lease = builders.tenant("周婷", home=home, guarantee=GuaranteeType.LIANZU)
    client = builders.signed_in(app, user)
    form = page_text(client.get("/swap/mine/listing"))
    assert "十里小区" in form and "2室1厅1卫" in form and "廉租房·租金补贴" in form
    assert home.number not in form  # the unit number is never shown on the board's pages
    response = post(
        client,
        "/swap/mine/listing",
        builders.form_data(
            districts=("浔阳区",),
            # Typed facts are ignored: the home comes from the lease.
            floor="18",
            bedrooms="4",
            guarantee_type="gongzu",
            monthly_rent_fen="1",
        ),
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/swap/mine")
    (listing,) = listings_of(user)
    assert (listing.floor, listing.bedrooms, listing.has_lift, listing.floors_total) == (
        5,
        2,
        True,
        11,
    )
    assert listing.guarantee_type == "lianzu" and listing.monthly_rent_fen == 60000
    assert listing.lease_id == lease.id and listing.community.name == "十里小区"
    assert [a.district.name for a in listing.wish_areas] == ["浔阳区"]
    assert not listing.wants_any_area
    assert listing.expires_at - listing.published_at == timedelta(days=60)


def test_one_listing_per_tenant(app) -> None:
    user, _ = builders.tenant()
    builders.listing(user)
    with pytest.raises(SwapError, match="只能发布一条"):
        builders.listing(user)
    client = builders.signed_in(app, user)
    # The form edits the one listing instead of posting a second.
    assert "保存修改" in page_text(client.get("/swap/mine/listing"))
    post(
        client, "/swap/mine/listing", builders.form_data(description="改过的描述，靠近学校和医院。")
    )
    assert len(listings_of(user)) == 1
    assert listings_of(user)[0].description == "改过的描述，靠近学校和医院。"


def test_a_tenant_in_arrears_is_refused_with_the_reason(app) -> None:
    user, lease = builders.tenant("李华")
    builders.overdue_bill(lease)
    client = builders.signed_in(app, user)
    html = page_text(client.get("/swap/mine/listing"))
    assert "暂时不能发布互换信息" in html and "没有欠租" in html and "逾期未缴的租金" in html
    assert "发布互换信息</button>" not in html
    response = post(client, "/swap/mine/listing", builders.form_data())
    assert response.status_code == 200 and "逾期未缴的租金" in page_text(response)
    assert listings_of(user) == []


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("no_lease", "没有有效的租赁合同"),
        ("never_paid", "已缴租的租赁对象"),
        ("violation", "违规记录"),
    ],
)
def test_other_refusals(app, setup, reason) -> None:
    if setup == "no_lease":
        user = create_resident(real_name="张小明")
    else:
        user, lease = builders.tenant(paid_months=0 if setup == "never_paid" else 1)
        if setup == "violation":
            db.session.add(LeaseViolation(lease_id=lease.id, kind="sublet", detail="转租给他人"))
            db.session.commit()
    with pytest.raises(SwapError) as refused:
        builders.listing(user)
    assert reason in refused.value.message
    assert reason in page_text(builders.signed_in(app, user).get("/swap/mine"))


def test_validation_errors_come_back_on_the_form(app) -> None:
    user, _ = builders.tenant()
    client = builders.signed_in(app, user)
    response = post(
        client,
        "/swap/mine/listing",
        builders.form_data(description="太短", floor_min="9", floor_max="3", reason=""),
    )
    html = page_text(response)
    assert response.status_code == 200
    assert "房屋描述请写10至500字" in html and "最高楼层不能低于最低楼层" in html
    assert "请选择换房原因" in html and 'href="#description"' in html
    phone = post(
        client,
        "/swap/mine/listing",
        builders.form_data(description="两室一厅，有意请致电 13800001234 联系"),
    )
    assert "请不要填写电话号码" in page_text(phone)
    assert listings_of(user) == []


def test_edit_with_a_stale_version_is_refused(app) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    stale = str(listing.version)
    listings.update_listing(
        listing, builders.wishes(description="手机上改过一次，靠近学校。"), version=stale
    )
    with pytest.raises(SwapError, match="其他设备"):
        listings.update_listing(listing, builders.wishes(), version=stale)


def test_pause_resume_close(app, client) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    tenant_client = builders.signed_in(app, user)
    assert post(tenant_client, "/swap/mine/pause").status_code == 303
    assert listing.status == ListingStatus.PAUSED
    assert "共 0 条" in page_text(client.get("/swap/"))
    post(tenant_client, "/swap/mine/resume")
    assert listing.status == ListingStatus.ACTIVE
    post(tenant_client, "/swap/mine/close")
    assert listing.status == ListingStatus.CLOSED and listing.closed_at is not None
    # Closed: a new one may be posted.
    assert builders.listing(user).id != listing.id


def test_expiry_and_one_tap_renewal(app, client) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    tenant_client = builders.signed_in(app, user)
    assert "一键续期" not in page_text(tenant_client.get("/swap/mine"))
    post(tenant_client, "/swap/mine/renew")
    assert "到期前7天内才能续期" in page_text(tenant_client.get("/swap/mine"))

    builders.age_listing(listing, 55)  # 5 days left: renewable, still shown
    html = page_text(tenant_client.get("/swap/mine"))
    assert "还有 5 天到期" in html and "一键续期60天" in html
    assert "互换信息 5 天后到期" in page_text(tenant_client.get("/"))  # the home card

    builders.age_listing(listing, 10)  # expired
    assert "共 0 条" in page_text(client.get("/swap/"))
    assert "已过期" in page_text(tenant_client.get("/swap/mine"))
    before = utcnow()
    assert post(tenant_client, "/swap/mine/renew").status_code == 303
    db.session.refresh(listing)
    assert listing.published_at >= before and listing.expires_at > before + timedelta(days=59)
    assert "共 1 条" in page_text(client.get("/swap/"))


def test_renewal_is_refused_while_in_arrears(app) -> None:
    user, lease = builders.tenant()
    listing = builders.listing(user)
    builders.age_listing(listing, 61)
    builders.overdue_bill(lease)
    with pytest.raises(SwapError, match="欠租"):
        listings.renew_listing(listing)


def test_others_cannot_touch_my_listing(app, pair) -> None:
    _a, a_listing, b, _b_listing = pair
    outsider, _ = builders.tenant("外人")
    client = builders.signed_in(app, outsider)
    for path in (
        "/swap/mine/pause",
        "/swap/mine/close",
        "/swap/mine/renew",
        f"/swap/mine/photos/{a_listing.id}/delete",
    ):
        assert post(client, path).status_code == 404
    photo = listings.add_photo(a_listing, builders.jpeg())
    assert post(client, f"/swap/mine/photos/{photo.id}/delete").status_code == 404
    # B (who has a listing of her own) cannot delete A's photo through hers either.
    assert (
        post(builders.signed_in(app, b), f"/swap/mine/photos/{photo.id}/delete").status_code == 404
    )
    assert a_listing.status == ListingStatus.ACTIVE and len(a_listing.photos) == 1


def test_photo_upload_strips_exif_and_is_served_publicly(app, client) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    tenant_client = builders.signed_in(app, user)
    response = post(
        tenant_client,
        "/swap/mine/photos",
        {"photo": (io.BytesIO(builders.jpeg(with_gps=True)), "IMG_0001.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    (photo,) = listing.photos
    served = client.get(f"/swap/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "IMG_0001" not in served.headers["Content-Disposition"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert not image.getexif()
    served.close()
    assert builders.fetch(client, f"/swap/photos/{photo.id}/thumb") == 200
    listings.pause_listing(listing)
    assert builders.fetch(client, f"/swap/photos/{photo.id}") == 404  # not on the board
    assert builders.fetch(tenant_client, f"/swap/photos/{photo.id}") == 200  # the owner


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 fake\n%%EOF", "这里只能上传照片"),
        (b"MZ\x90\x00 not an image", "只能上传 JPG、PNG、HEIC"),
        (b"\xff\xd8\xff\xe0 truncated", "图片已损坏"),
    ],
)
def test_photo_checks(app, data, message) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    client = builders.signed_in(app, user)
    post(
        client,
        "/swap/mine/photos",
        {"photo": (io.BytesIO(data), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert message in page_text(client.get("/swap/mine"))
    assert listing.photos == []


def test_at_most_six_photos(app) -> None:
    user, _ = builders.tenant()
    listing = builders.listing(user)
    for _ in range(6):
        listings.add_photo(listing, builders.jpeg())
    with pytest.raises(SwapError, match="最多上传6张"):
        listings.add_photo(listing, builders.jpeg())
    assert db.session.scalar(select(func.count(SwapListingPhoto.id))) == 6
    assert "上传照片" not in page_text(builders.signed_in(app, user).get("/swap/mine"))


def test_pages_need_sign_in(client) -> None:
    for path in ("/swap/mine", "/swap/mine/listing", "/swap/matches", "/swap/favourites"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("hostile", ["²", "①", "١٢", "9" * 40, "1e309"])
def test_hostile_wish_districts_and_floors_are_dropped_or_refused(app, hostile: str) -> None:
    user, _ = builders.tenant()
    client = builders.signed_in(app, user)
    dropped = post(
        client, "/swap/mine/listing", {**builders.form_data(), "wish_districts": [hostile]}
    )
    assert dropped.status_code == 303  # an id not offered is dropped: "any district"
    (listing,) = listings_of(user)
    assert listing.wants_any_area and listing.wish_areas == []

    refused = post(client, "/swap/mine/listing", builders.form_data(floor_min=hostile))
    assert refused.status_code == 200
    assert "最低楼层请填写整数" in page_text(refused) or "不能大于 60层" in page_text(refused)


def test_full_width_floors_from_a_chinese_keyboard_are_read(app) -> None:
    user, _ = builders.tenant()
    client = builders.signed_in(app, user)
    response = post(
        client, "/swap/mine/listing", builders.form_data(floor_min="３", floor_max="１２")
    )
    assert response.status_code == 303
    (listing,) = listings_of(user)
    assert (listing.floor_min, listing.floor_max) == (3, 12)


def test_photos_refuse_72_megapixels_and_keep_only_pixels(app, client) -> None:
    from tests.hostile_images import assert_pixels_only, huge_png, jpeg_with_html

    user, _ = builders.tenant()
    listing = builders.listing(user)
    tenant_client = builders.signed_in(app, user)
    for data in (huge_png(), jpeg_with_html()):
        post(
            tenant_client,
            "/swap/mine/photos",
            {"photo": (io.BytesIO(data), "x.jpg")},
            content_type="multipart/form-data",
        )
        if data is huge_png():
            assert "像素过大" in page_text(tenant_client.get("/swap/mine"))
            assert listing.photos == []
    (photo,) = listing.photos
    for path in (f"/swap/photos/{photo.id}", f"/swap/photos/{photo.id}/thumb"):
        served = client.get(path)
        assert served.status_code == 200
        assert_pixels_only(served.data)
        served.close()
