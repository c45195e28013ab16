"""Pending escalations, oldest first: age (ticking), agent, queue, masked caller, reason,
priority and who has taken it. The cursor picks the escalation `t` takes over.

`RecordList` is the small line-API list both side panels use: a title line, then one
line per record, a cursor that stays on the same record when the list reloads.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widget import Widget

from floorconsole import glyphs
from floorconsole.i18n import N_, _
from floorconsole.masking import shown_masked
from floorconsole.printable import printable
from screens import theme
from screens.resilience import guarded_line

T = TypeVar("T")


class RecordList(Widget, Generic[T], can_focus=True):
    """A titled list of records with a cursor, drawn line by line.

    It scrolls itself (a `top` offset, with "more" counts in the title) instead of being
    a ScrollView: a ScrollView's virtual size is a layout property, and on a busy floor
    the escalation list changes every second — a full-screen layout pass each time.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
    ]

    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    """

    title = N_("Records")
    empty_text = N_("none")
    item_height = 1  # screen lines per record

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: list[T] = []
        self.cursor = 0
        self.top = 0  # index of the first item shown
        self.now = 0.0

    # subclasses fill these in
    def item_key(self, item: T) -> Hashable:
        return id(item)

    def render_item(self, item: T, width: int) -> Text:
        return Text(printable(str(item)))

    def render_item_line(self, item: T, line: int, width: int) -> Text:
        """Line `line` (0-based, < item_height) of a record; one-line lists use render_item."""
        return self.render_item(item, width)

    def title_text(self) -> Text:
        return Text(f"{_(self.title)} ({len(self.items)})", style="bold")

    def set_items(self, items: Sequence[T]) -> None:
        selected = self.selected
        key = self.item_key(selected) if selected is not None else None
        self.items = list(items)
        self.cursor = 0
        if key is not None:
            for i, item in enumerate(self.items):
                if self.item_key(item) == key:
                    self.cursor = i
                    break
        self._keep_cursor_visible()
        self.refresh()

    def set_now(self, now: float) -> None:
        self.now = now
        self.refresh()

    @property
    def selected(self) -> T | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def action_cursor(self, delta: int) -> None:
        if not self.items:
            return
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
        self._keep_cursor_visible()
        self.refresh()

    def _keep_cursor_visible(self) -> None:
        body = self._visible_items()
        self.top = max(0, min(self.top, len(self.items) - body))
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + body:
            self.top = self.cursor - body + 1

    def _visible_items(self) -> int:
        return max(1, (self.size.height - 1) // self.item_height)

    def on_resize(self) -> None:
        self._keep_cursor_visible()

    def on_click(self, event) -> None:  # noqa: ANN001 - textual.events.Click
        if event.y >= 1 and self.items:
            self.cursor = max(0, min(len(self.items) - 1, self.top + (event.y - 1) // self.item_height))
            self.refresh()

    def _title_line(self) -> Text:
        text = self.title_text()
        body = self._visible_items()
        above, below = self.top, max(0, len(self.items) - self.top - body)
        if above or below:
            text.append(
                f"  {glyphs.current().more_above + str(above) if above else ''}{' ' if above and below else ''}"
                f"{glyphs.current().more_below + str(below) if below else ''}",
                style="dim",
            )
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    @guarded_line
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            text = self._title_line()
        else:
            index, part = divmod(y - 1, self.item_height)
            index += self.top
            if not self.items and y == 1:
                text = Text(_(self.empty_text), style="dim")
            elif 0 <= index < len(self.items) and (y - 1) // self.item_height < self._visible_items():
                text = self.render_item_line(self.items[index], part, width)
                if index == self.cursor:
                    text.stylize(Style(reverse=True) if self.has_focus else Style(bgcolor="grey30"))
            else:
                return Strip.blank(width, base)
        text.no_wrap = True
        text.overflow = "ellipsis"
        if glyphs.cjk_safe() and text.cell_len > width > 0:
            # Rich's ellipsis is `…`, two columns in a CJK terminal: the glyph's stand-in instead
            text.truncate(width - 1, overflow="crop")
            text.append(glyphs.current().ellipsis, text.get_style_at_offset(self.app.console, len(text.plain) - 1))
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).adjust_cell_length(width, base)


class EscalationsPanel(RecordList[Any]):
    """Open escalations (`Store.list_escalations()`), most urgent first (P1), then oldest."""

    title = N_("Escalations 投诉升级")
    empty_text = N_("no pending escalations")
    names: dict[str, str] = {}  # noqa: RUF012 - agent -> display name; the App replaces it per panel, nothing mutates it
    call_text: Any = None  # (callid, now) -> ("live for 3:12" / "ended 10:41" / "", live?) (AMI); None: no AMI

    def item_key(self, item: Any) -> Hashable:
        return item.id

    total: int | None = None  # pending in all, when the list holds only the newest of them

    def set_escalations(self, escalations: Sequence[Any], total: int | None = None) -> None:
        """The pending escalations to list; `total` when they are the newest of more (the
        console reads a bounded number, `screens.pollers.PENDING_SHOWN`)."""
        self.total = total
        self.set_items(sorted(escalations, key=lambda e: (e.priority, e.raised_at, e.id)))

    def title_text(self) -> Text:
        shown = len(self.items)
        total = max(self.total or 0, shown)
        text = Text(_("Escalations ({n} pending)").format(n=total), style="bold")
        untaken = sum(1 for e in self.items if not e.claimed_by)
        if untaken:
            text.append("  " + _("{n} not taken").format(n=untaken), style="bold red")
        if total > shown:
            text.append("  " + _("newest {shown} listed").format(shown=shown), style="dim")
        return text

    item_height = 2

    def render_item_line(self, e: Any, line: int, width: int) -> Text:
        """Line 0: priority, age, agent, queue, who has it. Line 1: reason, masked caller."""
        text = Text(no_wrap=True)
        if line == 1:
            text.append("     ")
            live, is_live = self.call_text(e.callid, self.now) if self.call_text is not None else ("", False)
            if live:  # AMI: "live for 3:12" / "ended 10:41", before the reason so it is never cut
                text.append(printable(live), style="bold green" if is_live else "dim")
                text.append("  ")
            text.append(printable(e.reason or _("—"), max_len=200))
            text.append("  ")
            text.append(printable(shown_masked(e.caller_masked or "")), style="dim")
            return text
        age = self.now - e.raised_at if self.now else 0.0
        prio = int(e.priority or 2)
        text.append(f"P{prio} ", style=theme.ALERT if prio == 1 else (theme.WARN if prio == 2 else theme.DIM))
        text.append(f"{theme.format_duration(age):>7} ", style=theme.ALERT if not e.claimed_by and age > 60 else "")
        text.append(printable(self.names.get(e.agent, e.agent), max_len=18))
        text.append(" ")
        text.append(printable(e.queue, max_len=12), style="cyan")
        text.append(" ")
        if e.claimed_by:
            text.append(_("taken by {who}").format(who=printable(e.claimed_by, max_len=18)), style="green")
        else:
            text.append(_("not taken"), style="bold red")
        return text
