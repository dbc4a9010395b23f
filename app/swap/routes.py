"""互换大厅: the public board, a tenant's own listing, matches, favourites, requests and
their conversations, blocks, reports, and the formal application. Thin views: parse,
call a service, render or 303-redirect.

Listings on the board are public (without the unit number, the tenant's name or phone);
everything else needs a sign-in, and a conversation or application of other tenants
answers 404.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

import app.swap.cards  # noqa: F401 - registers the home card
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Community, District, Street, Unit
from app.housing.services import active_lease_for
from app.htmx import render, see_other, wants_fragment
from app.inputs import arg_page
from app.storage import storage
from app.swap import applications, board, bp, services
from app.swap.browse import FLOOR_BANDS, GUARANTEES, LAYOUTS, SORTS, BrowseFilters
from app.swap.forms import (
    ConfirmForm,
    ListingForm,
    MessageForm,
    PhotoForm,
    ProofForm,
    ReasonForm,
    ReportForm,
    RequestForm,
    SignForm,
)
from app.swap.models import RequestStatus, SwapListing
from app.swap.rules import (
    FLOW,
    MAX_PHOTOS,
    MAX_PROOF_FILES,
    Step,
    can_renew,
    days_left,
    step_refusal,
)
from app.swap.services import SwapError, WishInput

# --- the board ----------------------------------------------------------------------------


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _viewer_listing() -> SwapListing | None:
    if not current_user.is_authenticated:
        return None
    return services.live_listing_of(current_user.id)


def _area_choices() -> tuple[list, list]:
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
    districts, communities = ([], []) if wants_fragment() else _area_choices()
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
    found = services.listing_by_id(listing_id)
    user = current_user if current_user.is_authenticated else None
    if found is None or not services.can_view_listing(found, user):
        abort(404)
    return found


def _listing_page(
    found: SwapListing, request_form: RequestForm | None = None, block: str | None = None
):
    card = board.cards_for([found], _viewer_id())[0]
    check = None
    blocked = False
    if current_user.is_authenticated and found.tenant_id != current_user.id:
        check = services.request_check(current_user, found)
        blocked = services.has_blocked(current_user.id, found.tenant_id)
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
    response = send_file(storage().open(key), mimetype=content_type, download_name=name, max_age=0)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@bp.get("/photos/<int:photo_id>")
@bp.get("/photos/<int:photo_id>/thumb", endpoint="photo_thumb")
def photo(photo_id: int):
    """A listing's photo: public while the listing is on the board (photos carry no EXIF,
    and their names are generated), else only for those who may see the listing."""
    found = services.photo_by_id(photo_id)
    if found is None:
        abort(404)
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
        services.toggle_favourite(current_user.id, found)
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
            sent = services.send_request(current_user, found, form.message.data)
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
        services.block_user(current_user.id, found.tenant_id)
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


def _file_report(found: SwapListing, conversation=None):
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(current_user, found, form.reason.data, form.detail.data, conversation)
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
    return _file_report(_visible_listing_or_404(listing_id))


# --- my listing ----------------------------------------------------------------------------


@bp.get("/mine")
@login_required
def mine():
    listing_found = services.latest_listing_of(current_user.id)
    lease = active_lease_for(current_user.id)
    now = utcnow()
    return render(
        "swap/mine.html",
        title="我的互换",
        back_url=url_for("swap.index"),
        listing=listing_found,
        card=board.cards_for([listing_found], current_user.id)[0] if listing_found else None,
        on_board=bool(listing_found) and board.is_on_board(listing_found, now),
        renewable=bool(listing_found)
        and listing_found.is_live
        and can_renew(listing_found.expires_at, now),
        days_left=days_left(listing_found.expires_at, now) if listing_found else 0,
        problems=services.own_problems(current_user.id),
        photo_form=PhotoForm(),
        max_photos=MAX_PHOTOS,
        requests=services.requests_of(current_user.id),
        applications=applications.applications_of(current_user.id),
        blocks=services.blocks_of(current_user.id),
        lease=lease,
        unit=db.session.get(Unit, lease.unit_id) if lease else None,
        moves=applications.lease_moves(lease.id) if lease else [],
        units=_unit_addresses(lease),
    )


def _unit_addresses(lease) -> dict[int, str]:
    if lease is None:
        return {}
    ids = {lease.unit_id}
    for move in applications.lease_moves(lease.id):
        ids |= {move.from_unit_id, move.to_unit_id}
    return {unit_id: db.session.get(Unit, unit_id).address for unit_id in ids}


def _wishes_from(form: ListingForm) -> WishInput:
    return WishInput(
        district_ids=form.wish_districts.data or [],
        community_ids=form.wish_communities.data or [],
        min_bedrooms=int(form.min_bedrooms.data) if form.min_bedrooms.data else None,
        floor_min=form.floor_min.data,
        floor_max=form.floor_max.data,
        needs_lift=bool(form.needs_lift.data),
        reason_category=form.reason_category.data,
        description=form.description.data,
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
    existing = services.live_listing_of(current_user.id)
    lease = active_lease_for(current_user.id)
    problems = [] if existing else services.own_problems(current_user.id)
    districts, communities = _area_choices()
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
                services.post_listing(current_user, _wishes_from(form))
                flash("互换信息已发布，展示60天。添加几张房屋照片，更容易找到换房的人", "success")
            else:
                services.update_listing(existing, _wishes_from(form), version=form.version.data)
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
        preview=existing or (services.preview_listing(lease) if lease else None),
        communities=communities,
        names=board.area_names(),
    )


def _own_live_listing_or_404() -> SwapListing:
    found = services.live_listing_of(current_user.id)
    if found is None:
        abort(404)
    return found


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
    return _listing_action(services.pause_listing, "已暂停展示，其他人暂时看不到您的互换信息")


@bp.post("/mine/resume")
@login_required
def resume():
    return _listing_action(services.resume_listing, "已恢复展示")


@bp.post("/mine/renew")
@login_required
def renew():
    return _listing_action(services.renew_listing, "已续期，互换信息将再展示60天")


@bp.post("/mine/close")
@login_required
def close():
    return _listing_action(
        lambda found: services.close_listing(found, current_user.id),
        "互换信息已关闭，需要时可以重新发布",
    )


@bp.post("/mine/photos")
@login_required
def upload_photo():
    found = _own_live_listing_or_404()
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            services.add_photo(found, services.read_upload(form.photo.data.stream))
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
        services.delete_photo(found, photo_found)
    except SwapError as error:
        flash(error.message, "error")
    return see_other(url_for("swap.mine") + "#photos")


@bp.post("/blocks/<int:block_id>/delete")
@login_required
def unblock(block_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not services.unblock(current_user.id, block_id):
        abort(404)
    flash("已解除屏蔽", "success")
    return see_other(url_for("swap.mine"))


# --- matches and favourites ------------------------------------------------------------------


@bp.get("/matches")
@login_required
def matches():
    own = services.live_listing_of(current_user.id)
    view = None
    if own is not None and board.is_on_board(own):
        view = board.match_view(own, arg_page())
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
    found = services.favourites_of(current_user.id)
    return render(
        "swap/favourites.html",
        title="我的收藏",
        back_url=url_for("swap.index"),
        cards=board.cards_for(found, current_user.id),
    )


# --- requests and conversations ---------------------------------------------------------------


def _own_request_or_404(request_id: int):
    found = services.request_for_party(current_user.id, request_id)
    if found is None:
        abort(404)
    return found


def _conversation_page(found, message_form: MessageForm | None = None):
    mine_listing = found.listing_of(current_user.id)
    other_listing = found.other_listing(current_user.id)
    cards = {
        card.listing.id: card
        for card in board.cards_for([mine_listing, other_listing], current_user.id)
    }
    application = applications.application_for_request(found.id)
    return render(
        "swap/conversation.html",
        "thread",
        title="换房沟通",
        back_url=url_for("swap.mine"),
        conversation=found,
        mine_card=cards[mine_listing.id],
        other_card=cards[other_listing.id],
        is_recipient=found.to_tenant_id == current_user.id,
        contact=services.contact_of(found, current_user.id),
        message_form=message_form or MessageForm(formdata=None),
        application=application,
        can_apply=found.status == RequestStatus.ACCEPTED
        and (application is None or not application.status_enum.is_open),
        blocked=services.has_blocked(current_user.id, found.other_tenant_id(current_user.id)),
    )


@bp.get("/requests/<int:request_id>")
@login_required
def conversation(request_id: int):
    return _conversation_page(_own_request_or_404(request_id))


def _request_action(request_id: int, action, done: str):
    found = _own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return see_other(url_for("swap.conversation", request_id=found.id))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    return _request_action(
        request_id, services.accept_request, "已接受，双方现在可以看到对方的联系方式"
    )


@bp.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    return _request_action(request_id, services.decline_request, "已婉拒")


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    return _request_action(request_id, services.withdraw_request, "已撤回换房请求")


@bp.post("/requests/<int:request_id>/messages")
@login_required
def send_message(request_id: int):
    found = _own_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.send_message(found, current_user, form.body.data)
        except SwapError as error:
            form.body.errors = [*form.body.errors, *error.messages]
        else:
            if not wants_fragment():
                return see_other(url_for("swap.conversation", request_id=found.id) + "#thread")
            db.session.expire_all()
            return _conversation_page(_own_request_or_404(request_id))
    return _conversation_page(found, form)


@bp.post("/requests/<int:request_id>/block")
@login_required
def block_in_conversation(request_id: int):
    found = _own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.block_user(current_user.id, found.other_tenant_id(current_user.id))
    flash("已屏蔽对方，双方不能再联系。可在“我的互换”中解除。", "success")
    return see_other(url_for("swap.mine"))


@bp.route("/requests/<int:request_id>/report", methods=["GET", "POST"])
@login_required
def report_user(request_id: int):
    found = _own_request_or_404(request_id)
    return _file_report(found.other_listing(current_user.id), found)


# --- the formal application ------------------------------------------------------------------


@bp.post("/requests/<int:request_id>/apply")
@login_required
def start_application(request_id: int):
    found = _own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        started = applications.start_application(current_user, found)
    except SwapError as error:
        flash(error.message, "error")
        return see_other(url_for("swap.conversation", request_id=found.id))
    return see_other(url_for("swap.application", application_id=started.id))


def _own_application_or_404(application_id: int):
    found = applications.application_for_party(current_user.id, application_id)
    if found is None:
        abort(404)
    return found


def _application_page(
    found, reason_form: ReasonForm | None = None, proof_form: ProofForm | None = None
):
    mine_party = found.party_of(current_user.id)
    other_party = found.other_party(current_user.id)
    if reason_form is None:
        reason_form = ReasonForm(formdata=None)
        reason_form.reason_category.data = mine_party.reason_category
        reason_form.reason_text.data = mine_party.reason_text
    return render(
        "swap/application.html",
        title="申请互换",
        back_url=url_for("swap.mine"),
        application=found,
        party=mine_party,
        flow=FLOW,
        progress=applications.progress_of(mine_party),
        other_progress=applications.progress_of(other_party),
        bills=applications.prepay_bills(mine_party),
        from_unit=db.session.get(Unit, mine_party.from_unit_id),
        to_unit=db.session.get(Unit, mine_party.to_unit_id),
        reason_form=reason_form,
        proof_form=proof_form or ProofForm(formdata=None),
        max_files=MAX_PROOF_FILES,
        prepay_months=applications.prepay_months(),
    )


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    return _application_page(_own_application_or_404(application_id))


@bp.post("/applications/<int:application_id>/reason")
@login_required
def save_reason(application_id: int):
    found = _own_application_or_404(application_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            applications.save_reason(
                found, current_user, form.reason_category.data, form.reason_text.data
            )
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("互换理由已保存", "success")
            return see_other(url_for("swap.application", application_id=found.id) + "#proofs")
    return _application_page(found, reason_form=form)


@bp.post("/applications/<int:application_id>/proofs")
@login_required
def upload_proof(application_id: int):
    found = _own_application_or_404(application_id)
    form = ProofForm()
    if form.validate_on_submit():
        try:
            applications.add_proof(found, current_user, services.read_upload(form.file.data.stream))
        except SwapError as error:
            form.file.errors = [*form.file.errors, *error.messages]
        else:
            flash("证明材料已上传", "success")
            return see_other(url_for("swap.application", application_id=found.id) + "#proofs")
    return _application_page(found, proof_form=form)


@bp.post("/applications/<int:application_id>/proofs/<int:file_id>/delete")
@login_required
def delete_proof(application_id: int, file_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        applications.delete_proof(found, current_user, file_id)
    except SwapError as error:
        flash(error.message, "error")
    return see_other(url_for("swap.application", application_id=found.id) + "#proofs")


@bp.get("/applications/<int:application_id>/proofs/<int:file_id>")
@login_required
def proof(application_id: int, file_id: int):
    """A proof material, only to the tenant who uploaded it (staff see it in the back office)."""
    found = _own_application_or_404(application_id)
    file = applications.proof_file(found, file_id)
    if file is None or file.party.tenant_id != current_user.id:
        abort(404)
    return stored_file(file.storage_key, file.content_type, f"proof-{file.id}")


@bp.route("/applications/<int:application_id>/sign", methods=["GET", "POST"])
@login_required
def sign(application_id: int):
    found = _own_application_or_404(application_id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            applications.sign(found, current_user, form.password.data, ip=request.remote_addr)
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("已签署《承诺书》", "success")
            return see_other(url_for("swap.application", application_id=found.id))
    party = found.party_of(current_user.id)
    return render(
        "swap/sign.html",
        "form_block",
        title="签署承诺书",
        back_url=url_for("swap.application", application_id=found.id),
        application=found,
        party=party,
        refusal=None if party.signed_at else _sign_refusal(party),
        from_unit=db.session.get(Unit, party.from_unit_id),
        to_unit=db.session.get(Unit, party.to_unit_id),
        form=form,
        prepay_months=applications.prepay_months(),
    )


def _sign_refusal(party) -> str | None:
    return step_refusal(applications.progress_of(party), Step.SIGN)


@bp.post("/applications/<int:application_id>/prepay")
@login_required
def prepay(application_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        applications.issue_prepayment(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
        return see_other(url_for("swap.application", application_id=found.id))
    flash("已生成预缴账单，请在租金缴纳中完成支付；支付后回到本页查看进度", "success")
    return see_other(url_for("rent.pay"))


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw_application(application_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        applications.withdraw(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
    else:
        flash("已撤回互换申请", "success")
    return see_other(url_for("swap.application", application_id=found.id))
