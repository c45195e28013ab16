"""`R`: the roll call at shift start (点名), recorded in the duty log in two keystrokes.

The list comes prefilled: present (logged in), late (logged in after the late flag went up),
absent (not logged in), on leave (the leave register). Enter records it as it stands; to
change a mark first, move to the person and press space (next mark) or 1-4.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.roster.roll_call import MARKS, RollCallLine, counts, next_mark
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall

MARK_TEXT = {"present": N_("present"), "late": N_("late"), "absent": N_("absent"), "on_leave": N_("on leave")}
MARK_STYLE = {"present": "green", "late": "bold yellow", "absent": "bold red", "on_leave": "cyan"}


def line_text(line: RollCallLine) -> Text:
    text = Text()
    text.append(f"{_(MARK_TEXT[line.mark]):<9}", style=MARK_STYLE[line.mark])
    text.append(f" {printable(line.person):<18} {printable(line.group):<12}")
    if line.note:
        text.append(f" {printable(line.note)}", style="dim")
    return text


class RollCallScreen(FormScreen[Any]):
    """The marks of one shift's roll call; dismisses with the recorded `RollCall`."""

    FORM_TITLE = N_("Roll call 点名")
    SAVE_LABEL = N_("Record")
    AUTO_FOCUS = "#marks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "cycle_mark", N_("Next mark")),
        Binding("1", "set_mark('present')", N_("Present"), show=False),
        Binding("2", "set_mark('late')", N_("Late"), show=False),
        Binding("3", "set_mark('absent')", N_("Absent"), show=False),
        Binding("4", "set_mark('on_leave')", N_("On leave"), show=False),
    ]

    def __init__(self, service: Any, actor: Any, shift_key: str, lines: list[RollCallLine]) -> None:
        super().__init__(service, actor)
        self.shift_key = shift_key
        self.lines = list(lines)

    def form_title(self) -> str:
        return f"{_(self.FORM_TITLE)} · {self.shift_key}"

    def compose_form(self) -> ComposeResult:
        yield Static(
            _("Enter records the roll call in the duty log · space or 1-4 changes a mark first"), classes="hint"
        )
        yield OptionList(*[Option(line_text(ln)) for ln in self.lines], id="marks")
        yield Static(self._counts_text(), id="roll-call-counts")

    def _counts_text(self) -> str:
        c = counts(self.lines)
        return " · ".join(f"{_(MARK_TEXT[m])} {c[m]}" for m in MARKS)

    def _set(self, index: int, line: RollCallLine) -> None:
        self.lines[index] = line
        marks = self.query_one("#marks", OptionList)
        marks.replace_option_prompt_at_index(index, line_text(line))
        self.query_one("#roll-call-counts", Static).update(self._counts_text())

    def action_cycle_mark(self) -> None:
        index = self.query_one("#marks", OptionList).highlighted
        if index is not None:
            self._set(index, self.lines[index].with_mark(next_mark(self.lines[index].mark)))

    def action_set_mark(self, mark: str) -> None:
        index = self.query_one("#marks", OptionList).highlighted
        if index is not None and mark in MARKS:
            self._set(index, self.lines[index].with_mark(MARKS[MARKS.index(mark)]))

    @on(OptionList.OptionSelected, "#marks")
    def _enter(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_save()

    def collect(self, problems: Problems) -> list[RollCallLine]:
        if not self.lines:
            problems.add("marks", _("Nobody is expected on this shift: import the roster first."))
        return list(self.lines)

    def store_call(self, values: list[RollCallLine]) -> StoreCall:
        return StoreCall(Store.record_roll_call, (self.shift_key, values, self.actor))
