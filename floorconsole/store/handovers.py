"""Shifts and handovers: what was handed over (log entries), signed by both sides.

Every carried item is a duty-log entry, so everything handed over is on the hash chain; the
handover row records the chain head and every record table's head (max id, row hash) at
signing. Acknowledgements, questions and receipt are
appended events; the state shown is derived from them.
"""

from __future__ import annotations

from collections.abc import Sequence

from floorconsole.identity import Actor
from floorconsole.store import audit, duty_log, validate
from floorconsole.store.chain import _dumps_sorted, chain_hmac, head_hmac, heads_hmac, records_head
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotFound, ValidationError
from floorconsole.store.migrations import RECORD_TABLES
from floorconsole.store.models import (
    ChainHead,
    Handover,
    HandoverEvent,
    HandoverItem,
    HandoverItemDraft,
    Shift,
    Signature,
)
from floorconsole.store.rows import append_row, dict_rows, who


def ensure_shift(ctx: Ctx, key: str, name: str, start: float, end: float, supervisor: str) -> Shift:
    """Record a shift once (inside write_tx); an existing key is returned as first recorded."""
    key = validate.text("shift key", key, max_len=60)
    row = dict_rows(ctx.conn, "SELECT * FROM shifts WHERE key = ?", (key,))
    if row:
        return _shift(row[0])
    name = validate.text("shift name", name, max_len=60)
    supervisor = validate.text("supervisor", supervisor, max_len=100)
    start_f, end_f = validate.number_or_none("start", start), validate.number_or_none("end", end)
    if start_f is None or end_f is None or end_f <= start_f:
        raise ValidationError("a shift needs a start and an end after it")
    fields = {"key": key, "name": name, "start": start_f, "end": end_f, "supervisor": supervisor,
              "created_at": float(ctx.clock())}
    append_row(ctx.conn, "shifts", fields)
    return _shift(fields)


def _shift(r: dict) -> Shift:
    return Shift(r["key"], r["name"], r["start"], r["end"], r["supervisor"])


def get_shift(ctx: Ctx, key: str) -> Shift:
    """A recorded shift; NotFound if it was never recorded."""
    row = dict_rows(ctx.conn, "SELECT * FROM shifts WHERE key = ?", (key,))
    if not row:
        raise NotFound(f"shift {key!r} is not recorded")
    return _shift(row[0])


def create_handover(
    ctx: Ctx, from_shift: str, to_shift: str, items: Sequence[HandoverItemDraft], actor: Actor, note: str = ""
) -> Handover:
    """Write the carried items as log entries, then sign the handover (inside write_tx)."""
    from_shift = validate.text("from shift", from_shift, max_len=60)
    to_shift = validate.text("to shift", to_shift, max_len=60)
    if from_shift == to_shift:
        raise ValidationError("a handover goes from one shift to another; both are the same")
    note = validate.text("note", note, required=False)
    # Checked under the write lock (we run inside BEGIN IMMEDIATE), so of two consoles signing
    # the same pair of shifts at once exactly one succeeds and the other is told which.
    taken = ctx.conn.execute("SELECT id, actor FROM handovers WHERE from_shift = ? AND to_shift = ? ORDER BY id LIMIT 1",
                             (from_shift, to_shift)).fetchone()
    if taken:
        raise ValidationError(f"handover {taken[0]} from {from_shift} to {to_shift} was already signed by {taken[1]}; "
                              f"a shift is handed over once: open handover {taken[0]} instead")
    seqs: list[tuple[int, str, str | None]] = []
    for i, item in enumerate(items, 1):
        item_note = validate.text(f"item {i} note", item.note, required=False)
        source = validate.optional(f"item {i} source", item.source, max_len=100)
        if item.entry_seq is not None:
            duty_log.get_entry(ctx, item.entry_seq)  # NotFound if it does not exist
            seq = item.entry_seq
        else:
            seq = duty_log.append_entry(ctx, item.kind, item.body, actor).seq
        seqs.append((seq, item_note, source))
    head = duty_log.head(ctx)
    heads = table_heads(ctx)
    chain_seq, log_seq, chain_h = records_head(ctx.conn)  # every table, the items included
    t = float(ctx.clock())
    hid = append_row(ctx.conn, "handovers", {
        "from_shift": from_shift, "to_shift": to_shift, "note": note, **who(actor), "time": t,
        "head_seq": head.seq, "head_hash": head.hash,
        "head_hmac": head_hmac(ctx.hmac_key, head.seq, head.hash) if ctx.hmac_key else None,
        "heads": heads, "heads_hmac": heads_hmac(ctx.hmac_key, heads) if ctx.hmac_key else None,
        "chain_seq": chain_seq, "chain_hash": chain_h,
        "chain_hmac": chain_hmac(ctx.hmac_key, chain_seq, log_seq, chain_h) if ctx.hmac_key else None,
    })
    for pos, (seq, item_note, source) in enumerate(seqs, 1):
        append_row(ctx.conn, "handover_items", {"handover_id": hid, "position": pos, "entry_seq": seq,
                                                "note": item_note, "source": source})
    audit.record(ctx, "handover.sign", actor, f"handover:{hid}", f"{from_shift} -> {to_shift}; head {head}")
    return get_handover(ctx, hid)


