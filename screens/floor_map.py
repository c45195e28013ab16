"""The floor map: seats laid out by row and position from the floor layout, colour = state.

Line API again (a 5,000-seat floor is 500 rows): one line per layout row, each seat a
tile coloured by state, with a red `!` when the seat has an alert. Agents the feed knows
but the layout does not are never dropped: they fill "unplaced" rows at the bottom.
Seats that do not match the filter are dimmed, not hidden, so the floor keeps its shape.

A tile names its seat (the layout's seat id; for an agent the layout does not place, the
extension out of the interface: `Local/2001@from-internal/n` -> `2001`), and the agent's
name when the map is wide enough. The top line names the selected seat's agent and state,
then the colour legend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from floorconsole import glyphs
from floorconsole.config import Thresholds
from floorconsole.i18n import N_, _
from floorconsole.layout import FloorLayout, SeatPlace
from floorconsole.printable import printable
from floorconsole.rules import alert_marks
from screens import theme
from screens.messages import SeatHighlighted
from screens.resilience import guarded_line
from screens.seat_table import SeatRow, matches

LABEL_WIDTH = 5
UNPLACED_PER_ROW = 10
NAME_CHARS = 12  # the most a tile widens to show the agent's name
MIN_NAME_CELLS = 5  # a name cut shorter than this says nothing; the status line names the seat
MAX_ID_CHARS = 10  # an unplaced agent's label is cut to this
_TECH = re.compile(r"^[A-Za-z0-9_-]+/")


def agent_label(agent: str) -> str:
    """A short label for an interface the layout does not place: the extension.

    `SIP/1001` -> `1001`, `Local/2001@from-internal/n` -> `2001`, `PJSIP/a-07` -> `a-07`;
    free-text agent names (JSON feeds) are kept as they are."""
    label = _TECH.sub("", agent, count=1)
    label = label.split("@", 1)[0].split("/", 1)[0]
    return label or agent


_DIMMED = Style(color="grey35", bgcolor="grey11")


class FloorMap(ScrollView, can_focus=True):
    """Seats by row/position; arrows move between seats."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(0,-1)", N_("Up"), show=False),
        Binding("down,j", "move(0,1)", N_("Down"), show=False),
        # Arrows only: `h` (new log entry) and `l` (the duty log) are the console's keys.
        Binding("left", "move(-1,0)", N_("Left"), show=False),
        Binding("right", "move(1,0)", N_("Right"), show=False),
    ]

    DEFAULT_CSS = """
    FloorMap {
        height: 1fr;
    }
    """

    def __init__(
        self, layout: FloorLayout, thresholds: Thresholds, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.thresholds = thresholds
        self.rows: dict[str, SeatRow] = {}
        self.now = 0.0
        self.patrolled: frozenset[str] | None = None
        self._tokens: list[str] = []
        self._lines: list[tuple[str, list[str | None]]] = []  # (row label, agent per slot)
        self._where: dict[str, tuple[int, int]] = {}  # agent -> (line, slot)
        self._placed: set[str] = set()
        self._places: dict[str, SeatPlace] = {}
        self._unplaced: list[str] = []
        self._id_tile = 4  # wide enough for the longest seat label
        self._tile = 4  # as drawn: the seat label, and the name when there is room
        self._cursor = (0, 0)
        self._strips: dict[int, tuple[tuple, Strip]] = {}
        self._build_from_layout(layout)

    # ---- grid ------------------------------------------------------------------------

    def _build_from_layout(self, layout: FloorLayout) -> None:
        by_row: dict[str, dict[int, str]] = {}
        for place in layout.seats:
            by_row.setdefault(place.row, {})[place.pos] = place.agent
            self._placed.add(place.agent)
            self._places[place.agent] = place
            self._id_tile = max(self._id_tile, len(printable(place.seat_id)) + 2)
        for row in layout.rows:
            slots = by_row[row]
            width = max(slots)
            self._lines.append((row, [slots.get(p + 1) for p in range(width)]))
        self._index_lines()

    def _index_lines(self) -> None:
        self._where = {}
        for li, (_row, slots) in enumerate(self._lines):
            for si, agent in enumerate(slots):
                if agent is not None:
                    self._where[agent] = (li, si)
        self._fit_tiles()

    def _fit_tiles(self) -> None:
        """Tile width: the seat label, widened (up to NAME_CHARS) to fill the map's width
        so names show when there is room; the virtual size follows."""
        slots = max((len(s) for _, s in self._lines), default=0)
        tile = self._id_tile
        if slots and self.size.width:
            tile = max(tile, min(tile + NAME_CHARS, (self.size.width - LABEL_WIDTH) // slots))
        if tile != self._tile:
            self._tile = tile
            self._strips.clear()
            self.refresh()
        self.virtual_size = Size(LABEL_WIDTH + self._tile * slots, len(self._lines) + 1)

    def on_resize(self) -> None:
        self._fit_tiles()

    def _add_unplaced(self, agents: list[str]) -> None:
        for agent in agents:
            if not self._unplaced or len(self._lines[-1][1]) >= UNPLACED_PER_ROW or self._lines[-1][0] != "?":
                self._lines.append(("?", []))
            self._lines[-1][1].append(agent)
            self._unplaced.append(agent)
            self._id_tile = max(self._id_tile, len(printable(agent_label(agent), MAX_ID_CHARS)) + 2)
        self._index_lines()

    # ---- data in ---------------------------------------------------------------------

    def update_rows(self, rows: Iterable[SeatRow]) -> None:
        """Replace/insert rows (by agent); repaints only the map lines that changed."""
        changed = [row for row in rows if self.rows.get(row.agent) != row]
        for row in changed:
            self.rows[row.agent] = row
        self.rows_changed(changed)

    def share_rows(self, rows: dict[str, SeatRow]) -> None:
        """Read seats from `rows` (the console's one model, shared with the table)."""
        self.rows = rows
        self.rows_changed(list(rows.values()))

    def rows_changed(self, changed: Iterable[SeatRow]) -> None:
        """These rows, already in `self.rows`, changed: place new agents, repaint lines."""
        new_unplaced = []
        dirty_lines: set[int] = set()
        for row in changed:
            if row.agent not in self._where:
                new_unplaced.append(row.agent)
            where = self._where.get(row.agent)
            if where:
                dirty_lines.add(where[0])
        if new_unplaced:
            self._add_unplaced(new_unplaced)
            self.refresh()
            return
        for line in dirty_lines:
            self._refresh_line(line)

    def set_now(self, now: float) -> None:
        changed = int(now) != int(self.now)
        self.now = now
        if changed:
            self.refresh()  # alert marks depend on time

    def set_patrolled(self, agents: frozenset[str] | None) -> None:
        if agents != self.patrolled:
            self.patrolled = agents
            self._strips.clear()
            self.refresh()

    def set_filter(self, text: str) -> None:
        tokens = text.lower().split()
        if tokens != self._tokens:
            self._tokens = tokens
            self._strips.clear()
            self.refresh()

    # ---- cursor ----------------------------------------------------------------------

    @property
    def selected_agent(self) -> str | None:
        li, si = self._cursor
        if li < len(self._lines) and si < len(self._lines[li][1]):
            return self._lines[li][1][si]
        return None

    def select_agent(self, agent: str) -> bool:
        where = self._where.get(agent)
        if where is None:
            return False
        self._set_cursor(where)
        return True

    def action_move(self, dx: int, dy: int) -> None:
        if not self._lines:
            return
        li, si = self._cursor
        if dy:
            li = max(0, min(len(self._lines) - 1, li + dy))
            si = min(si, len(self._lines[li][1]) - 1)
        if dx:
            slots = self._lines[li][1]
            step = si + dx
            # skip empty positions (aisles) in the layout
            while 0 <= step < len(slots) and slots[step] is None:
                step += dx
            if 0 <= step < len(slots):
                si = step
        self._set_cursor((li, max(0, si)))

    def _set_cursor(self, where: tuple[int, int]) -> None:
        old = self._cursor
        self._cursor = where
        self._refresh_line(old[0])
        self._refresh_line(where[0])
        self.refresh(Region(0, 0, self.size.width, 1))  # the selected seat's line
        body = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if where[0] < top:
            self.scroll_to(y=where[0], animate=False, immediate=True)
        elif where[0] >= top + body:
            self.scroll_to(y=where[0] - body + 1, animate=False, immediate=True)
        self.post_message(SeatHighlighted(self.selected_agent))

    def on_click(self, event) -> None:  # noqa: ANN001 - textual.events.Click
        if event.y < 1:
            return
        li = round(self.scroll_y) + event.y - 1
        si = (event.x + round(self.scroll_x) - LABEL_WIDTH) // self._tile
        if 0 <= li < len(self._lines) and 0 <= si < len(self._lines[li][1]) and self._lines[li][1][si]:
            self._set_cursor((li, si))

    def on_focus(self) -> None:
        self._refresh_line(self._cursor[0])

    def on_blur(self) -> None:
        self._refresh_line(self._cursor[0])

    # ---- rendering -------------------------------------------------------------------

    def _refresh_line(self, line: int) -> None:
        self._strips.pop(line, None)
        screen_y = line - round(self.scroll_y) + 1
        if 1 <= screen_y < self.size.height:
            self.refresh(Region(0, screen_y, self.size.width, 1))

    @guarded_line
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            return self._legend(width)
        li = round(self.scroll_y) + y - 1
        if li >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        key = (int(self.now), self._cursor if self._cursor[0] == li else None, self.has_focus, width, scroll_x)
        cached = self._strips.get(li)
        if cached is not None and cached[0] == key:
            return cached[1]
        strip = self._render_map_line(li).crop_extend(scroll_x, scroll_x + width, self.rich_style)
        self._strips[li] = (key, strip)
        return strip

    def seat_label(self, agent: str) -> str:
        """The seat's id from the layout (or the feed), else the interface's extension."""
        row = self.rows.get(agent)
        place = self._places.get(agent)
        seat_id = (row.seat_id if row else None) or (place.seat_id if place else None)
        return printable(seat_id) if seat_id else printable(agent_label(agent), MAX_ID_CHARS)

    def agent_name(self, agent: str) -> str:
        """The person at the seat: the feed's/layout's name, or "" when only the interface is known."""
        row = self.rows.get(agent)
        place = self._places.get(agent)
        for name in (row.name if row else "", place.name if place else ""):
            if name and name != agent:
                return printable(name)
        return ""

    def status_text(self) -> Text:
        """The selected seat: seat, agent's name, state and time in it."""
        agent = self.selected_agent
        if agent is None:
            return Text("")
        row = self.rows.get(agent)
        state = row.state if row else "LOGGED_OFF"
        text = Text(f"{self.seat_label(agent)} ", style="bold")
        name = self.agent_name(agent)
        text.append(name or printable(agent), style="bold")
        if name:
            text.append(f" ({printable(agent)})", style="dim")
        text.append(f" {glyphs.current().separator} ")
        text.append(theme.state_label(state), style=theme.state_style(state))
        if row is not None and row.since and state != "LOGGED_OFF":
            text.append(f" {theme.format_duration(self.now - row.since)}")
        if row is not None and row.pause_reason and state == "PAUSED":
            text.append(f" ({printable(row.pause_reason, 20)})", style="dim")
        return text

    def _legend(self, width: int) -> Strip:
        base = self.rich_style
        status = self.status_text()
        segments = [Segment(" " * LABEL_WIDTH, base)]
        if status.plain:
            segments.extend(Segment(seg.text, base + (seg.style or Style())) for seg in status.render(self.app.console))
            segments.append(Segment("   ", base))
        for name in ("AVAILABLE", "RINGING", "ON_CALL", "WRAP_UP", "PAUSED", "LOGGED_OFF"):
            segments.append(Segment(f" {theme.state_label(name)} ", base + theme.state_tile(name)))
            segments.append(Segment(" ", base))
        segments.append(Segment("! " + _("alert"), base + theme.ALERT))
        segments.append(Segment(f"  {glyphs.current().dot} " + _("not patrolled"), base + theme.DIM))
        return Strip(segments).adjust_cell_length(width, base)

    def _render_map_line(self, li: int) -> Strip:
        base = self.rich_style
        label, slots = self._lines[li]
        segments = [Segment(set_cell_size(printable(label), LABEL_WIDTH - 1) + " ", base + theme.DIM)]
        tile = self._tile
        for si, agent in enumerate(slots):
            if agent is None:
                segments.append(Segment(" " * tile, base))
                continue
            row = self.rows.get(agent)
            text = self.seat_label(agent)
            name = self.agent_name(agent)
            if name and tile - 2 - cell_len(text) - 1 >= MIN_NAME_CELLS:
                text = f"{text} {name}"
                if cell_len(text) > tile - 2:
                    text = set_cell_size(text, tile - 3) + glyphs.current().ellipsis
            state = row.state if row else "LOGGED_OFF"
            style = theme.state_tile(state)
            marks = alert_marks(row, self.now, self.thresholds, self.patrolled) if row else ""
            if self._tokens and (row is None or not matches(row, self._tokens)):
                style = _DIMMED
            cell = set_cell_size(text, tile - 2)
            mark = "!" if marks.replace("N", "") else (glyphs.current().dot if "N" in marks else " ")
            if (li, si) == self._cursor:
                style = style + (Style(reverse=True, bold=True) if self.has_focus else Style(underline=True))
            segments.append(Segment(cell, base + style))
            segments.append(Segment(mark, base + style + (theme.ALERT if mark == "!" else Style())))
            segments.append(Segment(" ", base))
        return Strip(segments)
