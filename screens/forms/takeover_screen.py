"""`t`: take over an escalation (在线投诉支撑).

1. Claims it. If another console got there first: "Already taken by X at HH:MM", and
   nothing else is offered (only Escape).
2. Shows the full record. The caller number is revealed here and only here, and the
   store audits the reveal with the reason "take-over".
3. The outcome form: resolved on call / callback promised (due time, in the future) /
   referred (department), and the complaint record (投诉登记表), agent and time pre-filled;
   a complaint needs "company at fault?", "apology given?" and "reported upwards to whom".
4. ctrl+r instead: release the claim or pass it to another supervisor (their OS user),
   with a reason; both are recorded and audited.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from floorconsole.i18n import N_, _
from floorconsole.printable import printable
from floorconsole.store import Store

from .base import FormScreen, Problems, error_message, field_row
from .complaint_form import COMPLAINT_FIELDS, assessment_rows, read_assessment

REVEAL_REASON = "take-over"

# (stored outcome, label)
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("resolved", N_("Resolved on the call")),
    ("callback", N_("Callback promised (due time)")),
    ("referred", N_("Referred to a department")),
)

# The complaint record's fields (DOMAIN.md 投诉登记表): shared with the complaint form.
# Filled in for the supervisor; a complaint is recorded only when something else is typed.
PREFILLED = {"phone", "agent", "complaint_time"}

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_REL = re.compile(r"^\+\s*(\d+)\s*(m|min|h|hr|hour|hours|d|day|days)$", re.IGNORECASE)


def parse_due(text: str, now: float) -> float:
    """A callback due time from what a supervisor types; ValueError says why not.

    Accepts `HH:MM` (today), `tomorrow HH:MM`, `YYYY-MM-DD HH:MM`, `+30m`, `+2h`, `+1d`.
    The time must be in the future: a promise already late is not a promise.
    """
    raw = " ".join(text.strip().split())
    if not raw:
        raise ValueError(_("Callback promised: the due time is required (e.g. 15:30 or +2h)."))
    base = datetime.fromtimestamp(now)
    due: datetime | None = None
    if m := _REL.match(raw):
        amount, unit = int(m.group(1)), m.group(2).lower()[0]
        due = base + {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]
    else:
        day = base.date()
        clock = raw
        lowered = raw.lower()
        if lowered.startswith("tomorrow "):
            day = day + timedelta(days=1)
            clock = raw[len("tomorrow ") :]
        elif " " in raw:
            date_text, clock = raw.split(" ", 1)
            try:
                day = datetime.strptime(date_text, "%Y-%m-%d").date()
            except ValueError:
                raise ValueError(
                    _("Due time {text} not understood: use HH:MM, tomorrow HH:MM, YYYY-MM-DD HH:MM or +2h.").format(
                        text=repr(raw)
                    )
                ) from None
        m = _HHMM.match(clock)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(
                _("Due time {text} not understood: use HH:MM, tomorrow HH:MM, YYYY-MM-DD HH:MM or +2h.").format(
                    text=repr(raw)
                )
            )
        due = datetime.combine(day, datetime.min.time()).replace(hour=int(m.group(1)), minute=int(m.group(2)))
    stamp = due.timestamp()
    if stamp <= now:
        raise ValueError(
            _(
                "Due time {time} has already passed: the callback must be in the "
                "future (write tomorrow HH:MM for tomorrow)."
            ).format(time=f"{due:%Y-%m-%d %H:%M}")
        )
    return stamp


def parse_when(text: str, now: float) -> float | None:
    """The complaint's time: `YYYY-MM-DD HH:MM` or `HH:MM` (today); empty means unknown."""
    raw = " ".join(text.split())
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%H:%M"):
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if fmt == "%H:%M":
            parsed = datetime.combine(datetime.fromtimestamp(now).date(), parsed.time())
        return parsed.timestamp()
    raise ValueError(_("Complaint time {text} not understood: use YYYY-MM-DD HH:MM or HH:MM.").format(text=repr(raw)))


def _hhmm(stamp: float | None) -> str:
    return "?" if stamp is None else datetime.fromtimestamp(stamp).strftime("%H:%M")


def _when(stamp: float | None) -> str:
    return "" if stamp is None else datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")


def already_taken_text(exc: Any) -> Text:
    """'Already taken by X at HH:MM', literally (the name is user text)."""
    out = Text(_("Already taken by "), style="bold")
    out.append(printable(str(getattr(exc, "by", "")) or _("another console")))
    at = getattr(exc, "at", None)
    if isinstance(at, (int, float)):
        out.append(" " + _("at {time}").format(time=_hhmm(at)))
    out.append(_(". Nothing to do here: press Escape."), style="")
    return out