def table_heads(ctx: Ctx) -> str:
    """Every record table's head as canonical JSON: {table: [max id, that row's hash]}.

    [0, null] for an empty table. Taken just before the handover row is written, so the
    `handovers` head is the previous handover; rows written later are anchored by the next one.
    """
    heads = {}
    for table in RECORD_TABLES:
        row = ctx.conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
        heads[table] = list(row) if row else [0, None]
    return _dumps_sorted(heads)


def _item(ctx: Ctx, handover_id: int, item_id: int) -> None:
    get_handover_row(ctx, handover_id)
    if not ctx.conn.execute(
        "SELECT 1 FROM handover_items WHERE id = ? AND handover_id = ?", (item_id, handover_id)
    ).fetchone():
        raise NotFound(f"handover {handover_id} has no item {item_id}")


def _event(ctx: Ctx, handover_id: int, item_id: int | None, action: str, text: str, actor: Actor) -> None:
    append_row(ctx.conn, "handover_events", {"handover_id": handover_id, "item_id": item_id, "action": action,
                                             **who(actor), "time": float(ctx.clock()), "text": text})


def acknowledge_item(ctx: Ctx, handover_id: int, item_id: int, actor: Actor) -> Handover:
    """The incoming side acknowledges one item (inside write_tx); again is a no-op."""
    _item(ctx, handover_id, item_id)
    ho = get_handover(ctx, handover_id)
    item = next(i for i in ho.items if i.id == item_id)
    if item.state == "acknowledged":
        return ho
    _event(ctx, handover_id, item_id, "ack", "", actor)
    return get_handover(ctx, handover_id)


def question_item(ctx: Ctx, handover_id: int, item_id: int, text: str, actor: Actor) -> Handover:
    """The incoming side questions one item, with a note for the outgoing side (inside write_tx)."""
    _item(ctx, handover_id, item_id)
    text = validate.text("question", text)
    _event(ctx, handover_id, item_id, "question", text, actor)
    return get_handover(ctx, handover_id)


def receive_handover(ctx: Ctx, handover_id: int, actor: Actor) -> Handover:
    """The incoming side signs receipt, once (inside write_tx); the outgoing side cannot."""
    ho = get_handover(ctx, handover_id)
    if ho.received is not None:
        raise ValidationError(f"handover {handover_id} was already received by {ho.received.name}")
    if actor.name == ho.handed.name:
        raise ValidationError("the handover must be received by the incoming supervisor, not the one who handed it over")
    _event(ctx, handover_id, None, "receive", "", actor)
    audit.record(ctx, "handover.receive", actor, f"handover:{handover_id}", f"{ho.from_shift} -> {ho.to_shift}")
    return get_handover(ctx, handover_id)


def get_handover_row(ctx: Ctx, handover_id: int) -> dict:
    """The raw handover row; NotFound if there is none."""
    rows = dict_rows(ctx.conn, "SELECT * FROM handovers WHERE id = ?", (handover_id,))
    if not rows:
        raise NotFound(f"there is no handover {handover_id}")
    return rows[0]


def _sig(r: dict) -> Signature:
    return Signature(r["actor"], r["os_user"], r["terminal"], r["time"])


def get_handover(ctx: Ctx, handover_id: int) -> Handover:
    """The full record: items with their entries, acks and questions, both signatures."""
    h = get_handover_row(ctx, handover_id)
    events = dict_rows(ctx.conn, "SELECT * FROM handover_events WHERE handover_id = ? ORDER BY id", (handover_id,))
    items = []
    for it in dict_rows(ctx.conn, "SELECT * FROM handover_items WHERE handover_id = ? ORDER BY position", (handover_id,)):
        evs = tuple(HandoverEvent(e["id"], e["item_id"], e["action"], e["text"], _sig(e)) for e in events if e["item_id"] == it["id"])
        items.append(HandoverItem(it["id"], it["position"], duty_log.get_entry(ctx, it["entry_seq"]), it["note"], it["source"], evs))
    receipt = next((e for e in events if e["action"] == "receive"), None)
    return Handover(
        id=h["id"], from_shift=h["from_shift"], to_shift=h["to_shift"], note=h["note"], handed=_sig(h),
        head=ChainHead(h["head_seq"], h["head_hash"], h["head_hmac"]), items=tuple(items),
        received=_sig(receipt) if receipt else None,
        chain=(ChainHead(h["head_seq"], h["chain_hash"], h["chain_hmac"], "records", h["chain_seq"])
               if h.get("chain_seq") is not None else None),
    )


def open_handovers(ctx: Ctx) -> list[Handover]:
    """Handovers nobody has received yet, oldest first."""
    ids = ctx.conn.execute(
        "SELECT id FROM handovers h WHERE NOT EXISTS (SELECT 1 FROM handover_events e "
        "WHERE e.handover_id = h.id AND e.action = 'receive') ORDER BY id"
    ).fetchall()
    return [get_handover(ctx, i) for (i,) in ids]


def list_handovers(ctx: Ctx, limit: int = 50) -> list[Handover]:
    """The latest handovers, newest first."""
    ids = ctx.conn.execute("SELECT id FROM handovers ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
    return [get_handover(ctx, i) for (i,) in ids]
