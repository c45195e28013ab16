"""The queues panel: one line per queue, coloured by the configured thresholds.

Waiting now, longest wait now (ticking every second from the oldest caller's entry time,
so it ticks without touching the engine), service level, abandon rate, ASA, AHT, agents
available / on call / wrap-up / paused, and a sparkline of waiting callers over the last
hour. Columns are dropped from the right when the terminal is narrow.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from floorconsole import glyphs
from floorconsole.config import Thresholds
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.rules import is_abandon_above_target, is_past_apology, is_sl_below_target, longest_wait_now
from floorconsole.views import AgentCounts, QueueView, count_agents
from screens import theme
from screens.resilience import guarded_line, guarded_text

QueueRow = QueueView  # the name the panel and its tests use
__all__ = ["AgentCounts", "QueueRow", "QueuesPanel", "count_agents"]

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: tuple[int, ...] | list[int], width: int) -> str:
    """`values` squeezed into `width` cells (max of each bucket), scaled to the max."""
    if width <= 0 or not values:
        return ""
    n = len(values)
    if n > width:
        buckets = [max(values[i * n // width : max(i * n // width + 1, (i + 1) * n // width)]) for i in range(width)]
    else:
        buckets = list(values)
    top = max(buckets) or 1
    spark = glyphs.current().spark
    return "".join(" " if v == 0 else spark[min(7, (v * 8 - 1) // top)] for v in buckets).rjust(width)


# (key, label, width, min terminal width to show)
_COLUMNS = (
    ("queue", N_("Queue"), 12, 0),
    ("waiting", N_("Wait"), 5, 0),
    ("longest", N_("Longest"), 8, 0),
    ("sl", N_("SL"), 5, 0),
    ("aband", N_("Aband"), 6, 0),
    ("asa", N_("ASA"), 6, 70),
    ("aht", N_("AHT"), 6, 70),
    ("avail", N_("Avl"), 4, 0),
    ("oncall", N_("Call"), 4, 0),
    ("wrap", N_("Wrap"), 4, 90),
    ("paused", N_("Paus"), 4, 0),
    ("offered", N_("Offer"), 6, 120),
    ("spark", N_("Waiting, last hour"), 0, 110),
)


class QueuesPanel(Widget):
    """The header line, then one line per queue (by name), drawn with the line API.

    Costs in proportion to what changed and what is visible: the panel shows as many
    queues as its height allows (11 at the most) and draws only those; each line is kept
    (a Strip per queue, keyed by the values it shows) and repainted only when its queue,
    its agent counts or, for a queue with a caller waiting, the second changes. A floor of
    150 queues costs what a floor of 11 does. The cache holds one line per queue the
    engine knows (the Floor caps queues at `floor_model.MAX_QUEUES`).
    """

    DEFAULT_CSS = """
    QueuesPanel { height: auto; max-height: 12; }
    """

    def __init__(self, thresholds: Thresholds, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thresholds = thresholds
        self.queues: dict[str, QueueRow] = {}
        self.counts: dict[str, AgentCounts] = {}
        self.now = 0.0
        self._names: list[str] = []  # sorted queue names: line y shows _names[y - 1]
        self._index: dict[str, int] = {}
        self._lines: dict[str, tuple[tuple, Strip]] = {}  # queue -> (what it showed, its line)
        self._header: tuple[tuple, Strip] | None = None
        self._layout: tuple[int, list[tuple[str, str, int, int]], int] | None = None

    # ---- data in -------------------------------------------------------------------

    def update_queues(self, rows: Iterable[QueueRow]) -> None:
        added = False
        changed = []
        for row in rows:
            old = self.queues.get(row.name)
            if old == row:
                continue
            added = added or old is None
            self.queues[row.name] = row
            changed.append(row.name)
        if added:
            # a new queue changes the panel's height and every line below it
            self._names = sorted(self.queues)
            self._index = {name: i for i, name in enumerate(self._names)}
            self.refresh(layout=True)
            return
        for name in changed:
            self._refresh_queue(name)

    def set_counts(self, counts: dict[str, AgentCounts]) -> None:
        """The agents per queue (the model's dict, updated in place): repaint the visible
        lines whose counts moved."""
        self.counts = counts
        for name in self._visible_names():
            cached = self._lines.get(name)
            if cached is not None and cached[0][1] != _counts_key(counts.get(name)):
                self._refresh_queue(name)

    def set_now(self, now: float) -> None:
        """The clock: only a queue with a caller waiting ticks (its longest wait)."""
        second_changed = int(now) != int(self.now)
        self.now = now
        if second_changed:
            for name in self._visible_names():
                if self.queues[name].oldest_entered is not None:
                    self._refresh_queue(name)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return 1 + max(1, len(self.queues))

    def _visible_names(self) -> list[str]:
        return self._names[: max(0, self.size.height - 1)]

    def _refresh_queue(self, name: str) -> None:
        y = self._index.get(name, -1) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # ---- drawing -------------------------------------------------------------------

    def _columns(self, width: int) -> tuple[list[tuple[str, str, int, int]], int]:
        if self._layout is not None and self._layout[0] == width:
            return self._layout[1], self._layout[2]
        # titles in the console's language; a wider one widens its column (cells, not chars)
        cols = [(k, _(label), max(w, cell_len(_(label))), m) for k, label, w, m in _COLUMNS if width >= m]
        fixed = sum(c[2] + 1 for c in cols if c[0] != "spark")
        spark_w = max(0, width - fixed - 1) if any(c[0] == "spark" for c in cols) else 0
        if spark_w < 10:
            cols = [c for c in cols if c[0] != "spark"]
            spark_w = 0
        self._layout = (width, cols, spark_w)
        return cols, spark_w

    def _header_text(self, width: int) -> Text:
        cols, spark_w = self._columns(width)
        out = Text(no_wrap=True, overflow="crop")
        # the apology rule in force (DOMAIN.md: 3 or 6 rings), in the spark's header or after
        # the last column when there is room
        rule = self.thresholds.apology_text()
        rest = width - sum((spark_w if c[0] == "spark" else c[2]) + 1 for c in cols)
        for key, label, w, _min in cols:
            w = spark_w if key == "spark" else w
            right = key not in ("queue", "spark")
            if key == "spark" and cell_len(label) + 3 + cell_len(rule) <= w:
                out.append(_fit(label, w - cell_len(rule) - 3, right), style="bold underline")
                out.append(f" {glyphs.current().separator} ")
                out.append(rule, style="dim")
            else:
                out.append(_fit(label, w, right), style="bold underline")
            out.append(" ")
        if spark_w == 0:
            short = self.thresholds.apology_text(short=True)
            if rest >= cell_len(rule):
                out.append(rule, style="dim")
            elif rest >= cell_len(short):
                out.append(short, style="dim")
        return out

    def _row_text(self, q: QueueRow, width: int) -> Text:
        cols, spark_w = self._columns(width)
        th = self.thresholds
        c = self.counts.get(q.name) or AgentCounts()
        out = Text(no_wrap=True, overflow="crop")
        longest = longest_wait_now(q, self.now)
        for key, _label, w, _min in cols:
            style: Style | str = ""
            right = True
            if key == "queue":
                text, right = printable(q.name), False
            elif key == "waiting":
                text = str(q.waiting_now)
                style = "bold" if q.waiting_now else "dim"
            elif key == "longest":
                text = theme.format_duration(longest) if longest is not None else _("—")
                if is_past_apology(q, self.now, th):
                    style = theme.ALERT
                elif longest is not None and longest > th.sl_threshold_s:
                    style = theme.WARN
            elif key == "sl":
                text = _pct(q.service_level)
                if q.service_level is not None:
                    style = theme.ALERT if is_sl_below_target(q, th) else theme.GOOD
            elif key == "aband":
                text = _pct(q.abandon_rate, 1)
                if is_abandon_above_target(q, th):
                    style = theme.WARN
            elif key == "asa":
                text = _secs(q.asa)
            elif key == "aht":
                text = theme.format_duration(q.aht) if q.aht is not None else _("—")
            elif key == "avail":
                text = str(c.available)
                style = theme.state_style("AVAILABLE") if c.available else (theme.ALERT if q.waiting_now else "dim")
            elif key == "oncall":
                text = str(c.on_call)
                style = theme.state_style("ON_CALL")
            elif key == "wrap":
                text = str(c.wrap_up)
                style = theme.state_style("WRAP_UP")
            elif key == "paused":
                text = str(c.paused)
                style = theme.state_style("PAUSED")
            elif key == "offered":
                text = str(q.offered)
            else:  # spark
                text, right, w = sparkline(q.history, spark_w), False, spark_w
                style = "cyan"
            out.append(_fit(text, w, right), style=style)
            out.append(" ")
        return out

    def _strip(self, text: Text, width: int) -> Strip:
        base = self.rich_style
        text.truncate(width, overflow="crop", pad=True)
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).adjust_cell_length(width, base)

    @guarded_line
    def render_line(self, y: int) -> Strip:
        width = self.size.width or 80
        if y == 0:
            key: tuple = (width, self.thresholds)
            if self._header is None or self._header[0] != key:
                self._header = (key, self._strip(self._header_text(width), width))
            return self._header[1]
        index = y - 1
        if index >= len(self._names):
            if index == 0:
                return self._strip(Text(_("no queue activity yet"), style="dim"), width)
            return Strip.blank(width, self.rich_style)
        name = self._names[index]
        q = self.queues[name]
        # what the line shows: the queue's values, its counts, the second when a caller waits
        key = (q, _counts_key(self.counts.get(name)), int(self.now) if q.oldest_entered is not None else 0, width)
        cached = self._lines.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        strip = self._strip(self._row_text(q, width), width)
        self._lines[name] = (key, strip)
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._header = None

    def on_resize(self) -> None:
        self._layout = None

    @guarded_text
    def render(self) -> Text:
        """The panel as one Text (what the visible lines show; for tests and snapshots)."""
        width = self.size.width or 80
        out = self._header_text(width)
        if not self.queues:
            out.append("\n")
            out.append(_("no queue activity yet"), style="dim")
            return out
        shown = self._visible_names() if self.size.height else self._names
        for name in shown:
            out.append("\n")
            out.append_text(self._row_text(self.queues[name], width))
        return out


def _counts_key(c: AgentCounts | None) -> tuple[int, int, int, int]:
    return (0, 0, 0, 0) if c is None else (c.available, c.on_call, c.wrap_up, c.paused)


def _pct(value: float | None, digits: int = 0) -> str:
    return _("—") if value is None else f"{value:.{digits}f}%"


def _secs(value: float | None) -> str:
    return _("—") if value is None else f"{value:.0f}s"


def _fit(text: str, width: int, right: bool) -> str:
    if cell_len(text) > width:
        return set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad
