"""The main screen's footer: the keys a supervisor reaches for all shift at every width,
the next most used from 150 columns, the rest only on very wide terminals, so the row is
never cut mid-word (it was at 80 and at 160 columns). Every key stays in `?` and the palette.

The screen classes come from `FloorApp.on_resize`: `-narrow` (< 110), `-medium` (110–149),
`-huge` (≥ 230); app.tcss hides `-secondary` keys when narrow or medium and `-minor` keys
unless huge.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from floorconsole.i18n import _

# Shown at every width.
ESSENTIAL_ACTIONS: frozenset[str] = frozenset(
    {"patrol", "take_over", "log_entry", "toggle_log", "review", "help", "quit", "command_palette"}
)
# Shown from 150 columns.
SECONDARY_ACTIONS: frozenset[str] = frozenset({"praise", "inspect", "escalate", "correct", "hand_over"})


class FloorFooter(Footer):
    """A `Footer` whose keys carry `-secondary` / `-minor` classes by how often they are used."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                action = widget.action.split("(")[0].removeprefix("app.")
                if action in SECONDARY_ACTIONS:
                    widget.add_class("-secondary")
                elif action not in ESSENTIAL_ACTIONS:
                    widget.add_class("-minor")
                widget.description = _(widget.description)  # bindings carry N_() English
            yield widget
