"""The console's chrome glyphs, each with a stand-in that is one cell wide in every terminal.

Terminals set up for CJK (the usual set-up on a Chinese floor, and what `ambiguous = wide`
means in their settings) draw East-Asian-*ambiguous* characters two columns wide: `…`, `•`,
`·`, `▲▼`, `↑↓`, the sparkline blocks. Rich and Textual count them as one column, so every
column after one of them shifts right. The stand-ins (`~`, `*`, `|`, `^`, `v`, ...) are
plain ASCII, one cell wide everywhere.

Which set is used is decided once, at start-up (`configure`, from `[console] ambiguous_wide`
in the config file): `true` uses the stand-ins, `false` the ordinary glyphs, and leaving it
out (auto) uses the stand-ins when the console is in Chinese (zh_CN) and the ordinary glyphs
otherwise. Screens and masking read them through `current()`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from floorconsole import i18n
from floorconsole.i18n import _


@dataclass(frozen=True)
class Glyphs:
    """One glyph per chrome use; each is a single terminal cell wide."""

    ellipsis: str  # a truncated name or text ends with it
    mask: str  # one masked digit of a caller number
    separator: str  # between parts of one line (`a · b`)
    dot: str  # a quiet mark: logged off, not rostered, pending
    sort_ascending: str  # the seat table's sort column, ascending
    sort_descending: str  # ... and descending
    more_above: str  # a scrolled list has more above
    more_below: str  # ... and more below
    warning: str  # a problem in the header or a note
    check: str  # done, acknowledged, rostered
    flag: str  # flagged (attendance)
    spark: str  # the sparkline, lowest to highest bar (8 levels)
    none: str  # no value in a cell
    refers: str  # a correction points at the entry it corrects (`->#12`)


DEFAULT = Glyphs(
    ellipsis="…",
    mask="•",
    separator="·",
    dot="·",
    sort_ascending="▲",
    sort_descending="▼",
    more_above="↑",
    more_below="↓",
    warning="⚠",
    check="✓",
    flag="⚑",
    spark="▁▂▃▄▅▆▇█",
    none="—",
    refers="→",
)

CJK_SAFE = Glyphs(
    ellipsis="~",
    mask="*",
    separator="|",
    dot=".",
    sort_ascending="^",
    sort_descending="v",
    more_above="^",
    more_below="v",
    warning="!",
    check="+",
    flag="F",
    spark="_.-:=+*#",
    none="-",
    refers=">",
)

_configured: bool | None = None  # None: auto (follow the language)


def parse_setting(value: object) -> bool | None:
    """`[console] ambiguous_wide`: true, false or "auto" (None). ValueError otherwise."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("auto", ""):
        return None
    raise ValueError(_('console.ambiguous_wide: expected true, false or "auto", got {value}').format(value=repr(value)))


def configure(ambiguous_wide: bool | None) -> None:
    """Choose the set once at start-up: True the CJK-safe stand-ins, False the ordinary
    glyphs, None (auto) the stand-ins when the console is in Chinese."""
    global _configured
    _configured = ambiguous_wide


def cjk_safe() -> bool:
    """Whether the stand-ins are in use now."""
    return i18n.is_chinese() if _configured is None else _configured


def current() -> Glyphs:
    """The glyphs to draw the chrome with."""
    return CJK_SAFE if cjk_safe() else DEFAULT


def is_ambiguous(text: str) -> bool:
    """Whether any character of `text` is East-Asian-ambiguous (two cells in a CJK terminal)."""
    return any(unicodedata.east_asian_width(c) == "A" for c in text)
