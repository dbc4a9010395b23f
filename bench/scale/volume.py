"""How much the scale seed writes: everything follows from N (``seed-demo --scale N``).

Pure module, no Flask. Tests build a ``Volume`` by hand with a few dozen residents.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCALE = 1
MAX_SCALE = 100

# Per N.
RESIDENTS_PER_SCALE = 1_000
LEASES_PER_SCALE = 800
LISTINGS_PER_SCALE = 5_000
# Bills per lease on average: every month of the lease's history up to this one.
MEAN_LEASE_MONTHS = 126
DEFAULT_SEED = 20261123


class ScaleError(ValueError):
    """An impossible volume; the message is Chinese, for the command line."""


@dataclass(frozen=True)
class Volume:
    """Row counts of one scale seed, and the fixed random seed that picks everything else."""

    scale: int
    residents: int
    leases: int
    listings: int
    mean_lease_months: int = MEAN_LEASE_MONTHS
    seed: int = DEFAULT_SEED

    # Shares (of residents, leases or listings) that make the data look like the real thing.
    real_name_share: float = 0.90
    lianzu_share: float = 0.20
    arrears_share: float = 0.03
    current_unpaid_share: float = 0.40
    mandate_share: float = 0.25
    live_listing_share: float = 0.35
    paused_share: float = 0.10
    violation_share: float = 0.015

    def __post_init__(self) -> None:
        if self.residents < 1 or self.leases < 1 or self.listings < 0:
            raise ScaleError("居民、租约数量至少为 1")
        if self.leases > self.bound_residents:
            raise ScaleError("租户须已实名认证：租约数不能超过已实名认证的居民数")
        if self.applicants < 1:
            raise ScaleError("至少要有一位已实名认证、没有租约的居民来提交申请")
        if self.live_listings > self.listings:
            raise ScaleError("互换信息总数不能少于展示中的互换信息数")

    @classmethod
    def for_scale(cls, n: int) -> Volume:
        if not MIN_SCALE <= n <= MAX_SCALE:
            raise ScaleError(f"--scale 应为 {MIN_SCALE} 到 {MAX_SCALE} 之间的整数，收到的是 {n}")
        return cls(
            scale=n,
            residents=RESIDENTS_PER_SCALE * n,
            leases=LEASES_PER_SCALE * n,
            listings=LISTINGS_PER_SCALE * n,
        )

    @property
    def bound_residents(self) -> int:
        return round(self.residents * self.real_name_share)

    @property
    def applicants(self) -> int:
        """Residents with a real name and no lease: the ones who apply."""
        return self.bound_residents - self.leases

    @property
    def live_listings(self) -> int:
        return round(self.leases * self.live_listing_share)

    @property
    def arrears_leases(self) -> int:
        return max(1, round(self.leases * self.arrears_share))

    @property
    def label(self) -> str:
        """What is stored with the marker, so a second run can tell the same volume."""
        return (
            f"scale={self.scale} residents={self.residents} leases={self.leases} "
            f"listings={self.listings} months={self.mean_lease_months} seed={self.seed}"
        )
