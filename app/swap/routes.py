"""互换大厅: the public board, a listing's page (with its photos, 收藏, 我想换, 屏蔽 and
举报), matches and favourites. Thin views: parse, call a service, render or 303-redirect.
The tenant's own listing, conversations and the formal application have route modules of
their own (``my_listing_routes``, ``conversation_routes``, ``application_routes``).

Listings on the board are public (without the unit number, the tenant's name or phone);
everything else needs a sign-in.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

import app.swap.cards  # noqa: F401 - registers the home card
from app.extensions import db
from app.housing.models import Community, District, Street
from app.htmx import render, see_other, wants_fragment
from app.inputs import arg_page, entered
from app.storage import storage
from app.swap import (
    blocks,
    board,
    board_matches,
    bp,
    favourite_listings,
    listings,
    moderation,
    requests,
)
from app.swap.browse import FLOOR_BANDS, GUARANTEES, LAYOUTS, SORTS, BrowseFilters
from app.swap.forms import ConfirmForm, ReportForm, RequestForm
from app.swap.models import SwapListing
from app.swap.statuses import SwapError
from app.web import found_or_404, private_file

# --- the board ----------------------------------------------------------------------------


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _viewer_listing() -> SwapListing | None:
    if not current_user.is_authenticated:
        return None
    return listings.live_listing_of(current_user.id)


def area_choices() -> tuple[list, list]:
    """Districts, and communities grouped by district, for filters and wishes."""
    districts = [
        (row.id, row.name)
        for row in db.session.execute(select(District.id, District.name).order_by(District.code))
    ]
    rows = db.session.execute(
        select(Community.id, Community.name, District.id)
        .join(Street, Street.id == Community.street_id)
        .join(District, District.id == Street.district_id)
        .order_by(District.code, Community.name)
    ).all()
    grouped = [
        (name, [(cid, cname) for cid, cname, did in rows if did == district_id])
        for district_id, name in districts
    ]
    return districts, [group for group in grouped if group[1]]


def _board_context(filters: BrowseFilters) -> dict:
    return {
        "found": board.board_page(
            filters, viewer_id=_viewer_id(), viewer_listing=_viewer_listing()
        ),
        "filters": filters,
    }


@bp.get("/")
def index():
    filters = BrowseFilters.from_args(request.args)
    # The results fragment (active search) needs no filter choices: only the full page.
    districts, communities = ([], []) if wants_fragment() else area_choices()
    response = render(
        "swap/index.html",
        "results",
        title="互换大厅",
        districts=districts,
        communities=communities,
        sorts=SORTS,
        layouts=LAYOUTS,
        floor_bands=FLOOR_BANDS,
        guarantees=GUARANTEES,
        **_board_context(filters),
    )
    if wants_fragment():
        # The address bar gets the filters without the empty fields: short and shareable.
        response.headers["HX-Push-Url"] = url_for("swap.index", **filters.args())
    return response


@bp.get("/more")
def more():
    """加载更多: the next page's cards for htmx; a plain link goes to that page instead."""
    filters = BrowseFilters.from_args(request.args)
    if not wants_fragment():
        return redirect(url_for("swap.index", **filters.args()), code=303)
    return render("swap/index.html", "more", **_board_context(filters))


# --- a listing --------------------------------------------------------------------------------


def _visible_listing_or_404(listing_id: int) -> SwapListing:
    found = listings.listing_by_id(listing_id)
    user = current_user if current_user.is_authenticated else None
    if found is None or not listings.can_view_listing(found, user):
        abort(404)
    return found


def _listing_page(
    found: SwapListing, request_form: RequestForm | None = None, block: str | None = None
):
    card = board.cards_for([found], _viewer_id())[0]
    check = None
    blocked = False
    if current_user.is_authenticated and found.tenant_id != current_user.id:
        check = requests.request_check(current_user, found)
        blocked = blocks.has_blocked(current_user.id, found.tenant_id)
    return render(
        "swap/listing.html",
        block,
        title="互换房源",
        back_url=url_for("swap.index"),
        card=card,
        listing=found,
        on_board=board.is_on_board(found),
        check=check,
        blocked=blocked,
        request_form=request_form or RequestForm(formdata=None),
    )


