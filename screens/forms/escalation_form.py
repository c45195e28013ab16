"""`e`: record an escalation by hand (a caller who insisted on a supervisor, 投诉升级)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Static

from floorconsole.i18n import N_, _
from floorconsole.store import Store

from .base import FormScreen, Problems, SeatRef, StoreCall, as_seat, field_row

NUMBER_CHARS = r"[0-9+()\- ]*"
UNKNOWN_CALL = "unknown"


class EscalationForm(FormScreen[Any]):
    """Agent, queue, caller number, reason, priority 1–3 (1 = most urgent).

    `seat` pre-fills the agent; `queue` pre-fills the queue. Dismisses with the store's
    result (the new escalation) or `None` on Escape.
    """

    FORM_TITLE = N_("Record an escalation 投诉升级")

    def __init__(
        self,
        service: Any,
        actor: Any,
        seat: SeatRef | tuple[str, str, str | None] | None = None,
        queue: str = "",
        call_id: str = "",
    ) -> None:
        super().__init__(service, actor)
        self.seat = as_seat(seat) if seat is not None else None
        self.queue = queue
        self.call_id = call_id

    def compose_form(self) -> ComposeResult:
        agent = self.seat.agent if self.seat else ""
        yield field_row(_("Agent"), Input(agent, placeholder=_("agent id"), id="agent", compact=True))
        yield field_row(_("Queue"), Input(self.queue, placeholder=_("queue name"), id="queue", compact=True))
        yield field_row(_("Call id"), Input(self.call_id, placeholder=_("empty: unknown"), id="call-id", compact=True))
        yield field_row(
            _("Caller number"),
            Input(placeholder=_("digits"), id="caller", restrict=NUMBER_CHARS, max_length=32, compact=True),
        )
        yield field_row(
            _("Reason"), Input(placeholder=_("why the caller wants a supervisor"), id="reason", compact=True)
        )
        yield field_row(
            _("Priority"),
            Input("2", placeholder=_("1–3"), id="priority", restrict=r"[1-3]?", max_length=1, compact=True),
        )
        yield Static(
            "Priority 1 is the most urgent. The caller number is shown masked everywhere else.", classes="hint"
        )

    def collect(self, problems: Problems) -> dict[str, Any]:
        def value(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value.strip()

        agent, queue, call_id = value("agent"), value("queue"), value("call-id")
        caller, reason, priority = value("caller"), value("reason"), value("priority")
        if not agent:
            problems.add("agent", _("Agent is required: whose call was escalated?"))
        if not queue:
            problems.add("queue", _("Queue is required."))
        digits = "".join(ch for ch in caller if ch.isdigit())
        if not digits:
            problems.add("caller", _("Caller number is required (for the callback)."))
        elif len(digits) < 3:
            problems.add("caller", _("Caller number looks too short."))
        if len(reason) < 3:
            problems.add("reason", _("Reason is required: what does the caller want?"))
        if priority not in {"1", "2", "3"}:
            problems.add("priority", _("Priority must be 1, 2 or 3."))
        return {
            "agent": agent,
            "queue": queue,
            # A hand-raised escalation may come without the call's id; say so plainly.
            "call_id": call_id or UNKNOWN_CALL,
            "caller": caller,
            "reason": reason,
            "priority": int(priority) if priority in {"1", "2", "3"} else None,
        }

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        return StoreCall(
            Store.raise_escalation,
            (values["call_id"], values["agent"], values["queue"], values["reason"], self.actor),
            {"caller": values["caller"], "priority": values["priority"]},
        )
