"""`p`: a patrol note on the selected seat (巡台): checklist findings, free text, follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from floorconsole.checklist import ChecklistItem
from floorconsole.i18n import N_, _, is_chinese
from floorconsole.printable import printable
from floorconsole.store import Store

from .base import FormScreen, Problems, SeatRef, StoreCall, as_seat, field_row, seat_text


class PatrolForm(FormScreen[Any]):
    """Record what a patrol found at one seat.

    At least one checklist item or some text is required. The running deduction total
    is shown as items are ticked. Dismisses with the store's result, or `None` on Escape.
    """

    FORM_TITLE = N_("Patrol note 巡台")

    def __init__(
        self,
        service: Any,
        actor: Any,
        seat: SeatRef | tuple[str, str, str | None],
        checklist: Sequence[ChecklistItem],
        shift_key: str = "",
    ) -> None:
        super().__init__(service, actor)
        self.seat = as_seat(seat)
        self.checklist = tuple(checklist)
        self.shift_key = shift_key
        self._by_code = {item.code: item for item in self.checklist}

    def compose_form(self) -> ComposeResult:
        info = seat_text(self.seat)
        if self.shift_key:
            info.append("   " + _("shift {shift}").format(shift=printable(self.shift_key)), style="dim")
        yield Static(info, classes="info")
        selections = []
        for item in self.checklist:
            prompt = Text(f"-{item.deduction}  " if item.deduction else "    ", style="bold")
            prompt.append(printable(item.label_zh if is_chinese() and item.label_zh else item.label))
            if item.label_zh and not is_chinese():
                prompt.append(f"  {printable(item.label_zh)}", style="dim")
            selections.append(Selection(prompt, item.code))
        yield SelectionList[str](*selections, id="checklist", compact=True)
        yield Static(self._total_text(), id="patrol-total")
        yield field_row(_("Note"), Input(placeholder=_("what you saw"), id="note", compact=True))
        yield Checkbox(_("Needs follow-up"), id="follow-up", compact=True)

    def _total_text(self, codes: Sequence[str] = ()) -> Text:
        points = sum(self._by_code[c].deduction for c in codes)
        text = Text(_("Findings: "), style="bold")
        text.append(f"{len(codes)}   ")
        text.append(_("Deduction total: "), style="bold")
        text.append(f"-{points}" if points else "0")
        text.append("   " + _("space ticks an item"), style="dim")
        return text

    @on(SelectionList.SelectedChanged, "#checklist")
    def _update_total(self) -> None:
        codes = self.query_one("#checklist", SelectionList).selected
        self.query_one("#patrol-total", Static).update(self._total_text(codes))

    def collect(self, problems: Problems) -> dict[str, Any]:
        selected = set(self.query_one("#checklist", SelectionList).selected)
        codes = [item.code for item in self.checklist if item.code in selected]
        text = self.query_one("#note", Input).value.strip()
        if not codes and not text:
            problems.add("checklist", _("Tick at least one checklist item or write a note."))
        return {
            "items": codes,
            "text": text,
            "follow_up": self.query_one("#follow-up", Checkbox).value,
        }

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        return StoreCall(
            Store.add_patrol_note,
            (self.seat.agent, self.actor),
            {
                "seat": self.seat.seat_id,
                "items": values["items"],
                "text": values["text"],
                "follow_up": values["follow_up"],
            },
        )
