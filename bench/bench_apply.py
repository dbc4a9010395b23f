"""Benchmark the application wizard: server-side render time of each step and the
size of an autosave fragment, on the demo data in a SQLite file.

Run ``python bench/bench_apply.py``; exits 1 if a step's median render is 50 ms or more
or an autosave response is 2 KB or more.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from app import create_app
from app.apply import services
from app.apply.steps import FLOW
from app.auth.models import User
from app.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db

MEDIAN_TARGET_MS = 50.0
AUTOSAVE_TARGET_BYTES = 2048
ROUNDS = 60


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "UPLOAD_ROOT": f"{tmp}/uploads",
                "SMS_GATEWAY": "memory",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade()
            seed_demo()
            user = db.session.scalar(db.select(User).where(User.phone == "13800000001"))
            application = services.start_application(user)
            application.data["applicant"] = {
                "phone": user.phone, "marital_status": "single", "hukou": "center_urban",
                "hukou_years": 5, "employment_status": "employed", "employer": "某公司",
                "monthly_income": 3000, "address": "浔阳区甘棠南路1号", "housing_situation": "renting",
            }  # fmt: skip
            application.street_id = 1
            application.district_id = 1
            services.record_consent(user, application, None)
            application.region_confirmed_at = application.created_at
            db.session.commit()
            user_id = user.id
            db.session.remove()
        client = app.test_client()
        login_page = client.get("/auth/login").get_data(as_text=True)
        csrf = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        signed_in = client.post(
            "/auth/login",
            data={"csrf_token": csrf, "phone": "13800000001", "password": DEMO_PASSWORD},
        )
        if signed_in.status_code != 303:
            print("could not sign in as the demo resident")
            return 1
        failed = False
        print(
            f"apply wizard: median of {ROUNDS} renders per step (target < {MEDIAN_TARGET_MS:.0f} ms)"
        )
        for step in FLOW.steps:
            path = app.url_map.bind("localhost").build(step.endpoint)
            timings = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                response.close()
            median = statistics.median(timings)
            failed |= median >= MEDIAN_TARGET_MS
            print(f"  {step.label:<8} {path:<22} {median:6.1f} ms  (status {response.status_code})")
        token = (
            client.get("/apply/members")
            .get_data(as_text=True)
            .split('name="csrf_token" value="')[1]
            .split('"')[0]
        )
        with app.app_context():
            version = str(services.active_application(user_id).version)
        response = client.post(
            "/apply/members/autosave",
            data={"csrf_token": token, "version": version, "employer": "新单位"},
            headers={"HX-Request": "true"},
        )
        size = len(response.data)
        failed |= size >= AUTOSAVE_TARGET_BYTES
        print(f"  autosave fragment: {size} bytes (target < {AUTOSAVE_TARGET_BYTES})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
