"""Idempotent demo data for 九江市中心城区 (``flask --app app seed-demo``). Every record is
found by a natural key before it is created, so running it twice changes nothing the second
time. Demo logins are listed in README.md (``logins``); all use the password
``DEMO_PASSWORD``.

``seed`` runs the whole demo; ``people`` seeds residents and staff (``seed_resident``); one
module per area (``applications``, ``review``, ``rent``, ``renewal``, ``swap``, ``board``).
The demo sits above every area: no area imports it.
"""

from app.demo.people import DEMO_PASSWORD as DEMO_PASSWORD
from app.demo.people import DemoResident as DemoResident
from app.demo.people import seed_resident as seed_resident
from app.demo.seed import seed_demo as seed_demo
