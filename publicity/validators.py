"""Checks on what may be published: the unified social credit code of a business (GB 32100),
and text that looks like a citizen's ID card or mobile number, which is never published."""

from __future__ import annotations

import re
import unicodedata

# GB 32100-2015: 31 characters, without I, O, S, V and Z.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# An 18-digit resident ID number (the last may be X) and a mainland mobile number (after
# +86 or 86, as people write it too), not inside a longer run of digits.
CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:86)?1[3-9]\d{9}(?!\d)")
# Spaces and dashes between digits, as in 138 1234 5678 or 120222-19900101-1234: read
# without them, or a number written in groups would pass.
DIGIT_GROUP_SEPARATOR = re.compile(r"(?<=\d)[\s\-‐‑–—－]+(?=[\dXx])")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code, from the first 17."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """18 characters of the standard's alphabet, the division code in digits, and the right
    check character. Lower case is not accepted: the code is printed in capitals."""
    if not _CREDIT_CODE_SHAPE.match(code or ""):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def looks_like_personal_data(text: str) -> bool:
    """True when the text holds something shaped like a citizen's ID or mobile number.
    Read in NFKC: a Chinese input method types full-width digits (１３８…), which passed."""
    text = unicodedata.normalize("NFKC", text or "")
    joined = DIGIT_GROUP_SEPARATOR.sub("", text)
    return any(
        pattern.search(candidate)
        for candidate in (text, joined)
        for pattern in (CITIZEN_ID, MOBILE)
    )
