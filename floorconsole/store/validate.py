"""Input checks shared by every record: required text, length, and no card numbers."""

from __future__ import annotations

from floorconsole.i18n import _
from floorconsole.masking import card_number_message, find_card_number
from floorconsole.store.errors import ValidationError

MAX_TEXT = 4000


def text(field: str, value: object, *, required: bool = True, max_len: int = MAX_TEXT) -> str:
    """`value` stripped, checked: present (if required), not too long, no card number."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("{field} must be text").format(field=field))
    value = value.strip()
    if required and not value:
        raise ValidationError(_("{field} is required").format(field=field))
    if len(value) > max_len:
        raise ValidationError(
            _("{field} is too long ({length} characters; at most {max_len})").format(
                field=field, length=len(value), max_len=max_len
            )
        )
    if "\x00" in value:
        raise ValidationError(_("{field} contains a NUL character").format(field=field))
    masked = find_card_number(value)
    if masked:
        raise ValidationError(card_number_message(field, masked))
    return value


def optional(field: str, value: object, max_len: int = 200) -> str | None:
    """Like `text` but empty means None."""
    out = text(field, value, required=False, max_len=max_len)
    return out or None


def number_or_none(field: str, value: object) -> float | None:
    """A Unix time / number, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(_("{field} must be a number (Unix seconds)").format(field=field))
    return float(value)
