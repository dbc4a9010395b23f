"""Made-up people: names, mobile numbers and resident ID numbers (GB 11643, with a valid
check character and a real 九江 or neighbouring region code). Pure module, no Flask.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.idcard import check_character

# Roughly the frequency order of Chinese surnames.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣博文建国志海东峰成"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲桂丹萍红琴云莲梅莉兰凤洁琳素慧颖倩雪婷秀英华玉晶月春晓"
# Where people in 九江's centre were born: mostly the centre, then the counties, then nearby
# provinces (湖北 黄冈/武汉, 安徽 安庆, 湖南 岳阳, 江西 南昌/宜春).
CENTRE_CODES = ("360402", "360403", "360404")
COUNTY_CODES = ("360423", "360424", "360425", "360426", "360428", "360429", "360430", "360481")
OTHER_CODES = ("421102", "420102", "340802", "430602", "360102", "360902")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    sex: str  # "male" / "female"
    birth_date: date
    id_number: str

    @property
    def from_centre(self) -> bool:
        return self.id_number[:6] in CENTRE_CODES


def surname(rng: random.Random) -> str:
    # Favour the common surnames: the first twenty cover about half of all people.
    index = min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)
    return SURNAMES[index]


def given_name(rng: random.Random, sex: str) -> str:
    chars = MALE_CHARS if sex == "male" else FEMALE_CHARS
    return "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))


def full_name(rng: random.Random, sex: str, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, sex)


def region_code(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        return rng.choice(CENTRE_CODES)
    if roll < 0.9:
        return rng.choice(COUNTY_CODES)
    return rng.choice(OTHER_CODES)


class IdNumbers:
    """Unique ID numbers, none of them one that ``is_taken`` already (the demo's)."""

    def __init__(
        self, rng: random.Random, is_taken: Callable[[str], bool] = lambda _number: False
    ) -> None:
        self.rng = rng
        self.is_taken = is_taken
        self.taken: set[str] = set()

    def make(self, birth: date, sex: str, region: str | None = None) -> str:
        for _ in range(1000):
            sequence = self.rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)
            first17 = f"{region or region_code(self.rng)}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            if number not in self.taken and not self.is_taken(number):
                self.taken.add(number)
                return number
        raise RuntimeError("could not find a free ID number")  # pragma: no cover

    def person(
        self,
        today: date,
        *,
        min_age: int,
        max_age: int,
        sex: str | None = None,
        family: str | None = None,
        region: str | None = None,
    ) -> Person:
        sex = sex or self.rng.choice(("male", "female"))
        birth = birth_date(self.rng, today, min_age, max_age)
        return Person(full_name(self.rng, sex, family), sex, birth, self.make(birth, sex, region))


def birth_date(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    youngest = today.replace(year=today.year - min_age) if not _leap_day(today) else today
    days = rng.randrange(0, (max_age - min_age) * 365 + 1)
    return youngest - timedelta(days=days)


def _leap_day(day: date) -> bool:
    return day.month == 2 and day.day == 29


def age_on(birth: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)


def phone_for(index: int) -> str:
    """Scale residents' numbers: 150 followed by the index (never a demo number)."""
    return f"150{index:08d}"


def staff_phone_for(index: int) -> str:
    return f"1390001{index:04d}"
