"""Escalations (from the feed or by hand), exclusive claims, outcomes, complaints, follow-ups.

The escalation row never changes: claim and outcome are appended events (one of each at
most, enforced by a unique index), and the state shown is derived from them.
"""

from __future__ import annotations

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.masking import is_phone_number, mask_caller
from floorconsole.store import audit, validate
from floorconsole.store.context import Ctx
from floorconsole.store.errors import AlreadyClaimed, NotAllowed, NotFound, ValidationError
from floorconsole.store.models import (
    OUTCOMES,
    Complaint,
    ComplaintDraft,
    ComplaintSummarySent,
    Escalation,
    FollowUp,
    Signature,
)
from floorconsole.store.rows import SqlValue, append_row, dict_rows, who
from floorconsole.store.signers import require_signer


def raise_escalation(
    ctx: Ctx,
    callid: str,
    agent: str,
    queue: str,
    reason: str,
    actor: Actor,
    *,
    caller: str = "",
    priority: int = 2,
    event_key: str | None = None,
    raised_at: float | None = None,
) -> Escalation:
    """Record an escalation (inside write_tx). With an event_key (a feed line's identity) it
    is created once: a later call with the same key returns the existing record unchanged."""
    if event_key is not None:
        event_key = validate.text("event key", event_key, max_len=300)
        row = ctx.conn.execute("SELECT id FROM escalations WHERE event_key = ?", (event_key,)).fetchone()
        if row:
            return get_escalation(ctx, row[0])
    callid = validate.text("call id", callid, max_len=100)
    agent = validate.text("agent", agent, max_len=100)
    queue = validate.text("queue", queue, max_len=100)
    reason = validate.text("reason", reason)
    # The caller id in whatever form the exchange gives it (a number, a SIP URI,
    # "anonymous"): kept here only, and masked by `mask_caller` wherever it is shown.
    caller = validate.text("caller id", caller, required=False, max_len=200)
    if caller and not is_phone_number(caller) and (any(ch.isspace() for ch in caller) or not caller.isprintable()):
        raise ValidationError(
            _(
                "caller number must be a number (digits, spaces, + - ( )) or one caller id such as "
                "sip:...@host or anonymous, without spaces; got {caller}"
            ).format(caller=repr(mask_caller(caller)))
        )
    if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 3:
        raise ValidationError(
            _("priority must be 1, 2 or 3 (1 = most urgent), got {priority}").format(priority=repr(priority))
        )
    t = validate.number_or_none("raised at", raised_at)
    t = float(ctx.clock()) if t is None else t
    fields = {
        "event_key": event_key,
        "source": "feed" if event_key else "manual",
        "callid": callid,
        "agent": agent,
        "queue": queue,
        "caller": caller,
        "reason": reason,
        "priority": priority,
        "time": t,
        "shift": ctx.shift_key(t),
        **who(actor),
    }
    rid = append_row(ctx.conn, "escalations", fields)
    return get_escalation(ctx, rid)


def _holder(claim: dict | None, transfers: list[dict]) -> tuple[str | None, float | None, str | None]:
    """Who holds the escalation now (name, since, OS user): the first claim, then each
    release / pass / claim again."""
    if claim is None:
        return None, None, None
    name, at, user = claim["actor"], claim["time"], claim["os_user"]
    for t in transfers:
        if t["action"] == "release":
            name, at, user = None, None, None
        elif t["action"] == "pass":
            name, at, user = t["to_name"], t["time"], t["to_os_user"]
        else:
            name, at, user = t["actor"], t["time"], t["os_user"]
    return name, at, user


