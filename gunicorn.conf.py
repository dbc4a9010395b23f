"""gunicorn settings for production: several workers, no shared in-process state.

Sessions are signed cookies, rate limits use RATELIMIT_STORAGE_URI (e.g. redis://),
uploads go through the storage interface, so any worker on any machine can serve any
request.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
# Seconds an idle keep-alive connection is held (gunicorn's default is 2).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "2"))
graceful_timeout = 20
# The app is imported once in the master and forked: workers share its memory pages and a
# recycled worker is serving again at once instead of importing everything anew.
preload_app = True
# Recycle workers now and then (a guard against slow leaks), not every few seconds of load.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
# The QR handoff link /h/<token> is a secret: its request lines and Referers are scrubbed.
logger_class = "app.core.gunicorn_logging.SecretScrubbingLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Database connections are never shared across processes: drop any the master made
    (without closing them under its feet) so each worker opens its own."""
    from app.extensions import db
    from app.wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
