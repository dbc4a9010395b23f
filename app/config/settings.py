"""Every setting of the app, declared once: default, environment variable, meaning. No Flask.

``create_app`` puts each into ``app.config`` (``app.config.load``); nothing else gives a
setting a default. The policy figures (rent due day, renewal window …) are declared with
their clause in ``app/config/policy.py``. The README's settings table is generated from
both (``make settings-table``) and a test keeps it in step.
"""

from __future__ import annotations

from datetime import timedelta

from app.config.setting import INSTANCE_DIR, Setting, database_url

S = Setting

SETTINGS: tuple[Setting, ...] = (
    # -- the environment, keys and the database ---------------------------------------------
    S("ENV_NAME", "production", "which environment runs: production, development or testing",
      env="ANJU_ENV"),
    S("DEBUG", False, "Flask's debugger and reloader", development=True),
    S("TESTING", False, "Flask's test mode", testing=True),
    S("SECRET_KEY", None, "signs sessions and CSRF tokens; production refuses to start without it",
      env="SECRET_KEY", development="dev-only-not-secret", testing="testing-only-not-secret",
      shown="none (development: a fixed dev key)"),
    S("PII_KEY", None, "the key that encrypts ID numbers at rest", env="PII_KEY",
      shown="derived from `SECRET_KEY`"),
    S("SQLALCHEMY_DATABASE_URI", f"sqlite:///{INSTANCE_DIR / 'anju.sqlite3'}",
      "the database; `postgres://` and `postgresql://` URLs get the psycopg 3 driver",
      env="DATABASE_URL", parse=database_url, testing="sqlite://",
      testing_env="TEST_DATABASE_URL",
      shown="`instance/anju.sqlite3` (tests: in memory, or `TEST_DATABASE_URL`)"),
    S("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True},
      "engine options: a pooled connection is checked before use"),
    S("UPLOAD_ROOT", None, "where uploaded files are kept", env="UPLOAD_ROOT",
      shown="`instance/uploads`"),
    # -- requests, cookies and sessions -------------------------------------------------------
    S("MAX_CONTENT_LENGTH", 12 * 1024 * 1024,
      "largest request body: a little above the 10 MB per-file limit, so an oversized file "
      "gets a message in the page"),
    S("WTF_CSRF_HEADERS", ["X-CSRFToken"], "the header htmx sends the CSRF token in"),
    S("WTF_CSRF_TIME_LIMIT", None, "the CSRF token lives as long as the session"),
    S("SESSION_COOKIE_NAME", "anju_session", "the session cookie's name"),
    S("SESSION_COOKIE_HTTPONLY", True, "scripts cannot read the session cookie"),
    S("SESSION_COOKIE_SAMESITE", "Lax", "the session cookie is not sent on cross-site posts"),
    S("SESSION_COOKIE_SECURE", True, "the session cookie is sent over HTTPS only",
      env="SESSION_COOKIE_SECURE", development=False, testing=False),
    S("REMEMBER_COOKIE_HTTPONLY", True, "scripts cannot read the remember-me cookie"),
    S("REMEMBER_COOKIE_SAMESITE", "Lax", "the remember-me cookie is not sent cross-site"),
    S("SESSION_IDLE_TIMEOUT", timedelta(minutes=30), "a session idle this long is signed out"),
    S("SESSION_ABSOLUTE_TIMEOUT", timedelta(hours=8), "a session ends this long after sign-in"),
    S("PERMANENT_SESSION_LIFETIME", timedelta(hours=8),
      "the session cookie's expiry, the absolute limit set at sign-in"),
    S("SESSION_REFRESH_EACH_REQUEST", False,
      "the cookie is not re-sent with every response (a signature per request saved)"),
    S("TRUSTED_PROXIES", 0,
      "reverse proxies in front (nginx …) whose X-Forwarded-* headers are trusted",
      env="TRUSTED_PROXIES"),
    S("HSTS_MAX_AGE", 365 * 24 * 3600,
      "Strict-Transport-Security max-age in seconds; 0 sends no header",
      env="HSTS_MAX_AGE", development=0, testing=0),
    S("HSTS_INCLUDE_SUBDOMAINS", True, "HSTS covers subdomains too",
      env="HSTS_INCLUDE_SUBDOMAINS"),
    # -- rate limits ------------------------------------------------------------------------
    S("RATELIMIT_STORAGE_URI", "memory://",
      "where the rate limits are counted; `redis://host:6379/0` in production, shared by "
      "every worker", env="RATELIMIT_STORAGE_URI", testing="memory://"),
    S("RATELIMIT_ALLOW_MEMORY", False,
      "lets production count limits in memory: only for a deployment that is one process",
      env="RATELIMIT_ALLOW_MEMORY"),
    S("RATELIMIT_STORAGE_OPTIONS",
      {"wrap_exceptions": True, "socket_connect_timeout": 1, "socket_timeout": 1},
      "a dead Redis answers at once, and the limited endpoints refuse"),
    S("RATELIMIT_HEADERS_ENABLED", False,
      "no X-RateLimit-* headers: they would ask the storage again after the view has run"),
    S("LOGIN_RATE_LIMIT", "10 per minute;50 per hour", "sign-in attempts per client address",
      env="LOGIN_RATE_LIMIT"),
    S("REGISTER_RATE_LIMIT", "5 per minute;20 per hour",
      "registrations per client address, on top of the per-phone SMS limits",
      env="REGISTER_RATE_LIMIT"),
    S("OBJECTION_RATE_LIMIT", "5 per hour", "公示 objections per client address"),
    S("HANDOFF_CODE_RATE_LIMIT", "10 per minute;60 per hour",
      "QR short-code attempts per client address"),
    # -- SMS ----------------------------------------------------------------------------------
    S("SMS_GATEWAY", "log", "`log`: codes are written to the log (no carrier here)",
      env="SMS_GATEWAY"),
    S("SMS_CODE_TTL", timedelta(minutes=5), "a texted code is valid this long"),
    S("SMS_RESEND_INTERVAL", timedelta(seconds=60), "wait before another code to one phone"),
    S("SMS_MAX_PER_HOUR", 5, "codes texted to one phone in an hour"),
    S("SMS_MAX_ATTEMPTS", 5, "wrong entries before a code is spent"),
    S("SHOW_SMS_CODE_ON_SCREEN", False, "shows the texted code on the page (development only)",
      development=True),
    # -- compression ------------------------------------------------------------------------
    S("COMPRESS_ALGORITHM", ["br", "gzip"], "responses are compressed: brotli, else gzip"),
    S("COMPRESS_MIMETYPES",
      ["text/html", "text/css", "text/javascript", "application/javascript",
       "application/json", "application/manifest+json", "image/svg+xml"],
      "the types compressed"),
    S("COMPRESS_MIN_SIZE", 512, "smaller responses are sent as they are"),
    S("COMPRESS_STREAMS", False, "static files are served pre-compressed (app/assets.py)"),
    S("COMPRESS_BR_LEVEL", 5, "brotli level for pages and fragments"),
    # -- eligibility, face check and QR handoff ------------------------------------------------
    S("POLICY_REGION", "jiujiang", "the eligibility policy file in force"),
    S("FACE_PROVIDER", "local",
      "`local`: face detection on this machine; `demo` passes any photo and is refused in "
      "production", env="FACE_PROVIDER"),
    S("FACE_IMAGE_RETENTION_SECONDS", 0,
      "how long a face photo is kept; 0: never written, only its SHA-256 and the result",
      env="FACE_IMAGE_RETENTION_SECONDS"),
    S("FACE_MAX_UPLOAD_BYTES", 8 * 1024 * 1024, "largest face photo"),
    S("FACE_MAX_FAILURES", 5, "failed face checks before a lock"),
    S("FACE_FAILURE_WINDOW", timedelta(minutes=10), "the window the failures are counted in"),
    S("FACE_LOCK_DURATION", timedelta(minutes=10), "how long the face check stays locked"),
    S("FACE_STAFF_HOTLINE", "0792-8136274", "the number a locked-out resident is given"),
    S("HANDOFF_TOKEN_TTL", timedelta(minutes=5), "a QR code to continue on a phone is valid this long"),
    S("HANDOFF_GRANT_TTL", timedelta(minutes=15), "the phone's grant after scanning lasts this long"),
    # -- lease renewal --------------------------------------------------------------------
    S("RENEWAL_COMMITMENT_SECONDS", 10, "阅读承诺书 countdown, enforced on the server"),
    S("RENEWAL_CONTRACT_READ_SECONDS", 10, "reading countdown on the phone before 马上签署"),
    S("RENEWAL_LESSOR", "九江市住房保障管护中心", "甲方 on the contract"),
    S("RENEWAL_CONTRACT_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
      "the CJK font embedded in the contract PDF", env="RENEWAL_CONTRACT_FONT"),
    # -- rent payments ---------------------------------------------------------------------
    S("RENT_PAYMENT_PROVIDER", "sandbox", "the only payment provider in this repository",
      env="RENT_PAYMENT_PROVIDER"),
    S("RENT_PAYMENT_TTL_MINUTES", 30,
      "an online order, and the late fee quoted in it, stay valid this long",
      env="RENT_PAYMENT_TTL_MINUTES"),
    S("RENT_SANDBOX_KEY", None, "the HMAC key the sandbox signs with and the app verifies with",
      env="RENT_SANDBOX_KEY", shown="derived from `SECRET_KEY`"),
    S("RENT_SANDBOX_DELIVERY", "http",
      "`http`: POST from a background thread, retried until acknowledged; `inline`: "
      "in-process (tests)", env="RENT_SANDBOX_DELIVERY"),
    S("RENT_NOTIFY_URL", None,
      "the notify URL given to the provider; set it to the public URL behind a proxy",
      env="RENT_NOTIFY_URL", shown="this app's `/rent/payments/notify`"),
)  # fmt: skip

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
