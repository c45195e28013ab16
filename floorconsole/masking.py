"""Confidentiality helpers: the one caller-number mask, and the card-number check.

Every display path shows caller numbers through `mask_number`; free text that would be
stored is checked with `find_card_number` so card numbers never reach the records.
"""

from __future__ import annotations

import re

MASK_CHAR = "•"

# Digit groups joined by at most one space or dash: how card numbers are typed.
_DIGIT_RUN = re.compile(r"\d+(?:[ \-]\d+)*")


def mask_number(number: str | None, keep: int = 4) -> str:
    """`number` with all but its last `keep` digits replaced by a mask character.

    Non-digit characters (a leading +, spaces) are dropped: the masked form shows only how
    many digits there were and the kept tail. A number with `keep` digits or fewer is masked
    entirely, so a short extension never shows in full.
    """
    if not number:
        return ""
    digits = [c for c in number if c.isdigit()]
    if not digits:
        return MASK_CHAR * min(len(number), 8)
    keep = max(0, keep)
    if len(digits) <= keep:
        return MASK_CHAR * len(digits)
    tail = "".join(digits[len(digits) - keep :]) if keep else ""
    return MASK_CHAR * (len(digits) - keep) + tail


_PHONE_CHARS = frozenset("0123456789+-() ")


def is_phone_number(text: str) -> bool:
    """True when `text` is a number the records may keep: digits, spaces and `+ - ( )`.

    A withheld caller id (`anonymous`, `unknown`) is not one.
    """
    return bool(text) and any(ch.isdigit() for ch in text) and all(ch in _PHONE_CHARS for ch in text)


def luhn_ok(digits: str) -> bool:
    """True when `digits` (only 0-9) passes the Luhn check used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# ISO/IEC 7812 major industry identifiers of payment cards: 2 (Mastercard 2-series),
# 3 (Amex, JCB, Diners), 4 (Visa), 5 (Mastercard), 6 (Discover, UnionPay, Maestro).
_CARD_FIRST_DIGITS = frozenset("23456")


def find_card_number(text: str) -> str | None:
    """The first Luhn-valid 13-19 digit card number in `text` (masked), or None.

    Numbers may be written with spaces or dashes between digit groups. Only whole groups are
    considered, so a long call id is not mistaken for a card inside it. Luhn alone passes one
    random number in ten, so a candidate must also look like a card: it starts with a
    payment-card industry digit (2-6) and is not an international phone number (`+86 138…`,
    `0086…`: cards never start with + or 0, nor with 8, the telecom/country-code digit).
    """
    if not text:
        return None
    for match in _DIGIT_RUN.finditer(text):
        if match.start() > 0 and text[match.start() - 1] == "+":
            continue
        groups = re.split(r"[ \-]", match.group(0))
        for start in range(len(groups)):
            if groups[start][0] not in _CARD_FIRST_DIGITS:
                continue
            digits = ""
            for end in range(start, len(groups)):
                digits += groups[end]
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and luhn_ok(digits):
                    return mask_number(digits, 4)
    return None


def card_number_message(field: str, masked: str) -> str:
    """The refusal shown when a card number is found in a field."""
    return (
        f"{field} looks like it contains a payment card number ({masked}); card numbers must "
        "not be written into the records — remove it and save again"
    )
