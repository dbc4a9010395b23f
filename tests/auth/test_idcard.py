from datetime import date

import pytest

from app.auth.idcard import IdNumberError, check_character, parse_id_number
from app.core.masking import mask_id_number, mask_name, mask_phone

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # the standard's own example
        ("44052418800101001", "4"),
        ("36040319900101123", check_character("36040319900101123")),
    ],
)
def test_check_character(first17: str, expected: str) -> None:
    assert check_character(first17) == expected


def test_parse_derives_birth_date_sex_and_age() -> None:
    resident = parse_id_number("11010519491231002x", TODAY)
    assert resident.number == "11010519491231002X"
    assert resident.birth_date == date(1949, 12, 31)
    assert resident.sex == "female"
    assert resident.age_on(TODAY) == 76
    assert resident.age_on(date(2026, 12, 31)) == 77
    assert resident.age_on(date(2026, 12, 30)) == 76


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("", "18位"),
        ("1101051949123100", "18位"),
        ("11010519491231002A", "18位"),
        ("110105194912310021", "校验位"),
        ("110105194913310020", "出生日期"),
        ("110105212001010011", "出生日期"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "18位"),  # Arabic-Indic digits: the same number, another script
    ],
)
def test_parse_rejects_with_chinese_reason(raw: str, message_part: str) -> None:
    first17 = raw[:17]
    if message_part == "出生日期" and len(raw) == 18:
        raw = first17 + check_character(first17)  # only the date is wrong
    with pytest.raises(IdNumberError) as error:
        parse_id_number(raw, TODAY)
    assert message_part in str(error.value)


def test_masks() -> None:
    assert mask_id_number("360403199001011234") == "3604**********1234"
    assert mask_phone("13800001234") == "138****1234"
    assert mask_name("张小明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
