"""Swap register form (换班登记表, opened from the register screen, `L` then `w`).

The form checks what it can read (two different names, days, shifts); the swap rules are the
store's (`floorconsole.roster.swap_rules`, run on entry against the roster and the
registers): a refusal comes back as the rule's message and everything typed stays.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from floorconsole.i18n import _
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall, field_row
from .leave_form import read_day, read_shift, shift_select


class SwapForm(FormScreen[Any]):
    """Enter a swap. Dismisses with the stored `SwapRecord` (waiting for both shift leads)."""

    FORM_TITLE = "Swap 换班登记"
    AUTO_FOCUS = "#s-person"

    def __init__(self, service: Any, actor: Any, shifts: Any) -> None:
        super().__init__(service, actor)
        self.shifts = shifts

    def form_title(self) -> str:
        return _("Swap 换班登记")

    def compose_form(self) -> ComposeResult:
        yield Static(
            _(
                "Both shift leads approve; at most 2 swaps a month each; none consecutive; no back-to-back "
                "shifts; same job and skill level; no leave on the days; none for holiday duty."
            ),
            classes="hint",
        )
        yield field_row(_("Swaps 换班人"), Input(id="s-person", compact=True), classes="-tight")
        yield field_row(_("Swap day"), Input(placeholder="YYYY-MM-DD", id="s-day", compact=True), classes="-tight")
        yield field_row(_("Shift"), shift_select(self.shifts, "s-shift"), classes="-tight")
        yield field_row(_("Covers 顶班人"), Input(id="s-cover", compact=True), classes="-tight")
        yield field_row(
            _("Pay-back day"), Input(placeholder="YYYY-MM-DD", id="s-payday", compact=True), classes="-tight"
        )
        yield field_row(_("Pay-back shift"), shift_select(self.shifts, "s-payshift"), classes="-tight")
        yield field_row(_("Reason"), Input(id="s-reason", compact=True), classes="-tight")

    def collect(self, problems: Problems) -> dict[str, Any]:
        person = self.query_one("#s-person", Input).value.strip()
        cover = self.query_one("#s-cover", Input).value.strip()
        if not person:
            problems.add("s-person", _("Say who gives up the shift."))
        if not cover:
            problems.add("s-cover", _("Say who covers it."))
        elif cover == person:
            problems.add("s-cover", _("A swap is between two different people."))
        day = read_day(self, "s-day", _("Swap day"), problems)
        shift = read_shift(self, "s-shift", problems)
        payday = read_day(self, "s-payday", _("Pay-back day"), problems)
        payshift = read_shift(self, "s-payshift", problems)
        return {
            "person": person,
            "day": day,
            "shift": shift,
            "cover": cover,
            "payback_day": payday,
            "payback_shift": payshift,
            "reason": self.query_one("#s-reason", Input).value.strip(),
        }

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        args = (
            values["person"],
            values["day"],
            values["shift"],
            values["cover"],
            values["payback_day"],
            values["payback_shift"],
            self.actor,
        )
        return StoreCall(Store.request_swap, args, {"reason": values["reason"]})