@bp.get("/listings/<int:listing_id>")
def listing(listing_id: int):
    return _listing_page(_visible_listing_or_404(listing_id))


def stored_file(key: str, content_type: str, name: str, *, public: bool = False) -> Response:
    """An upload from storage, shown inline under a generated name; private unless ``public``."""
    cache = "public, max-age=3600" if public else "private, no-store"
    return private_file(storage().open(key), content_type, name, cache=cache)


@bp.get("/photos/<int:photo_id>")
@bp.get("/photos/<int:photo_id>/thumb", endpoint="photo_thumb")
def photo(photo_id: int):
    """A listing's photo: public while the listing is on the board (photos carry no EXIF,
    and their names are generated), else only for those who may see the listing."""
    found = found_or_404(listings.photo_by_id(photo_id))
    _visible_listing_or_404(found.listing_id)
    thumb = request.endpoint == "swap.photo_thumb"
    return stored_file(
        found.thumbnail_key if thumb else found.storage_key,
        "image/jpeg" if thumb else found.content_type,
        f"swap-photo-{found.id}{'-thumb' if thumb else ''}",
        public=board.is_on_board(found.listing) and not current_user.is_authenticated,
    )


@bp.post("/listings/<int:listing_id>/favourite")
@login_required
def favourite(listing_id: int):
    found = _visible_listing_or_404(listing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        favourite_listings.toggle_favourite(current_user.id, found)
    except SwapError as error:
        flash(error.message, "error")
    if not wants_fragment():
        return see_other(url_for("swap.listing", listing_id=found.id))
    return _listing_page(found, block="favourite")


@bp.post("/listings/<int:listing_id>/request")
@login_required
def send_request(listing_id: int):
    found = _visible_listing_or_404(listing_id)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            sent = requests.send_request(current_user, found, entered(form.message))
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("已发送换房请求，对方回复后会通过消息通知您", "success")
            return see_other(url_for("swap.conversation", request_id=sent.id))
    return _listing_page(found, form)


@bp.post("/listings/<int:listing_id>/block")
@login_required
def block_listing_owner(listing_id: int):
    found = _visible_listing_or_404(listing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        blocks.block_user(current_user.id, found.tenant_id)
    except SwapError as error:
        flash(error.message, "error")
        return see_other(url_for("swap.listing", listing_id=found.id))
    flash(
        "已屏蔽该用户：您不会再看到对方的互换信息，双方也不能再联系。可在“我的互换”中解除。",
        "success",
    )
    return see_other(url_for("swap.index"))


def _report_page(found: SwapListing, form: ReportForm, conversation=None):
    return render(
        "swap/report.html",
        "form_block",
        title="举报",
        back_url=url_for("swap.conversation", request_id=conversation.id)
        if conversation
        else url_for("swap.listing", listing_id=found.id),
        listing=found,
        conversation=conversation,
        form=form,
    )


def file_report(found: SwapListing, conversation=None):
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(
                current_user, found, form.reason.data, entered(form.detail), conversation
            )
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("举报已提交，工作人员核实后处理，不会告知对方举报人", "success")
            if conversation is not None:
                return see_other(url_for("swap.conversation", request_id=conversation.id))
            return see_other(url_for("swap.listing", listing_id=found.id))
    return _report_page(found, form, conversation)


@bp.route("/listings/<int:listing_id>/report", methods=["GET", "POST"])
@login_required
def report_listing(listing_id: int):
    return file_report(_visible_listing_or_404(listing_id))


# --- matches and favourites ------------------------------------------------------------------


@bp.get("/matches")
@login_required
def matches():
    own = listings.live_listing_of(current_user.id)
    view = None
    if own is not None and board.is_on_board(own):
        view = board_matches.match_view(own, arg_page())
    return render(
        "swap/matches.html",
        title="互相匹配",
        back_url=url_for("swap.index"),
        own=own,
        view=view,
    )


@bp.get("/favourites")
@login_required
def favourites():
    found = favourite_listings.favourites_of(current_user.id)
    return render(
        "swap/favourites.html",
        title="我的收藏",
        back_url=url_for("swap.index"),
        cards=board.cards_for(found, current_user.id),
    )
