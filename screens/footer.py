"""The main screen's footer: every shown key when there is room; at narrow widths
(< 110 columns, the `-narrow` screen class) only the keys a supervisor reaches for all
shift, so the row is not cut mid-word at 80x24. Every key stays in `?` and the palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Shown at every width. The others (sort, praise, inspect, escalate, correct, map, filter,
# rejects, hand over, export) get the `-minor` class and hide at narrow widths.
ESSENTIAL_ACTIONS: frozenset[str] = frozenset(
    {"patrol", "take_over", "log_entry", "toggle_log", "review", "help", "quit", "command_palette"}
)


class FloorFooter(Footer):
    """A `Footer` whose less frequent keys carry the `-minor` class (app.tcss hides them when narrow)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action.split("(")[0] not in ESSENTIAL_ACTIONS:
                widget.add_class("-minor")
            yield widget
