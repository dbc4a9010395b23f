"""Housing stock for the scale seed: more 公租房 communities in every demo street, with
buildings and units, one unit for each new lease."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.swap.listings import place_text_for
from bench.scale.scene import Scene, StreetInfo

# Four more communities in each street of the demo (names and addresses made up, in the
# style of 九江's 保障房 projects).
NEW_COMMUNITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "360402001": (
        ("十里佳苑", "濂溪区十里大道168号"),
        ("濂溪安居小区", "濂溪区濂溪大道302号"),
        ("莲花保障房小区", "濂溪区莲花大道57号"),
        ("十里河公租房小区", "濂溪区十里河路19号"),
    ),
    "360402002": (
        ("五里公租房小区", "濂溪区五里大道88号"),
        ("龙湾安居苑", "濂溪区龙湾路126号"),
        ("五里家园", "濂溪区五里街道庐峰路8号"),
        ("新港保障房小区", "濂溪区新港路233号"),
    ),
    "360403001": (
        ("甘棠湖安居苑", "浔阳区甘棠北路15号"),
        ("庾亮公租房小区", "浔阳区庾亮南路66号"),
        ("南湖家园", "浔阳区南湖路21号"),
        ("烟水亭保障房小区", "浔阳区甘棠南路140号"),
    ),
    "360403002": (
        ("湓浦家园", "浔阳区湓浦路99号"),
        ("浔阳江公租房小区", "浔阳区滨江东路12号"),
        ("湓城安居小区", "浔阳区湓城路45号"),
        ("大中路保障房小区", "浔阳区大中路310号"),
    ),
    "360403003": (
        ("人民路公租房小区", "浔阳区人民路201号"),
        ("长虹安居苑", "浔阳区长虹大道77号"),
        ("浔阳楼家园", "浔阳区九华门路5号"),
        ("塔岭保障房小区", "浔阳区塔岭南路36号"),
    ),
    "360403004": (
        ("白水湖佳苑", "浔阳区白水湖路18号"),
        ("八里湖公租房小区", "浔阳区八里湖大道260号"),
        ("白水湖保障房小区", "浔阳区前进东路92号"),
        ("琵琶亭安居小区", "浔阳区琵琶路41号"),
    ),
    "360404001": (
        ("沙河公租房二期", "柴桑区沙河大道120号"),
        ("柴桑安居苑", "柴桑区柴桑大道33号"),
        ("沙河新城家园", "柴桑区新城路9号"),
        ("岷山保障房小区", "柴桑区岷山路71号"),
    ),
}
BUILDING_SIZES = (  # floors, lift, units per floor
    (6, False, 2),
    (6, False, 3),
    (7, False, 2),
    (11, True, 3),
    (18, True, 4),
    (26, True, 4),
    (33, True, 4),
)
ORIENTATIONS = ("南北", "南北", "南", "南", "东南", "东", "西南", "西", "北")
# bedrooms: (share, area range in m2)
LAYOUTS = ((1, 0.35, (36, 50)), (2, 0.5, (50, 65)), (3, 0.15, (65, 80)))

COMMUNITY_COLUMNS = ("id", "name", "address", "street_id")
BUILDING_COLUMNS = ("id", "community_id", "name", "floors", "has_lift")
UNIT_COLUMNS = (
    "id",
    "building_id",
    "number",
    "floor",
    "area_m2",
    "bedrooms",
    "living_rooms",
    "bathrooms",
    "orientation",
)


@dataclass(frozen=True, slots=True)
class Home:
    """A unit with what a listing copies from it."""

    id: int
    community_id: int
    community_name: str
    street: StreetInfo
    building_name: str
    floors: int
    has_lift: bool
    number: str
    floor: int
    area_m2: Decimal
    bedrooms: int
    living_rooms: int
    bathrooms: int
    orientation: str

    @property
    def address(self) -> str:
        return f"{self.community_name}{self.building_name}{self.number}室"

    @property
    def layout(self) -> str:
        return f"{self.bedrooms}室{self.living_rooms}厅{self.bathrooms}卫"

    @property
    def place_text(self) -> str:
        return place_text_for(self.community_name, self.street.district_name, self.street.name)


def build_homes(scene: Scene, count: int) -> list[Home]:
    """``count`` new units in new buildings of the new communities, in random order."""
    rng, writer = scene.rng, scene.writer
    communities = writer.sink("communities", COMMUNITY_COLUMNS)
    buildings = writer.sink("buildings", BUILDING_COLUMNS)
    units = writer.sink("units", UNIT_COLUMNS)
    places = [
        (street, name, address)
        for street in scene.streets
        for name, address in NEW_COMMUNITIES.get(street.code, ())
    ]
    weights = [rng.uniform(0.5, 1.5) for _ in places]
    total = sum(weights)
    quotas = [int(count * weight / total) for weight in weights]
    for index in range(count - sum(quotas)):
        quotas[index % len(quotas)] += 1
    homes: list[Home] = []
    for (street, name, address), quota in zip(places, quotas, strict=True):
        community_id = writer.next_id("communities")
        communities.add(community_id, name, address, street.id)
        number = 0
        while quota > 0:
            number += 1
            floors, lift, per_floor = rng.choice(BUILDING_SIZES)
            building_id = writer.next_id("buildings")
            building_name = f"{number}栋"
            buildings.add(building_id, community_id, building_name, floors, lift)
            for floor in range(1, floors + 1):
                for door in range(1, per_floor + 1):
                    if quota == 0:
                        break
                    quota -= 1
                    building = {
                        "community_id": community_id,
                        "community_name": name,
                        "street": street,
                        "building_name": building_name,
                        "floors": floors,
                        "has_lift": lift,
                    }
                    home = _unit(scene, building, floor, door)
                    units.add(
                        home.id,
                        building_id,
                        home.number,
                        home.floor,
                        home.area_m2,
                        home.bedrooms,
                        home.living_rooms,
                        home.bathrooms,
                        home.orientation,
                    )
                    homes.append(home)
    rng.shuffle(homes)
    return homes


def _layout(roll: float) -> tuple[int, int, int]:
    """Bedrooms and the area range (m2) for a roll in [0, 1)."""
    for bedrooms, share, (low, high) in LAYOUTS:
        if roll < share:
            return bedrooms, low, high
        roll -= share
    bedrooms, _share, (low, high) = LAYOUTS[-1]
    return bedrooms, low, high


def _unit(scene: Scene, building: dict, floor: int, door: int) -> Home:
    rng = scene.rng
    bedrooms, low, high = _layout(rng.random())
    area = Decimal(rng.randrange(low * 10, high * 10)) / 10
    return Home(
        id=scene.writer.next_id("units"),
        number=f"{floor}{door:02d}",
        floor=floor,
        area_m2=area.quantize(Decimal("0.01")),
        bedrooms=bedrooms,
        living_rooms=1 if bedrooms < 3 or rng.random() < 0.6 else 2,
        bathrooms=1 if bedrooms < 3 else rng.choice((1, 2)),
        orientation=rng.choice(ORIENTATIONS),
        **building,
    )
