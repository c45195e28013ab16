"""Confidentiality helpers: the one caller-number mask, and the card-number check.

Every display path shows caller numbers through `mask_number` (or `mask_caller`, for a
caller id in any form); free text shown from the feed goes through `mask_digit_runs`; free
text that would be stored is checked with `find_card_number` so card numbers never reach
the records.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from floorconsole import glyphs

MASK_CHAR = glyphs.DEFAULT.mask  # the mask of records written by an English console
CARD_REMOVED = "[card number removed]"


def mask_char() -> str:
    """The mask character now: `•`, or `*` where `•` would be two cells wide (floorconsole.glyphs)."""
    return glyphs.current().mask


def shown_masked(text: str) -> str:
    """An already-masked value (a stored `caller_masked`) with the mask character in use now."""
    return text.replace(MASK_CHAR, mask_char()) if text else text


def mask_number(number: str | None, keep: int = 4) -> str:
    """`number` with all but its last `keep` digits replaced by a mask character.

    Non-digit characters (a leading +, spaces) are dropped: the masked form shows only how
    many digits there were and the kept tail. A number with `keep` digits or fewer is masked
    entirely, so a short extension never shows in full.
    """
    if not number:
        return ""
    digits = [c for c in number if c.isdigit()]
    mask = mask_char()
    if not digits:
        return mask * min(len(number), 8)
    keep = max(0, keep)
    if len(digits) <= keep:
        return mask * len(digits)
    tail = "".join(digits[len(digits) - keep :]) if keep else ""
    return mask * (len(digits) - keep) + tail


_ANY_DIGITS = re.compile(r"\d+")
_LONG_DIGITS = re.compile(r"\d{5,}")


def mask_digit_runs(text: str, keep: int = 4, min_run: int = 5) -> str:
    """`text` with every run of `min_run` or more digits masked by `mask_number`.

    For free text that may hold a caller number (a rejected feed line, an exception
    message): the rest of the text stays readable. Full-width and other Unicode digits
    count as digits.
    """
    if not text:
        return text or ""
    pattern = _LONG_DIGITS if min_run == 5 else re.compile(rf"\d{{{max(1, min_run)},}}")
    return pattern.sub(lambda m: mask_number(m.group(0), keep), text)


_PHONE_CHARS = frozenset("0123456789+-() ")


def is_phone_number(text: str) -> bool:
    """True when `text` is a plain number: digits, spaces and `+ - ( )`.

    A withheld caller id (`anonymous`, `unknown`) or a SIP URI is not one.
    """
    return bool(text) and any(ch.isdigit() for ch in text) and all(ch in _PHONE_CHARS for ch in text)


def mask_caller(caller: str | None, keep: int = 4) -> str:
    """A caller id in any form, fit to show: a plain number through `mask_number`; anything
    else (`sip:13800000004@10.0.0.1`, `anonymous`) with every digit run masked, so neither
    the number nor an address shows (`sip:•••••••0004@••.•.•.•`)."""
    if not caller:
        return ""
    if is_phone_number(caller):
        return mask_number(caller, keep)
    return _ANY_DIGITS.sub(lambda m: mask_number(m.group(0), keep), caller)


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


# Issuer identification number ranges and card lengths, per scheme (ISO/IEC 7812; the
# schemes' published ranges). (low prefix, high prefix, lengths): a number is a candidate
# when its first len(low) digits lie in [low, high] and its length is one of `lengths`.
_CARD_RANGES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),  # Visa
    ("51", "55", (16,)),  # Mastercard
    ("2221", "2720", (16,)),  # Mastercard 2-series
    ("34", "34", (15,)),
    ("37", "37", (15,)),  # American Express
    ("6011", "6011", (16, 17, 18, 19)),  # Discover
    ("644", "649", (16, 17, 18, 19)),
    ("65", "65", (16, 17, 18, 19)),
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("62", "62", (16, 17, 18, 19)),  # UnionPay
    ("36", "36", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("300", "305", (14, 15, 16, 17, 18, 19)),
    ("5018", "5018", tuple(range(12, 20))),  # Maestro
    ("5020", "5020", tuple(range(12, 20))),
    ("5038", "5038", tuple(range(12, 20))),
    ("5893", "5893", tuple(range(12, 20))),
    ("6304", "6304", tuple(range(12, 20))),
    ("6759", "6759", tuple(range(12, 20))),
    ("6761", "6763", tuple(range(12, 20))),
)
_CARD_MIN, _CARD_MAX = 12, 19


def card_scheme_fits(digits: str) -> bool:
    """True when `digits` has the prefix and length of some payment-card scheme."""
    n = len(digits)
    return any(n in lengths and low <= digits[: len(low)] <= high for low, high, lengths in _CARD_RANGES)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_resident_id(text: str) -> bool:
    """True for a valid 18-character Chinese resident identity number (GB 11643): 17 digits
    and an ISO 7064 MOD 11-2 check character (a digit or X), with a real birth date."""
    if len(text) != 18 or not text[:17].isdigit() or not text[:17].isascii():
        return False
    check = text[17].upper()
    if check != "X" and not ("0" <= check <= "9"):
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != check:
        return False
    year, month, day = int(text[6:10]), int(text[10:12]), int(text[12:14])
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_card_number(digits: str) -> bool:
    """True when `digits` (only 0-9) is structured like a payment card: a scheme's IIN and
    length, the Luhn check, and not a valid Chinese resident ID number."""
    return (
        _CARD_MIN <= len(digits) <= _CARD_MAX
        and card_scheme_fits(digits)
        and luhn_ok(digits)
        and not is_resident_id(digits)
    )


# Between digit groups, how card numbers get typed or pasted: spaces (one or more, NBSP and
# the ideographic space after normalising), tabs, newlines, dashes, dots and slashes.
_SEPARATORS = frozenset(" \t\n\r\f\v-./")
_MAX_SEPARATOR = 3


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC of `text` character by character (full-width digits and spaces become ASCII),
    every decimal digit as 0-9, and for each output character the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            where.append(i)
            continue
        norm = unicodedata.normalize("NFKC", ch)
        for c in norm:
            d = unicodedata.decimal(c, None)
            out.append(str(d) if d is not None else (" " if c.isspace() else c))
            where.append(i)
    return "".join(out), where


def _card_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) in `text` of every card number, non-overlapping, in order.

    Digit groups joined by short separators are tried whole-group by whole-group, so a long
    call id is not mistaken for a card inside it.
    """
    norm, where = _normalised(text)
    spans: list[tuple[int, int, str]] = []
    n = len(norm)
    i = 0
    while i < n:
        if not norm[i].isdigit() or not norm[i].isascii():
            i += 1
            continue
        # A run of groups: [(start, end)] in norm.
        groups: list[tuple[int, int]] = []
        j = i
        while True:
            k = j
            while k < n and "0" <= norm[k] <= "9":
                k += 1
            groups.append((j, k))
            s = k
            while s < n and norm[s] in _SEPARATORS and s - k < _MAX_SEPARATOR:
                s += 1
            if s > k and s < n and "0" <= norm[s] <= "9":
                j = s
                continue
            break
        # A resident ID number (17 digits and X, or 18 digits) is nobody's card, whole or
        # joined to a neighbouring group.
        ids = {
            gi
            for gi, (a, b) in enumerate(groups)
            if is_resident_id(norm[a:b] + (norm[b].upper() if b - a == 17 and b < n and norm[b] in "xX" else ""))
        }
        g = 0
        while g < len(groups):
            digits = ""
            found = None
            for end in range(g, len(groups)):
                if end in ids:
                    break
                digits += norm[groups[end][0] : groups[end][1]]
                if len(digits) > _CARD_MAX:
                    break
                if is_card_number(digits):
                    found = end
                    break
            if found is None:
                g += 1
                continue
            start, stop = groups[g][0], groups[found][1]
            spans.append((where[start], where[stop - 1] + 1, digits))
            g = found + 1
        i = groups[-1][1]
    return spans


def find_card_number(text: str) -> str | None:
    """The first payment card number in `text` (masked), or None.

    The text is normalised first (NFKC: full-width digits typed with a Chinese IME count).
    Digit groups may be separated by spaces, tabs, newlines, dashes, dots or slashes. A
    candidate must fit a card scheme's issuer range and length and pass Luhn; a valid
    Chinese resident ID number is never taken for a card.
    """
    if not text:
        return None
    spans = _card_spans(text)
    return mask_number(spans[0][2], 4) if spans else None


def redact_card_numbers(text: str, replacement: str = CARD_REMOVED) -> tuple[str, int]:
    """`text` with every card number replaced by `replacement`, and how many were."""
    if not text:
        return text or "", 0
    spans = _card_spans(text)
    if not spans:
        return text, 0
    out, last = [], 0
    for start, end, _ in spans:
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out), len(spans)


def card_number_message(field: str, masked: str) -> str:
    """The refusal shown when a card number is found in a field."""
    return (
        f"{field} looks like it contains a payment card number ({masked}); card numbers must "
        "not be written into the records — remove it and save again"
    )
