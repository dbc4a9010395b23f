"""Resident ID numbers (公民身份号码, GB 11643-1999). Pure functions, no Flask.

An ID number is 17 digits plus a check character computed with ISO 7064 MOD 11-2;
digits 7-14 are the birth date and digit 17 is odd for men, even for women.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]\Z")  # ASCII digits only; \Z: no trailing newline


class IdNumberError(ValueError):
    """The number is not a valid resident ID; ``str(error)`` is a Chinese message."""


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "male" / "female"

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day`` (a birthday counts on the day itself)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    """Strip spaces and upper-case a trailing x, the way people type it."""
    return re.sub(r"\s+", "", raw or "").upper()


def parse_id_number(raw: str, today: date) -> ResidentId:
    """Validate an ID number and derive birth date and sex, or raise ``IdNumberError``."""
    number = normalise_id_number(raw)
    if not _SHAPE.match(number):
        raise IdNumberError("身份证号码应为18位，前17位是数字，最后一位是数字或字母X")
    if check_character(number[:17]) != number[17]:
        raise IdNumberError("身份证号码校验位不正确，请逐位核对后重新输入")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError("身份证号码中的出生日期不存在，请核对后重新输入") from None
    if birth > today or birth.year < 1900:
        raise IdNumberError("身份证号码中的出生日期不合理，请核对后重新输入")
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=birth, sex=sex)
