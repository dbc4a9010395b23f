"""The public side of a review: the publicity list, objections, certificate checks."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.apply import workflow
from app.apply.models import Application
from app.apply.publicity.models import Objection, PublicityRound, QualificationCertificate
from app.apply.review_policy import track_of
from app.apply.scope import office_staff
from app.apply.workflow import Track
from app.audit.services import record
from app.auth.roles import Role
from app.extensions import db
from app.housing.models import District
from app.messages.services import post_message

PAGE_SIZE = 20


@dataclass(frozen=True)
class PublicityPage:
    rounds: list[PublicityRound]
    total: int
    page: int
    pages: int


def track_of_round(publicity: PublicityRound) -> Track:
    return track_of(publicity.application)


def _running(today: date):
    return (
        select(PublicityRound)
        .join(Application, Application.id == PublicityRound.application_id)
        .where(
            PublicityRound.finished_on.is_(None),
            PublicityRound.starts_on <= today,
            PublicityRound.ends_on >= today,
            Application.status.in_(sorted(workflow.PUBLICITY_STATUSES)),
        )
    )


def running_rounds(today: date, *, district: str = "", page: int = 1) -> PublicityPage:
    """Households on public display today, newest first."""
    query = _running(today)
    if district:
        query = query.where(PublicityRound.district_name == district)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rounds = db.session.scalars(
        query.order_by(PublicityRound.starts_on.desc(), PublicityRound.id.desc())
        .options(selectinload(PublicityRound.application))  # each round's label reads its track
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return PublicityPage(list(rounds), total, page, pages)


def district_names() -> list[str]:
    return list(db.session.scalars(select(District.name).order_by(District.code)))


def round_open_for_objection(round_id: int, today: date) -> PublicityRound | None:
    return db.session.scalar(_running(today).where(PublicityRound.id == round_id))


def submit_objection(
    publicity: PublicityRound, *, name: str, phone: str, content: str, ip: str | None
) -> Objection:
    """Record an objection and tell the office running the round (their message centre)."""
    objection = Objection(
        round_id=publicity.id,
        application_id=publicity.application_id,
        contact_name=name,
        contact_phone=phone,
        content=content,
        ip=ip,
    )
    db.session.add(objection)
    db.session.flush()
    record(
        "objection.received",
        actor_id=None,
        subject_type="application",
        subject_id=publicity.application_id,
        detail=f"objection {objection.id} on {publicity.level} round {publicity.id}",
        ip=ip,
    )
    level = workflow.Round(publicity.level)
    label = level.label(track_of_round(publicity))
    reference = publicity.application.reference
    for user in office_staff(Role(level.office_role), publicity.application):
        post_message(
            user.id,
            category="异议",
            title=f"收到公示异议：{reference}",
            body=(
                f"申请 {reference}（{publicity.masked_name}）在{label}期间收到一条异议，"
                "请核实后在后台处理。异议处理完毕前不能结束公示。"
            ),
            link=f"/staff/applications/{publicity.application_id}",
        )
    db.session.commit()
    return objection


# -- 资格证明 --------------------------------------------------------------------------


def valid_certificate_of(holder_id: int, today: date) -> QualificationCertificate | None:
    """The holder's latest 资格证明 if it is still valid on ``today``."""
    certificate = certificate_of_holder(holder_id)
    return certificate if certificate is not None and certificate.valid_until >= today else None


def certificate_of_holder(holder_id: int) -> QualificationCertificate | None:
    return db.session.scalar(
        select(QualificationCertificate)
        .where(QualificationCertificate.holder_id == holder_id)
        .order_by(QualificationCertificate.id.desc())
        .limit(1)
    )


def certificate_by_token(token: str) -> QualificationCertificate | None:
    if not token or len(token) > 32:
        return None
    return db.session.scalar(
        select(QualificationCertificate).where(QualificationCertificate.token == token)
    )


def qr_data_uri(url: str) -> str:
    """A PNG QR code as a data: URI, drawn here (no outside service)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage, fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
