"""The seat table: every seat, sortable and filterable, drawn with Textual's line API.

Textual's DataTable repaints every visible cell on any change (~39 ms a frame at 160x50
here); a floor of 5,000 seats at 1,000 events/s needs better. This widget is a
`ScrollView` that renders only the lines Textual asks for, from strips cached per seat,
and refreshes only the lines whose seat changed (plus every visible line once a second,
because "time in state" ticks).

Rows are plain `SeatView` values pushed by the engine; the App keeps them in one
`FloorModel` whose seats dict this table and the floor map share, so rendering never
touches the engine and the two views cannot disagree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from floorconsole import glyphs
from floorconsole.config import Thresholds
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.rules import alert_marks, call_length, is_long_call, is_long_pause
from floorconsole.views import SeatView
from screens import theme
from screens.messages import SeatHighlighted
from screens.resilience import guarded_line

SeatRow = SeatView  # the name the widgets and their tests use
__all__ = ["SeatRow", "SeatTable", "alert_marks", "matches"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    priority: int  # lower is kept longer when the table is narrow
    align_right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("seat", N_("Seat"), 5, 1),
    Column("name", N_("Agent"), 18, 0),
    Column("state", N_("State"), 10, 0),
    Column("in_state", N_("In state"), 9, 0, True),
    Column("call", N_("Call"), 7, 1, True),
    Column("answered", N_("Ans"), 4, 2, True),
    Column("rna", N_("RNA"), 3, 2, True),
    Column("alerts", N_("Alerts"), 6, 0),
    Column("pause", N_("Pause reason"), 14, 3),
    Column("queues", N_("Queues"), 16, 4),
    Column("escalations", N_("Esc"), 3, 5, True),
)

REORDER_EVERY_S = 0.25  # a re-sort after rows change, at most this often (sorted by state...)

# What AMI says right now (ringing, unreachable, who they talk to, time in pause): shown
# only when [ami] is configured (`enable_live`), after the state.
LIVE_COLUMN = Column("live", N_("Live (AMI)"), 24, 1)
_LIVE_STYLES = {"ok": Style(color="green"), "warn": theme.WARN, "alert": theme.ALERT, "dim": theme.DIM}
# Shown only once a roster is loaded for today (issue 13): rostered now ✓, not rostered ·,
# flagged this shift ⚑ (screens/attendance_panel.py decides the mark).
ROSTER_COLUMN = Column("roster", N_("Rst"), 3, 1)

_TICKING = frozenset({"in_state", "call", "alerts", "live"})  # cells that change with the clock

# What `s` cycles through, in order; each maps to a sort key over (row, now, marks).
SORTS: tuple[str, ...] = ("seat", "name", "state", "in_state", "call", "answered", "rna", "alerts")

_STATE_ORDER = {"RINGING": 0, "ON_CALL": 1, "WRAP_UP": 2, "PAUSED": 3, "AVAILABLE": 4, "LOGGED_OFF": 5}


def _sort_key(column: str) -> Callable[[SeatRow], object]:
    if column == "seat":
        return lambda r: (r.seat_id == "", r.seat_id, r.agent)
    if column == "name":
        return lambda r: (r.name.lower(), r.agent)
    if column == "state":
        return lambda r: (_STATE_ORDER.get(r.state, 9), r.since is None, r.since or 0.0)
    if column == "in_state":
        return lambda r: (r.since is None, r.since or 0.0, r.agent)  # longest in state first
    if column == "call":
        return lambda r: (r.call_start is None or r.state != "ON_CALL", r.call_start or 0.0, r.agent)
    if column == "answered":
        return lambda r: (-r.answered, r.agent)
    if column == "rna":
        return lambda r: (-r.ring_no_answer, r.agent)
    return lambda r: (r.agent,)


def matches(row: SeatRow, tokens: list[str]) -> bool:
    """True when every filter token matches: `q:x` queue, `s:x` state, else any field."""
    if not tokens:
        return True
    text = row.search_text()
    for tok in tokens:
        if tok.startswith(("q:", "queue:")):
            want = tok.split(":", 1)[1]
            if not any(want in q.lower() for q in row.queues):
                return False
        elif tok.startswith(("s:", "state:")):
            want = tok.split(":", 1)[1]
            if want not in theme.state_label(row.state) and want not in row.state.lower():
                return False
        elif tok not in text:
            return False
    return True


class SeatTable(ScrollView, can_focus=True):
    """Sortable, filterable seat table on the line API."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
        Binding("s", "cycle_sort", N_("Sort")),
        Binding("S", "reverse_sort", N_("Reverse sort"), show=False),
    ]

    DEFAULT_CSS = """
    SeatTable {
        height: 1fr;
        overflow-x: hidden;
    }
    """

    sort_column: reactive[str] = reactive("seat", init=False)
    sort_reverse: reactive[bool] = reactive(False, init=False)

    def __init__(
        self, thresholds: Thresholds, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.thresholds = thresholds
        self.rows: dict[str, SeatRow] = {}
        self.order: list[str] = []  # visible (filtered, sorted) agents
        self._index: dict[str, int] = {}
        self.cursor = 0
        self.now = 0.0
        self.patrolled: frozenset[str] | None = None
        self._tokens: list[str] = []
        self._strips: dict[str, tuple[tuple, Strip]] = {}
        self._all_columns: tuple[Column, ...] = COLUMNS
        self._columns: tuple[Column, ...] = COLUMNS
        self.live: dict[str, object] = {}  # agent -> floorconsole.ami.live.LiveCell
        self._header: Strip | None = None
        self._base_style: Style | None = None
        self._combined: dict[Style, Style] = {}
        self._static: dict[str, tuple[SeatRow, tuple[Column, ...], list[Segment | None]]] = {}
        self.roster_mark: Callable[[str], str] | None = None
        self._last_reorder = -REORDER_EVERY_S  # time.monotonic() of the last re-sort
        self._reorder_timer: Timer | None = None
        self._rows_sorted = 0  # len(self.rows) at the last re-sort: more rows, re-sort now

    # ---- data in -------------------------------------------------------------------

    def update_rows(self, rows: Iterable[SeatRow]) -> None:
        """Replace/insert rows (by agent); refreshes only what changed."""
        changed = []
        for row in rows:
            old = self.rows.get(row.agent)
            if old != row:
                self.rows[row.agent] = row
                changed.append(row)
        self.rows_changed(changed)

    def share_rows(self, rows: dict[str, SeatRow]) -> None:
        """Read seats from `rows` (the console's one model, shared with the map)."""
        self.rows = rows
        self._reorder()

    def rows_changed(self, changed: list[SeatRow]) -> None:
        """These rows, already in `self.rows`, changed: re-sort or repaint only them."""
        if not changed:
            return
        # A changed row can move in the sort order or in/out of the filter; re-sort unless
        # the change cannot affect the order (sorting by seat/name with no filter). A re-sort
        # costs the whole floor (20,000 rows), so it runs at most every REORDER_EVERY_S; the
        # changed rows are repainted in place meanwhile.
        if len(self.rows) != self._rows_sorted:
            self._reorder()  # seats new to the table show at once (the whole floor, at start)
            return
        if self._tokens or self.sort_column not in ("seat", "name") or any(r.agent not in self._index for r in changed):
            self._reorder_soon()
        for row in changed:
            self._refresh_agent(row.agent)

    def set_now(self, now: float) -> None:
        """Move the clock: every visible row's time-in-state changes, so repaint them."""
        whole_second_changed = int(now) != int(self.now)
        self.now = now
        if whole_second_changed:
            if self.sort_column == "alerts":
                self._reorder()
            else:
                self.refresh()

    def enable_live(self) -> None:
        """Show the live (AMI) column."""
        if LIVE_COLUMN not in self._all_columns:
            self._all_columns = (*COLUMNS[:4], LIVE_COLUMN, *COLUMNS[4:])
            self.on_resize()
            self.refresh()

    def set_live(self, cells: dict[str, object]) -> None:
        """New live cells (None: AMI knows nothing of the agent); repaints those rows."""
        for agent, cell in cells.items():
            if cell is None:
                self.live.pop(agent, None)
            else:
                self.live[agent] = cell
            self._refresh_agent(agent)

    def set_patrolled(self, agents: frozenset[str] | None) -> None:
        if agents != self.patrolled:
            self.patrolled = agents
            if self.sort_column == "alerts":
                self._reorder()
            else:
                self.refresh()

    def set_roster(self, mark: Callable[[str], str] | None) -> None:
        """Show the roster column with `mark(agent)` (None: no roster for today, no column)."""
        self.roster_mark = mark
        self._columns = self._fit_columns(self.size.width)
        self._static.clear()
        self._reset_render_caches()
        self.virtual_size = Size(self._content_width(), len(self.order) + 1)
        self.refresh()

    def set_filter(self, text: str) -> None:
        tokens = text.lower().split()
        if tokens != self._tokens:
            self._tokens = tokens
            self._reorder()

    @property
    def filter_text(self) -> str:
        return " ".join(self._tokens)

    @property
    def selected_agent(self) -> str | None:
        if 0 <= self.cursor < len(self.order):
            return self.order[self.cursor]
        return None

    def select_agent(self, agent: str) -> bool:
        index = self._index.get(agent)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # ---- ordering --------------------------------------------------------------------

    def _reorder_soon(self) -> None:
        """Re-sort now, or once REORDER_EVERY_S has passed since the last re-sort."""
        if self._reorder_timer is not None:
            return  # one is due
        wait = self._last_reorder + REORDER_EVERY_S - time.monotonic()
        if wait <= 0:
            self._reorder()
        else:
            self._reorder_timer = self.set_timer(wait, self._timed_reorder)

    def _timed_reorder(self) -> None:
        self._reorder_timer = None
        self._reorder()

    def _reorder(self) -> None:
        self._last_reorder = time.monotonic()
        self._rows_sorted = len(self.rows)
        selected = self.selected_agent
        rows = self.rows.values()
        if self._tokens:
            rows = [r for r in rows if matches(r, self._tokens)]
        if self.sort_column == "alerts":
            now, th, pat = self.now, self.thresholds, self.patrolled

            def key(r: SeatRow) -> object:
                return (-len(alert_marks(r, now, th, pat)), r.seat_id, r.agent)
        else:
            key = _sort_key(self.sort_column)  # type: ignore[assignment]
        self.order = [r.agent for r in sorted(rows, key=key, reverse=self.sort_reverse)]
        self._index = {agent: i for i, agent in enumerate(self.order)}
        self.virtual_size = Size(self._content_width(), len(self.order) + 1)
        if selected is not None and selected in self._index:
            self.cursor = self._index[selected]
        self.cursor = max(0, min(self.cursor, len(self.order) - 1))
        self.refresh()
        self._post_highlight()

    def watch_sort_column(self) -> None:
        self._header = None
        self._reorder()

    def watch_sort_reverse(self) -> None:
        self._header = None
        self._reorder()

    def action_cycle_sort(self) -> None:
        i = SORTS.index(self.sort_column) if self.sort_column in SORTS else -1
        self.sort_column = SORTS[(i + 1) % len(SORTS)]  # the header's ▲ shows it

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse

    @property
    def sort_label(self) -> str:
        label = next((_(c.label) for c in COLUMNS if c.key == self.sort_column), self.sort_column)
        return f"{label}{_(' (reversed)') if self.sort_reverse else ''}"

    # ---- cursor ----------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self._move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_cursor(self.cursor + direction * max(1, self.size.height - 2))

    def action_cursor_to(self, index: int) -> None:
        self._move_cursor(index if index >= 0 else len(self.order) - 1)

    def _move_cursor(self, index: int) -> None:
        if not self.order:
            return
        index = max(0, min(index, len(self.order) - 1))
        old = self.cursor
        self.cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_cursor_into_view()
        self._post_highlight()

    def _scroll_cursor_into_view(self) -> None:
        body = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def _post_highlight(self) -> None:
        self.post_message(SeatHighlighted(self.selected_agent))

    def on_click(self, event) -> None:  # noqa: ANN001 - textual.events.Click
        y = event.y
        if y >= 1:
            self._move_cursor(round(self.scroll_y) + y - 1)

    # ---- rendering -------------------------------------------------------------------

    def on_resize(self) -> None:
        self._columns = self._fit_columns(self.size.width)
        self._reset_render_caches()
        self.virtual_size = Size(self._content_width(), len(self.order) + 1)

    def _fit_columns(self, width: int) -> tuple[Column, ...]:
        # a translated title wider than its column widens it (measured in cells: 未接 is 4)
        everything = [replace(c, width=max(c.width, cell_len(_(c.label)))) for c in self._all_columns]
        if self.roster_mark is not None:
            everything.insert(
                2, replace(ROSTER_COLUMN, width=max(ROSTER_COLUMN.width, cell_len(_(ROSTER_COLUMN.label))))
            )
        order = [c.key for c in everything]
        cols = list(everything)
        while cols and sum(c.width + 1 for c in cols) > width:
            worst = max(cols, key=lambda c: (c.priority, order.index(c.key)))
            if worst.priority == 0:
                break
            cols.remove(worst)
        return tuple(cols)

    def _content_width(self) -> int:
        return sum(c.width + 1 for c in self._columns)

    def _refresh_agent(self, agent: str) -> None:
        index = self._index.get(agent)
        if index is not None:
            self._refresh_row(index)

    def _refresh_row(self, index: int) -> None:
        screen_y = index - round(self.scroll_y) + 1
        if 1 <= screen_y < self.size.height:
            self.refresh(Region(0, screen_y, self.size.width, 1))

    @guarded_line
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            if self._header is None or self._header.cell_length != width:
                self._header = self._render_header(width)
            return self._header
        index = round(self.scroll_y) + y - 1
        if index >= len(self.order):
            return Strip.blank(width, self._base())
        agent = self.order[index]
        row = self.rows[agent]
        marks = alert_marks(row, self.now, self.thresholds, self.patrolled)
        selected = index == self.cursor
        time_dependent = row.state != "LOGGED_OFF"
        key = (
            row,
            int(self.now) if time_dependent else 0,
            marks,
            selected,
            self.has_focus,
            width,
            self.live.get(agent),
        )
        cached = self._strips.get(agent)
        if cached is not None and cached[0] == key:
            return cached[1]
        strip = self._render_row(row, marks, selected, width)
        if len(self._strips) > 4096:
            self._strips.clear()
        self._strips[agent] = (key, strip)
        return strip

    # The widget's own style (background etc.) is the same for every line of a frame;
    # computing it walks the DOM, so it is kept until styles, focus or size change.
    def _base(self) -> Style:
        if self._base_style is None:
            self._base_style = self.rich_style
            self._combined = {}
            self._static = {}
        return self._base_style

    def _style(self, style: Style) -> Style:
        combined = self._combined.get(style)
        if combined is None:
            combined = self._combined[style] = self._base() + style
        return combined

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._reset_render_caches()

    def _reset_render_caches(self) -> None:
        self._base_style = None
        self._strips.clear()
        self._header = None

    def on_focus(self) -> None:
        self._reset_render_caches()
        self.refresh()

    def on_blur(self) -> None:
        self._reset_render_caches()
        self.refresh()

    def _render_header(self, width: int) -> Strip:
        base = self._base()
        segments = []
        for col in self._columns:
            label = _(col.label)
            style = theme.HEADER_ROW
            if col.key == self.sort_column:
                label = set_cell_size(label, min(cell_len(label), col.width - 1)) + (
                    glyphs.current().sort_ascending if not self.sort_reverse else glyphs.current().sort_descending
                )
                style = theme.SORTED_COLUMN
            segments.append(Segment(_fit(label, col.width, col.align_right), self._style(style)))
            segments.append(Segment(" ", base))
        return Strip(segments).adjust_cell_length(width, base)

    def _static_cells(self, row: SeatRow) -> list[Segment | None]:
        """The cells that do not tick, per seat, cached until the row changes (None = ticks)."""
        cached = self._static.get(row.agent)
        if cached is not None and cached[0] is row and cached[1] is self._columns:
            return cached[2]
        cells: list[Segment | None] = []
        for col in self._columns:
            if col.key in _TICKING:
                cells.append(None)
            else:
                text, style = self._cell(col.key, row, "", 0.0)
                cells.append(Segment(_fit(text, col.width, col.align_right) + " ", self._style(style)))
        if len(self._static) > 20_000:
            self._static.clear()
        self._static[row.agent] = (row, self._columns, cells)
        return cells

    def _render_row(self, row: SeatRow, marks: str, selected: bool, width: int) -> Strip:
        base = self._base()
        now = self.now
        segments: list[Segment] = []
        for col, seg in zip(self._columns, self._static_cells(row)):
            if seg is None:
                text, style = self._cell(col.key, row, marks, now)
                seg = Segment(_fit(text, col.width, col.align_right) + " ", self._style(style))
            segments.append(seg)
        strip = Strip(segments).adjust_cell_length(width, base)
        if selected:
            strip = strip.apply_style(theme.CURSOR if self.has_focus else Style(bgcolor="grey30"))
        return strip

    def _cell(self, key: str, row: SeatRow, marks: str, now: float) -> tuple[str, Style]:
        th = self.thresholds
        if key == "seat":
            return printable(row.seat_id) or _("—"), theme.DIM
        if key == "name":
            return printable(row.name), theme.DEFAULT_STYLE
        if key == "state":
            return theme.state_label(row.state), theme.state_style(row.state)
        if key == "in_state":
            if row.state == "LOGGED_OFF":
                return "", theme.DIM
            if row.since is None:
                return "?", theme.DIM
            style = theme.ALERT if is_long_pause(row, now, th) else theme.DEFAULT_STYLE
            return theme.format_duration(now - row.since), style
        if key == "call":
            length = call_length(row, now)
            if length is None:
                return "", theme.DIM
            return theme.format_duration(length), theme.ALERT if is_long_call(row, now, th) else theme.DEFAULT_STYLE
        if key == "answered":
            return str(row.answered), theme.DEFAULT_STYLE
        if key == "rna":
            return str(row.ring_no_answer) if row.ring_no_answer else "", theme.WARN
        if key == "alerts":
            return marks, theme.ALERT if ("L" in marks or "P" in marks) else theme.WARN
        if key == "pause":
            return (printable(row.pause_reason) if row.state == "PAUSED" else ""), theme.state_style("PAUSED")
        if key == "queues":
            return printable(",".join(row.queues)), theme.DIM
        if key == "escalations":
            return str(row.escalations) if row.escalations else "", theme.WARN
        if key == "live":
            cell = self.live.get(row.agent)
            if cell is None:
                return "", theme.DIM
            return printable(cell.render(now)), _LIVE_STYLES.get(cell.level, theme.DEFAULT_STYLE)  # type: ignore[attr-defined]
        if key == "roster":
            mark = self.roster_mark(row.agent) if self.roster_mark is not None else ""
            return mark, theme.WARN if mark == glyphs.current().flag else theme.DIM
        return "", theme.DEFAULT_STYLE


def _fit(text: str, width: int, right: bool = False) -> str:
    """Pad or crop `text` to exactly `width` cells (wide characters counted properly)."""
    length = cell_len(text)
    if length > width:
        return (
            set_cell_size(text[: width * 2], width - 1) + glyphs.current().ellipsis
            if width > 1
            else set_cell_size(text, width)
        )
    pad = " " * (width - length)
    return pad + text if right else text + pad
