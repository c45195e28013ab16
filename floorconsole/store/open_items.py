"""Open items: everything left open lives until someone closes it with a result.

DOMAIN.md: "an open item stays open, shift after shift, until it is closed". An open item
is a row in `open_items` (what, due time, where it came from); what happens to it is
appended to `open_item_events`: `carried` at each handover (to the incoming shift, which
then holds it) and `closed` once, with the result. Nothing is ever updated.

Opened by: a follow-up or promised callback (`follow_ups`, same transaction), a question on
a handed-over item, a referral of an escalation to a department, and any follow-up or
difficult-case entry when it is first handed over. `handovers.create_handover` carries every
open item, whether or not the caller listed it, so none can be dropped.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store import audit, validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotFound, ValidationError
from floorconsole.store.models import (
    OPEN_ITEM_KINDS,
    HandoverItemDraft,
    OpenItem,
    OpenItemCarry,
    OpenItemCounts,
    Signature,
)
from floorconsole.store.rows import append_row, dict_rows, who
from floorconsole.store.signers import require_signer

# Handed-over entry kinds that stay open until closed (free text follow-ups, difficult cases).
ENTRY_KINDS_KEPT_OPEN: tuple[str, ...] = ("follow-up", "difficult-case")


def open_item(
    ctx: Ctx,
    kind: str,
    text: str,
    actor: Actor,
    *,
    source: str,
    due: float | None = None,
    entry_seq: int | None = None,
    escalation_id: int | None = None,
) -> int:
    """Append a new open item (inside write_tx); returns its id."""
    if kind not in OPEN_ITEM_KINDS:
        raise ValidationError(
            _("unknown open item kind {kind}; use one of {kinds}").format(
                kind=repr(kind), kinds=", ".join(OPEN_ITEM_KINDS)
            )
        )
    t = float(ctx.clock())
    return append_row(
        ctx.conn,
        "open_items",
        {
            "kind": kind,
            "text": validate.text("open item", text),
            "due": validate.number_or_none("due", due),
            "source": source,
            "entry_seq": entry_seq,
            "escalation_id": escalation_id,
            "shift": ctx.shift_key(t),
            **who(actor),
            "time": t,
        },
    )


def find_by_source(conn: sqlite3.Connection, source: str) -> int | None:
    """The newest open item opened from `source` (e.g. "follow_up:3"), open or closed."""
    row = conn.execute("SELECT max(id) FROM open_items WHERE source = ?", (source,)).fetchone()
    return row[0] if row and row[0] is not None else None


def _sig(r: dict, prefix: str = "") -> Signature:
    return Signature(r[f"{prefix}actor"], r[f"{prefix}os_user"], r[f"{prefix}terminal"], r[f"{prefix}time"])


def list_open_items(ctx: Ctx, include_closed: bool = False, only_id: int | None = None) -> list[OpenItem]:
    """Open items by due time (those without one last), then age; closed ones with include_closed."""
    where, params = "1=1", []
    if only_id is not None:
        where, params = "id = ?", [only_id]
    rows = dict_rows(ctx.conn, f"SELECT * FROM open_items WHERE {where} ORDER BY id", params)
    if not rows:
        return []
    events: dict[int, list[dict]] = {}
    lo = rows[0]["id"]
    for ev in dict_rows(ctx.conn, "SELECT * FROM open_item_events WHERE open_item_id >= ? ORDER BY id", (lo,)):
        events.setdefault(ev["open_item_id"], []).append(ev)
    out = []
    for r in rows:
        evs = events.get(r["id"], [])
        closed = next((e for e in evs if e["action"] == "closed"), None)
        if closed is not None and not include_closed and only_id is None:
            continue
        out.append(
            OpenItem(
                id=r["id"],
                kind=r["kind"],
                text=r["text"],
                due=r["due"],
                source=r["source"],
                entry_seq=r["entry_seq"],
                escalation_id=r["escalation_id"],
                opened_shift=r["shift"],
                opened=_sig(r),
                carried=tuple(
                    OpenItemCarry(e["handover_id"], e["shift"], e["time"]) for e in evs if e["action"] == "carried"
                ),
                closed=_sig(closed) if closed else None,
                result=closed["result"] if closed else "",
            )
        )
    out.sort(key=lambda i: (i.due is None, i.due or 0.0, i.opened.time, i.id))
    return out


def get_open_item(ctx: Ctx, item_id: int) -> OpenItem:
    """One open item (open or closed); NotFound if there is none."""
    rows = list_open_items(ctx, only_id=item_id)
    if not rows:
        raise NotFound(_("there is no open item {id}").format(id=item_id))
    return rows[0]


def close_open_item(ctx: Ctx, item_id: int, result: str, actor: Actor) -> OpenItem:
    """Close an open item with its result, once (inside write_tx). A follow-up's done mark is
    appended with it, so `list_follow_ups` agrees."""
    actor = require_signer(ctx, actor, _("close open items"))
    item = get_open_item(ctx, item_id)
    result = validate.text("result", result)
    if item.closed is not None:
        raise ValidationError(
            _("open item {id} was already closed by {who}: {result}").format(
                id=item_id, who=item.closed.name, result=item.result
            )
        )
    t = float(ctx.clock())
    append_row(
        ctx.conn,
        "open_item_events",
        {
            "open_item_id": item_id,
            "action": "closed",
            "handover_id": None,
            "shift": ctx.shift_key(t),
            "result": result,
            **who(actor),
            "time": t,
        },
    )
    kind, _sep, ident = item.source.partition(":")
    if kind == "follow_up" and ident.isdigit():
        done = ctx.conn.execute("SELECT 1 FROM follow_up_done WHERE follow_up_id = ?", (int(ident),)).fetchone()
        if not done:
            append_row(
                ctx.conn, "follow_up_done", {"follow_up_id": int(ident), **who(actor), "time": t, "note": result}
            )
    audit.record(ctx, "open_item.close", actor, f"open_item:{item_id}", result)
    return get_open_item(ctx, item_id)


def close_by_source(ctx: Ctx, source: str, result: str, actor: Actor) -> None:
    """Close the open item opened from `source` if it is still open (inside write_tx)."""
    oid = find_by_source(ctx.conn, source)
    if oid is None:
        return
    if ctx.conn.execute(
        "SELECT 1 FROM open_item_events WHERE open_item_id = ? AND action = 'closed'", (oid,)
    ).fetchone():
        return
    t = float(ctx.clock())
    append_row(
        ctx.conn,
        "open_item_events",
        {
            "open_item_id": oid,
            "action": "closed",
            "handover_id": None,
            "shift": ctx.shift_key(t),
            "result": result or "done",
            **who(actor),
            "time": t,
        },
    )


def carry(ctx: Ctx, item_id: int, handover_id: int, to_shift: str, actor: Actor) -> None:
    """Record that a handover carried the item to `to_shift` (inside write_tx)."""
    append_row(
        ctx.conn,
        "open_item_events",
        {
            "open_item_id": item_id,
            "action": "carried",
            "handover_id": handover_id,
            "shift": to_shift,
            "result": "",
            **who(actor),
            "time": float(ctx.clock()),
        },
    )


def counts(ctx: Ctx, now: float, shift_end: float) -> OpenItemCounts:
    """Open items now: all, overdue, due before `shift_end`; and escalations with no outcome."""
    items = list_open_items(ctx)
    esc = ctx.conn.execute(
        "SELECT count(*) FROM escalations e WHERE NOT EXISTS (SELECT 1 FROM escalation_events x "
        "WHERE x.escalation_id = e.id AND x.action = 'outcome')"
    ).fetchone()[0]
    return OpenItemCounts(
        open=len(items),
        overdue=sum(1 for i in items if i.overdue(now)),
        due_this_shift=sum(1 for i in items if i.due is not None and now <= i.due < shift_end),
        escalations=int(esc),
    )


def _hhmm(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")


def _what_due(item: OpenItem, now: float) -> str:
    if item.kind == "callback":
        what = f"Callback for escalation #{item.escalation_id}" if item.escalation_id else "Callback"
    else:
        what = {
            "follow-up": "Follow-up",
            "question": "Questioned item",
            "referral": "Referral",
            "difficult-case": "Difficult case",
        }.get(item.kind, "Open item")
    due = ""
    if item.due is not None:
        due = f", due {_hhmm(item.due)}" + (" (OVERDUE)" if item.overdue(now) else "")
    return what + due


def describe(ctx: Ctx, item: OpenItem, now: float) -> str:
    """The item as one line for a handover: what, due (OVERDUE), how long it has been open."""
    text = item.text
    if item.kind == "question":
        answers = [
            a
            for (a,) in ctx.conn.execute(
                "SELECT text FROM handover_answers WHERE item_id = ? ORDER BY id", (int(item.source.partition(":")[2]),)
            )
        ]
        text += f"; answer: {answers[-1]}" if answers else "; not answered yet"
    since = f" [open item #{item.id}, open since {_hhmm(item.opened.time)}"
    since += f", carried {len(item.carried)}x]" if item.carried else "]"
    return f"{_what_due(item, now)}: {text}{since}"


def draft_for(ctx: Ctx, item: OpenItem, now: float) -> HandoverItemDraft:
    """The handover item that carries `item`. An item that is a log entry is carried as that
    entry (its status goes in the note); the others as a new entry stating where they stand."""
    kind = "difficult-case" if item.kind == "difficult-case" else "follow-up"
    if item.entry_seq is not None:
        note = _what_due(item, now) + item_status_note(item)
        return HandoverItemDraft(kind, item.text, note=note, entry_seq=item.entry_seq, source=f"open_item:{item.id}")
    return HandoverItemDraft(kind, describe(ctx, item, now), source=f"open_item:{item.id}")


def item_status_note(item: OpenItem) -> str:
    """` — open item #N since ..., carried Nx` for an item carried as its own log entry."""
    s = f" — open item #{item.id} since {_hhmm(item.opened.time)}"
    return s + (f", carried {len(item.carried)}x" if item.carried else "")


def backfill_follow_ups(conn: sqlite3.Connection) -> None:
    """Migration step: every follow-up not yet done becomes an open item (held by the shift
    the latest handover carried it to, else unknown)."""
    rows = dict_rows(
        conn,
        "SELECT f.* FROM follow_ups f WHERE NOT EXISTS "
        "(SELECT 1 FROM follow_up_done d WHERE d.follow_up_id = f.id) ORDER BY f.id",
    )
    for f in rows:
        last = conn.execute(
            "SELECT h.to_shift FROM handover_items i JOIN handovers h ON h.id = i.handover_id "
            "WHERE i.source = ? ORDER BY h.id DESC LIMIT 1",
            (f"follow_up:{f['id']}",),
        ).fetchone()
        append_row(
            conn,
            "open_items",
            {
                "kind": "callback" if f["escalation_id"] else "follow-up",
                "text": f["text"],
                "due": f["due"],
                "source": f"follow_up:{f['id']}",
                "entry_seq": f["entry_seq"],
                "escalation_id": f["escalation_id"],
                "shift": last[0] if last else "",
                "actor": f["actor"],
                "os_user": f["os_user"],
                "terminal": f["terminal"],
                "time": f["time"],
            },
        )
