"""Pieces of the route sweep (tests/test_sweep.py): hostile values, a request class that
records which parameters a view asks for, a page parser, a database snapshot, and the
little world of data (places, a draft application, a tenancy with bills, a swap, a
renewal) that the signed-in roles act on."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import pkgutil
import traceback
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from flask import Request
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

import app as app_package
from app.auth.roles import Role
from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import GuaranteeType, Lease, LeaseTerm
from app.rent.billing import Period
from app.swap import applications as swap_applications
from app.swap import requests as swap_requests
from tests.apply.conftest import Wizard, walk_to_materials
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, create_resident, create_staff
from tests.rent.builders import add_bill
from tests.staff.review import Places, make_places, quick_application
from tests.swap import builders

APP_DIR = Path(app_package.__file__).resolve().parent

# -- hostile values -------------------------------------------------------------------

HOSTILE_TEXT = [
    "", " ", "  \t\n ", "9" * 40, "1e309", "-1e309", "1E+30", "-1", "0", "2147483648",
    "9223372036854775808", "-9223372036854775809", "²", "①", "١٢", "１２", "𝟙", "1_000",
    "1e3", "0x10", "NaN", "nan", "inf", "-inf", "-0", "0.001", "1.5", "\x00", "a\x00b",
    "\x1b[31m", "\u202e", "\ufeff1", "\ud7ff", "x" * 10_000, "9" * 10_000, "true", "on",
    "null", "None", "[]", "{}", "../../etc/passwd", "<script>alert(1)</script>",
    "' OR 1=1 --", "2026-02-30", "0000-00-00", "9999-12-31", "-1-01", "13800138000",
    "1" * 18, "36040319900101123X", "http://evil.example/", "//evil.example", "%00",
    "😀" * 50,
]  # fmt: skip
# Digits for an ``<int:...>`` URL variable that no object can have (app.inputs.IdConverter
# takes 1 to 10 ASCII digits up to 2^31-1; longer ones must not reach a route either).
HOSTILE_INT_PATH = ["0", "00", "2147483648", "9223372036854775808", "9" * 40, "999999"]


@dataclass(frozen=True)
class Upload:
    """A file part, where text (or a real image) was expected."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class Many:
    """Several values for one key."""

    values: tuple[str, ...]


UPLOADS = [
    Upload(b"", ""), Upload(b"", "empty.jpg"), Upload(b"\xff\xd8\xff\xe0garbage", "broken.jpg"),
    Upload(b"%PDF-1.4\n%%EOF", "x.pdf"), Upload(b"GIF89a\x01\x00\x01\x00", "../../x.gif"),
    Upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png"), Upload(b"name,amount\n1,1e309\n", "a.csv"),
    Upload("编号,金额\n１２,①\n".encode("gbk"), "a.csv"), Upload(b"\x00" * 2048, "\x00.jpg"),
]  # fmt: skip

# The fixed values of the first pass, each tried in every parameter: the classes of input
# that have broken forms before (unicode digits, overflowing numbers, NUL, repeats, files).
PROBES = [
    "²", "１２", "1e309", "9" * 40, "NaN", "\x00", "x" * 10_000, Many(("1", "2")), UPLOADS[2],
]  # fmt: skip
FILE_PROBES = [UPLOADS[2], UPLOADS[0], "²"]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_TEXT)
    .map(lambda s: s[:50])
    .flatmap(lambda s: st.sampled_from([f" {s} ", f"{s}0", f"1{s}", f"{s}{s}"])),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
hostile_value = st.one_of(
    hostile_text,
    hostile_text,
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=4).map(lambda v: Many(tuple(v))),
    st.sampled_from(UPLOADS),
)
file_value = st.one_of(st.sampled_from(UPLOADS), hostile_text)


def describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}…({len(text)} chars)"


# -- recording which parameters a view reads ------------------------------------------

RECORDED: set[tuple[str, str]] | None = None


def _note(kind: str, key: object) -> None:
    if RECORDED is not None and isinstance(key, str):
        RECORDED.add((kind, key))


