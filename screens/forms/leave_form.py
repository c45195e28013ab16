"""Leave register forms (opened from the register screen, `L`): enter leave, and approve or
withdraw a register entry (leave or swap).

The forms check what they can read (a name, dates, the kind); the leave rules themselves are
the store's (`floorconsole.roster.leave_rules`, run on entry): a refusal comes back as the
rule's message on the error line and everything typed stays.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.store import Store

from .base import FormScreen, Problems, StoreCall, field_row

KINDS: tuple[tuple[str, str], ...] = (
    ("ordinary", N_("Ordinary 事假 (a day ahead)")),
    ("urgent", N_("Urgent 特殊事假 (an hour before)")),
    ("sick", N_("Sick 病假")),
)


def read_day(screen: Any, field_id: str, label: str, problems: Problems, required: bool = True) -> date | None:
    """A YYYY-MM-DD field as a date; a problem in words when it is not one."""
    text = screen.query_one(f"#{field_id}", Input).value.strip()
    if not text:
        if required:
            problems.add(field_id, _("{label}: give the day as YYYY-MM-DD.").format(label=label))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(
            field_id,
            _("{label}: {text} is not a day; write it as YYYY-MM-DD.").format(label=label, text=printable(text)),
        )
        return None


def shift_select(shifts: Any, select_id: str, value: str | None = None) -> Select[str]:
    """The configured shifts to choose from (starts unchosen unless `value`)."""
    names = [s.name for s in shifts]
    return Select(
        [(n, n) for n in names],
        prompt=_("— shift —"),
        value=value if value in names else Select.NULL,
        allow_blank=True,
        id=select_id,
        compact=True,
    )


def read_shift(screen: Any, select_id: str, problems: Problems) -> str:
    value = screen.query_one(f"#{select_id}", Select).value
    if value is Select.NULL:
        problems.add(select_id, _("Choose the shift."))
        return ""
    return str(value)


class LeaveForm(FormScreen[Any]):
    """Enter leave. Dismisses with the stored `LeaveRecord` (waiting for approval)."""

    FORM_TITLE = "Leave 请假登记"
    AUTO_FOCUS = "#l-person"

    def __init__(self, service: Any, actor: Any, shifts: Any, *, person: str = "", day: str = "") -> None:
        super().__init__(service, actor)
        self.shifts, self.person, self.day = shifts, person, day

    def form_title(self) -> str:
        return _("Leave 请假登记")

    def compose_form(self) -> ComposeResult:
        yield Static(
            _(
                "Ordinary leave a day ahead, urgent an hour before the shift, night shifts before 12:00, "
                "holidays two days ahead; in person unless sick. One day: the department head approves; "
                "more: the centre head."
            ),
            classes="hint",
        )
        yield field_row(_("Person"), Input(self.person, id="l-person", compact=True), classes="-tight")
        yield field_row(
            _("Kind"),
            Select(
                [(_(label), k) for k, label in KINDS], value="ordinary", allow_blank=False, id="l-kind", compact=True
            ),
            classes="-tight",
        )
        yield field_row(
            _("First day"), Input(self.day, placeholder="YYYY-MM-DD", id="l-first", compact=True), classes="-tight"
        )
        yield field_row(
            _("Last day"),
            Input(placeholder=_("YYYY-MM-DD (empty: one day)"), id="l-last", compact=True),
            classes="-tight",
        )
        yield field_row(_("Shift"), shift_select(self.shifts, "l-shift"), classes="-tight")
        yield Checkbox(_("Asked in person (本人)"), value=True, id="l-in-person", compact=True)
        yield Checkbox(_("Doctor's note given (sick leave)"), value=False, id="l-note", compact=True)
        yield Checkbox(_("Part of the shift only (sick leave)"), value=False, id="l-part", compact=True)
        yield field_row(_("Reason"), Input(id="l-reason", compact=True), classes="-tight")

    def collect(self, problems: Problems) -> dict[str, Any]:
        person = self.query_one("#l-person", Input).value.strip()
        if not person:
            problems.add("l-person", _("Say whose leave it is."))
        first = read_day(self, "l-first", _("First day"), problems)
        last = read_day(self, "l-last", _("Last day"), problems, required=False)
        if first and last and last < first:
            problems.add("l-last", _("The last day is before the first."))
        shift = read_shift(self, "l-shift", problems)
        return {
            "person": person,
            "kind": str(self.query_one("#l-kind", Select).value),
            "first_day": first,
            "shift": shift,
            "last_day": last,
            "in_person": self.query_one("#l-in-person", Checkbox).value,
            "doctor_note": self.query_one("#l-note", Checkbox).value,
            "full_day": not self.query_one("#l-part", Checkbox).value,
            "reason": self.query_one("#l-reason", Input).value.strip(),
        }

    def store_call(self, values: dict[str, Any]) -> StoreCall:
        args = (values["person"], values["kind"], values["first_day"], values["shift"], self.actor)
        kwargs = {k: values[k] for k in ("last_day", "in_person", "doctor_note", "full_day", "reason")}
        return StoreCall(Store.request_leave, args, kwargs)


class RegisterActionForm(FormScreen[Any]):
    """Approve or withdraw one register entry (`register` "leave" or "swap"), signed as the
    acting OS user's person. A note is optional to approve, required to withdraw. Dismisses
    with the updated record."""

    def __init__(self, service: Any, actor: Any, register: str, action: str, record_id: int, summary: str) -> None:
        super().__init__(service, actor)
        self.register, self.action, self.record_id, self.summary = register, action, record_id, summary

    def form_title(self) -> str:
        what = _("leave") if self.register == "leave" else _("swap")
        verb = _("Approve") if self.action == "approve" else _("Withdraw")
        return f"{verb} {what} {self.record_id}"

    def compose_form(self) -> ComposeResult:
        yield Static(printable(self.summary), classes="info")
        yield Static(
            _("Signed as {name} ({user}).").format(name=printable(self.actor.name), user=printable(self.actor.os_user)),
            classes="hint",
        )
        label = _("Note") if self.action == "approve" else _("Why")
        yield field_row(label, Input(id="r-note", compact=True))

    def collect(self, problems: Problems) -> str:
        note = self.query_one("#r-note", Input).value.strip()
        if self.action == "withdraw" and not note:
            problems.add("r-note", _("Say why it is withdrawn: the entry stays, with the reason."))
        return note

    def store_call(self, values: str) -> StoreCall:
        methods = {
            ("leave", "approve"): (Store.approve_leave, (self.record_id, self.actor, values)),
            ("leave", "withdraw"): (Store.withdraw_leave, (self.record_id, values, self.actor)),
            ("swap", "approve"): (Store.approve_swap, (self.record_id, self.actor, values)),
            ("swap", "withdraw"): (Store.withdraw_swap, (self.record_id, values, self.actor)),
        }
        method, args = methods[(self.register, self.action)]
        return StoreCall(method, args)