def _build(ctx: Ctx, r: dict, events: list[dict], transfers: list[dict] | None = None) -> Escalation:
    claim = next((e for e in events if e["action"] == "claim"), None)
    out = next((e for e in events if e["action"] == "outcome"), None)
    holder, held_at, holder_user = _holder(claim, transfers or [])
    return Escalation(
        id=r["id"],
        event_key=r["event_key"],
        source=r["source"],
        callid=r["callid"],
        agent=r["agent"],
        queue=r["queue"],
        caller_masked=mask_caller(r["caller"], ctx.mask_keep),
        reason=r["reason"],
        priority=int(r["priority"]),
        raised_at=r["time"],
        raised_by=r["actor"],
        shift=r["shift"],
        claimed_by=holder,
        claimed_at=held_at,
        outcome=out["outcome"] if out else None,
        outcome_at=out["time"] if out else None,
        outcome_by=out["actor"] if out else None,
        due=out["due"] if out else None,
        department=out["department"] if out else None,
        note=out["note"] if out else "",
        claimed_by_os_user=holder_user,
    )


def get_escalation(ctx: Ctx, escalation_id: int) -> Escalation:
    """One escalation with its derived state; NotFound if there is none."""
    rows = dict_rows(ctx.conn, "SELECT * FROM escalations WHERE id = ?", (escalation_id,))
    if not rows:
        raise NotFound(_("there is no escalation {id}").format(id=escalation_id))
    events = dict_rows(
        ctx.conn, "SELECT * FROM escalation_events WHERE escalation_id = ? ORDER BY id", (escalation_id,)
    )
    transfers = dict_rows(
        ctx.conn, "SELECT * FROM escalation_claims WHERE escalation_id = ? ORDER BY id", (escalation_id,)
    )
    return _build(ctx, rows[0], events, transfers)


def list_escalations(
    ctx: Ctx, include_closed: bool = False, since: float | None = None, agent: str | None = None
) -> list[Escalation]:
    """Escalations oldest first; by default only those without an outcome."""
    where: list[str] = ["1=1"]
    params: list[SqlValue] = []
    if since is not None:
        where.append("e.time >= ?")
        params.append(since)
    if agent is not None:
        where.append("e.agent = ?")
        params.append(agent)
    if not include_closed:
        where.append(
            "NOT EXISTS (SELECT 1 FROM escalation_events x WHERE x.escalation_id = e.id AND x.action = 'outcome')"
        )
    rows = dict_rows(ctx.conn, f"SELECT e.* FROM escalations e WHERE {' AND '.join(where)} ORDER BY e.id", params)
    if not rows:
        return []
    by_esc: dict[int, list[dict]] = {}
    lo = rows[0]["id"]
    for ev in dict_rows(ctx.conn, "SELECT * FROM escalation_events WHERE escalation_id >= ? ORDER BY id", (lo,)):
        by_esc.setdefault(ev["escalation_id"], []).append(ev)
    moves: dict[int, list[dict]] = {}
    for ev in dict_rows(ctx.conn, "SELECT * FROM escalation_claims WHERE escalation_id >= ? ORDER BY id", (lo,)):
        moves.setdefault(ev["escalation_id"], []).append(ev)
    return [_build(ctx, r, by_esc.get(r["id"], []), moves.get(r["id"], [])) for r in rows]


def pending_escalations(ctx: Ctx, limit: int) -> tuple[int, list[Escalation]]:
    """(how many escalations have no outcome, the newest `limit` of them, oldest first).

    What a console shows: a busy floor can pile up thousands nobody has closed yet, and a
    console reloads its list whenever the records change; reading the newest `limit` and a
    count keeps that read, and the console's memory, bounded whatever the pile."""
    pending = "NOT EXISTS (SELECT 1 FROM escalation_events x WHERE x.escalation_id = e.id AND x.action = 'outcome')"
    total = int(ctx.conn.execute(f"SELECT COUNT(*) FROM escalations e WHERE {pending}").fetchone()[0])
    if total == 0 or limit <= 0:
        return total, []
    rows = dict_rows(
        ctx.conn, f"SELECT e.* FROM escalations e WHERE {pending} ORDER BY e.id DESC LIMIT ?", (int(limit),)
    )
    rows.reverse()
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    by_esc: dict[int, list[dict]] = {}
    for ev in dict_rows(ctx.conn, f"SELECT * FROM escalation_events WHERE escalation_id IN ({marks}) ORDER BY id", ids):
        by_esc.setdefault(ev["escalation_id"], []).append(ev)
    moves: dict[int, list[dict]] = {}
    for ev in dict_rows(ctx.conn, f"SELECT * FROM escalation_claims WHERE escalation_id IN ({marks}) ORDER BY id", ids):
        moves.setdefault(ev["escalation_id"], []).append(ev)
    return total, [_build(ctx, r, by_esc.get(r["id"], []), moves.get(r["id"], [])) for r in rows]


