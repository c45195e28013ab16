"""The header line: clock, shift and supervisor, feed health, open-handover warning.

The feed-health part is clickable (and `f` from anywhere): it opens the rejected-lines
screen. Everything is built as `rich.text.Text` from `printable()` text, so a feed path
or a supervisor name with markup or control characters shows literally.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widget import Widget

from floorconsole import glyphs
from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.views import FeedStatus
from screens.messages import RejectsRequested
from screens.resilience import guarded_text

HealthView = FeedStatus  # the name the header and its callers use
# the follower's states (floorconsole/tail.py), marked here for the catalogs; shown with _()
FEED_STATES = (N_("missing file"), N_("unreadable"), N_("not a regular file"))


def format_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


class FloorHeader(Widget):
    """One line at the top of the main screen, drawn as a single Text.

    One widget of fixed size rather than several auto-width Statics: the clock and the
    feed health change every second, and an auto-width update costs a layout pass.
    """

    DEFAULT_CSS = """
    FloorHeader { height: 1; dock: top; background: $panel; padding: 0 1; }
    """

    def __init__(self, supervisor: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.supervisor = supervisor
        self.now = 0.0
        self.shift_name = ""
        self.shift_span = ""
        self.health = HealthView()
        self.open_handover: str | None = None
        self.open_items: str | None = None  # e.g. "open items 5 (2 overdue)"
        self.patrol: tuple[int, int, bool] = (0, 0, False)  # patrolled, logged in, due
        self._feed_span = (0, 0)  # x range of the feed-health part, for clicks
        self._last: Text | None = None
        self._last_width = 0  # the width `_last` was built for
        self._force_compact = False  # the wide form did not fit: drop the feed path first
        self.ami: tuple[str, str] | None = None  # (AMI line, level) when [ami] is configured

    @property
    def compact(self) -> bool:
        return self._force_compact or self.size.width < 120

    def set_now(self, now: float, shift_name: str, shift_span: str) -> None:
        self.now, self.shift_name, self.shift_span = now, shift_name, shift_span
        self._changed()

    def set_health(self, health: HealthView) -> None:
        self.health = health
        self._changed()

    def set_ami(self, line: str | None, level: str = "") -> None:
        """The AMI connection's state and lag (`AMI connected, 3 ms`); None: no AMI."""
        value = None if line is None else (line, level)
        if value != self.ami:
            self.ami = value
            self._changed()

    def set_patrol(self, done: int, seats: int, due: bool) -> None:
        self.patrol = (done, seats, due)

    def set_open_handover(self, text: str | None) -> None:
        self.open_handover = text
        self._changed()

    def set_handover_state(
        self, *, handed_over: str | None = None, waiting: str | None = None, open_items: str | None = None
    ) -> None:
        """The handover warnings: "handed over, not yet received: you may not leave" (outgoing
        console), "handover waiting" (incoming), and the open-items count (issue 10)."""
        self.open_handover = f" {glyphs.current().separator} ".join(p for p in (handed_over, waiting) if p) or None
        self.open_items = open_items
        self._changed()

    def _changed(self) -> None:
        if not self.size.width:  # not laid out yet: render builds it at its real width
            self._last = None
            return
        text = self._build()
        if self._last is None or text.plain != self._last.plain or text.spans != self._last.spans:
            self._last = text
            self.refresh()

    @guarded_text
    def render(self) -> Text:
        # built for another width (a change that arrived before the layout or a resize did):
        # build again, or the line stays cut to the old width
        if self._last is None or self._last_width != self.size.width:
            self._last = self._build()
        return self._last

    def on_resize(self) -> None:
        self._last = None
        self.refresh()

    def on_click(self, event) -> None:  # noqa: ANN001 - textual.events.Click
        start, end = self._feed_span
        if start <= event.x - 1 < end:  # -1: the left padding
            self.post_message(RejectsRequested())

    def _build(self) -> Text:
        """The line; what gives way when it is too long: the feed path and the seconds since
        the last event first, then the left part (never the feed's state or warnings)."""
        self._force_compact = False
        self._last_width = self.size.width
        text, fits = self._build_once()
        if not fits and not self.compact:
            self._force_compact = True
            text, _ = self._build_once()
        return text

    def _build_once(self) -> tuple[Text, bool]:
        width = max(20, self.size.width - 2)
        left = self._main_text()
        right = self._feed_text()
        if self.ami is not None:
            line, level = self.ami
            style = {"ok": "green", "warn": "bold yellow", "alert": "bold red"}.get(level, "dim")
            right.append("  ")
            right.append(printable(line, max_len=24 if self.compact else 60), style=style)
        if self.open_handover:
            right.append("  ")
            right.append(
                f"{glyphs.current().warning} {printable(self.open_handover, max_len=60)}", style="bold black on yellow"
            )
        if self.open_items:
            right.append("  ")
            right.append(printable(self.open_items, max_len=40), style="bold")
        gap = width - left.cell_len - right.cell_len
        fits = gap >= 1
        if not fits:
            room = max(0, width - right.cell_len - 1)
            if glyphs.cjk_safe() and room > 0:  # Rich's `…` is two columns in a CJK terminal
                left.truncate(room - 1, overflow="crop")
                left.append(glyphs.current().ellipsis)
            else:
                left.truncate(room, overflow="ellipsis")
            gap = max(1, width - left.cell_len - right.cell_len)
        feed_len = self._feed_len
        start = left.cell_len + gap
        self._feed_span = (start, start + feed_len)
        out = Text(no_wrap=True, overflow="crop")
        out.append_text(left)
        out.append(" " * gap)
        out.append_text(right)
        return out, fits

    def _main_text(self) -> Text:
        clock = datetime.fromtimestamp(self.now).strftime("%H:%M:%S") if self.now else "--:--:--"
        text = Text()
        text.append(clock, style="bold")
        text.append("  ")
        text.append(printable(_(self.shift_name) if self.shift_name else "") or _("—"), style="bold cyan")
        if not self.compact and self.shift_span:
            text.append(f" {self.shift_span}", style="dim")
        text.append("  ")
        text.append(printable(self.supervisor))
        done, seats, due = self.patrol
        if seats:
            text.append("  ")
            text.append(_("patrolled {done}/{seats}").format(done=done, seats=seats), style="dim" if not due else "")
            if due:
                text.append(" " + _("patrol due"), style="bold yellow")
        return text

    def _feed_text(self) -> Text:
        h = self.health
        text = Text()
        if not self.compact and h.path:
            text.append(_("feed") + " ", style="dim")
            text.append(printable(h.path, max_len=40))
            text.append(" ")
        trouble = bool(h.state) and h.state not in ("live", "backfilling", "catching up")
        if h.problem:
            text.append(f"{glyphs.current().warning} {printable(h.problem, max_len=40)} ", style="bold red")
        elif trouble:
            text.append(f"{glyphs.current().warning} {printable(_(h.state), max_len=40)} ", style="bold red")
        elif h.last_error:
            # the feed recovered (a line skipped, a record refused): say so until it is read (f)
            text.append(f"{glyphs.current().warning} {printable(h.last_error, max_len=30)} ", style="yellow")
        if not h.live:
            # not "lag 0 B" in green before the shift so far has been read: it is not live yet
            if not trouble:
                pct = f" {h.backfill_pct:.0f}%" if h.backfill_pct is not None else ""
                text.append(_("catching up") + f"{pct} ", style="yellow")
        else:
            lag_style = "bold red" if h.lag_bytes > 1_000_000 else ("yellow" if h.lag_bytes > 64_000 else "green")
            text.append(_("lag {size}").format(size=format_bytes(h.lag_bytes)), style=lag_style)
            if h.last_event_time is not None and self.now and not self.compact:
                ago = max(0, int(self.now - h.last_event_time))
                text.append(f" ({ago}s)", style="dim")
            text.append(" ")
        text.append(
            _("rejected {n}").format(n=h.rejected), style="bold red underline" if h.rejected else "dim underline"
        )
        self._feed_len = text.cell_len
        return text
