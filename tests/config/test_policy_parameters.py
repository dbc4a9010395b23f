"""Policy figures: declared once (app.config.policy), overridable per deployment,
and read from that one declaration by every area (no module keeps its own copy)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.config import policy as policy_parameters
from app.config.policy import PARAMETERS, UNCONFIRMED, default
from app.core.clock import today_in_china
from app.extensions import db
from app.messages.models import Message
from app.renewal import application as renewal_application
from app.renewal import queries as renewal_queries
from app.renewal import services as renewal_services
from app.renewal.cards import lease_card
from app.renewal.contract import clauses
from app.renewal.models import RenewalPolicy
from app.rent.bill_generation import issue_advance_bills
from app.rent.billing import Period
from app.rent.fees import LateFeePolicy
from app.rent.models import NoticeKind, RentNotice
from app.rent.notices import send_arrears_notices
from app.rent.policy import arrears_thresholds, due_day, late_fee_policy, reclaim_months
from app.rent.standing import view_bills
from app.swap import application_steps as swap_application_steps
from tests.factories import create_tenant
from tests.rent.builders import add_bill, add_overdue_bills

KEYS = [parameter.key for parameter in PARAMETERS]


# -- the declaration ---------------------------------------------------------------------


def test_each_figure_is_declared_once_with_a_source() -> None:
    assert len(KEYS) == len(set(KEYS))
    for parameter in PARAMETERS:
        assert parameter.label and parameter.source, parameter.key
        # A source is a seed clause (001 / 002 / 004 …) or says plainly that none exists.
        assert parameter.source.startswith(("00", UNCONFIRMED)), parameter.key
        assert parameter.confirmed is not parameter.source.startswith(UNCONFIRMED)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("RENT_GRACE_DAYS", 5, "5天"),
        ("RENT_LATE_FEE_DAILY_RATE", "0.0005", "0.05%"),
        ("RENT_LATE_FEE_DAILY_RATE", "0.001", "0.1%"),
        ("RENEWAL_NEW_POLICY_SINCE", date(2025, 1, 1), "2025-01-01"),
        ("REVIEW_PATH", "2019", "廉租房三榜公示（2019年办法）"),
        ("SWAP_PREPAY_MONTHS", 12, "12个月"),
    ],
)
def test_shown(key: str, value: object, shown: str) -> None:
    assert policy_parameters.BY_KEY[key].shown(value) == shown


@pytest.mark.parametrize(
    ("key", "text", "parsed"),
    [
        ("RENT_GRACE_DAYS", "0", 0),
        ("RENT_LATE_FEE_DAILY_RATE", "0.0003", "0.0003"),
        ("RENEWAL_NEW_POLICY_SINCE", "2024-06-01", date(2024, 6, 1)),
        ("REVIEW_PATH", "2019", "2019"),
    ],
)
def test_a_figure_given_as_text_takes_the_defaults_type(key: str, text: str, parsed) -> None:
    assert policy_parameters.BY_KEY[key].from_text(text) == parsed


# -- no copies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "value", "key"),
    [
        ("LateFeePolicy().grace_days", lambda: LateFeePolicy().grace_days, "RENT_GRACE_DAYS"),
        (
            "LateFeePolicy().daily_rate",
            lambda: LateFeePolicy().daily_rate,
            "RENT_LATE_FEE_DAILY_RATE",
        ),
        (
            "LateFeePolicy.from_config({})",
            lambda: LateFeePolicy.from_config({}).grace_days,
            "RENT_GRACE_DAYS",
        ),
        ("rent due_day()", lambda: due_day(), "RENT_DUE_DAY"),
        ("rent reclaim_months()", lambda: reclaim_months(), "RENT_ARREARS_RECLAIM_MONTHS"),
        (
            "rent arrears_thresholds()[0]",
            lambda: arrears_thresholds()[0][0],
            "RENT_ARREARS_WARNING_MONTHS",
        ),
        (
            "swap prepay_months()",
            lambda: swap_application_steps.prepay_months(),
            "SWAP_PREPAY_MONTHS",
        ),
        (
            "renewal window_days",
            lambda: renewal_services.config("RENEWAL_WINDOW_DAYS"),
            "RENEWAL_WINDOW_DAYS",
        ),
    ],
)
def test_areas_use_the_declared_defaults(app: Flask, what: str, value, key: str) -> None:
    expected = default(key)
    if key == "RENT_LATE_FEE_DAILY_RATE":
        expected = Decimal(expected)
    assert value() == expected, what


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("app.rent.fees", "DEFAULT_GRACE_DAYS"),
        ("app.rent.fees", "DEFAULT_DAILY_RATE"),
        ("app.rent.billing", "DEFAULT_DUE_DAY"),
        ("app.rent.policy", "ARREARS_THRESHOLDS"),
        ("app.housing.tenancy", "RENEWAL_WINDOW_DAYS"),
        ("app.swap.rules", "PREPAY_MONTHS"),
    ],
)
def test_no_module_keeps_its_own_copy(module: str, name: str) -> None:
    assert not hasattr(importlib.import_module(module), name)


# -- where a deployment's figure comes from ----------------------------------------------------


def test_every_figure_is_in_the_config_with_its_default(app: Flask) -> None:
    for parameter in PARAMETERS:
        assert app.config[parameter.key] == parameter.default, parameter.key


def test_environment_overrides_the_default_and_config_overrides_both(monkeypatch) -> None:
    monkeypatch.setenv("RENT_GRACE_DAYS", "0")
    monkeypatch.setenv("RENT_DUE_DAY", "20")
    monkeypatch.setenv("RENEWAL_NEW_POLICY_SINCE", "2024-06-01")
    configured = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RENT_DUE_DAY": 10})
    assert configured.config["RENT_GRACE_DAYS"] == 0
    assert configured.config["RENEWAL_NEW_POLICY_SINCE"] == date(2024, 6, 1)
    assert configured.config["RENT_DUE_DAY"] == 10
    with configured.app_context():
        assert late_fee_policy().grace_days == 0


def test_an_unknown_review_path_refuses_to_start() -> None:
    with pytest.raises(ValueError):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REVIEW_PATH": "2030"})


# -- an override changes the behaviour ----------------------------------------------------------


@pytest.mark.parametrize(("grace_days", "charged"), [(None, False), (0, True), (1, True)])
def test_grace_days_decide_whether_a_late_fee_is_charged(app, grace_days, charged) -> None:
    if grace_days is not None:
        app.config["RENT_GRACE_DAYS"] = grace_days
    _tenant, lease = create_tenant()
    bill = add_bill(lease, Period.of(today_in_china()), due_days_ago=2)
    (view,) = view_bills([bill], today_in_china(), late_fee_policy())
    assert (view.late_fee_fen > 0) is charged


def test_the_rate_in_force_is_the_one_charged(app) -> None:
    _tenant, lease = create_tenant()
    bill = add_bill(lease, Period.of(today_in_china()), due_days_ago=15)
    (standard,) = view_bills([bill], today_in_china(), late_fee_policy())
    app.config["RENT_LATE_FEE_DAILY_RATE"] = "0.001"
    (doubled,) = view_bills([bill], today_in_china(), late_fee_policy())
    assert standard.late_fee_fen > 0
    assert abs(doubled.late_fee_fen - 2 * standard.late_fee_fen) <= 1


def test_due_day_decides_the_bills_due_date(app) -> None:
    app.config["RENT_DUE_DAY"] = 20
    _tenant, lease = create_tenant()
    bill = add_bill(lease, Period.of(today_in_china()).next())
    assert bill.due_date.day == 20


def test_reclaim_months_decide_when_the_reclaim_notice_goes_out(app) -> None:
    app.config["RENT_ARREARS_WARNING_MONTHS"] = 2
    app.config["RENT_ARREARS_RECLAIM_MONTHS"] = 4
    _tenant, lease = create_tenant()
    add_overdue_bills(lease, 4)
    send_arrears_notices()
    kinds = set(db.session.scalars(select(RentNotice.kind)))
    assert {NoticeKind.ARREARS_3, NoticeKind.ARREARS_6} <= kinds
    titles = list(db.session.scalars(select(Message.title)))
    assert "您已累计欠缴 2 个月租金" in titles
    assert "您已累计欠缴 4 个月租金，住房可能被依规收回" in titles


@pytest.mark.parametrize(("window_days", "is_open"), [(None, False), (150, True)])
def test_window_days_decide_when_renewal_opens(app, window_days, is_open) -> None:
    if window_days is not None:
        app.config["RENEWAL_WINDOW_DAYS"] = window_days
    tenant, lease = create_tenant(lease_ends_in_days=120)
    assert renewal_queries.window_for(lease).is_open(today_in_china()) is is_open
    with app.test_request_context():
        (card,) = lease_card(tenant)
    assert (card.title == "租约即将到期，可以申请续约") is is_open


def test_the_contract_quotes_the_figures_in_force(app) -> None:
    app.config.update(RENT_DUE_DAY=10, RENT_ARREARS_RECLAIM_MONTHS=4, RENEWAL_WINDOW_DAYS=60)
    tenant, lease = create_tenant(lease_ends_in_days=30)
    renewal = renewal_application.start_renewal(tenant, lease, RenewalPolicy.OLD)
    text = "".join(body for _heading, body in clauses(renewal_services.contract_data(renewal)))
    assert "于每月10日前缴清" in text
    assert "累计4个月以上拖欠租金" in text
    assert "租期届满前60天内提出申请" in text


def test_swap_prepays_the_months_in_force(app) -> None:
    app.config["SWAP_PREPAY_MONTHS"] = 6
    _tenant, lease = create_tenant(lease_ends_in_days=400)
    assert len(issue_advance_bills(lease, swap_application_steps.prepay_months())) == 6


def test_only_figures_a_seed_document_gives_are_confirmed() -> None:
    """Checked against the seeds: a new confirmed figure needs its clause reviewed here."""
    confirmed = {parameter.key for parameter in PARAMETERS if parameter.confirmed}
    assert confirmed == {
        "REVIEW_PATH",  # 001 五（三）（五）
        "REVIEW_LEGAL_LIMIT_WORKING_DAYS",  # 001 六
        "REVIEW_CIVIL_CHECK_WORKING_DAYS",  # 001 五（四）
        "REVIEW_PUBLICITY_WORKING_DAYS",  # 001 五（三）（五）
        "CERTIFICATE_VALID_YEARS",  # 002 一（二）、四 2, 政策问答3
        "RENT_ARREARS_RECLAIM_MONTHS",  # 002 政策问答11（二）6
        "SWAP_PREPAY_MONTHS",  # 002 政策问答10 第5条
    }
