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
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
