"""State colours and alert styles, in one place so the table, the map and the legend agree.

Colours are Rich styles (the line-API widgets build Segments directly, so they need
`rich.style.Style` objects rather than CSS). Each state also has a short label and a
one-character glyph so the floor map still reads on a monochrome terminal.
"""

from __future__ import annotations

from rich.style import Style

from floorconsole import glyphs
from floorconsole.i18n import _
from floorconsole.views import STATE_LABEL as VIEW_STATE_LABEL

# Keyed by SeatState member *name* (floorconsole.floor.SeatState), so this module does not
# depend on the enum's string values.
STATE_LABEL: dict[str, str] = VIEW_STATE_LABEL  # one table: floorconsole/views.py

STATE_GLYPH: dict[str, str] = {
    "LOGGED_OFF": "·",
    "AVAILABLE": "A",
    "RINGING": "R",
    "ON_CALL": "C",
    "WRAP_UP": "W",
    "PAUSED": "P",
}

STATE_STYLE: dict[str, Style] = {
    "LOGGED_OFF": Style(color="grey50"),
    "AVAILABLE": Style(color="green3", bold=True),
    "RINGING": Style(color="yellow1", bold=True),
    "ON_CALL": Style(color="dodger_blue1", bold=True),
    "WRAP_UP": Style(color="medium_purple1"),
    "PAUSED": Style(color="dark_orange"),
}

# Floor map tiles: the background carries the state, the text stays readable on it.
STATE_TILE: dict[str, Style] = {
    "LOGGED_OFF": Style(color="grey70", bgcolor="grey23"),
    "AVAILABLE": Style(color="black", bgcolor="green3"),
    "RINGING": Style(color="black", bgcolor="yellow1", bold=True),
    "ON_CALL": Style(color="white", bgcolor="dodger_blue3"),
    "WRAP_UP": Style(color="white", bgcolor="medium_purple4"),
    "PAUSED": Style(color="black", bgcolor="dark_orange"),
}

DEFAULT_STYLE = Style()
DIM = Style(dim=True)
HEADER_ROW = Style(bold=True, underline=True)
CURSOR = Style(reverse=True)
ALERT = Style(color="red1", bold=True)
WARN = Style(color="yellow1", bold=True)
GOOD = Style(color="green3")
SORTED_COLUMN = Style(bold=True, underline=True, color="cyan")


def state_label(name: str) -> str:
    """The state's label in the console's language (`on call`, 通话)."""
    return _(STATE_LABEL[name]) if name in STATE_LABEL else name.lower()


def state_style(name: str) -> Style:
    return STATE_STYLE.get(name, DEFAULT_STYLE)


def state_tile(name: str) -> Style:
    return STATE_TILE.get(name, DEFAULT_STYLE)


def state_glyph(name: str) -> str:
    return glyphs.current().dot if name == "LOGGED_OFF" else STATE_GLYPH.get(name, "?")


def format_duration(seconds: float | None) -> str:
    """`m:ss` below an hour, `h:mm:ss` below a day, then `3d 04h` (a seat whose last event
    is days old still fits its column); "—" for no value. Negative clamps to 0."""
    if seconds is None:
        return _("—")
    s = max(0, int(seconds))
    if s >= 86400:
        days, rem = divmod(s, 86400)
        return f"{days}d {rem // 3600:02d}h"
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