def _claim_row(ctx: Ctx, escalation_id: int) -> dict | None:
    rows = dict_rows(
        ctx.conn, "SELECT * FROM escalation_events WHERE escalation_id = ? AND action = 'claim'", (escalation_id,)
    )
    return rows[0] if rows else None


def claim_escalation(ctx: Ctx, escalation_id: int, actor: Actor) -> Escalation:
    """Take over an escalation (inside write_tx). Exactly one claimant ever wins; anyone else
    gets AlreadyClaimed naming the winner. Claiming again as the winner is harmless."""
    esc = get_escalation(ctx, escalation_id)  # NotFound first
    existing = _claim_row(ctx, escalation_id)
    if existing:
        if esc.held_by(actor):
            return esc
        if esc.claimed_by is not None:
            raise AlreadyClaimed(esc.claimed_by, esc.claimed_at or existing["time"], escalation_id)
        # Released earlier: claimed again (the first claim row stays as it was).
        append_row(
            ctx.conn,
            "escalation_claims",
            {
                "escalation_id": escalation_id,
                "action": "claim",
                "to_name": None,
                "to_os_user": None,
                "reason": "",
                **who(actor),
                "time": float(ctx.clock()),
            },
        )
        audit.record(ctx, "escalation.claim", actor, f"escalation:{escalation_id}", "claimed again after a release")
        return get_escalation(ctx, escalation_id)
    t = float(ctx.clock())
    append_row(
        ctx.conn,
        "escalation_events",
        {
            "escalation_id": escalation_id,
            "action": "claim",
            **who(actor),
            "time": t,
            "outcome": None,
            "due": None,
            "department": None,
            "note": "",
        },
    )
    audit.record(ctx, "escalation.claim", actor, f"escalation:{escalation_id}")
    return get_escalation(ctx, escalation_id)


def _held_by_actor(ctx: Ctx, escalation_id: int, actor: Actor, what: str) -> Escalation:
    esc = get_escalation(ctx, escalation_id)
    if esc.outcome:
        raise ValidationError(
            _("escalation {id} already has an outcome ({outcome}); there is no claim to {what}").format(
                id=escalation_id, outcome=esc.outcome, what=what
            )
        )
    if esc.claimed_by is None:
        raise ValidationError(
            _("escalation {id} is not claimed by anyone: there is nothing to {what}").format(
                id=escalation_id, what=what
            )
        )
    if not esc.held_by(actor):
        raise NotAllowed(
            _("escalation {id} is held by {who}; only they can {what} it").format(
                id=escalation_id, who=esc.claimed_by, what=what
            )
        )
    return esc


def release_escalation(ctx: Ctx, escalation_id: int, reason: str, actor: Actor) -> Escalation:
    """The holder gives a claimed escalation back (inside write_tx), with a reason (audited);
    anyone may then claim it."""
    actor = require_signer(ctx, actor, _("release an escalation"))
    _held_by_actor(ctx, escalation_id, actor, _("release"))
    reason = validate.text("reason", reason, max_len=500)
    append_row(
        ctx.conn,
        "escalation_claims",
        {
            "escalation_id": escalation_id,
            "action": "release",
            "to_name": None,
            "to_os_user": None,
            "reason": reason,
            **who(actor),
            "time": float(ctx.clock()),
        },
    )
    audit.record(ctx, "escalation.release", actor, f"escalation:{escalation_id}", reason)
    return get_escalation(ctx, escalation_id)


