"""The roster, attendance flags and roll calls in the records (tables of m006_roster).

Append-only like every record: a roster imported again for a day replaces the earlier one
for that day when read (the newest import holding the day wins), so a corrected roster is a
new import and the old one stays on record. A flag is written once per episode; its end and a
supervisor's "allowed" note are one row each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.roster.model import AttendanceFlag, RosterEntry
from floorconsole.roster.roll_call import MARKS, RollCallLine, summary
from floorconsole.store import duty_log, validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotFound, ValidationError
from floorconsole.store.rows import append_row, dict_rows, who

MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class RosterImport:
    """One imported roster file."""

    id: int
    time: float
    source: str
    digest: str
    rows: int
    first_day: date
    last_day: date
    actor: str


@dataclass(frozen=True)
class RollCall:
    """One recorded roll call and the duty-log entry it wrote."""

    id: int
    time: float
    shift: str
    entry_seq: int
    lines: tuple[RollCallLine, ...]
    actor: str


def _digest(entries: Sequence[RosterEntry]) -> str:
    h = hashlib.sha256()
    for e in entries:
        h.update(json.dumps([e.day.isoformat(), e.person, e.shift, e.group], ensure_ascii=False).encode())
    return h.hexdigest()


def import_roster(ctx: Ctx, entries: Sequence[RosterEntry], source: str, actor: Actor) -> RosterImport:
    """Append a checked roster (inside write_tx): every entry, or none."""
    if not entries:
        raise ValidationError(_("the roster has no rows: nothing was imported"))
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(_("a roster of more than {n} rows is refused").format(n=MAX_ENTRIES))
    names = {s.name for s in ctx.shifts}
    seen: set[tuple[date, str, str]] = set()
    for e in entries:
        if e.shift not in names:
            raise ValidationError(
                _("unknown shift {shift!r} for {person} on {day} (configured: {known})").format(
                    shift=e.shift, person=e.person, day=e.day, known=", ".join(sorted(names))
                )
            )
        validate.text("person", e.person, max_len=100)
        key = (e.day, e.person, e.shift)
        if key in seen:
            raise ValidationError(
                _("{person} is twice on the {shift} shift of {day}").format(person=e.person, shift=e.shift, day=e.day)
            )
        seen.add(key)
    source = validate.text("source", source, max_len=500)
    t = float(ctx.clock())
    days = sorted(e.day for e in entries)
    fields: dict[str, Any] = {
        "source": source,
        "digest": _digest(entries),
        "rows": len(entries),
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        **who(actor),
        "time": t,
    }
    import_id = append_row(ctx.conn, "roster_imports", fields)
    for e in entries:
        append_row(
            ctx.conn,
            "roster_entries",
            {
                "import_id": import_id,
                "day": e.day.isoformat(),
                "person": e.person,
                "shift": e.shift,
                "grp": e.group,
                "time": t,
            },
        )
    return RosterImport(import_id, t, source, fields["digest"], len(entries), days[0], days[-1], actor.name)


def list_imports(ctx: Ctx) -> list[RosterImport]:
    """Every roster import, oldest first."""
    rows = dict_rows(ctx.conn, "SELECT * FROM roster_imports ORDER BY id")
    return [
        RosterImport(
            r["id"],
            r["time"],
            r["source"],
            r["digest"],
            r["rows"],
            date.fromisoformat(r["first_day"]),
            date.fromisoformat(r["last_day"]),
            r["actor"],
        )
        for r in rows
    ]


def roster_between(ctx: Ctx, start_day: date, end_day: date) -> list[RosterEntry]:
    """Entries of the days from `start_day` to `end_day` (both included), each day from the
    newest import that holds it; by day, shift, group, person."""
    rows = ctx.conn.execute(
        "SELECT e.day, e.person, e.shift, e.grp FROM roster_entries e "
        "JOIN (SELECT day, max(import_id) AS imp FROM roster_entries WHERE day BETWEEN ? AND ? GROUP BY day) n "
        "ON e.day = n.day AND e.import_id = n.imp ORDER BY e.day, e.shift, e.grp, e.person",
        (start_day.isoformat(), end_day.isoformat()),
    ).fetchall()
    return [RosterEntry(date.fromisoformat(d), p, s, g) for d, p, s, g in rows]


def roster_months(ctx: Ctx) -> set[tuple[int, int]]:
    """(year, month) of every month with at least one imported roster day."""
    rows = ctx.conn.execute("SELECT DISTINCT substr(day, 1, 7) FROM roster_entries").fetchall()
    return {(int(ym[:4]), int(ym[5:7])) for (ym,) in rows}


# ---- attendance flags -------------------------------------------------------------------


def record_flag(ctx: Ctx, flag: AttendanceFlag, actor: Actor) -> AttendanceFlag:
    """Record a flagged episode once (inside write_tx); the same episode again (another console
    saw it too) returns the one recorded."""
    existing = ctx.conn.execute(
        "SELECT id FROM attendance_flags WHERE person = ? AND kind = ? AND shift = ? AND started_at = ?",
        (flag.person, flag.kind, flag.shift_key, float(flag.started_at)),
    ).fetchone()
    if existing:
        return get_flag(ctx, existing[0])
    if flag.kind not in ("late", "off_post", "long_meal", "unrostered"):
        raise ValidationError(_("unknown attendance flag {kind}").format(kind=repr(flag.kind)))
    validate.text("person", flag.person, max_len=100)
    fields = {
        "person": flag.person,
        "kind": flag.kind,
        "shift": flag.shift_key,
        "started_at": float(flag.started_at),
        "minutes": int(flag.minutes),
        **who(actor),
        "time": float(ctx.clock()),
    }
    return get_flag(ctx, append_row(ctx.conn, "attendance_flags", fields))


def _flag_id(ctx: Ctx, person: str, kind: str, shift: str, started_at: float) -> int | None:
    row = ctx.conn.execute(
        "SELECT id FROM attendance_flags WHERE person = ? AND kind = ? AND shift = ? AND started_at = ?",
        (person, kind, shift, float(started_at)),
    ).fetchone()
    return None if row is None else int(row[0])


def end_flag(
    ctx: Ctx, person: str, kind: str, shift: str, started_at: float, minutes: int, actor: Actor
) -> AttendanceFlag | None:
    """Record how long a flagged episode lasted (once; None when the flag is not recorded)."""
    flag_id = _flag_id(ctx, person, kind, shift, started_at)
    if flag_id is None:
        return None
    done = ctx.conn.execute(
        "SELECT 1 FROM attendance_flag_events WHERE flag_id = ? AND action = 'ended'", (flag_id,)
    ).fetchone()
    if not done:
        append_row(
            ctx.conn,
            "attendance_flag_events",
            {
                "flag_id": flag_id,
                "action": "ended",
                "minutes": int(minutes),
                "note": "",
                **who(actor),
                "time": float(ctx.clock()),
            },
        )
    return get_flag(ctx, flag_id)


def allow_flag(ctx: Ctx, flag_id: int, note: str, actor: Actor) -> AttendanceFlag:
    """A supervisor notes a flag as allowed, saying why (once); it is then not counted."""
    note = validate.text("why it is allowed", note, max_len=500)
    flag = get_flag(ctx, flag_id)
    if flag.allowed:
        raise ValidationError(
            _("this flag was already noted as allowed by {by}: {note}").format(
                by=flag.allowed_by, note=flag.allowed_note
            )
        )
    append_row(
        ctx.conn,
        "attendance_flag_events",
        {
            "flag_id": flag_id,
            "action": "allowed",
            "minutes": None,
            "note": note,
            **who(actor),
            "time": float(ctx.clock()),
        },
    )
    return get_flag(ctx, flag_id)


_FLAG_SELECT = (
    "SELECT f.id, f.person, f.kind, f.shift, f.started_at, f.minutes, "
    "e.minutes AS ended_minutes, a.actor AS allowed_by, a.note AS allowed_note "
    "FROM attendance_flags f "
    "LEFT JOIN attendance_flag_events e ON e.flag_id = f.id AND e.action = 'ended' "
    "LEFT JOIN attendance_flag_events a ON a.flag_id = f.id AND a.action = 'allowed' "
)


def _flag(r: dict) -> AttendanceFlag:
    minutes = r["ended_minutes"] if r["ended_minutes"] is not None else r["minutes"]
    return AttendanceFlag(
        r["person"],
        r["kind"],
        r["shift"],
        r["started_at"],
        int(minutes),
        allowed=r["allowed_by"] is not None,
        allowed_by=r["allowed_by"] or "",
        allowed_note=r["allowed_note"] or "",
        id=r["id"],
    )


def get_flag(ctx: Ctx, flag_id: int) -> AttendanceFlag:
    rows = dict_rows(ctx.conn, _FLAG_SELECT + "WHERE f.id = ?", (flag_id,))
    if not rows:
        raise NotFound(_("no attendance flag #{id}").format(id=flag_id))
    return _flag(rows[0])


def list_flags(ctx: Ctx, since: float, until: float) -> list[AttendanceFlag]:
    """Flags whose episode started in [since, until), oldest first; `minutes` is how long the
    episode lasted once it ended, else how long it had lasted when flagged."""
    rows = dict_rows(
        ctx.conn,
        _FLAG_SELECT + "WHERE f.started_at >= ? AND f.started_at < ? ORDER BY f.started_at, f.id",
        (since, until),
    )
    return [_flag(r) for r in rows]


# ---- roll calls --------------------------------------------------------------------------


def record_roll_call(ctx: Ctx, shift: str, lines: Sequence[RollCallLine], actor: Actor) -> RollCall:
    """Write the roll call's duty-log entry and its marks, in one transaction."""
    shift = validate.text("shift", shift, max_len=100)
    if not lines:
        raise ValidationError(_("nobody is expected on this shift: there is no roll call to record"))
    for line in lines:
        if line.mark not in MARKS:
            raise ValidationError(
                _("{person}: unknown mark {mark!r}; use one of {marks}").format(
                    person=line.person, mark=line.mark, marks=", ".join(MARKS)
                )
            )
    entry = duty_log.append_entry(ctx, "roll-call", summary(shift, lines), actor)
    marks = [{"person": ln.person, "group": ln.group, "mark": ln.mark, "note": ln.note} for ln in lines]
    fields: dict[str, Any] = {
        "shift": shift,
        "entry_seq": entry.seq,
        "marks_json": json.dumps(marks, ensure_ascii=False),
        **who(actor),
        "time": float(ctx.clock()),
    }
    rid = append_row(ctx.conn, "roll_calls", fields)
    return RollCall(rid, fields["time"], shift, entry.seq, tuple(lines), actor.name)


def list_roll_calls(ctx: Ctx, shift: str | None = None) -> list[RollCall]:
    """Roll calls oldest first (of one shift with `shift`)."""
    sql, params = "SELECT * FROM roll_calls", cast(tuple[str, ...], ())
    if shift is not None:
        sql, params = sql + " WHERE shift = ?", (shift,)
    out = []
    for r in dict_rows(ctx.conn, sql + " ORDER BY id", params):
        lines = tuple(RollCallLine(m["person"], m["group"], m["mark"], m["note"]) for m in json.loads(r["marks_json"]))
        out.append(RollCall(r["id"], r["time"], r["shift"], r["entry_seq"], lines, r["actor"]))
    return out
