"""Norwegian national identity numbers (fødselsnummer, D-number, H-number, synthetic test numbers).

``validate_national_id`` checks the format, the date and both control digits and
returns the date of birth the number encodes, so a form can compare it with
the one typed in.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits, weights) -> int | None:
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    control = 0 if remainder == 0 else 11 - remainder
    return None if control == 10 else control


def _century(year2: int, individual: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and year2 >= 54:
        return 1800
    if individual >= 500 and year2 <= 39:
        return 2000
    if individual >= 900 and year2 >= 40:
        return 1900
    return None


def validate_national_id(value: str) -> datetime.date:
    """The date of birth in a valid number; ValidationError (in Norwegian) otherwise."""
    number = (value or "").replace(" ", "")
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(_("A national identity number has 11 digits."), code="format")
    digits = [int(c) for c in number]
    if _control(digits[:9], _K1) != digits[9] or _control(digits[:10], _K2) != digits[10]:
        raise ValidationError(_("The national identity number is not valid. Check the digits."), code="checksum")
    day, month, year2 = int(number[0:2]), int(number[2:4]), int(number[4:6])
    if day > 40:  # D-number
        day -= 40
    if month > 80:  # synthetic test number (Skatteetaten)
        month -= 80
    elif month > 40:  # H-number
        month -= 40
    century = _century(year2, int(number[6:9]))
    try:
        if century is None:
            raise ValueError
        return datetime.date(century + year2, month, day)
    except ValueError:
        raise ValidationError(_("The national identity number does not hold a valid date."), code="date") from None
