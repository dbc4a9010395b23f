"""Anju 安居: the application factory."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import assets, rate_limits, security, storage
from app.auth.sms import make_gateway
from app.config import INSTANCE_DIR, environment_name, load, policy, production_problems
from app.core.logscrub import install_log_scrubbing
from app.core.pii import PiiVault
from app.extensions import compress, csrf, db, htmx_extension, limiter, login_manager, migrate
from app.inputs import CleanTextRequest, IdConverter, InvalidParameter, TextConverter

MIGRATIONS_DIR = str(INSTANCE_DIR.parent / "migrations")


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` is a config name or a mapping of overrides on 'testing'."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    if isinstance(config, Mapping):
        app.config.from_mapping(load("testing"))
        app.config.update(config)
    else:
        app.config.from_mapping(load(environment_name(config)))
    _refuse_unsafe_production(app)
    policy.review_path(app.config)  # an unknown path fails at start-up, not on a staff page
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]  # Flask's documented middleware hook
    INSTANCE_DIR.mkdir(exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    install_log_scrubbing(app.logger.name)  # no QR handoff token in request logs

    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.request_class = type("AppRequest", (CleanTextRequest, app.request_class), {})
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    _register_cli(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set (environment variable) to run in production")
    if app.config["ENV_NAME"] == "production":
        problems = production_problems(app.config)
        if problems:
            raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    htmx_extension.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from app.auth.sessions import load_user

    login_manager.user_loader(load_user)
    app.extensions["pii_vault"] = PiiVault(app.config["PII_KEY"] or app.config["SECRET_KEY"])
    app.extensions["sms_gateway"] = make_gateway(app.config["SMS_GATEWAY"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _enable_sqlite_pragmas(app)
    security.init_app(app)
    rate_limits.init_app(app)
    assets.init_app(app)
    storage.init_app(app)


def _enable_sqlite_pragmas(app: Flask) -> None:
    """WAL for concurrent readers, and foreign keys enforced as on PostgreSQL.

    In WAL mode ``synchronous=NORMAL`` is safe from corruption and skips an fsync per
    commit (a power cut may lose the last commits, never the database). Reads go through
    a memory map shared by all workers via the OS page cache, plus a larger page cache
    per connection than SQLite's 2 MB default."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in str(engine.url) and str(engine.url) != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA mmap_size=1073741824")  # 1 GiB of address space
                cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB
            cursor.close()


def _register_blueprints(app: Flask) -> None:
    """One blueprint per product area; importing each area also registers its models."""
    # Each area's package holds only its blueprint; importing ``routes`` attaches the views.
    from app.apply.publicity.routes import bp as publicity_bp
    from app.apply.routes import bp as apply_bp
    from app.auth.routes import bp as auth_bp
    from app.eligibility.routes import bp as eligibility_bp
    from app.handoff.routes import bp as handoff_bp
    from app.home.routes import bp as home_bp
    from app.messages.routes import bp as messages_bp
    from app.pwa.routes import bp as pwa_bp
    from app.renewal.routes import bp as renewal_bp
    from app.renewal.staff_routes import bp as renewal_staff_bp
    from app.rent.routes import bp as rent_bp
    from app.rent.staff_routes import bp as rent_staff_bp
    from app.staff.routes import bp as staff_bp

    # views, and the session hook that keeps the stored matches in step
    from app.swap import (  # noqa: F401
        application_routes,
        conversation_routes,
        match_store,
        my_listing_routes,
    )
    from app.swap.routes import bp as swap_bp
    from app.swap.staff_routes import bp as swap_staff_bp

    blueprints = [home_bp, auth_bp, messages_bp, pwa_bp, eligibility_bp, apply_bp, handoff_bp]
    blueprints += [rent_bp, rent_staff_bp]
    blueprints += [staff_bp, publicity_bp]
    blueprints += [swap_bp, swap_staff_bp]
    blueprints += [renewal_bp, renewal_staff_bp]
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Tables without a blueprint of their own (``app`` here is the Flask app, not the package).
    for module in ("app.audit.models", "app.housing.models"):
        importlib.import_module(module)


def _register_template_helpers(app: Flask) -> None:
    from app.core.clock import to_china_time
    from app.core.money import format_yuan
    from app.htmx import wants_fragment
    from app.messages.badge import unread_messages

    app.jinja_env.filters["yuan"] = format_yuan
    app.jinja_env.globals["wants_fragment"] = wants_fragment
    app.jinja_env.filters["china_time"] = lambda value: to_china_time(value).strftime(
        "%Y-%m-%d %H:%M"
    )

    # The 消息 badge: counted only when the layout (not an htmx fragment) is rendered.
    app.jinja_env.globals["unread_messages"] = unread_messages

    @app.context_processor
    def shell_context() -> dict[str, Any]:
        signed_in = current_user.is_authenticated
        elder = current_user.elder_mode if signed_in else request.cookies.get("elder") == "1"
        return {"elder_mode": elder}


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("请求有误", "请返回上一页重新操作。"),
        403: ("无权访问", "您没有权限查看此页面。"),
        404: ("页面不存在", "您访问的页面不存在或已被删除，请检查链接。"),
        405: ("操作方式不正确", "请从页面上的按钮进行操作。"),
        413: ("文件过大", "上传的内容超过 12MB，请压缩或分开上传。"),
        429: ("操作过于频繁", "请稍等一会儿再试。"),
        500: ("系统繁忙", "服务暂时出现问题，请稍后再试；您已填写的内容已暂存。"),
    }

    def handler(error: Any):
        code = getattr(error, "code", 500) or 500
        heading, detail = messages.get(code, messages[500])
        if isinstance(error, InvalidParameter):
            heading, detail = "网址有误", error.message
        page = render_template(
            "errors/error.html", title=heading, heading=heading, detail=detail, code=code
        )
        response = make_response(page, code)
        return rate_limits.whole_page_for_htmx(response) if code == 429 else response

    for code in messages:
        app.register_error_handler(code, handler)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return render_template(
            "errors/error.html",
            title="页面已过期",
            heading="页面已过期",
            detail="为保护您的账号安全，请刷新页面后重新提交。您填写的内容未被保存。",
            code=400,
        ), 400


def _register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
