"""`L`: the leave register and the swap register (换班登记表), with forms to enter leave or a
swap and to approve or withdraw the selected entry.

The registers run from the start of this month to the end of next. Reads and writes go
through the store service (`Store.list_leave`, `Store.list_swaps`, the forms' store calls);
the rules are the store's, so a refusal here says exactly what the CLI says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from floorconsole.i18n import N_, _, ngettext
from floorconsole.roster.register_text import (
    KIND_LABELS,
    LEAVE_COLUMNS,
    SWAP_COLUMNS,
    leave_rows,
    status_text,
    swap_rows,
)
from floorconsole.store import Store
from screens.footer import TranslatedFooter
from screens.forms.leave_form import LeaveForm, RegisterActionForm
from screens.forms.swap_form import SwapForm


def register_range(today: date) -> tuple[date, date]:
    """The first of this month to the last of next month."""
    start = today.replace(day=1)
    after_next = (start + timedelta(days=62)).replace(day=1)
    return start, after_next - timedelta(days=1)


class RegistersScreen(Screen[None]):
    """Both registers, one table each; the keys act on the focused table's selected row."""

    HELP_TITLE = N_("Leave and swap register keys")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_leave", N_("New leave")),
        Binding("w", "new_swap", N_("New swap")),
        Binding("a", "approve", N_("Approve")),
        Binding("d", "withdraw", N_("Withdraw")),
        Binding("tab", "switch", N_("Leave/swaps"), show=False),
        Binding("escape,q", "close", N_("Back")),
    ]
    DEFAULT_CSS = """
    RegistersScreen > Vertical { height: 1fr; }
    RegistersScreen .register-title { text-style: bold; height: 1; margin-top: 1; }
    RegistersScreen DataTable { height: 1fr; }
    RegistersScreen #registers-status { height: 1; color: $text-muted; }
    """

    def __init__(self, service: Any, actor: Any, config: Any, *, clock: Callable[[], float]) -> None:
        super().__init__()
        self.service, self.actor, self.config, self.clock = service, actor, config, clock
        self.start, self.end = register_range(datetime.fromtimestamp(clock()).date())
        self.leave: list[Any] = []
        self.swaps: list[Any] = []

    def compose(self) -> ComposeResult:
        span = _("{first} – {last}").format(first=self.start.isoformat(), last=self.end.isoformat())
        with Vertical():
            yield Label(_("Leave register 请假登记") + f"  {span}", classes="register-title")
            yield DataTable(id="leave-table", cursor_type="row", zebra_stripes=True)
            yield Label(_("Swap register 换班登记表") + f"  {span}", classes="register-title")
            yield DataTable(id="swap-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="registers-status")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#leave-table", DataTable).add_columns(*(_(c) for c in LEAVE_COLUMNS))
        self.query_one("#swap-table", DataTable).add_columns(*(_(c) for c in SWAP_COLUMNS))
        self.query_one("#leave-table", DataTable).focus()
        self.reload()

    # -- data --------------------------------------------------------------------------------
    def reload(self) -> None:
        self.run_worker(self._load(), group="registers-load", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        try:
            self.leave = await asyncio.wrap_future(self.service.submit(Store.list_leave, self.start, self.end))
            self.swaps = await asyncio.wrap_future(self.service.submit(Store.list_swaps, self.start, self.end))
        except Exception as exc:  # noqa: BLE001 - shown, never a traceback
            self.status(_("Could not read the registers: {error}").format(error=exc))
            return
        self._fill("#leave-table", leave_rows(self.leave, times=False), [r.id for r in self.leave])
        self._fill("#swap-table", swap_rows(self.swaps, times=False), [r.id for r in self.swaps])
        waiting = sum(1 for r in self.leave if r.status == "waiting") + sum(
            1 for r in self.swaps if r.status == "waiting"
        )
        counts = ngettext("{n} leave entry", "{n} leave entries", len(self.leave)).format(n=len(self.leave))
        counts += ", " + ngettext("{n} swap", "{n} swaps", len(self.swaps)).format(n=len(self.swaps))
        self.status(counts + "; " + _("{waiting} waiting for approval").format(waiting=waiting))

    def _fill(self, selector: str, rows: list[tuple[str, ...]], ids: list[int]) -> None:
        table = self.query_one(selector, DataTable)
        row = table.cursor_row
        table.clear()
        for cells, rid in zip(rows, ids):
            table.add_row(*(Text(c) for c in cells), key=str(rid))
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def status(self, message: str) -> None:
        self.query_one("#registers-status", Static).update(Text(message))

    # -- selection -----------------------------------------------------------------------------
    def _selected(self) -> tuple[str, Any] | None:
        """("leave"|"swap", record) of the focused table's cursor row."""
        swap_focused = self.focused is self.query_one("#swap-table", DataTable)
        register, records = ("swap", self.swaps) if swap_focused else ("leave", self.leave)
        table = self.query_one("#swap-table" if swap_focused else "#leave-table", DataTable)
        if not records or table.cursor_row < 0 or table.cursor_row >= len(records):
            return None
        return register, records[table.cursor_row]

    @staticmethod
    def summary(register: str, record: Any) -> str:
        if register == "leave":
            return _("{person}: {kind} leave {first} – {last}, {shift} shift ({days} day(s)); {status}").format(
                person=record.person,
                kind=_(KIND_LABELS.get(record.leave_type, record.leave_type)),
                first=record.first_day,
                last=record.last_day,
                shift=record.shift,
                days=record.days,
                status=status_text(record.status),
            )
        return _("{cover} works {person}'s {shift} shift on {day}; paid back on {pday} ({pshift}); {status}").format(
            cover=record.cover,
            person=record.person,
            shift=record.shift,
            day=record.day,
            pday=record.payback_day,
            pshift=record.payback_shift,
            status=status_text(record.status),
        )

    # -- actions -------------------------------------------------------------------------------
    def _after(self, what: str) -> Callable[[Any], None]:
        def done(result: Any) -> None:
            if result is not None:
                self.notify(what, timeout=3)
                self.reload()

        return done

    def action_new_leave(self) -> None:
        self.app.push_screen(
            LeaveForm(self.service, self.actor, self.config.shifts),
            self._after(_("Leave entered; waiting for approval")),
        )

    def action_new_swap(self) -> None:
        self.app.push_screen(
            SwapForm(self.service, self.actor, self.config.shifts),
            self._after(_("Swap entered; waiting for both shift leads")),
        )

    def _act(self, action: str) -> None:
        selected = self._selected()
        if selected is None:
            self.status(_("Select an entry first (tab switches between leave and swaps)."))
            return
        register, record = selected
        done = _("Approval recorded") if action == "approve" else _("Withdrawn")
        self.app.push_screen(
            RegisterActionForm(self.service, self.actor, register, action, record.id, self.summary(register, record)),
            self._after(done),
        )

    def action_approve(self) -> None:
        self._act("approve")

    def action_withdraw(self) -> None:
        self._act("withdraw")

    def action_switch(self) -> None:
        leave = self.query_one("#leave-table", DataTable)
        (self.query_one("#swap-table", DataTable) if self.focused is leave else leave).focus()

    def action_close(self) -> None:
        self.dismiss(None)