def record_text(escalation: Any, number: str) -> Text:
    """The full escalation record, with the revealed caller number."""
    g = lambda name, default="": getattr(escalation, name, default)  # noqa: E731
    out = Text(_("Escalation #{id}").format(id=g("id")), style="bold")
    priority = g("priority", None)
    if priority is not None:
        out.append("   " + _("priority {n}").format(n=priority))
    raised = g("raised_at", None)
    if isinstance(raised, (int, float)):
        out.append("   " + _("raised {time}").format(time=_when(raised)))
    rows = (
        (_("Caller"), number or _("(no number)")),
        (_("Agent"), g("agent")),
        (_("Queue"), g("queue")),
        (_("Call id"), g("callid")),
        (_("Reason"), g("reason")),
    )
    for label, value in rows:
        out.append(f"\n{set_cell_size(label, max(8, cell_len(label)))} ", style="bold")
        out.append(printable(str(value or "")))
    out.append("\n" + _("The number is shown only here; this reveal is recorded."), style="dim")
    return out


class PassOnForm(FormScreen[Any]):
    """Release a claimed escalation, or pass it to another supervisor, with a reason.

    Dismisses with the updated Escalation (None on Escape)."""

    FORM_TITLE = N_("Release or pass on")
    SAVE_LABEL = N_("Release / pass")

    def __init__(self, service: Any, actor: Any, escalation_id: int) -> None:
        super().__init__(service, actor)
        self.escalation_id = escalation_id

    def form_title(self) -> str:
        return _("Release or pass on escalation #{id}").format(id=self.escalation_id)

    def compose_form(self) -> ComposeResult:
        yield Static(Text(_("Leave 'Pass to' empty to release it: anyone may then claim it.")), classes="hint")
        yield field_row(_("Pass to (user)"), Input(id="pass-to", compact=True, placeholder=_("OS user, e.g. zhao")))
        yield field_row(_("Reason"), Input(id="pass-reason", compact=True, placeholder=_("why (recorded)")))

    def on_mount(self) -> None:
        self.query_one("#pass-reason", Input).focus()

    def collect(self, problems: Problems) -> dict[str, str]:
        to = self.query_one("#pass-to", Input).value.strip()
        reason = self.query_one("#pass-reason", Input).value.strip()
        if not reason:
            problems.add("pass-reason", _("Give the reason: it is recorded with the release or the pass."))
        return {"to": to, "reason": reason}

    async def write(self, values: dict[str, str]) -> Any:
        if values["to"]:
            return await self.call_store(
                Store.pass_escalation, self.escalation_id, values["to"], values["reason"], self.actor
            )
        return await self.call_store(Store.release_escalation, self.escalation_id, values["reason"], self.actor)


