"""A feed ESCALATE line as the store's `raise_escalation` arguments.

The engine records them through `recorder` (console or not, `watch` too): once per feed
line, keyed by the line's identity however many consoles, `watch` processes or restarts
read it, and "raised by" the agent on the line. Two rules from DOMAIN.md's
confidentiality section decide the shape:
- the caller id, in whatever form the feed gives it (a number, `sip:…@host`, `anonymous`),
  goes only into the caller field, which every display masks; never into the reason;
- a feed escalation is always recorded: a card number in the reason is replaced by
  `[card number removed]`, and a field too long for the records is shortened, with a note
  in the reason saying so, instead of the whole escalation being refused.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypedDict

from floorconsole.identity import Actor
from floorconsole.layout import label_agent
from floorconsole.masking import find_card_number, is_phone_number, redact_card_numbers
from floorconsole.store.store import Store

if TYPE_CHECKING:
    from floorconsole.events import Escalation
    from floorconsole.layout import FloorLayout
    from floorconsole.store import StoreService

# The store's limits (store/escalations.py, store/validate.py).
FIELD_MAX = 100
REASON_MAX = 4000
CALLER_MAX = 200
DEFAULT_REASON = "escalated from the feed"


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class EscalationArgs(TypedDict):
    """`Store.raise_escalation`'s arguments but the actor (a plain dict at run time)."""

    callid: str
    agent: str
    queue: str
    reason: str
    caller: str
    priority: int
    event_key: str
    raised_at: float


def escalation_args(esc: Escalation) -> EscalationArgs:
    """`raise_escalation` keyword arguments for a feed escalation."""
    try:
        priority = int(esc.priority) if esc.priority else 2
    except ValueError:
        priority = 2
    notes: list[str] = []
    # Each card number in the reason becomes "[card number removed]" in place: that says so.
    reason, _ = redact_card_numbers((esc.reason or "").replace("\x00", "").strip())
    fields: dict[str, str] = {}
    for name in ("callid", "agent", "queue"):
        value = (getattr(esc, name) or "").replace("\x00", "").strip()
        value, n = redact_card_numbers(value)
        if n:
            notes.append(f"card number removed from the {name}")
        if len(value) > FIELD_MAX:
            notes.append(f"{name} shortened from {len(value)} characters")
            value = _shorten(value, FIELD_MAX)
        fields[name] = value or "-"
    caller = (esc.caller or "").replace("\x00", "").strip()
    if caller and find_card_number(caller):
        caller = ""
        notes.append("caller id removed: it looked like a card number")
    elif caller and not is_phone_number(caller) and not (caller.isprintable() and not any(c.isspace() for c in caller)):
        # one token, as the store keeps a caller id: "John <1380…>" -> "John_<1380…>"
        caller = "".join(c if c.isprintable() and not c.isspace() else "_" for c in caller)
    if len(caller) > CALLER_MAX:
        caller = caller[:CALLER_MAX]
        notes.append("caller id shortened")
    reason = reason or DEFAULT_REASON
    if notes:
        suffix = " [" + "; ".join(notes) + "]"
        reason = _shorten(reason, REASON_MAX - len(suffix)) + suffix
    else:
        reason = _shorten(reason, REASON_MAX)
    return EscalationArgs(
        callid=fields["callid"],
        agent=fields["agent"],
        queue=fields["queue"],
        reason=reason,
        caller=caller,
        priority=min(3, max(1, priority)),
        event_key=esc.key,
        raised_at=esc.time,
    )


def raised_by(esc: Escalation, names: dict[str, str]) -> Actor:
    """The agent on the line, named as supervisors name agents (`Liu Bo (SIP/1038)`)."""
    return Actor(name=label_agent(esc.agent, names.get(esc.agent)) or "feed", os_user="feed", terminal="feed")


def recorder(
    service: StoreService, layout: FloorLayout | None, on_problem: Callable[[str], None]
) -> Callable[[list[Escalation]], None]:
    """An engine `on_escalations` sink that records each escalation on the store's thread;
    a refusal is reported through `on_problem` (shown in the header), never raised."""

    def done(fut: Future[Any]) -> None:  # Any: only its exception is read
        exc = fut.exception()
        if exc is not None:
            on_problem(f"could not record a feed escalation: {exc}")

    names = {p.agent: p.name for p in layout.seats} if layout is not None else {}

    def record(escalations: list[Escalation]) -> None:
        for esc in escalations:
            fut = service.submit(Store.raise_escalation, actor=raised_by(esc, names), **escalation_args(esc))
            fut.add_done_callback(done)

    return record
