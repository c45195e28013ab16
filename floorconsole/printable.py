"""Make feed and user text safe to show: control characters become visible escapes.

Rich markup is a separate concern: screens build `rich.text.Text` objects (never markup
strings) from this output, so `[bold]` typed by a user stays literally `[bold]`.
"""

from __future__ import annotations

import unicodedata

from floorconsole import glyphs

_CACHE_LIMIT = 4096
_cache: dict[str, str] = {}


def printable(text: str, max_len: int | None = None) -> str:
    """`text` with every control/format character shown as `\\xNN` / `\\uNNNN`.

    Newlines and tabs become escapes too: a single field never spans lines.
    """
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1] + glyphs.current().ellipsis
    if text.isprintable():
        return text
    cached = _cache.get(text)
    if cached is not None:
        return cached
    out = []
    for ch in text:
        if ch.isprintable() and unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    result = "".join(out)
    if len(_cache) < _CACHE_LIMIT:
        _cache[text] = result
    return result


def _unsafe_in_json(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def json_escape_controls(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every control, format
    (bidi overrides such as U+202E), surrogate, private-use and line/paragraph separator
    character written as a `\\uXXXX` escape: the same JSON value, safe to print.

    `ensure_ascii=False` escapes only C0 controls; C1 controls and bidi overrides would
    otherwise reach the terminal (or the next tool) raw. Such characters only occur inside
    JSON strings, where the escape is valid.
    """
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == "\n" or not _unsafe_in_json(ch):  # newlines: the indentation between values
            out.append(ch)
            continue
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)
