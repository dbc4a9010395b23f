"""我的互换: the tenant's own listing (发布, 修改, pause, renew, close), its photos, and
the users they blocked. Thin views: parse, call a service, render or 303-redirect.
"""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Lease, Unit
from app.housing.services import active_lease_for
from app.htmx import render, see_other
from app.inputs import SelectChoice, entered
from app.swap import applications, blocks, board, bp, listings, requests, tenant_standing
from app.swap.forms import ConfirmForm, ListingForm, PhotoForm
from app.swap.listings import WishInput
from app.swap.models import SwapListing
from app.swap.routes import area_choices
from app.swap.rules import MAX_PHOTOS, can_renew, days_left
from app.swap.statuses import SwapError
from app.web import found_or_404


@bp.get("/mine")
@login_required
def mine():
    listing_found = listings.latest_listing_of(current_user.id)
    lease = active_lease_for(current_user.id)
    now = utcnow()
    return render(
        "swap/mine.html",
        title="我的互换",
        back_url=url_for("swap.index"),
        listing=listing_found,
        card=board.cards_for([listing_found], current_user.id)[0] if listing_found else None,
        on_board=listing_found is not None and board.is_on_board(listing_found, now),
        renewable=listing_found is not None
        and listing_found.is_live
        and can_renew(listing_found.expires_at, now),
        days_left=days_left(listing_found.expires_at, now) if listing_found else 0,
        problems=tenant_standing.own_problems(current_user.id),
        photo_form=PhotoForm(),
        max_photos=MAX_PHOTOS,
        requests=requests.requests_of(current_user.id),
        applications=applications.applications_of(current_user.id),
        blocks=blocks.blocks_of(current_user.id),
        lease=lease,
        unit=db.session.get(Unit, lease.unit_id) if lease else None,
        moves=applications.lease_moves(lease.id) if lease else [],
        units=_unit_addresses(lease),
    )


def _unit_addresses(lease: Lease | None) -> dict[int, str]:
    if lease is None:
        return {}
    ids = {lease.unit_id}
    for move in applications.lease_moves(lease.id):
        ids |= {move.from_unit_id, move.to_unit_id}
    return {unit_id: db.session.get_one(Unit, unit_id).address for unit_id in ids}


def _wishes_from(form: ListingForm) -> WishInput:
    return WishInput(
        district_ids=form.wish_districts.data or [],
        community_ids=form.wish_communities.data or [],
        min_bedrooms=int(form.min_bedrooms.data) if form.min_bedrooms.data else None,
        floor_min=form.floor_min.data,
        floor_max=form.floor_max.data,
        needs_lift=bool(form.needs_lift.data),
        reason_category=form.reason_category.data,
        description=entered(form.description),
    )


def _fill_form(form: ListingForm, listing_found: SwapListing) -> None:
    form.version.data = str(listing_found.version)
    form.wish_districts.data = [a.district_id for a in listing_found.wish_areas if a.district_id]
    form.wish_communities.data = [
        a.community_id for a in listing_found.wish_areas if a.community_id
    ]
    form.min_bedrooms.data = str(listing_found.min_bedrooms or "")
    form.floor_min.data = listing_found.floor_min
    form.floor_max.data = listing_found.floor_max
    form.needs_lift.data = listing_found.needs_lift
    form.reason_category.data = listing_found.reason_category
    form.description.data = listing_found.description


@bp.route("/mine/listing", methods=["GET", "POST"])
@login_required
def edit_listing():
    """发布 or 修改 the tenant's listing: the home from the lease, the wishes typed."""
    existing = listings.live_listing_of(current_user.id)
    lease = active_lease_for(current_user.id)
    problems = [] if existing else tenant_standing.own_problems(current_user.id)
    districts, communities = area_choices()
    form = ListingForm()
    form.wish_districts.choices = [SelectChoice(id_, name) for id_, name in districts]
    form.wish_communities.choices = [
        SelectChoice(id_, name) for _group, items in communities for id_, name in items
    ]
    if request.method == "GET" and existing is not None:
        _fill_form(form, existing)
    if not problems and form.validate_on_submit():
        try:
            if existing is None:
                listings.post_listing(current_user, _wishes_from(form))
                flash("互换信息已发布，展示60天。添加几张房屋照片，更容易找到换房的人", "success")
            else:
                listings.update_listing(existing, _wishes_from(form), version=form.version.data)
                flash("互换信息已更新", "success")
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            return see_other(url_for("swap.mine"))
    return render(
        "swap/listing_form.html",
        "form_block",
        title="修改互换信息" if existing else "发布互换信息",
        back_url=url_for("swap.mine"),
        form=form,
        existing=existing,
        problems=problems,
        preview=existing or (listings.preview_listing(lease) if lease else None),
        communities=communities,
        names=board.area_names(),
    )


def _own_live_listing_or_404() -> SwapListing:
    return found_or_404(listings.live_listing_of(current_user.id))


def _listing_action(action, done: str):
    found = _own_live_listing_or_404()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(found)
    except SwapError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return see_other(url_for("swap.mine"))


@bp.post("/mine/pause")
@login_required
def pause():
    return _listing_action(listings.pause_listing, "已暂停展示，其他人暂时看不到您的互换信息")


@bp.post("/mine/resume")
@login_required
def resume():
    return _listing_action(listings.resume_listing, "已恢复展示")


@bp.post("/mine/renew")
@login_required
def renew():
    return _listing_action(listings.renew_listing, "已续期，互换信息将再展示60天")


@bp.post("/mine/close")
@login_required
def close():
    return _listing_action(
        lambda found: listings.close_listing(found, current_user.id),
        "互换信息已关闭，需要时可以重新发布",
    )


@bp.post("/mine/photos")
@login_required
def upload_photo():
    found = _own_live_listing_or_404()
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            listings.add_photo(found, listings.read_upload(form.photo.data.stream))
        except SwapError as error:
            flash(error.message, "error")
        else:
            flash("照片已上传", "success")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return see_other(url_for("swap.mine") + "#photos")


@bp.post("/mine/photos/<int:photo_id>/delete")
@login_required
def delete_photo(photo_id: int):
    found = _own_live_listing_or_404()
    photo_found = next((p for p in found.photos if p.id == photo_id), None)
    if photo_found is None or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        listings.delete_photo(found, photo_found)
    except SwapError as error:
        flash(error.message, "error")
    return see_other(url_for("swap.mine") + "#photos")


@bp.post("/blocks/<int:block_id>/delete")
@login_required
def unblock(block_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not blocks.unblock(current_user.id, block_id):
        abort(404)
    flash("已解除屏蔽", "success")
    return see_other(url_for("swap.mine"))
