from datetime import date

import pytest

from app.housing.tenancy import renewal_window


@pytest.mark.parametrize(
    ("today", "is_open"),
    [
        (date(2027, 3, 2), False),
        (date(2027, 3, 3), True),  # exactly 90 days before the end
        (date(2027, 6, 1), True),
        (date(2027, 6, 2), False),
    ],
)
def test_renewal_window_opens_90_days_before_the_end(today: date, is_open: bool) -> None:
    window = renewal_window(date(2027, 6, 1), 90)
    assert window.opens_on == date(2027, 3, 3)
    assert window.is_open(today) is is_open


def test_format_yuan() -> None:
    from app.core.money import format_yuan

    assert format_yuan(123456) == "¥1,234.56"
    assert format_yuan(5) == "¥0.05"
    assert format_yuan(-100) == "-¥1.00"
