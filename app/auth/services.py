"""Account operations: verification codes, registration, sign-in, real-name binding.

Each operation either completes and commits, or raises ``AuthError`` with a Chinese
message and leaves the database as it was (nothing saved half-way).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.services import record
from app.auth import sessions
from app.auth.idcard import IdNumberError, parse_id_number
from app.auth.models import SmsCode, User
from app.auth.roles import Role
from app.core.clock import today_in_china, utcnow
from app.core.masking import mask_id_number
from app.core.pii import PiiVault
from app.extensions import db

REGISTER = "register"


class AuthError(Exception):
    """A refusal to show the user; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class SentCode:
    phone: str
    code: str
    expires_in_seconds: int
    text: str  # the message the phone was sent


def vault() -> PiiVault:
    return current_app.extensions["pii_vault"]


def _code_hash(phone: str, purpose: str, code: str) -> str:
    return vault().digest(f"sms:{purpose}:{phone}:{code}")


def phone_registered(phone: str) -> bool:
    return db.session.scalar(select(User.id).where(User.phone == phone)) is not None


ALREADY_REGISTERED_SMS = (
    "【安居】有人正在用本手机号注册安居账号。本号码已注册，请直接登录；"
    "忘记密码请带身份证到服务窗口办理。如非本人操作，请忽略本短信。"
)


def start_registration(phone: str) -> SentCode:
    """Step one of registering, answered the same whether or not ``phone`` has an account.

    A new phone gets a code; a registered one gets a notice instead (only its owner reads
    it). Both count against the phone's send limits and both leave a code row, so the
    screen, the limits and the next step cannot tell the two apart. The registered
    phone's row can never be matched: no code was made for it."""
    if phone_registered(phone):
        return send_verification_code(phone, REGISTER, notice=ALREADY_REGISTERED_SMS)
    return send_verification_code(phone, REGISTER)


