"""The contract as a PDF, drawn here with fpdf2. Pure: no Flask, no database.

Chinese text needs a CJK font embedded in the file (subset to the characters used):
WenQuanYi Micro Hei from Debian's ``fonts-wqy-microhei``, which the project installs
(``scripts/ensure-browser.sh``; production: see README). Its TrueType outlines keep the
text extractable (copy, search, screen readers).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from app.core.money import format_yuan
from app.renewal.contract import (
    COMMITMENT_TEXT,
    COMMITMENT_TITLE,
    ContractData,
    clauses,
    lessor_line,
)

FAMILY = "cjk"
# fontTools reports every subsetting step at INFO; the app logs INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class FontMissing(RuntimeError):
    """The configured CJK font file is not installed."""


@dataclass(frozen=True)
class Signing:
    """What the signed version adds to the contract."""

    signature_png: bytes
    signed_at: str  # China time, for people
    face_reference: str
    face_verified_at: str
    unsigned_sha256: str


def render_contract(
    data: ContractData,
    *,
    font_path: str,
    signing: Signing | None = None,
) -> bytes:
    """The contract PDF: unsigned (to read before signing) or with ``signing``."""
    if not Path(font_path).is_file():
        raise FontMissing(
            f"CJK font {font_path} is missing: install Debian's fonts-wqy-microhei "
            "or set RENEWAL_CONTRACT_FONT"
        )
    pdf = FPDF(format="A4")
    pdf.set_title(f"公共租赁住房租赁合同（续签）{data.contract_number}")
    pdf.set_author(data.lessor)
    pdf.set_lang("zh-CN")
    pdf.add_font(FAMILY, fname=font_path, collection_font_number=0)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _title(pdf, "公共租赁住房租赁合同（续签）")
    _line(pdf, f"合同编号：{data.contract_number}    续约编号：{data.renewal_reference}", 10)
    if signing is None:
        _line(pdf, "【待签署】本文件供阅读核对，签署后生成正式合同。", 10)
    pdf.ln(2)
    _parties(pdf, data)
    for heading, text in clauses(data):
        _paragraph(pdf, heading, text)
    _paragraph(pdf, COMMITMENT_TITLE, COMMITMENT_TEXT)
    _signatures(pdf, data, signing)
    return bytes(pdf.output())


def _title(pdf: FPDF, text: str) -> None:
    pdf.set_font(FAMILY, size=18)
    pdf.cell(0, 12, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _line(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf: FPDF, heading: str, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, size=12)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    _line(pdf, text)


def _parties(pdf: FPDF, data: ContractData) -> None:
    rows = [
        ("出租人（甲方）", data.lessor),
        ("承租人（乙方）", f"{data.tenant_name}（身份证号 {data.tenant_id_masked}）"),
        ("房屋", f"{data.address}，{data.area_m2}平方米，{data.layout}"),
        ("保障类型", data.guarantee_label),
        ("续租期限", data.term_text),
        (
            "月租金",
            f"{format_yuan(data.monthly_rent_fen)}（物业服务费 {format_yuan(data.property_fee_fen)}）",
        ),
    ]
    for name, relation, id_masked in data.residents:
        rows.append(("其他入住人", f"{name}（{relation}，{id_masked}）"))
    for label, value in rows:
        _line(pdf, f"{label}：{value}")


def _signatures(pdf: FPDF, data: ContractData, signing: Signing | None) -> None:
    pdf.ln(4)
    if pdf.will_page_break(60):
        pdf.add_page()
    _line(pdf, lessor_line(data.lessor))
    _line(pdf, "乙方（签字）：")
    if signing is None:
        pdf.ln(20)
        return
    pdf.image(io.BytesIO(signing.signature_png), w=60)
    _line(pdf, f"签署时间：{signing.signed_at}（北京时间）", 10)
    _line(
        pdf,
        f"人脸识别核验编号：{signing.face_reference}（{signing.face_verified_at}）",
        10,
    )
    _line(pdf, f"待签署合同文件 SHA-256：{signing.unsigned_sha256}", 9)