def pass_escalation(ctx: Ctx, escalation_id: int, to_user: str, reason: str, actor: Actor) -> Escalation:
    """The holder passes a claimed escalation to another supervisor (inside write_tx), with a
    reason (audited). `to_user` is the other person's OS account (with [people], one that may sign)."""
    actor = require_signer(ctx, actor, _("pass an escalation on"))
    _held_by_actor(ctx, escalation_id, actor, _("pass on"))
    to_user = validate.text("the supervisor to pass it to", to_user, max_len=100)
    reason = validate.text("reason", reason, max_len=500)
    to_name = to_user
    if ctx.people:
        person = next((p for p in ctx.people if p.os_user == to_user), None)
        if person is None or not person.can_sign:
            raise ValidationError(
                _("{user} is not a configured supervisor (see [people] in {path})").format(
                    user=repr(to_user), path=ctx.config_file
                )
            )
        to_name = person.name
    if to_user == actor.os_user or to_name == actor.name:
        raise ValidationError(_("pass it to someone else: you already hold it"))
    append_row(
        ctx.conn,
        "escalation_claims",
        {
            "escalation_id": escalation_id,
            "action": "pass",
            "to_name": to_name,
            "to_os_user": to_user,
            "reason": reason,
            **who(actor),
            "time": float(ctx.clock()),
        },
    )
    audit.record(ctx, "escalation.pass", actor, f"escalation:{escalation_id}", f"to {to_name} ({to_user}): {reason}")
    return get_escalation(ctx, escalation_id)


def resolve_escalation(
    ctx: Ctx,
    escalation_id: int,
    outcome: str,
    actor: Actor,
    *,
    due: float | None = None,
    department: str | None = None,
    note: str = "",
    complaint: ComplaintDraft | None = None,
) -> Escalation:
    """Record the outcome (inside write_tx): resolved on the call, callback promised (due
    time; a follow-up is created), or referred (department). Claims it first if unclaimed.

    With `complaint`, the complaint record is appended in the same transaction: both are
    saved or neither is, so a refused outcome never leaves a stray complaint behind."""
    if complaint is not None:
        record_complaint(ctx, complaint, actor, escalation_id)
    esc = get_escalation(ctx, escalation_id)
    if outcome not in OUTCOMES:
        raise ValidationError(
            _("outcome must be one of {outcomes}, got {outcome}").format(
                outcomes=", ".join(OUTCOMES), outcome=repr(outcome)
            )
        )
    if esc.outcome:
        raise ValidationError(
            _(
                "escalation {id} already has an outcome ({outcome}, by {who}); add a log entry or a follow-up instead"
            ).format(id=escalation_id, outcome=esc.outcome, who=esc.outcome_by)
        )
    note = validate.text("note", note, required=False)
    due = validate.number_or_none("due", due)
    department = validate.optional("department", department, max_len=100)
    if outcome == "callback":
        if due is None:
            raise ValidationError(_("a callback needs a due time: when will the customer hear back?"))
        if due <= esc.raised_at:
            raise ValidationError(_("the callback due time must be after the escalation was raised"))
    elif due is not None:
        raise ValidationError(_("a due time only goes with outcome 'callback'"))
    if outcome == "referred":
        if not department:
            raise ValidationError(_("a referral needs the department it was referred to"))
    elif department:
        raise ValidationError(_("a department only goes with outcome 'referred'"))
    if esc.claimed_by is None:
        claim_escalation(ctx, escalation_id, actor)
    elif not esc.held_by(actor):
        raise AlreadyClaimed(esc.claimed_by, esc.claimed_at or 0.0, escalation_id)
    t = float(ctx.clock())
    append_row(
        ctx.conn,
        "escalation_events",
        {
            "escalation_id": escalation_id,
            "action": "outcome",
            **who(actor),
            "time": t,
            "outcome": outcome,
            "due": due,
            "department": department,
            "note": note,
        },
    )
    if outcome == "callback":
        assert due is not None  # checked above: a callback is promised by a time
        add_follow_up(
            ctx,
            f"Call back the customer (escalation {escalation_id}, call {esc.callid})",
            due,
            actor,
            escalation_id=escalation_id,
        )
    elif outcome == "referred":
        # Open until the department's result is recorded (floorconsole followups done ID --result).
        from floorconsole.store import open_items

        open_items.open_item(
            ctx,
            "referral",
            f"Escalation #{escalation_id} (agent {esc.agent}, queue {esc.queue}: "
            f"{esc.reason}) referred to {department}; record the department's result",
            actor,
            source=f"escalation:{escalation_id}",
            escalation_id=escalation_id,
        )
    audit.record(ctx, "escalation.resolve", actor, f"escalation:{escalation_id}", outcome)
    return get_escalation(ctx, escalation_id)


