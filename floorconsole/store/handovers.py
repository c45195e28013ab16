"""Shifts and handovers: what was handed over (log entries), signed by both sides.

Every carried item is a duty-log entry, so everything handed over is on the hash chain; the
handover row records the chain head and every record table's head (max id, row hash) at
signing. Acknowledgements, questions and receipt are
appended events; the state shown is derived from them.
"""

from __future__ import annotations

from collections.abc import Sequence

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store import audit, duty_log, open_items, validate
from floorconsole.store.chain import _dumps_sorted, chain_hmac, head_hmac, heads_hmac, records_head
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotAllowed, NotFound, ValidationError
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
from floorconsole.store.signers import require_signer, same_person


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
        raise ValidationError(_("a shift needs a start and an end after it"))
    fields = {
        "key": key,
        "name": name,
        "start": start_f,
        "end": end_f,
        "supervisor": supervisor,
        "created_at": float(ctx.clock()),
    }
    append_row(ctx.conn, "shifts", fields)
    return _shift(fields)


def _shift(r: dict) -> Shift:
    return Shift(r["key"], r["name"], r["start"], r["end"], r["supervisor"])


def get_shift(ctx: Ctx, key: str) -> Shift:
    """A recorded shift; NotFound if it was never recorded."""
    row = dict_rows(ctx.conn, "SELECT * FROM shifts WHERE key = ?", (key,))
    if not row:
        raise NotFound(_("shift {key} is not recorded").format(key=repr(key)))
    return _shift(row[0])


def create_handover(
    ctx: Ctx, from_shift: str, to_shift: str, items: Sequence[HandoverItemDraft], actor: Actor, note: str = ""
) -> Handover:
    """Write the carried items as log entries, then sign the handover (inside write_tx).

    Every open item is carried, listed by the caller or not (appended at the end), and the
    carry is recorded against it; a follow-up or difficult-case item handed over for the
    first time becomes an open item, so it is carried again until someone closes it.
    """
    actor = require_signer(ctx, actor, _("sign a handover"))
    from_shift = validate.text("from shift", from_shift, max_len=60)
    to_shift = validate.text("to shift", to_shift, max_len=60)
    if from_shift == to_shift:
        raise ValidationError(_("a handover goes from one shift to another; both are the same"))
    note = validate.text("note", note, required=False)
    # Checked under the write lock (we run inside BEGIN IMMEDIATE), so of two consoles signing
    # the same pair of shifts at once exactly one succeeds and the other is told which.
    taken = ctx.conn.execute(
        "SELECT id, actor FROM handovers WHERE from_shift = ? AND to_shift = ? ORDER BY id LIMIT 1",
        (from_shift, to_shift),
    ).fetchone()
    if taken:
        raise ValidationError(
            _(
                "handover {id} from {from_shift} to {to_shift} was already signed by {who}; "
                "a shift is handed over once: open handover {id} instead"
            ).format(id=taken[0], from_shift=from_shift, to_shift=to_shift, who=taken[1])
        )
    items, links = _with_open_items(ctx, list(items))
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
    hid = append_row(
        ctx.conn,
        "handovers",
        {
            "from_shift": from_shift,
            "to_shift": to_shift,
            "note": note,
            **who(actor),
            "time": t,
            "head_seq": head.seq,
            "head_hash": head.hash,
            "head_hmac": head_hmac(ctx.hmac_key, head.seq, head.hash) if ctx.hmac_key else None,
            "heads": heads,
            "heads_hmac": heads_hmac(ctx.hmac_key, heads) if ctx.hmac_key else None,
            "chain_seq": chain_seq,
            "chain_hash": chain_h,
            "chain_hmac": chain_hmac(ctx.hmac_key, chain_seq, log_seq, chain_h) if ctx.hmac_key else None,
        },
    )
    carried: set[int] = set()
    for pos, ((seq, item_note, source), item, oid) in enumerate(zip(seqs, items, links), 1):
        append_row(
            ctx.conn,
            "handover_items",
            {"handover_id": hid, "position": pos, "entry_seq": seq, "note": item_note, "source": source},
        )
        if oid is None and item.kind in open_items.ENTRY_KINDS_KEPT_OPEN:
            oid = open_items.find_by_source(ctx.conn, f"entry:{seq}")
            if oid is None:
                oid = open_items.open_item(
                    ctx, item.kind, duty_log.get_entry(ctx, seq).body, actor, source=f"entry:{seq}", entry_seq=seq
                )
        if oid is not None and oid not in carried:
            carried.add(oid)
            open_items.carry(ctx, oid, hid, to_shift, actor)
    audit.record(ctx, "handover.sign", actor, f"handover:{hid}", f"{from_shift} -> {to_shift}; head {head}")
    return get_handover(ctx, hid)


