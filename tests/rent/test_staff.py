"""租赁管理: role checks, arrears list, offline payments, bank deduction import."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.core.clock import today_in_china
from app.extensions import db
from app.rent import deduction_import, online_payments, staff_services, standing
from app.rent.fees import late_fee_fen
from app.rent.models import (
    BankDeductionMandate,
    BillStatus,
    DeductionImport,
    DeductionOutcome,
    DeductionResult,
    Payment,
    PaymentChannel,
)
from app.rent.statuses import PaymentError
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident, create_staff, create_tenant
from tests.rent.builders import add_overdue_bills, count

TODAY = today_in_china()


def as_staff(client, role: Role = Role.LEASE_MANAGER):
    staff = create_staff(role)
    login(client, staff.phone, PASSWORD)
    return staff


@pytest.mark.parametrize(
    "path", ["/staff/rent/", "/staff/rent/leases/1", "/staff/rent/deductions/import"]
)
def test_signed_out_goes_to_login(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STREET_REVIEWER, Role.CITY_REVIEWER])
def test_others_are_forbidden(client, role: Role) -> None:
    _tenant, lease = create_tenant()
    if role is Role.RESIDENT:
        user = create_resident()
        login(client, user.phone, PASSWORD)
    else:
        as_staff(client, role)
    for path in ("/staff/rent/", f"/staff/rent/leases/{lease.id}", "/staff/rent/deductions/import"):
        assert client.get(path).status_code == 403, path
    assert (
        post(client, f"/staff/rent/leases/{lease.id}", {"receipt_number": "X1234"}).status_code
        == 403
    )


@pytest.mark.parametrize("role", [Role.LEASE_MANAGER, Role.ADMIN])
def test_lease_managers_and_admins_may(client, role: Role) -> None:
    as_staff(client, role)
    assert client.get("/staff/rent/").status_code == 200


def test_arrears_list_sorts_by_months_owed(client) -> None:
    leases = {}
    for months in (1, 3, 2):
        _tenant, lease = create_tenant()
        add_overdue_bills(lease, months)
        leases[months] = lease
    _paid_up, clean = create_tenant()
    as_staff(client)

    def order(query: str) -> list[str]:
        html = page_text(client.get(f"/staff/rent/{query}"))
        return re.findall(r">(TEST-\d+)</a>", html)

    numbers = {m: lease.contract_number for m, lease in leases.items()}
    assert order("") == [numbers[3], numbers[2], numbers[1]]
    assert order("?sort=months_asc") == [numbers[1], numbers[2], numbers[3]]
    assert order("?sort=amount") == [numbers[3], numbers[2], numbers[1]]
    assert clean.contract_number not in page_text(client.get("/staff/rent/"))
    html = page_text(client.get("/staff/rent/"))
    assert "共 3 户" in html and 'aria-sort="descending"' in html and "李*" in html
    fragment = client.get("/staff/rent/?sort=months_asc", headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and 'aria-sort="ascending"' in page_text(fragment)


def test_record_an_offline_payment_with_a_receipt_number(client) -> None:
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 2, newest_due_days_ago=20)
    staff = as_staff(client)
    quote = staff_services.offline_quote(lease.id, 1, TODAY)
    url = f"/staff/rent/leases/{lease.id}"
    form = page_text(client.get(url))
    assert "登记线下缴费" in form and 'value="' + TODAY.isoformat() + '"' in form

    wrong = post(
        client,
        url,
        {
            "bill_count": "1",
            "receipt_number": "jj-2026-0001",
            "paid_on": TODAY.isoformat(),
            "amount": "1.00",
        },
    )
    assert wrong.status_code == 200 and "实收金额与应收金额不符" in page_text(wrong)
    assert count(Payment) == 0

    yuan = f"{quote[0].total_fen // 100}.{quote[0].total_fen % 100:02d}"
    ok = post(
        client,
        url,
        {
            "bill_count": "1",
            "receipt_number": "jj-2026-0001",
            "paid_on": TODAY.isoformat(),
            "amount": yuan,
        },
    )
    assert ok.status_code == 303
    payment = db.session.scalar(select(Payment))
    assert payment.channel == PaymentChannel.OFFLINE and payment.receipt_number == "JJ-2026-0001"
    assert payment.recorded_by_id == staff.id and payment.payer_id == tenant.id
    db.session.refresh(bills[0])
    db.session.refresh(bills[1])
    assert (
        bills[0].status == BillStatus.PAID and bills[0].late_fee_paid_fen == quote[0].late_fee_fen
    )
    assert bills[1].status == BillStatus.UNPAID

    quote2 = staff_services.offline_quote(lease.id, 1, TODAY)
    yuan2 = f"{quote2[0].total_fen // 100}.{quote2[0].total_fen % 100:02d}"
    duplicate = post(
        client,
        url,
        {
            "bill_count": "1",
            "receipt_number": "JJ-2026-0001",
            "paid_on": TODAY.isoformat(),
            "amount": yuan2,
        },
    )
    assert "已登记过" in page_text(duplicate) and count(Payment) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"bill_count": "1", "receipt_number": "", "paid_on": "x", "amount": "1"},
            "请填写纸质收据上的编号",
        ),
        (
            {"bill_count": "1", "receipt_number": "AB 12", "paid_on": "2026-01-01", "amount": "1"},
            "字母、数字或连字符",
        ),
        (
            {"bill_count": "1", "receipt_number": "AB12", "paid_on": "2026-02-30", "amount": "1"},
            "不存在",
        ),
        (
            {"bill_count": "1", "receipt_number": "AB12", "paid_on": "2999-01-01", "amount": "1"},
            "不能晚于今天",
        ),
        (
            {
                "bill_count": "1",
                "receipt_number": "AB12",
                "paid_on": "2026-01-01",
                "amount": "1.234",
            },
            "两位小数",
        ),
        (
            {"bill_count": "9", "receipt_number": "AB12", "paid_on": "2026-01-01", "amount": "1"},
            "请选择缴纳期数",
        ),
        (
            {"bill_count": "x", "receipt_number": "AB12", "paid_on": "2026-01-01", "amount": "1"},
            "请选择缴纳期数",
        ),
        *(
            (
                {"bill_count": "1", "receipt_number": "AB12", "paid_on": "2026-01-01", "amount": a},
                message,
            )
            for a, message in [
                ("1e309", "金额应为数字"),
                ("1E+30", "金额应为数字"),
                ("9" * 40, "金额应为数字"),
                ("9" * 15, "金额过大"),
                ("²", "金额应为数字"),
                ("NaN", "金额应为数字"),
            ]
        ),
        (
            {"bill_count": "²", "receipt_number": "AB12", "paid_on": "2026-01-01", "amount": "1"},
            "请选择缴纳期数",
        ),
    ],
)
def test_offline_form_errors_are_chinese(client, data: dict, message: str) -> None:
    _tenant, lease = create_tenant()
    add_overdue_bills(lease, 1)
    as_staff(client)
    response = post(client, f"/staff/rent/leases/{lease.id}", data)
    assert response.status_code == 200 and message in page_text(response)
    assert count(Payment) == 0


def mandate(lease) -> None:
    db.session.add(
        BankDeductionMandate(
            lease_id=lease.id, bank_name="中国建设银行", account_last4="1234", signed_on=TODAY
        )
    )
    db.session.commit()


def upload(client, text: str, encoding: str = "utf-8-sig", name: str = "result.csv"):
    return post(
        client,
        "/staff/rent/deductions/import",
        {"file": (io.BytesIO(text.encode(encoding)), name)},
        content_type="multipart/form-data",
    )


HEADER = "合同编号,账期,扣款日期,扣款金额,结果,失败原因,银行流水号\n"


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def test_import_preview_shows_per_row_errors_and_applies_nothing(client) -> None:
    _tenant, lease = create_tenant()
    mandate(lease)
    bills = add_overdue_bills(lease, 2, newest_due_days_ago=3)
    _no_mandate_tenant, other = create_tenant()
    (other_bill,) = add_overdue_bills(other, 1)
    as_staff(client)
    good = bills[1]
    text = HEADER + "\n".join(
        [
            f"{lease.contract_number},{good.period},{TODAY},{yuan(good.amount_due_fen)},成功,,B0001",
            f"{lease.contract_number},{bills[0].period},{TODAY},1.00,成功,,B0002",
            f"NOPE-1,{good.period},{TODAY},1.00,成功,,B0003",
            f"{other.contract_number},{other_bill.period},{TODAY},1.00,失败,余额不足,",
            f"{lease.contract_number},2026-13,{TODAY},abc,也许,,",
            f"{lease.contract_number},{good.period},{TODAY},{yuan(good.amount_due_fen)},成功,,B0001",
        ]
    )
    response = upload(client, text)
    assert response.status_code == 303
    preview = page_text(client.get(response.headers["Location"]))
    assert "有 5 行需要修改，本文件未入账" in preview
    for expected in (
        "第 3 行 扣款金额：应为",
        "第 4 行 合同编号：找不到合同 NOPE-1",
        "第 5 行 合同编号：该合同未开通银行代扣",
        "第 6 行 账期：月份应在 01 到 12 之间",
        "第 6 行 扣款金额：金额应为数字",
        "第 6 行 结果：应为“成功”或“失败”",
        "第 7 行 与第 2 行重复",
    ):
        assert expected in preview, expected
    assert "确认入账" not in preview
    upload_id = int(response.headers["Location"].rsplit("/", 1)[1])
    confirm = post(client, f"/staff/rent/deductions/import/{upload_id}/confirm")
    assert confirm.status_code == 200 and "本文件未入账" in page_text(confirm)
    assert count(DeductionResult) == 0 and count(Payment) == 0
    assert all(not b.is_paid for b in standing.unpaid_bills(lease.id))


def test_a_valid_file_is_applied_only_when_confirmed_and_only_once(client) -> None:
    tenant, lease = create_tenant()
    mandate(lease)
    bills = add_overdue_bills(lease, 2, newest_due_days_ago=20)
    as_staff(client)
    first, second = bills
    fee = late_fee_fen(first.amount_due_fen, first.due_date, TODAY)
    text = HEADER + (
        f"{lease.contract_number},{first.period},{TODAY},{yuan(first.amount_due_fen + fee)},成功,,B9001\n"
        f"{lease.contract_number},{second.period},{TODAY},{yuan(second.amount_due_fen)},失败,余额不足,\n"
    )
    response = upload(client, text, encoding="gb18030", name="建行代扣.csv")
    preview = page_text(client.get(response.headers["Location"]))
    assert "确认入账 2 条" in preview and "需要修改" not in preview
    assert count(DeductionResult) == 0 and count(Payment) == 0  # nothing until confirmed

    upload_id = int(response.headers["Location"].rsplit("/", 1)[1])
    confirmed = post(client, f"/staff/rent/deductions/import/{upload_id}/confirm")
    assert confirmed.status_code == 303
    assert "已入账" in page_text(client.get(confirmed.headers["Location"]))
    results = {r.period: r for r in db.session.scalars(select(DeductionResult))}
    assert results[first.period].outcome == DeductionOutcome.SUCCESS
    assert results[second.period].reason == "余额不足"
    payment = db.session.scalar(select(Payment))
    assert payment.channel == PaymentChannel.BANK_DEDUCTION and payment.provider_txn_id == "B9001"
    assert payment.amount_fen == first.amount_due_fen + fee and payment.payer_id == tenant.id
    assert [b.id for b in standing.unpaid_bills(lease.id)] == [second.id]

    again = post(client, f"/staff/rent/deductions/import/{upload_id}/confirm")
    assert again.status_code == 303 and count(Payment) == 1 and count(DeductionResult) == 2
    # The same file uploaded again is refused row by row.
    repeat = upload(client, text)
    repeat_preview = page_text(client.get(repeat.headers["Location"]))
    assert "已导入过" in repeat_preview and "确认入账" not in repeat_preview


def test_a_failed_month_can_be_followed_by_the_banks_retry(client) -> None:
    _tenant, lease = create_tenant()
    mandate(lease)
    (bill,) = add_overdue_bills(lease, 1, newest_due_days_ago=1)
    staff = as_staff(client)
    failed = (
        HEADER
        + f"{lease.contract_number},{bill.period},{TODAY},{yuan(bill.amount_due_fen)},失败,余额不足,\n"
    )
    deduction_import.apply_deduction_import(staff, services_stage(staff, failed))
    retry = (
        HEADER
        + f"{lease.contract_number},{bill.period},{TODAY},{yuan(bill.amount_due_fen)},成功,,R7777\n"
    )
    preview = deduction_import.apply_deduction_import(staff, services_stage(staff, retry))
    assert preview.ok
    (result,) = db.session.scalars(select(DeductionResult))
    assert result.outcome == DeductionOutcome.SUCCESS and result.bank_reference == "R7777"


def services_stage(staff, text: str) -> DeductionImport:
    preview = deduction_import.stage_deduction_import(staff, "f.csv", text.encode())
    assert preview.ok, [row.errors for row in preview.rows]
    return preview.upload


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "不是文本格式的 CSV"),
        (b"a,b,c\n1,2,3\n", "表头应为"),
        (HEADER.encode(), "只有表头"),
    ],
)
def test_unreadable_files_are_explained(client, content: bytes, message: str) -> None:
    as_staff(client)
    response = post(
        client,
        "/staff/rent/deductions/import",
        {"file": (io.BytesIO(content), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and message in page_text(response)
    assert count(DeductionImport) == 0


def test_no_file_chosen(client) -> None:
    as_staff(client)
    response = post(client, "/staff/rent/deductions/import", {}, content_type="multipart/form-data")
    assert response.status_code == 200 and "请选择银行返回的扣款结果文件" in page_text(response)


def test_offline_payment_waits_for_an_open_online_payment(client) -> None:
    tenant, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    online_payments.start_online_payment(tenant, [bill.id], "9" * 32)
    staff = as_staff(client)
    quote = staff_services.offline_quote(lease.id, 1, TODAY)
    with pytest.raises(PaymentError, match="在线支付正在进行"):
        staff_services.record_offline_payment(
            staff,
            lease,
            bill_count=1,
            receipt_number="JJ-0001",
            paid_on=TODAY,
            amount_fen=quote[0].total_fen,
        )
    assert count(Payment) == 1 and not standing.unpaid_bills(lease.id)[0].is_paid
