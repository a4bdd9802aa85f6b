"""A citizen's phone as digits that read the same however the phone was typed.

Intake keeps the phone as typed (`+86 139-0000-1111`, `139 0000 1111`, full-width digits
from a Chinese input method); the order stores these digits beside it, indexed, so the
duplicate hint and the order list's search compare one value instead of reading every
order's phone. `PHONE_DIGITS_SQL` is the same rule in PostgreSQL, for the migration that
filled the orders registered before the column existed.
"""

from __future__ import annotations

import re
import unicodedata

_COUNTRY_CODE = re.compile(r"(?:\+|00)86([0-9]+)")
_DOMESTIC = re.compile(r"1[0-9]{10}|0[0-9]{9,11}")
"""A mobile number, or a landline with its leading 0 (022 8200 1234)."""
_LANDLINE_ABROAD = re.compile(r"[1-9][0-9]{8,10}")
"""A landline as written from abroad: its area code without the 0 (+86 22 8200 1234)."""
_BARE_86_MOBILE = re.compile(r"861[0-9]{10}")


def phone_digits(phone: str) -> str:
    """The digits of a phone as dialled within China, '' for none.

    Full-width digits become ASCII and everything but digits goes. A country code is taken
    off when what remains is a Chinese number: after `+86` or `0086` a mobile or a landline
    (given back its leading 0, so `+86 22 8200 1234` reads as `022 8200 1234`); a bare `86`
    only before a mobile, as a local number with its extension may begin with 86 too.
    """
    text = unicodedata.normalize("NFKC", phone or "")
    digits = re.sub(r"[^0-9]", "", text)
    if found := _COUNTRY_CODE.fullmatch(re.sub(r"[^0-9+]", "", text)):
        rest = found[1]
        if _DOMESTIC.fullmatch(rest):
            return rest
        if _LANDLINE_ABROAD.fullmatch(rest):
            return f"0{rest}"
    if _BARE_86_MOBILE.fullmatch(digits):
        return digits[2:]
    return digits


PHONE_DIGITS_SQL = r"""
CASE
    WHEN signed ~ '^(\+|00)86(1[0-9]{10}|0[0-9]{9,11})$'
        THEN regexp_replace(signed, '^(\+|00)86', '')
    WHEN signed ~ '^(\+|00)86[1-9][0-9]{8,10}$'
        THEN '0' || regexp_replace(signed, '^(\+|00)86', '')
    WHEN digits ~ '^861[0-9]{10}$' THEN substr(digits, 3)
    ELSE digits
END
"""
"""`phone_digits` over the columns `signed` (digits and plus signs) and `digits` of a
phone normalised to NFKC: see `phone_digits_sql`."""


def phone_digits_sql(column: str) -> str:
    """`phone_digits(column)` as a PostgreSQL expression."""
    normalised = f"normalize({column}, NFKC)"
    return (
        "(SELECT "
        + PHONE_DIGITS_SQL.strip()
        + f" FROM (SELECT regexp_replace({normalised}, '[^0-9+]', '', 'g') AS signed,"
        f" regexp_replace({normalised}, '[^0-9]', '', 'g') AS digits) AS phone)"
    )
