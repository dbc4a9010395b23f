"""Realistic volume for load tests: ``flask --app app seed-demo --scale N``.

``seed_scale(Volume.for_scale(n))`` adds, on top of the demo data, about N x 1,000
residents, 800 leases with 100,000 monthly bills, 5,000 swap listings and the
applications, messages and history around them, written with bulk inserts.
"""

from bench.scale.seed import AlreadySeeded, ScaleResult, seed_scale, seeded_label
from bench.scale.volume import ScaleError, Volume

__all__ = ["AlreadySeeded", "ScaleError", "ScaleResult", "Volume", "seed_scale", "seeded_label"]
