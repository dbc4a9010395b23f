"""Rent history for the scale seed: a bill for every month of every lease (amounts from
``app.rent.billing``, due dates from the app's due day), each settled by the payment that
would have paid it (counter, sandbox online payment or bank deduction), late fees where a
bill was paid late, bank deduction results, subsidy payouts (廉租房), and the unpaid bills
of the tenants in arrears and of this month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.money import format_yuan
from app.rent.billing import Period, TermPrice, monthly_charge
from app.rent.fees import LateFeePolicy, late_fee_fen
from app.rent.models import BillStatus, DeductionOutcome, PaymentChannel, PaymentState
from app.rent.settlement import receipt_number_for
from bench.scale.scene import Scene, china_date, china_time
from bench.scale.tenancy import Lease

BILL_COLUMNS = (
    "id",
    "lease_id",
    "period",
    "due_date",
    "rent_fen",
    "property_fee_fen",
    "subsidy_fen",
    "amount_due_fen",
    "status",
    "late_fee_paid_fen",
    "paid_at",
    "payment_id",
    "created_at",
)
PAYMENT_COLUMNS = (
    "id",
    "reference",
    "lease_id",
    "payer_id",
    "channel",
    "state",
    "amount_fen",
    "idempotency_key",
    "provider_txn_id",
    "receipt_number",
    "expires_at",
    "paid_at",
    "failure_reason",
    "recorded_by_id",
    "created_at",
)
ITEM_COLUMNS = ("id", "payment_id", "bill_id", "principal_fen", "late_fee_fen", "lock_slot")
MANDATE_COLUMNS = (
    "id",
    "lease_id",
    "bank_name",
    "account_last4",
    "active",
    "signed_on",
    "created_at",
)
DEDUCTION_COLUMNS = (
    "id",
    "lease_id",
    "period",
    "bill_id",
    "outcome",
    "amount_fen",
    "deducted_on",
    "reason",
    "bank_reference",
    "import_id",
    "created_at",
)
PAYOUT_COLUMNS = (
    "id",
    "lease_id",
    "period",
    "amount_fen",
    "paid_on",
    "bank_name",
    "account_last4",
    "created_at",
)
BANKS = {
    "中国建设银行": "CCB",
    "中国工商银行": "ICBC",
    "中国农业银行": "ABC",
    "中国银行": "BOC",
    "九江银行": "JJB",
    "交通银行": "BCM",
    "中国邮政储蓄银行": "PSBC",
}
DEDUCTION_DAY = 5  # as in app.demo.rent
PAYOUT_DAY = 20
PAID_MESSAGE_MONTHS = 11  # 缴费成功 messages for the recent payments only
LATE_EPISODE_CHANCE = 0.012
ONLINE_SHARE = 0.65


@dataclass(frozen=True, slots=True)
class BillPlan:
    id: int
    period: Period
    due_date: date
    rent_fen: int
    fee_fen: int
    subsidy_fen: int
    amount_fen: int
    created_at: datetime


class RentSeeder:
    def __init__(self, scene: Scene, policy: LateFeePolicy, due_day: int) -> None:
        self.scene = scene
        self.policy = policy
        self.due_day = due_day
        self.this_month = Period.of(scene.today)
        writer = scene.writer
        self.bills = writer.sink("rent_bills", BILL_COLUMNS)
        self.payments = writer.sink("rent_payments", PAYMENT_COLUMNS)
        self.items = writer.sink("rent_payment_bills", ITEM_COLUMNS)
        self.mandates = writer.sink("rent_deduction_mandates", MANDATE_COLUMNS)
        self.deductions = writer.sink("rent_deduction_results", DEDUCTION_COLUMNS)
        self.payouts = writer.sink("rent_subsidy_payouts", PAYOUT_COLUMNS)
        self.recent = self.this_month
        for _ in range(PAID_MESSAGE_MONTHS - 1):
            self.recent = self.recent.previous()

    # -- choosing who owes what ---------------------------------------------------------

    def plan(self, leases: list[Lease]) -> None:
        """Mandates, arrears and this month's unpaid bills (the rest pay on time)."""
        scene, rng, volume = self.scene, self.scene.rng, self.scene.volume
        for lease in leases:
            if rng.random() < volume.mandate_share:
                earliest = max(lease.start, scene.today - timedelta(days=6 * 365))
                lease.mandate_since = scene.day_between(earliest, scene.today - timedelta(days=60))
        candidates = [
            lease for lease in leases if lease.months(scene.today) >= 10 and lease.move is None
        ]
        for lease in rng.sample(candidates, min(volume.arrears_leases, len(candidates))):
            lease.arrears_months = rng.choice((1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8))
        if scene.today <= self.this_month.due_date(self.due_day):
            # Before the due date a good share has not paid this month yet; after it, those
            # who have not paid are in arrears (the ones picked above).
            for lease in leases:
                lease.current_unpaid = rng.random() < volume.current_unpaid_share

    # -- one lease -------------------------------------------------------------------------

    def seed(self, lease: Lease) -> None:
        scene, rng = self.scene, self.scene.rng
        bank = rng.choice(list(BANKS))
        if lease.mandate_since is not None:
            self.mandates.add(
                scene.writer.next_id("rent_deduction_mandates"),
                lease.id,
                bank,
                f"{rng.randrange(10000):04d}",
                True,
                lease.mandate_since,
                china_time(lease.mandate_since, 10),
            )
        plans, advance = self._bills(lease)
        unpaid = self._unpaid(lease, plans, advance)
        paid: dict[int, tuple[int, int, datetime]] = {}  # bill id -> payment, late fee, paid at
        if advance:
            self._prepay(lease, [plan for plan in plans if plan.id in advance], paid)
        self._pay_history(lease, plans, unpaid, advance, paid, bank)
        for plan in plans:
            payment_id, fee, paid_at = paid.get(plan.id, (None, 0, None))
            self.bills.add(
                plan.id,
                lease.id,
                str(plan.period),
                plan.due_date,
                plan.rent_fen,
                plan.fee_fen,
                plan.subsidy_fen,
                plan.amount_fen,
                BillStatus.PAID.value if payment_id else BillStatus.UNPAID.value,
                fee,
                paid_at,
                payment_id,
                plan.created_at,
            )
        if lease.is_lianzu:
            self._payouts(lease, bank)

    def _bills(self, lease: Lease) -> tuple[list[BillPlan], set[int]]:
        """Every month from the first to this one (and, after a swap, the year paid in
        advance); the ids of the advance bills."""
        scene = self.scene
        prices = [
            TermPrice(term.start, term.end, term.rent_fen, term.fee_fen, term.subsidy_fen)
            for term in lease.terms
        ]
        last = self.this_month
        advance_periods: set[Period] = set()
        prepaid_at = None
        if lease.move is not None:
            prepaid_at = lease.prepaid_at
            period = Period.of(china_date(prepaid_at))
            for _ in range(12):
                period = period.next()
                advance_periods.add(period)
            last = max(last, period)
        plans: list[BillPlan] = []
        advance: set[int] = set()
        period = Period.of(lease.start)
        first_term = 0
        while period <= last:
            # Only the terms that can cover this month (the same charge, found faster).
            while first_term < len(prices) - 1 and prices[first_term].end < period.first_day:
                first_term += 1
            covering = prices[first_term : first_term + 2]
            charge = monthly_charge(covering, period, deduct_subsidy=not lease.is_lianzu)
            if charge is not None:
                bill_id = scene.writer.next_id("rent_bills")
                created = china_time(period.first_day, 0)  # issued at midnight on the 1st
                if period in advance_periods:
                    advance.add(bill_id)
                    created = min(created, prepaid_at)
                plans.append(
                    BillPlan(
                        bill_id,
                        period,
                        period.due_date(self.due_day),
                        charge.rent_fen,
                        charge.property_fee_fen,
                        charge.subsidy_fen,
                        charge.amount_due_fen,
                        created,
                    )
                )
            period = period.next()
        return plans, advance

    def _unpaid(self, lease: Lease, plans: list[BillPlan], advance: set[int]) -> set[int]:
        today = self.scene.today
        current = [p for p in plans if p.period == self.this_month and p.id not in advance]
        unpaid: set[int] = set()
        if lease.arrears_months:
            overdue = [p for p in plans if p.due_date < today and p.period <= self.this_month]
            unpaid = {p.id for p in overdue[-lease.arrears_months :]}
            unpaid |= {p.id for p in current}
        elif lease.current_unpaid:
            unpaid = {p.id for p in current}
        return unpaid

    def _pay_history(
        self,
        lease: Lease,
        plans: list[BillPlan],
        unpaid: set[int],
        advance: set[int],
        paid: dict[int, tuple[int, int, datetime]],
        bank: str,
    ) -> None:
        rng, today = self.scene.rng, self.scene.today
        registered = china_date(lease.tenant.registered_at)
        floor = lease.start
        index = 0
        while index < len(plans):
            plan = plans[index]
            index += 1
            if plan.id in advance or plan.id in paid:
                continue
            if plan.id in unpaid:
                self._failed_deduction(lease, plan, bank)
                continue
            by_bank = lease.mandate_since is not None and plan.period.first_day >= (
                lease.mandate_since
            )
            recent = plan.period >= self.this_month.previous().previous()
            if not by_bank and not recent and rng.random() < LATE_EPISODE_CHANCE:
                late_day = plan.due_date + timedelta(days=rng.randrange(6, 50))
                late_day = min(late_day, today - timedelta(days=1))
                group = [plan]
                while index < len(plans) and plans[index].due_date < late_day:
                    if plans[index].id in unpaid or plans[index].id in advance:
                        break
                    group.append(plans[index])
                    index += 1
                channel = self._channel(late_day, registered)
                self._payment(lease, group, channel, late_day, paid, late=True)
                floor = late_day
                continue
            if by_bank:
                day = max(plan.period.first_day + timedelta(days=DEDUCTION_DAY - 1), floor)
                channel = PaymentChannel.BANK_DEDUCTION
            else:
                span = (plan.due_date - plan.period.first_day).days
                day = plan.period.first_day + timedelta(days=int(span * rng.random() ** 1.5))
                day = max(day, floor)
                channel = self._channel(day, registered)
            if plan.period == self.this_month:
                day = min(day, today)
            if day > today:
                continue  # not paid yet: this month's deduction comes later
            self._payment(lease, [plan], channel, day, paid, bank=bank)
            floor = day

    def _channel(self, day: date, registered: date) -> PaymentChannel:
        if day >= registered and self.scene.rng.random() < ONLINE_SHARE:
            return PaymentChannel.SANDBOX
        return PaymentChannel.OFFLINE

    def _payment(
        self,
        lease: Lease,
        group: list[BillPlan],
        channel: PaymentChannel,
        day: date,
        paid: dict[int, tuple[int, int, datetime]],
        *,
        late: bool = False,
        bank: str = "",
        at: datetime | None = None,
    ) -> int:
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        payment_id = writer.next_id("rent_payments")
        fees = [
            late_fee_fen(plan.amount_fen, plan.due_date, day, self.policy) if late else 0
            for plan in group
        ]
        amount = sum(plan.amount_fen for plan in group) + sum(fees)
        key = expires = None
        recorded_by = scene.staff.lease_manager
        if channel is PaymentChannel.SANDBOX:
            paid_at = at or china_time(day, rng.randrange(7, 23), rng.randrange(60))
            created = paid_at - timedelta(seconds=rng.randrange(40, 300))
            key = f"{rng.getrandbits(128):032x}"
            expires = created + timedelta(minutes=30)
            txn = f"SBX{rng.getrandbits(96):024X}"
            receipt = receipt_number_for(payment_id, paid_at)
            recorded_by = None
        elif channel is PaymentChannel.OFFLINE:
            paid_at = china_time(day, 0)
            created = china_time(day, rng.randrange(9, 17), rng.randrange(60))
            txn = receipt = f"XJ{day:%Y%m%d}{payment_id:08d}"
        else:
            paid_at = china_time(day, 0)
            created = china_time(day + timedelta(days=1), 10, rng.randrange(60))
            txn = f"{BANKS[bank]}{day:%Y%m%d}{lease.id:07d}"
            receipt = receipt_number_for(payment_id, paid_at)
        created = min(created, scene.now)
        reference = f"RP{created + timedelta(hours=8):%Y%m%d%H%M%S}{payment_id:08X}"
        self.payments.add(
            payment_id,
            reference,
            lease.id,
            lease.tenant.id,
            channel.value,
            PaymentState.PAID.value,
            amount,
            key,
            txn,
            receipt,
            expires,
            paid_at,
            None,
            recorded_by,
            created,
        )
        for plan, fee in zip(group, fees, strict=True):
            self.items.add(
                writer.next_id("rent_payment_bills"), payment_id, plan.id, plan.amount_fen, fee, 1
            )
            paid[plan.id] = (payment_id, fee, paid_at)
            if channel is PaymentChannel.BANK_DEDUCTION:
                self.deductions.add(
                    writer.next_id("rent_deduction_results"),
                    lease.id,
                    str(plan.period),
                    plan.id,
                    DeductionOutcome.SUCCESS.value,
                    plan.amount_fen,
                    day,
                    None,
                    txn,
                    None,
                    created,
                )
        if lease.first_paid_at is None or paid_at < lease.first_paid_at:
            lease.first_paid_at = paid_at
        if group[-1].period >= self.recent and paid_at >= lease.tenant.registered_at:
            self._paid_message(lease, group, fees, channel, payment_id, amount, paid_at)
        return payment_id

    def _paid_message(
        self,
        lease: Lease,
        group: list[BillPlan],
        fees: list[int],
        channel: PaymentChannel,
        payment_id: int,
        amount: int,
        paid_at: datetime,
    ) -> None:
        """As ``app.rent.settlement.post_paid_message`` words it."""
        periods = "、".join(plan.period.label for plan in group)
        fee = sum(fees)
        fee_text = f"（含滞纳金 {format_yuan(fee)}）" if fee else ""
        self.scene.message(
            lease.tenant.id,
            "租金",
            f"缴费成功：{format_yuan(amount)}",
            f"您 {periods} 的租金共 {format_yuan(amount)}{fee_text}已缴清，"
            f"缴费方式：{channel.label}。电子收据可在“租金缴纳”中查看和打印。",
            f"/rent/payments/{payment_id}",
            paid_at + timedelta(minutes=1),
        )

    def _failed_deduction(self, lease: Lease, plan: BillPlan, bank: str) -> None:
        """An unpaid month of a tenant paying by bank deduction: the bank could not take it."""
        day = plan.period.first_day + timedelta(days=DEDUCTION_DAY - 1)
        if lease.mandate_since is None or plan.period.first_day < lease.mandate_since:
            return
        if day > self.scene.today:
            return
        created = min(china_time(day + timedelta(days=1), 10), self.scene.now)
        self.deductions.add(
            self.scene.writer.next_id("rent_deduction_results"),
            lease.id,
            str(plan.period),
            plan.id,
            DeductionOutcome.FAILED.value,
            plan.amount_fen,
            day,
            "余额不足",
            None,
            None,
            created,
        )
        self.scene.message(
            lease.tenant.id,
            "租金",
            f"银行代扣未成功：{plan.period.label}",
            f"您 {plan.period.label} 的租金银行代扣未成功（余额不足）。"
            "请在“租金缴纳”中在线缴纳，或到小区服务站缴纳；逾期将按规定计收滞纳金。",
            "/rent/",
            created,
        )

    def _prepay(
        self, lease: Lease, plans: list[BillPlan], paid: dict[int, tuple[int, int, datetime]]
    ) -> None:
        """The year of rent a swap requires, paid online in one go (``issue_advance_bills``)."""
        at = lease.prepaid_at + timedelta(minutes=20)
        self._payment(lease, plans, PaymentChannel.SANDBOX, china_date(at), paid, at=at)
        lease.prepaid_bill_ids = [plan.id for plan in plans]

    def _payouts(self, lease: Lease, bank: str) -> None:
        """租金补贴 paid to the household each month (the last twelve)."""
        scene = self.scene
        last4 = f"{scene.rng.randrange(10000):04d}"
        period = self.this_month
        for _ in range(12):
            paid_on = period.first_day + timedelta(days=PAYOUT_DAY - 1)
            if paid_on < lease.start:
                break
            amount = lease.term_on(paid_on).subsidy_fen
            if paid_on <= scene.today and amount > 0:
                self.payouts.add(
                    scene.writer.next_id("rent_subsidy_payouts"),
                    lease.id,
                    str(period),
                    amount,
                    paid_on,
                    bank,
                    last4,
                    china_time(paid_on, 10),
                )
            period = period.previous()
