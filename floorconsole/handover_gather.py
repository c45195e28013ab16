"""What the outgoing shift hands over: everything still open at shift end, as drafts.

DOMAIN.md (Handover): a handover carries unresolved customer issues and follow-ups,
important customer information, equipment status, difficult cases, staffing changes and
new notices. `gather_open_items` reads them from the store and returns one
`HandoverItemDraft` per item, grouped by kind and oldest first, so the outgoing supervisor
only adds lines and free entries before signing. Items that already are duty-log entries
are carried as they are (`entry_seq`), so the handover points at the chain, never copies it.

`item_origin` answers the reverse question for the review screen: how old an item really is
and who owns it (an escalation carried as a new entry is as old as the escalation).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from floorconsole import log_kinds
from floorconsole.config import ShiftDef
from floorconsole.i18n import _
from floorconsole.layout import FloorLayout
from floorconsole.shifts import ShiftWindow, shift_at_epoch
from floorconsole.store import HandoverItem, HandoverItemDraft, Store

# Log kinds carried from the outgoing shift's duty log (DOMAIN.md's handover list), the
# display order of the groups on the review screen and in `handover show`, their titles.
CARRIED_ENTRY_KINDS: tuple[str, ...] = log_kinds.CARRIED_ENTRY_KINDS
KIND_ORDER: tuple[str, ...] = log_kinds.ENTRY_KINDS


class _KindTitles(Mapping[str, str]):
    """kind key -> group title (`Follow-ups 待跟进`), in the language shown now (read at
    each lookup, not at import, so a console switched to zh_CN shows `待跟进`)."""

    def __getitem__(self, key: str) -> str:
        return log_kinds.BY_KEY[key].title

    def __iter__(self) -> Iterator[str]:
        return iter(log_kinds.BY_KEY)

    def __len__(self) -> int:
        return len(log_kinds.BY_KEY)


KIND_TITLES: Mapping[str, str] = _KindTitles()


@dataclass(frozen=True)
class Gathered:
    """One item to hand over, with what the hand-over screen shows beside it."""

    draft: HandoverItemDraft
    time: float  # when the item arose (its age on both screens)
    owner: str  # who holds it now / who raised it


def handover_shifts(shifts: tuple[ShiftDef, ...], now: float) -> tuple[ShiftWindow, ShiftWindow]:
    """(outgoing, incoming): the shift `now` is in, and the one that follows it."""
    current = shift_at_epoch(shifts, now)
    nxt = shift_at_epoch(shifts, (current.end + timedelta(seconds=1)).timestamp())
    return current, nxt


def _hhmm(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")


def gather(store: Store, shift: ShiftWindow, now: float, layout: FloorLayout | None = None) -> list[Gathered]:
    """Everything still open at the end of `shift`, grouped by kind, oldest first.

    - every open item (follow-ups and promised callbacks with their due time, questioned
      items, referrals, follow-ups and difficult cases handed over before), whichever shift
      opened it: it is carried until someone closes it with a result;
    - escalations with no outcome yet (open or claimed), caller number masked;
    - the shift's duty-log entries of the carried kinds (follow-up, equipment,
      difficult-case, staffing, notice, customer-info), with their latest correction;
    - the shift's patrol notes flagged for follow-up.

    With `layout`, agents are written with their names ("Liu Bo (SIP/1038)").
    """
    label = layout.agent_label if layout is not None else str
    out: list[Gathered] = []
    key = shift.key
    still_open = store.open_item_drafts(now)
    linked_entries = {item.entry_seq for item, _ in still_open if item.entry_seq is not None}
    linked_entries |= store.carrier_entry_seqs(key)  # written by a handover for one of the records below
    for item, draft in still_open:
        out.append(Gathered(draft, item.opened.time, item.opened.name))
    for e in store.list_escalations(include_closed=False):
        owner = e.claimed_by or e.raised_by
        # the record's words are written in the console's language (the people reading it)
        state = _("claimed by {who}").format(who=e.claimed_by) if e.claimed_by else _("not claimed")
        caller = _(", caller {number}").format(number=e.caller_masked) if e.caller_masked else ""
        body = _("Escalation #{id} ({state}): agent {agent}, queue {queue}{caller}, P{priority}: {reason}").format(
            id=e.id,
            state=state,
            agent=label(e.agent),
            queue=e.queue,
            caller=caller,
            priority=e.priority,
            reason=e.reason,
        )
        out.append(Gathered(HandoverItemDraft("escalation", body, source=f"escalation:{e.id}"), e.raised_at, owner))
    entries = store.list_entries(shift=key, kinds=list(CARRIED_ENTRY_KINDS))
    for entry in entries:
        if entry.seq in linked_entries:
            continue  # already carried as its follow-up record
        note = ""
        corrections = store.corrections_of(entry.seq)
        if corrections:
            last = corrections[-1]
            note = _("Corrected by #{seq}: {body}").format(seq=last.seq, body=last.body)
        out.append(
            Gathered(
                HandoverItemDraft(entry.kind, entry.body, note=note, entry_seq=entry.seq, source=f"entry:{entry.seq}"),
                entry.time,
                entry.author,
            )
        )
    for n in store.list_patrol_notes(shift=key, follow_up_only=True):
        findings = ", ".join(i.label for i in n.items) or _("note")
        seat = _(" at seat {seat}").format(seat=n.seat) if n.seat else ""
        text = f": {n.text}" if n.text else ""
        body = _("Patrol finding on {agent}{seat} ({findings}){text}").format(
            agent=label(n.agent), seat=seat, findings=findings, text=text
        )
        out.append(Gathered(HandoverItemDraft("patrol", body, source=f"patrol:{n.id}"), n.time, n.author))
    return sort_gathered(out)


def kind_rank(kind: str) -> int:
    """Position of a kind in `KIND_ORDER` (unknown kinds last)."""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def sort_gathered(items: list[Gathered]) -> list[Gathered]:
    """Grouped by kind (KIND_ORDER), oldest first inside a group."""
    return sorted(items, key=lambda g: (kind_rank(g.draft.kind), g.time))


def checklist_kind(label: str) -> str:
    """The log kind a handover checklist line is filed under (by its words; else general)."""
    low = label.lower()
    for word, kind in (
        ("equipment", "equipment"),
        ("staff", "staffing"),
        ("swap", "staffing"),
        ("notice", "notice"),
        ("customer", "customer-info"),
    ):
        if word in low:
            return kind
    return "general"


def checklist_drafts(labels: tuple[str, ...], notes: list[str]) -> list[HandoverItemDraft]:
    """One item per handover checklist line (config `[handover] checklist`), with its note."""
    return [
        HandoverItemDraft(checklist_kind(label), f"{label}: {note}", source=f"checklist:{i}")
        for i, (label, note) in enumerate(zip(labels, notes), 1)
    ]


def free_entry(kind: str, body: str, note: str = "") -> HandoverItemDraft:
    """A free entry the outgoing supervisor adds (written as a new log entry)."""
    return HandoverItemDraft(kind, body, note=note, source="free")


def item_kind(item: HandoverItem) -> str:
    """The kind an item is grouped under: its entry's kind (a carried correction: the original's)."""
    return item.entry.kind


def item_origin(store: Store, item: HandoverItem) -> tuple[float, str]:
    """(when it arose, owner) of a carried item, from the record its `source` names.

    Falls back to the log entry's time and author when the source is free or gone.
    """
    src = item.source or ""
    kind, _, ident = src.partition(":")
    try:
        n = int(ident)
    except ValueError:
        return item.entry.time, item.entry.author
    try:
        if kind == "escalation":
            e = store.get_escalation(n)
            return e.raised_at, e.claimed_by or e.raised_by
        if kind == "open_item":
            o = store.get_open_item(n)
            return o.opened.time, o.opened.name
        if kind == "follow_up":
            f = next((f for f in store.list_follow_ups(open_only=False) if f.id == n), None)
            if f is not None:
                return f.time, f.created_by
        if kind == "patrol":
            p = next((p for p in store.list_patrol_notes() if p.id == n), None)
            if p is not None:
                return p.time, p.author
    except Exception:  # noqa: BLE001 - a missing source must not hide the item
        pass
    return item.entry.time, item.entry.author


def origins(store: Store, items: tuple[HandoverItem, ...]) -> dict[int, tuple[float, str]]:
    """`item_origin` for every item, by item id (one store round trip for the review)."""
    return {it.id: item_origin(store, it) for it in items}


def format_age(seconds: float) -> str:
    """A short age: 45s, 12m, 3h05m, 2d04h."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 86400}d{(s % 86400) // 3600:02d}h"


def open_items_text(counts: object) -> str | None:
    """The header's open-items part from `Store.open_item_counts()`: "open items 5 (2 overdue,
    1 due this shift)"; None when nothing is open."""
    total = getattr(counts, "open", 0) + getattr(counts, "escalations", 0)
    if not total:
        return None
    extra = [
        what.format(n=n)
        for n, what in (
            (getattr(counts, "overdue", 0), _("{n} overdue")),
            (getattr(counts, "due_this_shift", 0), _("{n} due this shift")),
        )
        if n
    ]
    details = _(" ({details})").format(details=_(", ").join(extra)) if extra else ""
    return _("open items {n}").format(n=total) + details
