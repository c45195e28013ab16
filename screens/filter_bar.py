"""The filter bar (`/`): narrows the seat table and dims the map as you type.

Words match the agent's name, interface, seat, queues or state; `q:sales` matches a
queue only, `s:paused` a state only. Enter keeps the filter, Escape clears it; both
return to the seats.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input

from floorconsole.i18n import N_, _
from screens.messages import FilterChanged, FilterClosed


class FilterBar(Input):
    """A one-line Input docked under the seats; hidden until `/`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_and_close", N_("Clear filter"), show=True),
    ]

    DEFAULT_CSS = """
    FilterBar { dock: bottom; display: none; border: none; height: 1; padding: 0 1; }
    FilterBar.-open { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder=_("filter: name, seat, queue (q:sales), state (s:paused) — Enter keeps, Esc clears"), id=id
        )

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(FilterChanged(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.value.strip():
            self.remove_class("-open")
        self.post_message(FilterClosed(keep=True))

    def action_clear_and_close(self) -> None:
        self.value = ""
        self.remove_class("-open")
        self.post_message(FilterChanged(""))
        self.post_message(FilterClosed(keep=False))
