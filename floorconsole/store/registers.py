"""The leave register and the swap register (换班登记表), with the rules checked on entry.

A request is one appended row; every approval and withdrawal is another (`register_events`),
so nothing is ever changed and the state shown is derived. The rules live in
`floorconsole.roster.leave_rules` and `swap_rules`; the store runs them inside the write
transaction, against the records as they stand, and refuses with the rule's reason
(`RegisterRefused`), so the CLI and the console say the same thing. A request is checked when
it is entered and again at each approval (the records may have moved since).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from floorconsole.config import Agent, Config, Holiday, Person
from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.roster.leave_rules import (
    LeaveAsk,
    LeaveCalendar,
    check_leave,
    check_leave_approval,
    leave_type,
    required_level,
)
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, RosterEntry
from floorconsole.roster.register_text import status_text
from floorconsole.roster.registers import Reason, Refusal, days_between
from floorconsole.roster.swap_rules import APPROVALS_NEEDED, SwapAsk, SwapCalendar, check_swap, check_swap_approval
from floorconsole.store import audit, validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotFound, ValidationError
from floorconsole.store.rows import append_row, dict_rows, who
from floorconsole.store.signers import require_signer

RosterSource = Callable[[date, date], Sequence[RosterEntry]]


class RegisterRefused(ValidationError):
    """A leave or swap rule refused the entry or approval; `refusal.reason` says which."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.message)