class _Recorded(ImmutableMultiDict):
    kind = "args"

    def __getitem__(self, key):
        _note(self.kind, key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _note(self.kind, key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        _note(self.kind, key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _note(self.kind, key)
        return super().getlist(key, type)


class _RecordedForm(_Recorded):
    kind = "form"


class _RecordedFiles(_Recorded):
    kind = "files"


class _Recording:
    """``request.args``, ``.form`` and ``.files`` note every key a view looks up."""

    parameter_storage_class = _Recorded

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _RecordedForm(self.__dict__["form"])
        self.__dict__["files"] = _RecordedFiles(self.__dict__["files"])


def recording_request_class(base: type[Request]) -> type[Request]:
    """The app's request class (htmx-flask's, with ``request.htmx``), recording."""
    return type("RecordingRequest", (_Recording, base), {})


def flask_form_fields(endpoint_views: dict) -> dict[str, dict[str, str]]:
    """Field names of every FlaskForm under ``app`` ("form", or "files" for a file field),
    by the endpoints whose view uses that form."""
    from flask_wtf import FlaskForm
    from wtforms.fields import FileField, MultipleFileField
    from wtforms.fields.core import UnboundField

    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        if info.name == "app.wsgi":  # builds a production app (needs SECRET_KEY)
            continue
        importlib.import_module(info.name)
    forms: dict[str, dict[str, str]] = {}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        fields = {n: getattr(cls, n, None) for n in dir(cls)}
        forms[cls.__name__] = {
            name: "files" if issubclass(f.field_class, (FileField, MultipleFileField)) else "form"
            for name, f in fields.items()
            if isinstance(f, UnboundField)
        }
    found: dict[str, dict[str, str]] = {}
    for endpoint, view in endpoint_views.items():
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        for name, names in forms.items():
            if f"{name}(" in source:
                found.setdefault(endpoint, {}).update(names)
    return found


# -- reading pages --------------------------------------------------------------------

LINK_ATTRIBUTES = {"href", "action", "formaction", "hx-get", "hx-post", "src", "data-url"}


class PageParser(HTMLParser):
    """Links of a page, and each form's action with its fields and default values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value:
                self.links.add(value)
        if tag == "form":
            self._form = {}
            method = (attributes.get("method") or "get").upper()
            self.forms.append((attributes.get("action") or "", method, self._form))
        elif self._form is not None and attributes.get("name"):
            name = attributes["name"]
            if tag == "select":
                self._select = name
                self._form.setdefault(name, [])
            elif tag == "input":
                kind = (attributes.get("type") or "text").lower()
                if kind in {"checkbox", "radio"} and "checked" not in attributes:
                    self._form.setdefault(name, [])
                elif kind != "file":
                    self._form.setdefault(name, []).append(attributes.get("value") or "")
            elif tag in {"textarea", "button"}:
                self._form.setdefault(name, [])
        if tag == "option" and self._form is not None and self._select:
            values = self._form[self._select]
            if not values or "selected" in attributes:
                values[:] = [attributes.get("value") or ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# -- the database, before and after ---------------------------------------------------


class Snapshot:
    """A digest of every row of each table, read on a raw DBAPI connection of its own
    (the ORM would cost more than the request under test; the data is small)."""

    def __init__(self, tables) -> None:
        self.queries = [(t.name, _select_all(t)) for t in tables]
        self.connection = db.engine.raw_connection()

    def take(self) -> dict[str, str]:
        cursor = self.connection.cursor()
        digests = {}
        try:
            for name, query in self.queries:
                cursor.execute(query)
                rows = repr(cursor.fetchall()).encode()
                digests[name] = hashlib.sha1(rows).hexdigest()  # noqa: S324 (a fingerprint)
        finally:
            cursor.close()
            self.connection.rollback()  # the next snapshot sees what was committed since
        return digests

    def close(self) -> None:
        self.connection.close()


def _select_all(table) -> str:
    """Every row, in primary-key order (names from db.metadata, not from input)."""
    order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns) or "1"
    return f'SELECT * FROM "{table.name}" ORDER BY {order}'  # noqa: S608


def seeded_ids(name: str) -> list[int]:
    """Ids of real rows for the URL variable ``name`` (``application_id``: the first rows
    of every table named like ``application``), for a route no page links to."""
    stem = name.removesuffix("_id")
    ids: list[int] = []
    for table in db.metadata.sorted_tables:
        if stem in table.name and "id" in table.c:
            found = db.session.execute(db.select(table.c.id).limit(2)).scalars().all()
            ids += [i for i in found if i not in ids]
    db.session.commit()
    return ids[:3] or [1]


# -- where a server error came from ---------------------------------------------------


def app_frame(error: BaseException) -> str:
    """``app/…py:line`` of the innermost frame in the app's own code."""
    where = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(APP_DIR):
            where = f"app/{path.relative_to(APP_DIR)}:{frame.lineno}"
    return where


# -- the data the roles act on --------------------------------------------------------


@dataclass
class Actor:
    name: str
    phone: str | None  # None: signed out
    client: object = None
    token: str = ""
    cookie: str | None = None


def _tenant_due_for_renewal():
    """刘洋: a tenant whose lease ends in 60 days (renewal window open), with rent paid for
    the last two months and this month's bill not yet due (so swaps are open too)."""
    user = builders.resident("刘洋")
    home = builders.unit("琵琶湖小区", "浔阳区")
    end = today_in_china() + timedelta(days=60)
    lease = Lease(
        contract_number="SWEEP-1", unit_id=home.id, tenant_id=user.id,
        guarantee_type=GuaranteeType.GONGZU,
    )  # fmt: skip
    lease.terms.append(
        LeaseTerm(
            start_date=end - timedelta(days=3 * 365), end_date=end,
            monthly_rent_fen=60000, property_fee_fen=8000,
        )
    )  # fmt: skip
    db.session.add(lease)
    db.session.flush()
    period = Period.of(today_in_china())
    for _ in range(2):
        period = period.previous()
        builders.paid_bill(lease, period)
    db.session.commit()
    add_bill(lease, Period.of(today_in_china()), due_days_ago=-10)
    return user, lease


def build_world(app) -> list[Actor]:
    """Every role, signed in on its own client, with some data to act on."""
    from tests.renewal import flow

    places = make_places()
    resident = create_resident(real_name="张小明")
    tenant, _lease = _tenant_due_for_renewal()
    other, _other_lease = builders.tenant(
        "周婷", home=builders.unit("十里小区", "濂溪区", lift=True)
    )
    mine = builders.listing(tenant, districts=("濂溪区",))
    builders.listing(other, districts=("浔阳区",))
    # 周婷 asks, 刘洋 accepts and starts the swap application: a conversation, an application.
    request = swap_requests.send_request(other, mine, "您好，想和您互换，方便聊聊吗？")
    swap_requests.accept_request(request, tenant)
    swap_requests.send_message(request, tenant, "可以，周末看房？")
    swap_applications.start_application(tenant, request)
    for _ in range(2):
        quick_application(places.gantang, name="李四海")

    staff = {
        Role.STREET_REVIEWER: _street_reviewer(places),
        Role.DISTRICT_REVIEWER: create_staff(Role.DISTRICT_REVIEWER, places.xunyang),
    }
    actors = [Actor("signed_out", None)]
    actors.append(Actor("resident", resident.phone))
    actors.append(Actor("tenant", tenant.phone))
    for role in Role:
        if role.is_staff:
            user = staff.get(role) or create_staff(role)
            actors.append(Actor(role.value, user.phone))
    for actor in actors:
        actor.client = app.test_client()
        sign_in(actor)
    by_name = {actor.name: actor for actor in actors}
    wizard = Wizard(by_name["resident"].client, resident)
    walk_to_materials(wizard)
    try:
        flow.apply(by_name["tenant"].client)
    except AssertionError as error:  # the renewal routes then just 404
        print(f"sweep: renewal setup incomplete: {error}")
    for actor in actors:
        refresh_token(actor)
    return actors


def _street_reviewer(places: Places):
    user = create_staff(Role.STREET_REVIEWER, places.xunyang)
    user.street_id = places.gantang.id
    db.session.commit()
    return user


def sign_in(actor: Actor) -> None:
    actor.client.delete_cookie("anju_session")
    if actor.phone is not None:
        response = login(actor.client, actor.phone, PASSWORD)
        assert response.status_code == 303, f"{actor.name} could not sign in"
    refresh_token(actor)


def refresh_token(actor: Actor) -> None:
    actor.token = csrf_token(actor.client)
    actor.cookie = session_cookie(actor)


def session_cookie(actor: Actor) -> str | None:
    cookie = actor.client.get_cookie("anju_session")
    return cookie.value if cookie else None


def signed_in(app, actor: Actor) -> bool:
    """Whether the client's session still carries a signed-in user."""
    value = session_cookie(actor)
    if value is None:
        return False
    serializer = app.session_interface.get_signing_serializer(app)
    try:
        return "_user_id" in serializer.loads(value)
    except Exception:
        return False


def form_body(values: dict[str, object]) -> tuple[list[tuple[str, object]], bool]:
    """Werkzeug test-client data for ``values``; and whether it must be multipart."""
    body: list[tuple[str, object]] = []
    multipart = False
    for key, value in values.items():
        if isinstance(value, Upload):
            body.append((key, (io.BytesIO(value.data), value.filename)))
            multipart = True
        elif isinstance(value, Many):
            body.extend((key, item) for item in value.values)
        elif isinstance(value, list):
            body.extend((key, item) for item in value)
        else:
            body.append((key, value))
    return body, multipart
