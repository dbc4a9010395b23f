"""Flask extensions, created here without an app and bound in ``create_app``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import CursorResult, Delete, MetaData, Update
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The base every model derives from. At run time it is ``db.Model``: ``Base`` with
# Flask-SQLAlchemy's table naming and binds mixed in, a class made when ``db`` is, which a
# type checker cannot follow; to the checker it is ``Base``, whose typed columns it reads.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx_extension = Htmx()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()


T = TypeVar("T")
IN_LIST_SIZE = 500  # ids per ``IN (...)``: well under every database's parameter limit


def batches(items: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``, for queries and inserts in batches."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_changed(statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE in the session and return how many rows it changed (the
    compare-and-set of a one-time step reads it). ``Session.execute`` is typed as returning
    a ``Result``; for these statements it is a ``CursorResult``, which counts the rows."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount or 0