@dataclass(frozen=True)
class RegisterSettings:
    """What the registers need from the config: the agents' job and level, the holiday
    calendar, which shifts are night shifts. The roster comes from `roster` (the roster
    import's records), set by whoever owns the roster."""

    agents: tuple[Agent, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    night_shifts: tuple[str, ...] = ("night",)

    @classmethod
    def from_config(cls, config: Config) -> RegisterSettings:
        return cls(config.agents, config.holidays, config.night_shifts)


@dataclass(frozen=True)
class Approval:
    """One approval: who, as which role, when."""

    name: str
    os_user: str
    role: str
    time: float


@dataclass(frozen=True)
class Withdrawal:
    name: str
    os_user: str
    time: float
    note: str


@dataclass(frozen=True)
class LeaveRecord:
    """A leave request as the register shows it. `status`: waiting, approved, withdrawn."""

    id: int
    person: str
    kind: str
    leave_type: str
    first_day: date
    last_day: date
    shift: str
    in_person: bool
    doctor_note: bool
    full_day: bool
    level: str
    reason: str
    entered_by: str
    entered_os_user: str
    time: float
    approvals: tuple[Approval, ...] = ()
    withdrawal: Withdrawal | None = None

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def status(self) -> str:
        if self.withdrawal is not None:
            return "withdrawn"
        return "approved" if self.approvals else "waiting"

    def approved_days(self) -> list[ApprovedLeave]:
        return [
            ApprovedLeave(self.person, d, self.shift, self.leave_type)
            for d in days_between(self.first_day, self.last_day)
        ]


@dataclass(frozen=True)
class SwapRecord:
    """A swap register line. `status`: waiting (fewer than two approvals), approved, withdrawn."""

    id: int
    person: str
    day: date
    shift: str
    cover: str
    payback_day: date
    payback_shift: str
    reason: str
    entered_by: str
    entered_os_user: str
    time: float
    approvals: tuple[Approval, ...] = field(default=())
    withdrawal: Withdrawal | None = None

    @property
    def status(self) -> str:
        if self.withdrawal is not None:
            return "withdrawn"
        return "approved" if len(self.approvals) >= APPROVALS_NEEDED else "waiting"

    def as_swap(self) -> ApprovedSwap:
        return ApprovedSwap(self.person, self.day, self.shift, self.cover, self.payback_day, self.payback_shift)


# -- helpers -------------------------------------------------------------------------------------
def _now(ctx: Ctx) -> datetime:
    """The injected clock's now, on the floor's clock (the process's zone)."""
    return datetime.fromtimestamp(float(ctx.clock())).astimezone()


def _person(ctx: Ctx, os_user: str) -> Person | None:
    return next((p for p in ctx.people if p.os_user == os_user), None)


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise RegisterRefused(refusal)


def _day(field_name: str, value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(_("{field} must be a date").format(field=field_name))
    return value


def _events(ctx: Ctx, register: str, ids: Sequence[int] | None = None) -> dict[int, list[dict[str, Any]]]:
    sql = "SELECT * FROM register_events WHERE register = ?"
    params: list[Any] = [register]
    if ids is not None:
        sql += f" AND request_id IN ({', '.join('?' * len(ids))})"
        params += list(ids)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in dict_rows(ctx.conn, sql + " ORDER BY id", params):
        out.setdefault(r["request_id"], []).append(r)
    return out


def _fold(events: list[dict[str, Any]]) -> tuple[tuple[Approval, ...], Withdrawal | None]:
    approvals = tuple(
        Approval(e["actor"], e["os_user"], e["role"], e["time"]) for e in events if e["action"] == "approve"
    )
    withdrawn = next((e for e in events if e["action"] == "withdraw"), None)
    withdrawal = (
        Withdrawal(withdrawn["actor"], withdrawn["os_user"], withdrawn["time"], withdrawn["note"])
        if withdrawn
        else None
    )
    return approvals, withdrawal


def _leave(row: dict[str, Any], events: list[dict[str, Any]]) -> LeaveRecord:
    approvals, withdrawal = _fold(events)
    return LeaveRecord(
        row["id"],
        row["person"],
        row["kind"],
        row["leave_type"],
        date.fromisoformat(row["first_day"]),
        date.fromisoformat(row["last_day"]),
        row["shift"],
        bool(row["in_person"]),
        bool(row["doctor_note"]),
        bool(row["full_day"]),
        row["level"],
        row["reason"],
        row["actor"],
        row["os_user"],
        row["time"],
        approvals,
        withdrawal,
    )


def _swap(row: dict[str, Any], events: list[dict[str, Any]]) -> SwapRecord:
    approvals, withdrawal = _fold(events)
    return SwapRecord(
        row["id"],
        row["person"],
        date.fromisoformat(row["day"]),
        row["shift"],
        row["cover"],
        date.fromisoformat(row["payback_day"]),
        row["payback_shift"],
        row["reason"],
        row["actor"],
        row["os_user"],
        row["time"],
        approvals,
        withdrawal,
    )


def _ask_of_leave(record: LeaveRecord, asked_at: datetime) -> LeaveAsk:
    return LeaveAsk(
        record.person,
        record.kind,
        record.first_day,
        record.last_day,
        record.shift,
        asked_at,
        record.in_person,
        record.doctor_note,
        record.full_day,
    )


def _ask_of_swap(record: SwapRecord, asked_at: datetime) -> SwapAsk:
    return SwapAsk(
        record.person, record.day, record.shift, record.cover, record.payback_day, record.payback_shift, asked_at
    )


# -- reading -------------------------------------------------------------------------------------
def list_leave(ctx: Ctx, start_day: date | None = None, end_day: date | None = None) -> list[LeaveRecord]:
    """Leave requests overlapping the days (all when not given), oldest first, any status."""
    where, params = ["1=1"], []
    if end_day is not None:
        where.append("first_day <= ?")
        params.append(end_day.isoformat())
    if start_day is not None:
        where.append("last_day >= ?")
        params.append(start_day.isoformat())
    rows = dict_rows(ctx.conn, f"SELECT * FROM leave_requests WHERE {' AND '.join(where)} ORDER BY id", params)
    events = _events(ctx, "leave", [r["id"] for r in rows]) if rows else {}
    return [_leave(r, events.get(r["id"], [])) for r in rows]


def list_swaps(ctx: Ctx, start_day: date | None = None, end_day: date | None = None) -> list[SwapRecord]:
    """Swaps whose swap or pay-back day falls in the days (all when not given), oldest first."""
    lo, hi = (start_day or date.min).isoformat(), (end_day or date.max).isoformat()
    sql = "SELECT * FROM swap_requests WHERE (day BETWEEN ? AND ?) OR (payback_day BETWEEN ? AND ?) ORDER BY id"
    rows = dict_rows(ctx.conn, sql, (lo, hi, lo, hi))
    events = _events(ctx, "swap", [r["id"] for r in rows]) if rows else {}
    return [_swap(r, events.get(r["id"], [])) for r in rows]


def get_leave(ctx: Ctx, leave_id: int) -> LeaveRecord:
    rows = dict_rows(ctx.conn, "SELECT * FROM leave_requests WHERE id = ?", (leave_id,))
    if not rows:
        raise NotFound(_("no leave request {id}").format(id=leave_id))
    return _leave(rows[0], _events(ctx, "leave", [leave_id]).get(leave_id, []))


def get_swap(ctx: Ctx, swap_id: int) -> SwapRecord:
    rows = dict_rows(ctx.conn, "SELECT * FROM swap_requests WHERE id = ?", (swap_id,))
    if not rows:
        raise NotFound(_("no swap {id} in the swap register").format(id=swap_id))
    return _swap(rows[0], _events(ctx, "swap", [swap_id]).get(swap_id, []))


def approved_leave(ctx: Ctx, start_day: date, end_day: date) -> list[ApprovedLeave]:
    """Approved, not withdrawn leave, one per person, day and shift within the days."""
    out = []
    for record in list_leave(ctx, start_day, end_day):
        if record.status == "approved":
            out += [a for a in record.approved_days() if start_day <= a.day <= end_day]
    return out


def approved_swaps(ctx: Ctx, start_day: date, end_day: date) -> list[ApprovedSwap]:
    """Approved, not withdrawn swaps whose swap or pay-back day falls within the days."""
    return [r.as_swap() for r in list_swaps(ctx, start_day, end_day) if r.status == "approved"]


def _standing_swaps(ctx: Ctx, around: Sequence[date], leave_out: int | None = None) -> list[ApprovedSwap]:
    """Swaps approved or waiting (not withdrawn) in the months around `around`."""
    lo = min(around).replace(day=1) - timedelta(days=1)
    hi = max(around) + timedelta(days=32)
    return [r.as_swap() for r in list_swaps(ctx, lo, hi) if r.status != "withdrawn" and r.id != leave_out]


def _standing_leave(ctx: Ctx, start_day: date, end_day: date, leave_out: int | None = None) -> list[ApprovedLeave]:
    out = []
    for record in list_leave(ctx, start_day, end_day):
        if record.status != "withdrawn" and record.id != leave_out:
            out += record.approved_days()
    return out


# -- the leave register --------------------------------------------------------------------------
def _leave_calendar(
    ctx: Ctx, settings: RegisterSettings, first: date, last: date, leave_out: int | None = None
) -> LeaveCalendar:
    return LeaveCalendar(
        shifts=ctx.shifts,
        night_shifts=settings.night_shifts,
        holidays=settings.holidays,
        swaps=_standing_swaps(ctx, (first, last)),
        leave=_standing_leave(ctx, first, last, leave_out),
    )


def request_leave(
    ctx: Ctx,
    settings: RegisterSettings,
    actor: Actor,
    *,
    person: str,
    kind: str,
    first_day: date,
    last_day: date | None,
    shift: str,
    in_person: bool = True,
    doctor_note: bool = False,
    full_day: bool = True,
    reason: str = "",
) -> LeaveRecord:
    """Enter leave in the register (inside write_tx), the rules checked as of now."""
    actor = require_signer(ctx, actor, _("enter leave"))
    person = validate.text(_("person"), person, max_len=100)
    shift = validate.text(_("shift"), shift, max_len=60)
    reason = validate.text(_("reason"), reason, required=False)
    first = _day(_("first day"), first_day)
    last = first if last_day is None else _day(_("last day"), last_day)
    ask = LeaveAsk(person, kind, first, last, shift, _now(ctx), bool(in_person), bool(doctor_note), bool(full_day))
    cal = _leave_calendar(ctx, settings, first, last)
    _refuse(check_leave(ask, cal))
    t = float(ctx.clock())
    fields = {
        "person": person,
        "kind": kind,
        "leave_type": leave_type(ask, cal),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "shift": shift,
        "in_person": ask.in_person,
        "doctor_note": ask.doctor_note,
        "full_day": ask.full_day,
        "level": required_level(ask.days),
        "reason": reason,
        **who(actor),
        "time": t,
    }
    rid = append_row(ctx.conn, "leave_requests", fields)
    audit.record(ctx, "leave.request", actor, f"leave:{rid}", f"{person} {first}..{last} {shift} {kind}")
    return get_leave(ctx, rid)


def approve_leave(ctx: Ctx, settings: RegisterSettings, leave_id: int, actor: Actor, note: str = "") -> LeaveRecord:
    """Approve leave as the acting OS user's configured person, at the level its length needs."""
    record = get_leave(ctx, leave_id)
    approver = _person(ctx, actor.os_user)
    if record.status != "waiting":
        _refuse(
            Refusal(
                Reason.CLOSED,
                _("Leave {id} is already {status}").format(id=leave_id, status=status_text(record.status)),
            )
        )
    ask = _ask_of_leave(record, datetime.fromtimestamp(record.time).astimezone())
    _refuse(check_leave_approval(ask, approver, actor.os_user))
    # The records may have moved since it was asked (a swap approved, the calendar changed).
    _refuse(check_leave(ask, _leave_calendar(ctx, settings, record.first_day, record.last_day, leave_id)))
    assert approver is not None
    signer = Actor(approver.name, actor.os_user, actor.terminal)
    note = validate.text(_("note"), note, required=False)
    _append_event(ctx, "leave", leave_id, "approve", approver.role, note, signer)
    return get_leave(ctx, leave_id)


# -- the swap register ---------------------------------------------------------------------------
def _swap_calendar(
    ctx: Ctx, settings: RegisterSettings, roster: RosterSource | None, ask: SwapAsk, leave_out: int | None
) -> SwapCalendar:
    lo, hi = min(ask.day, ask.payback_day) - timedelta(days=2), max(ask.day, ask.payback_day) + timedelta(days=2)
    return SwapCalendar(
        shifts=ctx.shifts,
        agents=settings.agents,
        holidays=settings.holidays,
        roster=tuple(roster(lo, hi)) if roster is not None else (),
        others=_standing_swaps(ctx, (ask.day, ask.payback_day), leave_out),
        leave=_standing_leave(ctx, lo, hi),
    )


def request_swap(
    ctx: Ctx,
    settings: RegisterSettings,
    roster: RosterSource | None,
    actor: Actor,
    *,
    person: str,
    day: date,
    shift: str,
    cover: str,
    payback_day: date,
    payback_shift: str,
    reason: str = "",
) -> SwapRecord:
    """Enter a swap in the swap register (inside write_tx), the rules checked as of now."""
    actor = require_signer(ctx, actor, _("enter a swap"))
    person = validate.text(_("person"), person, max_len=100)
    cover = validate.text(_("cover"), cover, max_len=100)
    shift = validate.text(_("shift"), shift, max_len=60)
    payback_shift = validate.text(_("pay-back shift"), payback_shift, max_len=60)
    reason = validate.text(_("reason"), reason, required=False)
    ask = SwapAsk(
        person, _day(_("swap day"), day), shift, cover, _day(_("pay-back day"), payback_day), payback_shift, _now(ctx)
    )
    _refuse(check_swap(ask, _swap_calendar(ctx, settings, roster, ask, None)))
    fields = {
        "person": person,
        "day": ask.day.isoformat(),
        "shift": shift,
        "cover": cover,
        "payback_day": ask.payback_day.isoformat(),
        "payback_shift": payback_shift,
        "reason": reason,
        **who(actor),
        "time": float(ctx.clock()),
    }
    rid = append_row(ctx.conn, "swap_requests", fields)
    audit.record(ctx, "swap.request", actor, f"swap:{rid}", f"{person} {ask.day} {shift} <-> {cover} {ask.payback_day}")
    return get_swap(ctx, rid)


def approve_swap(
    ctx: Ctx, settings: RegisterSettings, roster: RosterSource | None, swap_id: int, actor: Actor, note: str = ""
) -> SwapRecord:
    """Add the acting OS user's approval (one of the two shift leads'), the rules checked again."""
    record = get_swap(ctx, swap_id)
    approver = _person(ctx, actor.os_user)
    if record.status == "withdrawn":
        _refuse(Refusal(Reason.CLOSED, _("Swap {id} was withdrawn").format(id=swap_id)))
    ask = _ask_of_swap(record, _now(ctx))
    agents = settings.agents
    _refuse(check_swap_approval(ask, approver, actor.os_user, [a.os_user for a in record.approvals], agents))
    _refuse(check_swap(ask, _swap_calendar(ctx, settings, roster, ask, swap_id)))
    assert approver is not None
    signer = Actor(approver.name, actor.os_user, actor.terminal)
    note = validate.text(_("note"), note, required=False)
    _append_event(ctx, "swap", swap_id, "approve", approver.role, note, signer)
    return get_swap(ctx, swap_id)


# -- withdrawals -----------------------------------------------------------------------------------
def withdraw(ctx: Ctx, register: str, request_id: int, note: str, actor: Actor) -> LeaveRecord | SwapRecord:
    """Withdraw a leave request or a swap (once, with the reason); the rows stay."""
    actor = require_signer(ctx, actor, _("withdraw leave or a swap"))
    record: LeaveRecord | SwapRecord = get_leave(ctx, request_id) if register == "leave" else get_swap(ctx, request_id)
    if record.withdrawal is not None:
        _refuse(Refusal(Reason.CLOSED, _("{id} was already withdrawn").format(id=request_id)))
    note = validate.text(_("why it is withdrawn"), note)
    person = _person(ctx, actor.os_user)
    _append_event(ctx, register, request_id, "withdraw", person.role if person else "", note, actor)
    return get_leave(ctx, request_id) if register == "leave" else get_swap(ctx, request_id)


def _append_event(ctx: Ctx, register: str, request_id: int, action: str, role: str, note: str, actor: Actor) -> None:
    t = float(ctx.clock())
    fields = {
        "register": register,
        "request_id": request_id,
        "action": action,
        "role": role,
        "note": note,
        **who(actor),
        "time": t,
    }
    append_row(ctx.conn, "register_events", fields)
    audit.record(ctx, f"{register}.{action}", actor, f"{register}:{request_id}", note)
