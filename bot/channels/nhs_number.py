"""NHS numbers: read as staff type them, and checked with their modulus-11 check digit.

Source of the rule: NHS Data Dictionary, "NHS Number" (format and check digit): ten digits;
multiply the first nine by 10, 9, ... 2; the remainder of the sum divided by 11 is taken from
11; 11 gives a check digit of 0, and 10 means the number is not valid.
"""

from __future__ import annotations

import re

TYPED = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})\s*$")
"""An NHS number at the end of what staff typed: `9434765919`, `943 476 5919`, `943-476-5919`."""


def check_digit(first_nine: str) -> int | None:
    """The check digit of nine digits, or None when no number may begin with them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1),
                                                              strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def valid_nhs_number(typed: str) -> str | None:
    """The NHS number as ten digits if `typed` is one (spaces and hyphens allowed) with the
    right check digit; None otherwise."""
    digits = re.sub(r"[ -]", "", typed.strip())
    if not re.fullmatch(r"\d{10}", digits):
        return None
    return digits if check_digit(digits[:9]) == int(digits[9]) else None


def split_nhs_number(typed: str) -> tuple[str, str | None]:
    """Split what staff typed into the part before a trailing NHS-number-shaped group and the
    group itself (not yet checked): `("ABC123 03/02/1980", "943 476 5919")`."""
    found = TYPED.search(typed)
    if found is None:
        return typed, None
    return typed[:found.start()].rstrip(), "".join(found.groups())


def spaced(nhs_number: str) -> str:
    """Ten digits as the NHS writes them, in groups of 3, 3 and 4: `943 476 5919`."""
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"