def reveal_caller(ctx: Ctx, escalation_id: int, reason: str, actor: Actor) -> str:
    """The full caller number (inside write_tx); the reveal and its reason are audited."""
    reason = validate.text("reason for revealing the number", reason, max_len=300)
    row = ctx.conn.execute("SELECT caller FROM escalations WHERE id = ?", (escalation_id,)).fetchone()
    if row is None:
        raise NotFound(_("there is no escalation {id}").format(id=escalation_id))
    audit.record(ctx, "escalation.reveal", actor, f"escalation:{escalation_id}", reason)
    return row[0]


def _assessment(draft: ComplaintDraft) -> dict:
    """The complaint's follow-through answers, checked against DOMAIN.md's rule: apologise
    for the company only when it is at fault, and then say whether it went upwards, to whom."""
    if draft.company_at_fault is None:
        raise ValidationError(_("Complaint: say whether the company is at fault (yes or no)."))
    if draft.apology_given is None:
        raise ValidationError(_("Complaint: say whether an apology was given (yes or no)."))
    reported_to = validate.text("reported upwards to", draft.reported_to, required=False, max_len=200)
    if draft.apology_given and not draft.company_at_fault:
        raise ValidationError(
            _(
                "Complaint: apologise for the company only when it is at fault; if it is not, no apology is given for it."
            )
        )
    if draft.company_at_fault and not reported_to:
        raise ValidationError(
            _("Complaint: the company is at fault, so say to whom it was reported upwards (or write 'not reported').")
        )
    return {
        "company_at_fault": bool(draft.company_at_fault),
        "apology_given": bool(draft.apology_given),
        "reported_to": reported_to,
    }


def record_complaint(ctx: Ctx, draft: ComplaintDraft, actor: Actor, escalation_id: int | None = None) -> Complaint:
    """Append a complaint register entry (inside write_tx), optionally tied to an escalation;
    a complaint that came in without any escalation is registered all the same. Its
    follow-through (company at fault, apology, reported to whom) is required and appended
    with it (`complaint_assessments`)."""
    if escalation_id is not None:
        get_escalation(ctx, escalation_id)
    assessment = _assessment(draft)
    phone = validate.text("phone", draft.phone, required=False, max_len=40)
    fields = {
        "escalation_id": escalation_id,
        "customer_name": validate.text("customer name", draft.customer_name, required=False, max_len=200),
        "phone": phone,
        "address": validate.text("address", draft.address, required=False, max_len=500),
        "product": validate.text("product", draft.product, required=False, max_len=200),
        "batch_number": validate.text("batch number", draft.batch_number, required=False, max_len=100),
        "used_when": validate.text("when the product was used", draft.used_when, required=False, max_len=100),
        "problem": validate.text("what went wrong", draft.problem),
        "wants": validate.text("what the customer wants", draft.wants),
        "agent": validate.text("agent", draft.agent, required=False, max_len=100),
        "complaint_time": validate.number_or_none("complaint time", draft.complaint_time),
        **who(actor),
        "time": float(ctx.clock()),
    }
    rid = append_row(ctx.conn, "complaints", fields)
    append_row(
        ctx.conn, "complaint_assessments", {"complaint_id": rid, **assessment, **who(actor), "time": fields["time"]}
    )
    return _complaint(ctx, {"id": rid, **fields, **assessment})


