"""This shift's duty-log entries, newest first, after the items carried in from the last
handover. The cursor picks the entry `c` corrects.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text

from floorconsole import glyphs
from floorconsole.confidential import FINDING_KINDS, shown_body
from floorconsole.i18n import N_, _
from floorconsole.log_kinds import kind_label
from floorconsole.printable import printable
from screens.escalations_panel import RecordList


@dataclass(frozen=True)
class LogLine:
    """One line of the panel: a carried handover item or a log entry of this shift."""

    kind: str  # "carried" | "entry"
    record: Any
    entry: Any | None  # the LogEntry a correction would point at


class HandoverLogPanel(RecordList[LogLine]):
    title = N_("Duty log 值班日志")
    empty_text = N_("no entries this shift (h adds one)")
    sees_findings = True  # the App sets it from the person's role (floorconsole/confidential.py)

    def item_key(self, item: LogLine) -> Hashable:
        return (item.kind, item.entry.seq)

    def set_log(self, entries: Sequence[Any], carried: Sequence[Any]) -> None:
        lines = [LogLine("carried", item, item.entry) for item in carried]
        lines += [LogLine("entry", e, e) for e in sorted(entries, key=lambda e: e.seq, reverse=True)]
        self.set_items(lines)

    @property
    def selected_entry(self) -> Any | None:
        line = self.selected
        return line.entry if line is not None else None

    def title_text(self) -> Text:
        carried = sum(1 for i in self.items if i.kind == "carried")
        text = Text(_("Duty log ({n} this shift").format(n=len(self.items) - carried), style="bold")
        text.append(_(", {n} carried in)").format(n=carried) if carried else _(")"), style="bold")
        return text

    def render_item(self, line: LogLine, width: int) -> Text:
        text = Text(no_wrap=True)
        entry = line.entry
        if line.kind == "carried":
            item = line.record
            acked = item.acknowledged is not None
            text.append(f"{glyphs.current().check} " if acked else "↳ ", style="green" if acked else "bold yellow")
            text.append(f"{printable(kind_label(entry.kind), max_len=14)}: ", style="yellow")
            text.append(printable(shown_body(entry.kind, entry.body or "", self.sees_findings), max_len=200))
            if item.note and (self.sees_findings or entry.kind not in FINDING_KINDS):
                text.append(f" {glyphs.current().separator} {printable(item.note, max_len=80)}", style="dim")
            return text
        when = datetime.fromtimestamp(entry.time).strftime("%H:%M")
        text.append(f"{when} ", style="dim")
        text.append(f"#{entry.seq} ", style="dim")
        kind_style = "magenta" if entry.kind == "correction" else "cyan"
        text.append(printable(kind_label(entry.kind), max_len=14), style=kind_style)
        if entry.refers_to:
            text.append(f"{glyphs.current().refers}#{entry.refers_to}", style="magenta")
        text.append(" ")
        text.append(printable(shown_body(entry.kind, entry.body or "", self.sees_findings), max_len=200))
        return text