def _with_open_items(ctx: Ctx, items: list[HandoverItemDraft]) -> tuple[list[HandoverItemDraft], list[int | None]]:
    """The drafts plus a draft for every open item they leave out; and, per draft, the open
    item it carries (by `open_item:N`, or by the record its source names) or None."""
    still_open = {i.id: i for i in open_items.list_open_items(ctx)}
    links: list[int | None] = []
    for item in items:
        kind, _sep, ident = (item.source or "").partition(":")
        oid: int | None = None
        if kind == "open_item" and ident.isdigit():
            oid = int(ident)
            if oid not in still_open:
                raise ValidationError(_("open item {id} is not open (closed, or there is no such item)").format(id=oid))
        elif kind in ("follow_up", "entry", "escalation") and ident.isdigit():
            found = open_items.find_by_source(ctx.conn, item.source or "")
            oid = found if found in still_open else None
        elif item.entry_seq is not None:
            found = open_items.find_by_source(ctx.conn, f"entry:{item.entry_seq}")
            oid = found if found in still_open else None
        links.append(oid)
    now = float(ctx.clock())
    for oid, oi in still_open.items():
        if oid not in links:
            items.append(open_items.draft_for(ctx, oi, now))
            links.append(oid)
    return items, links


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
        raise NotFound(_("handover {id} has no item {item}").format(id=handover_id, item=item_id))


def _event(ctx: Ctx, handover_id: int, item_id: int | None, action: str, text: str, actor: Actor) -> None:
    append_row(
        ctx.conn,
        "handover_events",
        {
            "handover_id": handover_id,
            "item_id": item_id,
            "action": action,
            **who(actor),
            "time": float(ctx.clock()),
            "text": text,
        },
    )


def _incoming(ctx: Ctx, handover_id: int, actor: Actor, what: str) -> tuple[Actor, Handover]:
    """The actor as recorded, if they may act as the incoming side of this handover."""
    actor = require_signer(ctx, actor, what)
    ho = get_handover(ctx, handover_id)
    if same_person(actor, ho.handed):
        raise NotAllowed(
            _(
                "{name} ({user}) handed handover {id} over and cannot {what} it: "
                "the incoming supervisor does that, from their own account"
            ).format(name=actor.name, user=actor.os_user, id=handover_id, what=what)
        )
    if ho.received is not None:
        raise ValidationError(
            _("handover {id} was already received by {who}; the record is closed").format(
                id=handover_id, who=ho.received.name
            )
        )
    return actor, ho


def acknowledge_item(ctx: Ctx, handover_id: int, item_id: int, actor: Actor) -> Handover:
    """The incoming side acknowledges one item (inside write_tx); again is a no-op.

    Not the person who handed it over (NotAllowed), not after receipt."""
    _item(ctx, handover_id, item_id)
    actor, ho = _incoming(ctx, handover_id, actor, _("acknowledge"))
    item = next(i for i in ho.items if i.id == item_id)
    if item.state == "acknowledged":
        return ho
    _event(ctx, handover_id, item_id, "ack", "", actor)
    return get_handover(ctx, handover_id)


def question_item(ctx: Ctx, handover_id: int, item_id: int, text: str, actor: Actor) -> Handover:
    """The incoming side questions one item, with a note for the outgoing side (inside write_tx).

    The question becomes an open item (one per item), carried until someone closes it."""
    _item(ctx, handover_id, item_id)
    actor, ho = _incoming(ctx, handover_id, actor, _("question"))
    text = validate.text("question", text)
    _event(ctx, handover_id, item_id, "question", text, actor)
    source = f"handover_item:{item_id}"
    existing = open_items.find_by_source(ctx.conn, source)
    if existing is None or not open_items.get_open_item(ctx, existing).is_open:
        item = next(i for i in ho.items if i.id == item_id)
        open_items.open_item(
            ctx,
            "question",
            f"{item.entry.body} — asked by {actor.name} at handover #{handover_id}: {text}",
            actor,
            source=source,
        )
    return get_handover(ctx, handover_id)


def answer_item(ctx: Ctx, handover_id: int, item_id: int, text: str, actor: Actor) -> Handover:
    """The outgoing side answers a question on one of its items (inside write_tx).

    Only the person who signed the handover; only an item that was questioned."""
    _item(ctx, handover_id, item_id)
    actor = require_signer(ctx, actor, _("answer"))
    ho = get_handover(ctx, handover_id)
    if not same_person(actor, ho.handed):
        raise NotAllowed(
            _("only {who}, who handed handover {id} over, can answer its questions").format(
                who=ho.handed.name, id=handover_id
            )
        )
    item = next(i for i in ho.items if i.id == item_id)
    if not item.questions:
        raise ValidationError(
            _("item {item} of handover {id} was not questioned: there is nothing to answer").format(
                item=item_id, id=handover_id
            )
        )
    text = validate.text("answer", text)
    append_row(
        ctx.conn,
        "handover_answers",
        {"handover_id": handover_id, "item_id": item_id, "text": text, **who(actor), "time": float(ctx.clock())},
    )
    audit.record(ctx, "handover.answer", actor, f"handover:{handover_id}", f"item {item_id}")
    return get_handover(ctx, handover_id)