def _complaint(ctx: Ctx, r: dict) -> Complaint:
    at_fault, apology = r.get("company_at_fault"), r.get("apology_given")
    return Complaint(
        r["id"],
        r["escalation_id"],
        r["customer_name"],
        mask_caller(r["phone"], ctx.mask_keep),
        r["address"],
        r["product"],
        r["batch_number"],
        r["used_when"],
        r["problem"],
        r["wants"],
        r["agent"],
        r["complaint_time"],
        r["actor"],
        r["time"],
        None if at_fault is None else bool(at_fault),
        None if apology is None else bool(apology),
        r.get("reported_to") or "",
    )


def list_complaints(ctx: Ctx, since: float | None = None, escalation_id: int | None = None) -> list[Complaint]:
    """Complaints oldest first."""
    where, params = ["1=1"], []
    if since is not None:
        where.append("time >= ?")
        params.append(since)
    if escalation_id is not None:
        where.append("escalation_id = ?")
        params.append(escalation_id)
    rows = dict_rows(
        ctx.conn,
        "SELECT c.*, a.company_at_fault, a.apology_given, a.reported_to FROM complaints c "
        "LEFT JOIN complaint_assessments a ON a.complaint_id = c.id "
        f"WHERE {' AND '.join('c.' + w if w != '1=1' else w for w in where)} ORDER BY c.id",
        params,
    )
    return [_complaint(ctx, r) for r in rows]


def record_summary_sent(
    ctx: Ctx,
    shift: str,
    sent_to: str,
    complaints: int,
    escalations: int,
    fmt: str,
    destination: str,
    actor: Actor,
) -> ComplaintSummarySent:
    """Record that the daily complaint summary of `shift` was sent, to whom (inside write_tx)."""
    shift = validate.text("shift", shift, max_len=100)
    sent_to = validate.text("sent to", sent_to, max_len=200)
    destination = validate.text("destination", destination, required=False, max_len=500)
    fields = {
        "shift": shift,
        "sent_to": sent_to,
        "complaints": int(complaints),
        "escalations": int(escalations),
        "format": validate.text("format", fmt, max_len=10),
        "destination": destination,
        **who(actor),
        "time": float(ctx.clock()),
    }
    rid = append_row(ctx.conn, "complaint_summaries", fields)
    return _summary({"id": rid, **fields})


def _summary(r: dict) -> ComplaintSummarySent:
    return ComplaintSummarySent(
        r["id"],
        r["shift"],
        r["sent_to"],
        r["complaints"],
        r["escalations"],
        r["format"],
        r["destination"],
        r["actor"],
        r["time"],
    )


def list_summaries_sent(ctx: Ctx, shift: str | None = None) -> list[ComplaintSummarySent]:
    """Daily complaint summaries sent, oldest first (of one shift if given)."""
    if shift is None:
        rows = dict_rows(ctx.conn, "SELECT * FROM complaint_summaries ORDER BY id")
    else:
        rows = dict_rows(ctx.conn, "SELECT * FROM complaint_summaries WHERE shift = ? ORDER BY id", (shift,))
    return [_summary(r) for r in rows]


