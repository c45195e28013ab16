"""The header line: clock, shift and supervisor, feed health, open-handover warning.

The feed-health part is clickable (and `f` from anywhere): it opens the rejected-lines
screen. Everything is built as `rich.text.Text` from `printable()` text, so a feed path
or a supervisor name with markup or control characters shows literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from floorconsole.printable import printable
from screens.messages import RejectsRequested


@dataclass
class HealthView:
    """What the header shows about the feed (copied from engine.health/progress)."""

    path: str = ""
    state: str = ""  # engine state: "backfilling", "live", "missing file", "error: ..."
    lag_bytes: int = 0
    last_event_time: float | None = None
    rejected: int = 0
    backfill_pct: float | None = None  # None once backfill is finished
    problem: str | None = None  # the feed worker's last error, if any


def format_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


class FeedHealthLabel(Static):
    """Feed file, lag and rejected lines; select it to see the rejects."""

    DEFAULT_CSS = """
    FeedHealthLabel { width: auto; padding: 0 1; }
    FeedHealthLabel:hover { text-style: underline; }
    """

    def on_click(self) -> None:
        self.post_message(RejectsRequested())


class FloorHeader(Horizontal):
    """One line at the top of the main screen."""

    DEFAULT_CSS = """
    FloorHeader { height: 1; dock: top; background: $panel; }
    FloorHeader > #hdr-main { width: 1fr; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    FloorHeader > #hdr-handover { width: auto; padding: 0 1; }
    """

    def __init__(self, supervisor: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.supervisor = supervisor
        self.now = 0.0
        self.shift_name = ""
        self.shift_span = ""
        self.health = HealthView()
        self.open_handover: str | None = None
        self.compact = False

    def compose(self) -> ComposeResult:
        yield Static(id="hdr-main")
        yield FeedHealthLabel(id="hdr-feed")
        yield Static(id="hdr-handover")

    def on_mount(self) -> None:
        self._render_all()

    def on_resize(self) -> None:
        compact = self.size.width < 120
        if compact != self.compact:
            self.compact = compact
            self._render_all()

    def set_now(self, now: float, shift_name: str, shift_span: str) -> None:
        self.now, self.shift_name, self.shift_span = now, shift_name, shift_span
        self._render_main()
        self._render_feed()  # "last event n s ago" ticks

    def set_health(self, health: HealthView) -> None:
        self.health = health
        self._render_feed()

    def set_open_handover(self, text: str | None) -> None:
        self.open_handover = text
        self._render_handover()

    def _render_all(self) -> None:
        if not self.is_mounted:
            return
        self._render_main()
        self._render_feed()
        self._render_handover()

    def _render_main(self) -> None:
        if not self.is_mounted:
            return
        clock = datetime.fromtimestamp(self.now).strftime("%H:%M:%S") if self.now else "--:--:--"
        text = Text()
        text.append(clock, style="bold")
        text.append("  ")
        text.append(printable(self.shift_name) or "—", style="bold cyan")
        if not self.compact and self.shift_span:
            text.append(f" {self.shift_span}", style="dim")
        text.append("  ")
        text.append(printable(self.supervisor))
        self.query_one("#hdr-main", Static).update(text)

    def _render_feed(self) -> None:
        if not self.is_mounted:
            return
        h = self.health
        text = Text()
        if not self.compact and h.path:
            text.append("feed ", style="dim")
            text.append(printable(h.path, max_len=40))
            text.append(" ")
        if h.problem:
            text.append(f"⚠ {printable(h.problem, max_len=40)} ", style="bold red")
        elif h.state and h.state not in ("live", "backfilling"):
            text.append(f"⚠ {printable(h.state, max_len=40)} ", style="bold red")
        if h.backfill_pct is not None:
            text.append(f"backfill {h.backfill_pct:.0f}% ", style="yellow")
        else:
            lag_style = "bold red" if h.lag_bytes > 1_000_000 else ("yellow" if h.lag_bytes > 64_000 else "green")
            text.append(f"lag {format_bytes(h.lag_bytes)}", style=lag_style)
            if h.last_event_time is not None and self.now and not self.compact:
                ago = max(0, int(self.now - h.last_event_time))
                text.append(f" ({ago}s)", style="dim")
            text.append(" ")
        text.append(f"rejected {h.rejected}", style="bold red underline" if h.rejected else "dim underline")
        self.query_one("#hdr-feed", Static).update(text)

    def _render_handover(self) -> None:
        if not self.is_mounted:
            return
        widget = self.query_one("#hdr-handover", Static)
        if self.open_handover:
            widget.update(Text(f"⚠ {printable(self.open_handover, max_len=40)}", style="bold black on yellow"))
            widget.display = True
        else:
            widget.update("")
            widget.display = False
