"""`?`: every key of the app, built from the bindings the App passes in (never stale)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from floorconsole.i18n import N_, _

from .base import FORMS_CSS, FormBody


def _as_binding(item: Any) -> Binding:
    if isinstance(item, Binding):
        return item
    key, action, *rest = item
    return Binding(key, action, rest[0] if rest else "")


def key_rows(bindings: Iterable[BindingType], key_display: Any = None) -> list[tuple[str, str]]:
    """(keys, description) per action, in the order given; keys of one action joined."""
    rows: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for item in bindings:
        binding = _as_binding(item)
        for one in binding.key.split(","):
            one = one.strip()
            shown = binding.key_display or (key_display(one) if key_display else one)
            name = binding.action
            keys = rows.setdefault(name, [])
            if shown not in keys:
                keys.append(shown)
            descriptions.setdefault(name, binding.description or binding.action)
    return [("  ".join(keys), descriptions[name]) for name, keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    """A table of keys. `bindings`: the App's bindings (`Binding`s or (key, action,
    description) tuples). Escape, `?` or `q` closes it; dismisses with `None`."""

    CSS_PATH = str(FORMS_CSS)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", N_("Close"), priority=True),
    ]

    def __init__(self, bindings: Iterable[BindingType], title: str = N_("Keys")) -> None:
        super().__init__(classes="form-screen")
        self.bindings_shown = list(bindings)
        self.help_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(_(self.help_title), id="form-title")
            with FormBody(id="form-body"):
                yield Static(id="help-table")
            yield Static(_("esc close"), id="form-hint")

    def on_mount(self) -> None:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, description in key_rows(self.bindings_shown, self._key_display):
            table.add_row(Text(keys), Text(_(description)))
        self.query_one("#help-table", Static).update(table)

    def _key_display(self, key: str) -> str:
        try:
            return self.app.get_key_display(Binding(key, ""))
        except Exception:  # noqa: BLE001 - a key name is good enough
            return key

    def action_close(self) -> None:
        self.dismiss(None)