def send_verification_code(phone: str, purpose: str, *, notice: str | None = None) -> SentCode:
    """Send a fresh 6-digit code, refusing when the phone asks too often. With ``notice``
    the phone gets that text instead, and the stored code matches no input."""
    config = current_app.config
    now = utcnow()
    latest = _latest_code(phone, purpose)
    if latest and now - latest.created_at < config["SMS_RESEND_INTERVAL"]:
        wait = int((config["SMS_RESEND_INTERVAL"] - (now - latest.created_at)).total_seconds()) + 1
        raise AuthError(f"验证码发送过于频繁，请 {wait} 秒后再试", field="phone")
    sent_last_hour = db.session.scalar(
        select(func.count(SmsCode.id)).where(
            SmsCode.phone == phone, SmsCode.created_at > now - timedelta(hours=1)
        )
    )
    if (sent_last_hour or 0) >= config["SMS_MAX_PER_HOUR"]:
        raise AuthError("该手机号一小时内获取验证码次数已达上限，请稍后再试", field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A notice's row hashes a value no six-digit input can equal.
    stored = code if notice is None else f"none:{secrets.token_hex(16)}"
    ttl: timedelta = config["SMS_CODE_TTL"]
    db.session.add(
        SmsCode(
            phone=phone,
            purpose=purpose,
            code_hash=_code_hash(phone, purpose, stored),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    db.session.commit()
    minutes = int(ttl.total_seconds() // 60)
    text = notice or f"【安居】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。"
    current_app.extensions["sms_gateway"].send(phone, text)
    return SentCode(phone, code, int(ttl.total_seconds()), text)


def _latest_code(phone: str, purpose: str) -> SmsCode | None:
    return db.session.scalar(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose)
        .order_by(SmsCode.created_at.desc(), SmsCode.id.desc())
        .limit(1)
    )


def check_verification_code(phone: str, purpose: str, code: str) -> SmsCode:
    """Return the matching unused code, or raise; a wrong guess is counted and committed."""
    latest = _latest_code(phone, purpose)
    if latest is None or latest.used_at is not None:
        raise AuthError("请先获取短信验证码", field="code")
    if latest.is_expired():
        raise AuthError("验证码已过期，请重新获取", field="code")
    if latest.attempts >= current_app.config["SMS_MAX_ATTEMPTS"]:
        raise AuthError("验证码错误次数过多，请重新获取", field="code")
    if not secrets.compare_digest(latest.code_hash, _code_hash(phone, purpose, code.strip())):
        latest.attempts += 1
        db.session.commit()
        raise AuthError("验证码不正确，请核对短信后重新输入", field="code")
    return latest


def register_resident(phone: str, password: str, code: str) -> User:
    """Create a resident account once the SMS code proves the phone.

    A registered phone was sent a notice, not a code, so this refuses it as a wrong code;
    only someone who read a real code (the phone's owner) learns that it is taken."""
    sms = check_verification_code(phone, REGISTER, code)
    if phone_registered(phone):  # registered since the code was sent
        db.session.rollback()
        raise AuthError("该手机号已注册，请直接登录", field="phone")
    sms.used_at = utcnow()
    user = User(phone=phone, password_hash=generate_password_hash(password), role=Role.RESIDENT)
    db.session.add(user)
    try:
        db.session.flush()
        record("account.register", actor_id=user.id, subject_type="user", subject_id=user.id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AuthError("该手机号已注册，请直接登录", field="phone") from None
    return user


_NO_SUCH_ACCOUNT_HASH = generate_password_hash(secrets.token_hex(16))


def authenticate(phone: str, password: str) -> User | None:
    """The account for ``phone`` and ``password``, or None. An unknown phone costs the same
    password check as a known one, so the answer's timing does not tell them apart."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    stored = user.password_hash if user is not None else _NO_SUCH_ACCOUNT_HASH
    if not check_password_hash(stored, password) or user is None:
        return None
    return user


def note_login(user: User, ip: str | None) -> None:
    user.last_login_at = utcnow()
    record("account.login", actor_id=user.id, subject_type="user", subject_id=user.id, ip=ip)
    db.session.commit()


def bind_real_name(user: User, real_name: str, id_number: str) -> None:
    """Verify the ID number's check digit and bind name and ID to the account, once."""
    if user.has_real_name:
        raise AuthError("您已完成实名认证，如需更正请到服务窗口办理")
    try:
        resident_id = parse_id_number(id_number, today_in_china())
    except IdNumberError as error:
        raise AuthError(str(error), field="id_number") from None
    digest = vault().digest(f"id:{resident_id.number}")
    taken = db.session.scalar(select(User.id).where(User.id_number_digest == digest))
    if taken is not None:
        raise AuthError("该身份证号已绑定其他账号，如有疑问请联系服务窗口", field="id_number")
    user.real_name = real_name
    user.id_number_encrypted = vault().encrypt(resident_id.number)
    user.id_number_digest = digest
    user.id_number_masked = mask_id_number(resident_id.number)
    user.birth_date = resident_id.birth_date
    user.sex = resident_id.sex
    user.real_name_bound_at = utcnow()
    record("account.real_name_bound", actor_id=user.id, subject_type="user", subject_id=user.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AuthError(
            "该身份证号已绑定其他账号，如有疑问请联系服务窗口", field="id_number"
        ) from None


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AuthError("当前密码不正确", field="current_password")
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    sessions.end_all(user.id, sessions.EndReason.PASSWORD)  # this device signs in anew
    record("account.password_changed", actor_id=user.id, subject_type="user", subject_id=user.id)
    db.session.commit()


def set_elder_mode(user: User, enabled: bool) -> None:
    user.elder_mode = enabled
    db.session.commit()


def create_user(phone: str, password: str, role: Role = Role.RESIDENT, **fields: object) -> User:
    """Create an account directly (seed data and the create-staff command)."""
    user = User(phone=phone, password_hash=generate_password_hash(password), role=role, **fields)
    db.session.add(user)
    db.session.flush()
    return user
