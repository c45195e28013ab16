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

from floorconsole.i18n import N_, _

# Textual adds the command palette's key with this word; marked so the catalog has it.
PALETTE_WORD = N_("palette")

# Shown at every width (the AMI keys only when AMI is configured: screens/ami_actions.py).
ESSENTIAL_ACTIONS: frozenset[str] = frozenset(
    {
        "patrol",
        "take_over",
        "log_entry",
        "toggle_log",
        "review",
        "help",
        "quit",
        "command_palette",
        "ami_take_call",
        "ami_pause",
    }
)
# Shown from 150 columns.
SECONDARY_ACTIONS: frozenset[str] = frozenset({"praise", "inspect", "escalate", "correct", "hand_over"})
# With AMI, below 110 columns these give their room to T and P (r and ctrl+p still work,
# and `?` lists them).
AMI_NARROW_HIDDEN: frozenset[str] = frozenset({"review", "command_palette"})


class TranslatedFooter(Footer):
    """A `Footer` that shows each key's description in the console's language (bindings
    carry their English, marked with N_(), so the catalog has it)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
            yield widget


class FloorFooter(TranslatedFooter):
    """A `Footer` whose keys carry `-secondary` / `-minor` classes by how often they are used.
    With AMI configured, T and P join, the footer is compact and, when narrow, r and ^p make
    room (`-ami-wide`), so it still fits at 80 columns."""

    SCOPED_CSS = False  # the rule below looks at the screen's width class
    DEFAULT_CSS = """
    Screen.-narrow FloorFooter FooterKey.-ami-wide {
        display: none;
    }
    """

    def on_mount(self) -> None:
        if self._ami:
            self.compact = True

    @property
    def _ami(self) -> bool:
        return getattr(self.app, "ami", None) is not None

    def compose(self) -> ComposeResult:
        ami = self._ami
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                action = widget.action.split("(")[0].removeprefix("app.")
                if action in SECONDARY_ACTIONS:
                    widget.add_class("-secondary")
                elif action not in ESSENTIAL_ACTIONS:
                    widget.add_class("-minor")
                elif ami and action in AMI_NARROW_HIDDEN:
                    widget.add_class("-ami-wide")
            yield widget