class TakeoverScreen(FormScreen[Any]):
    """Claim, reveal, then record the outcome of escalation `escalation_id`.

    Dismisses with `{"escalation": Escalation, "complaint": Complaint | None}` after the
    outcome is saved, or `None` on Escape (the claim, once made, stays: it is on record).
    `clock` gives "now" for checking that a callback is due in the future.
    """

    FORM_TITLE = N_("Take over an escalation")
    SAVE_LABEL = N_("Save outcome")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "pass_on", N_("Release / pass on"), priority=True),
    ]

    def __init__(
        self,
        service: Any,
        actor: Any,
        escalation_id: int,
        *,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(service, actor)
        self.escalation_id = escalation_id
        self.clock = clock
        self.escalation: Any = None
        self.claimed = False
        self.taken_by_other = False

    def form_title(self) -> str:
        return _("Take over escalation #{id} 在线投诉支撑").format(id=self.escalation_id)

    def compose_form(self) -> ComposeResult:
        yield Static(Text(_("Claiming…")), id="claim-status", classes="info")
        with Vertical(id="takeover", classes="-hidden"):
            yield Static("", id="record", classes="record")
            yield Static(Text(_("Outcome"), style="bold"), classes="hint")
            with RadioSet(id="outcome"):
                for _value, label in OUTCOMES:
                    yield RadioButton(_(label))
            yield field_row(
                _("Due time"),
                Input(placeholder=_("15:30, tomorrow 09:00, +2h"), id="due", compact=True),
                classes="-tight",
            )
            yield field_row(
                _("Department"),
                Input(placeholder=_("who takes it over"), id="department", compact=True),
                classes="-tight",
            )
            yield field_row(_("Note"), Input(placeholder=_("what was agreed"), id="note", compact=True))
            yield Static(Text(_("Complaint record 投诉登记表"), style="bold"), classes="hint")
            yield Checkbox(
                _("The caller is making a complaint 投诉 (the record is then required)"),
                id="is-complaint",
                compact=True,
            )
            for _name, label, input_id in COMPLAINT_FIELDS:
                yield field_row(_(label), Input(id=input_id, compact=True), classes="-tight")
            yield from assessment_rows()
            yield Static(_("ctrl+r release or pass on to another supervisor"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#form-save", Button).disabled = True
        self.run_worker(self._claim(), group="claim", exit_on_error=False)

    async def _claim(self) -> None:
        from floorconsole.store import AlreadyClaimed

        status = self.query_one("#claim-status", Static)
        try:
            escalation = await asyncio.wrap_future(
                self.service.submit(Store.claim_escalation, self.escalation_id, self.actor)
            )
        except AlreadyClaimed as exc:
            self.taken_by_other = True
            status.update(already_taken_text(exc))
            status.add_class("-taken")
            self.query_one("#form-save", Button).display = False
            self.query_one("#form-hint", Static).update(_("esc close"))
            return
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            status.update(Text(error_message(exc)))
            return
        self.claimed = True
        self.escalation = escalation
        try:
            number = await asyncio.wrap_future(
                self.service.submit(Store.reveal_caller, self.escalation_id, REVEAL_REASON, self.actor)
            )
        except Exception as exc:  # noqa: BLE001
            number = ""
            self.show_error(_("Caller number not shown: {error}").format(error=error_message(exc)))
        status.update(Text(_("Taken by you ({name}).").format(name=printable(self._actor_name()))))
        self.query_one("#record", Static).update(record_text(escalation, number))
        self.query_one("#c-phone", Input).value = number
        self.query_one("#c-agent", Input).value = str(getattr(escalation, "agent", "") or "")
        raised = getattr(escalation, "raised_at", None)
        self.query_one("#c-time", Input).value = _when(raised if raised else self.clock())
        # what the claim filled in is not typed by the supervisor: Escape must not ask
        self._remember_initial()
        self.query_one("#takeover").remove_class("-hidden")
        self.query_one("#form-save", Button).disabled = False
        self.query_one("#outcome", RadioSet).focus()

    def action_pass_on(self) -> None:
        """Release the claim or pass it to another supervisor (after it is ours)."""
        if not self.claimed or self.saving:
            return

        def done(escalation: Any) -> None:
            if escalation is not None:
                self.dismiss({"escalation": escalation, "complaint": None})

        self.app.push_screen(PassOnForm(self.service, self.actor, self.escalation_id), done)

    def _actor_name(self) -> str:
        return str(getattr(self.actor, "name", self.actor))

    @on(RadioSet.Changed, "#outcome")
    def _outcome_changed(self) -> None:
        self.mark_invalid(())

    def action_save(self) -> None:
        if not self.claimed:
            return
        super().action_save()

    def collect(self, problems: Problems) -> dict[str, Any]:
        index = self.query_one("#outcome", RadioSet).pressed_index
        outcome = OUTCOMES[index][0] if 0 <= index < len(OUTCOMES) else None
        due_text = self.query_one("#due", Input).value
        department = self.query_one("#department", Input).value.strip()
        note = self.query_one("#note", Input).value.strip()
        due: float | None = None
        if outcome is None:
            problems.add("outcome", _("Choose the outcome: resolved, callback promised or referred."))
        elif outcome == "callback":
            try:
                due = parse_due(due_text, self.clock())
            except ValueError as exc:
                problems.add("due", str(exc))
        elif outcome == "referred" and not department:
            problems.add("department", _("Referred: name the department that takes it over."))
        fields: dict[str, Any] = {
            name: self.query_one(f"#{input_id}", Input).value.strip() for name, _label, input_id in COMPLAINT_FIELDS
        }
        # A complaint when ticked, or when anything beyond the pre-filled fields is typed;
        # then the record is required, with its at-fault / apology / reported-to answers.
        wants_complaint = (
            self.query_one("#is-complaint", Checkbox).value
            or any(value for name, value in fields.items() if name not in PREFILLED)
            or self.query_one("#c-reported", Input).value.strip()
        )
        if wants_complaint:
            if not fields["problem"]:
                problems.add("c-problem", _("Complaint: say what went wrong."))
            if not fields["wants"]:
                problems.add("c-wants", _("Complaint: say what the customer wants."))
            try:
                fields["complaint_time"] = parse_when(fields["complaint_time"], self.clock())
            except ValueError as exc:
                problems.add("c-time", str(exc))
            fields.update(read_assessment(self, problems))
        return {
            "outcome": {"outcome": outcome, "due": due, "department": department or None, "note": note},
            "complaint": fields if wants_complaint else None,
        }

    async def write(self, values: dict[str, Any]) -> dict[str, Any]:
        # One store call, one transaction: the outcome and the complaint record are saved
        # together or not at all, so saving again after an error can never duplicate one.
        outcome = values["outcome"]
        complaint = make_complaint_draft(values["complaint"]) if values["complaint"] is not None else None
        escalation = await self.call_store(
            Store.resolve_escalation,
            self.escalation_id,
            outcome["outcome"],
            self.actor,
            due=outcome["due"],
            department=outcome["department"],
            note=outcome["note"],
            complaint=complaint,
        )
        saved = None
        if complaint is not None:
            complaints = await self.call_store(Store.list_complaints, escalation_id=self.escalation_id)
            saved = complaints[-1] if complaints else None
        return {"escalation": escalation, "complaint": saved}


def make_complaint_draft(fields: dict[str, str]) -> Any:
    """A store `ComplaintDraft` from the form's complaint fields."""
    from floorconsole.store import ComplaintDraft

    return ComplaintDraft(**fields)
