"""The last rejected feed lines, with counts by reason (opened from the header or `f`).

Feed lines are shown literally: control characters escaped by `printable()`, markup not
interpreted (everything is a `rich.text.Text`), and every run of 5+ digits masked (a
rejected ENTERQUEUE line holds the caller's number; `Rejects` masks too, this is the
screen's own guard for lines handed over by anything else).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from floorconsole.i18n import N_, _, ngettext
from floorconsole.masking import mask_digit_runs
from floorconsole.printable import printable


def rejects_text(counts: Mapping[str, int], last: Sequence[tuple[str, str]], last_error: str | None = None) -> Text:
    """The engine's last error (if any), counts by reason, then the last rejected lines."""
    text = Text()
    if last_error:
        text.append(_("The feed engine's last error (it carried on): "), style="bold yellow")
        text.append(printable(mask_digit_runs(last_error), max_len=400) + "\n\n")
    total = sum(counts.values())
    text.append(ngettext("{n} rejected line", "{n} rejected lines", total).format(n=total) + "\n", style="bold")
    for reason, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        text.append(f"  {n:>6}  ", style="bold red")
        text.append(printable(str(reason)) + "\n")
    text.append("\n" + _("Last rejected lines:") + "\n", style="bold")
    if not last:
        text.append("  " + _("none") + "\n", style="dim")
    for reason, line in last:
        text.append(f"  {printable(str(reason), max_len=30)}: ", style="red")
        raw = line if isinstance(line, str) else line.decode("utf-8", "replace")
        text.append(printable(mask_digit_runs(raw), max_len=400) + "\n")
    return text


class RejectsScreen(ModalScreen[None]):
    """Read-only; Escape or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f", "dismiss", N_("Close")),
    ]

    DEFAULT_CSS = """
    RejectsScreen { align: center middle; }
    RejectsScreen > Vertical { width: 90%; height: 80%; border: thick $error; background: $surface; padding: 0 1; }
    RejectsScreen #rejects-title { text-style: bold; height: 1; }
    """

    def __init__(
        self, feed_path: str, counts: Mapping[str, int], last: Sequence[tuple[str, str]], last_error: str | None = None
    ) -> None:
        super().__init__()
        self.feed_path = feed_path
        self.counts = dict(counts)
        self.last = list(last)
        self.last_error = last_error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(_("Rejected feed lines — {path}  (Esc closes)").format(path=printable(self.feed_path))),
                id="rejects-title",
            )
            with VerticalScroll():
                yield Static(rejects_text(self.counts, self.last, self.last_error), id="rejects-body")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