def receive_handover(ctx: Ctx, handover_id: int, actor: Actor) -> Handover:
    """The incoming side signs receipt, once (inside write_tx); the outgoing side cannot.

    Allowed as soon as the handover is signed, before the shift boundary too."""
    ho = get_handover(ctx, handover_id)
    if ho.received is not None:
        raise ValidationError(
            _("handover {id} was already received by {who}").format(id=handover_id, who=ho.received.name)
        )
    actor, ho = _incoming(ctx, handover_id, actor, _("receive"))
    _event(ctx, handover_id, None, "receive", "", actor)
    audit.record(ctx, "handover.receive", actor, f"handover:{handover_id}", f"{ho.from_shift} -> {ho.to_shift}")
    return get_handover(ctx, handover_id)


def get_handover_row(ctx: Ctx, handover_id: int) -> dict:
    """The raw handover row; NotFound if there is none."""
    rows = dict_rows(ctx.conn, "SELECT * FROM handovers WHERE id = ?", (handover_id,))
    if not rows:
        raise NotFound(_("there is no handover {id}").format(id=handover_id))
    return rows[0]


def _sig(r: dict) -> Signature:
    return Signature(r["actor"], r["os_user"], r["terminal"], r["time"])


def get_handover(ctx: Ctx, handover_id: int) -> Handover:
    """The full record: items with their entries, acks and questions, both signatures."""
    h = get_handover_row(ctx, handover_id)
    events = dict_rows(ctx.conn, "SELECT * FROM handover_events WHERE handover_id = ? ORDER BY id", (handover_id,))
    answers = dict_rows(ctx.conn, "SELECT * FROM handover_answers WHERE handover_id = ? ORDER BY id", (handover_id,))
    items = []
    for it in dict_rows(
        ctx.conn, "SELECT * FROM handover_items WHERE handover_id = ? ORDER BY position", (handover_id,)
    ):
        evs = [
            HandoverEvent(e["id"], e["item_id"], e["action"], e["text"], _sig(e))
            for e in events
            if e["item_id"] == it["id"]
        ]
        evs += [
            HandoverEvent(a["id"], a["item_id"], "answer", a["text"], _sig(a))
            for a in answers
            if a["item_id"] == it["id"]
        ]
        ordered = tuple(sorted(evs, key=lambda ev: ev.signature.time))  # stable: same-time events keep their order
        items.append(
            HandoverItem(
                it["id"], it["position"], duty_log.get_entry(ctx, it["entry_seq"]), it["note"], it["source"], ordered
            )
        )
    receipt = next((e for e in events if e["action"] == "receive"), None)
    return Handover(
        id=h["id"],
        from_shift=h["from_shift"],
        to_shift=h["to_shift"],
        note=h["note"],
        handed=_sig(h),
        head=ChainHead(h["head_seq"], h["head_hash"], h["head_hmac"]),
        items=tuple(items),
        received=_sig(receipt) if receipt else None,
        chain=(
            ChainHead(h["head_seq"], h["chain_hash"], h["chain_hmac"], "records", h["chain_seq"])
            if h.get("chain_seq") is not None
            else None
        ),
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


def signed_not_received(ctx: Ctx, actor: Actor) -> list[Handover]:
    """Handovers this person signed that nobody has received yet, oldest first.

    For the outgoing console: "handed over, not yet received: you may not leave"."""
    return [h for h in open_handovers(ctx) if same_person(actor, h.handed)]


def waiting_for(ctx: Ctx, actor: Actor, now: float | None = None) -> list[Handover]:
    """Handovers waiting for this person's shift, oldest first, from the moment they are signed.

    Not yet received, signed by someone else, and going to the shift `now` is in or to the
    next one (the incoming supervisor arrives before the boundary)."""
    from datetime import timedelta

    from floorconsole.shifts import shift_at_epoch

    t = float(ctx.clock()) if now is None else now
    current = shift_at_epoch(ctx.shifts, t)
    nxt = shift_at_epoch(ctx.shifts, (current.end + timedelta(seconds=1)).timestamp())
    keys = {current.key, nxt.key}
    return [h for h in open_handovers(ctx) if h.to_shift in keys and not same_person(actor, h.handed)]