def add_follow_up(
    ctx: Ctx, text: str, due: float, actor: Actor, *, escalation_id: int | None = None, entry_seq: int | None = None
) -> FollowUp:
    """Append a follow-up with a due time (inside write_tx)."""
    text = validate.text("follow-up", text)
    due_f = validate.number_or_none("due", due)
    if due_f is None:
        raise ValidationError(_("a follow-up needs a due time"))
    if escalation_id is not None:
        get_escalation(ctx, escalation_id)
    if entry_seq is not None and not ctx.conn.execute("SELECT 1 FROM entries WHERE seq = ?", (entry_seq,)).fetchone():
        raise ValidationError(_("there is no log entry {seq}").format(seq=entry_seq))
    fields = {
        "escalation_id": escalation_id,
        "entry_seq": entry_seq,
        "text": text,
        "due": due_f,
        **who(actor),
        "time": float(ctx.clock()),
    }
    rid = append_row(ctx.conn, "follow_ups", fields)
    # It stays open, shift after shift, until closed with a result (open_items).
    from floorconsole.store import open_items

    open_items.open_item(
        ctx,
        "callback" if escalation_id is not None else "follow-up",
        text,
        actor,
        source=f"follow_up:{rid}",
        due=due_f,
        entry_seq=entry_seq,
        escalation_id=escalation_id,
    )
    return get_follow_up(ctx, rid)


def get_follow_up(ctx: Ctx, follow_up_id: int) -> FollowUp:
    """One follow-up with its done mark; NotFound if there is none."""
    rows = list_follow_ups(ctx, open_only=False, only_id=follow_up_id)
    if not rows:
        raise NotFound(_("there is no follow-up {id}").format(id=follow_up_id))
    return rows[0]


def complete_follow_up(ctx: Ctx, follow_up_id: int, actor: Actor, note: str = "") -> FollowUp:
    """Mark a follow-up done, once (inside write_tx)."""
    fu = get_follow_up(ctx, follow_up_id)
    if fu.done is not None:
        raise ValidationError(
            _("follow-up {id} was already marked done by {who}").format(id=follow_up_id, who=fu.done.name)
        )
    note = validate.text("note", note, required=False)
    append_row(
        ctx.conn,
        "follow_up_done",
        {"follow_up_id": follow_up_id, **who(actor), "time": float(ctx.clock()), "note": note},
    )
    from floorconsole.store import open_items

    open_items.close_by_source(ctx, f"follow_up:{follow_up_id}", note or "done", actor)
    return get_follow_up(ctx, follow_up_id)


def list_follow_ups(
    ctx: Ctx, open_only: bool = True, due_before: float | None = None, only_id: int | None = None
) -> list[FollowUp]:
    """Follow-ups by due time; by default only those not done."""
    where, params = ["1=1"], []
    if open_only:
        where.append("d.id IS NULL")
    if due_before is not None:
        where.append("f.due < ?")
        params.append(due_before)
    if only_id is not None:
        where.append("f.id = ?")
        params.append(only_id)
    rows = dict_rows(
        ctx.conn,
        "SELECT f.*, d.actor AS d_actor, d.os_user AS d_os_user, d.terminal AS d_terminal, d.time AS d_time, "
        "d.note AS d_note, d.id AS d_id FROM follow_ups f LEFT JOIN follow_up_done d ON d.follow_up_id = f.id "
        f"WHERE {' AND '.join(where)} ORDER BY f.due, f.id",
        params,
    )
    return [
        FollowUp(
            r["id"],
            r["escalation_id"],
            r["entry_seq"],
            r["text"],
            r["due"],
            r["actor"],
            r["time"],
            Signature(r["d_actor"], r["d_os_user"], r["d_terminal"], r["d_time"]) if r["d_id"] else None,
            r["d_note"] or "",
        )
        for r in rows
    ]


def escalation_counts_by_agent(ctx: Ctx, since: float | None = None) -> dict[str, int]:
    """How many escalations each agent raised (the supervisor must not be everyone's crutch)."""
    sql, params = "SELECT agent, count(*) FROM escalations", []
    if since is not None:
        sql += " WHERE time >= ?"
        params.append(since)
    return dict(ctx.conn.execute(sql + " GROUP BY agent ORDER BY agent", params).fetchall())
