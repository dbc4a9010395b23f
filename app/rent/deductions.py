"""Reading the bank's deduction result file (银行代扣结果). Pure module, no Flask.

The file is CSV with a header row::

    合同编号,账期,扣款日期,扣款金额,结果,失败原因,银行流水号
    JJGZ-2024-0001,2026-10,2026-10-15,775.00,成功,,B2026101500001
    JJGZ-2024-0002,2026-10,2026-10-15,775.00,失败,余额不足,

UTF-8 (with or without BOM, as Excel saves it) or GB18030/GBK (as bank systems often
export). Amounts are in yuan with at most two decimals; dates are YYYY-MM-DD. This module
checks each row's format; whether a row fits the database (contract, bill, amount owed)
is checked by the services.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from app.core.numbers import parse_fen
from app.rent.billing import Period, PeriodError
from app.rent.models import DeductionOutcome

HEADERS = ("合同编号", "账期", "扣款日期", "扣款金额", "结果", "失败原因", "银行流水号")
MAX_ROWS = 20_000
OUTCOMES = {
    "成功": DeductionOutcome.SUCCESS,
    "success": DeductionOutcome.SUCCESS,
    "失败": DeductionOutcome.FAILED,
    "failed": DeductionOutcome.FAILED,
}
_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})\Z")  # ASCII digits only
_REFERENCE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


class DeductionFileError(ValueError):
    """The file as a whole cannot be read; the message says what to fix."""


@dataclass
class DeductionRow:
    line: int
    contract_number: str
    period: Period | None = None
    deducted_on: date | None = None
    amount_fen: int | None = None
    outcome: DeductionOutcome | None = None
    reason: str = ""
    bank_reference: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(raw: bytes) -> str:
    """Text of an uploaded file: UTF-8 (BOM optional) or GB18030; binary is refused."""
    if b"\x00" in raw:
        raise DeductionFileError("文件不是文本格式的 CSV，请从银行系统导出 CSV 文件后再上传")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeductionFileError("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件")


def parse_date(text: str) -> date:
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError("日期格式应为 YYYY-MM-DD，例如 2026-10-15")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as error:
        raise ValueError(f"日期 {text.strip()} 不存在") from error


def parse(text: str) -> list[DeductionRow]:
    """Every data row, each with its own format errors (Chinese, naming the column)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise DeductionFileError("文件是空的，请检查是否选对了文件")
    names = tuple(cell.strip() for cell in header)
    if names[: len(HEADERS)] != HEADERS:
        raise DeductionFileError("表头应为：" + ",".join(HEADERS) + "（第 1 行）")
    rows: list[DeductionRow] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise DeductionFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
        rows.append(_parse_row(line, cells))
    if not rows:
        raise DeductionFileError("文件中没有扣款记录（只有表头）")
    return rows


def _parse_row(line: int, cells: list[str]) -> DeductionRow:
    values = [cell.strip() for cell in cells] + [""] * (len(HEADERS) - len(cells))
    contract, period, day, amount, outcome, reason, reference = values[: len(HEADERS)]
    row = DeductionRow(line=line, contract_number=contract, reason=reason, bank_reference=reference)
    if len(cells) > len(HEADERS) and any(cell.strip() for cell in cells[len(HEADERS) :]):
        row.errors.append(f"列数多于 {len(HEADERS)} 列，请检查是否有多余的逗号")
    if not contract:
        row.errors.append("合同编号：不能为空")
    try:
        row.period = Period.parse(period)
    except PeriodError as error:
        row.errors.append(f"账期：{error}")
    try:
        row.deducted_on = parse_date(day)
    except ValueError as error:
        row.errors.append(f"扣款日期：{error}")
    try:
        row.amount_fen = parse_fen(amount)
    except ValueError as error:
        row.errors.append(f"扣款金额：{error}")
    row.outcome = OUTCOMES.get(outcome.lower())
    if row.outcome is None:
        row.errors.append("结果：应为“成功”或“失败”")
    elif row.outcome is DeductionOutcome.FAILED and not reason:
        row.errors.append("失败原因：扣款失败时须填写原因，例如 余额不足")
    elif row.outcome is DeductionOutcome.SUCCESS and not _REFERENCE.match(reference):
        row.errors.append("银行流水号：扣款成功时须填写，4 到 40 位字母、数字或连字符")
    if len(reason) > 50:
        row.errors.append("失败原因：不能超过 50 个字")
    return row
