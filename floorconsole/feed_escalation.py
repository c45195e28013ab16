"""Feed escalations (`ESCALATE` lines) into the records, by the engine, console or not.

An escalation raised on the feed is recorded once, keyed by the line's identity, however
many consoles, `watch` processes or restarts read that line; it is "raised by" the agent on
the line, not by whichever supervisor's console read it first.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from floorconsole.identity import Actor
from floorconsole.layout import label_agent
from floorconsole.masking import is_phone_number

if TYPE_CHECKING:
    from floorconsole.events import Escalation
    from floorconsole.layout import FloorLayout
    from floorconsole.store import StoreService


def escalation_args(esc: Any) -> dict[str, Any]:
    """`raise_escalation` keyword arguments for a feed escalation (`events.Escalation`)."""
    try:
        priority = int(esc.priority) if esc.priority else 2
    except ValueError:
        priority = 2
    caller = (esc.caller or "").strip()
    reason = esc.reason or "escalated from the feed"
    if caller and not is_phone_number(caller):
        # a withheld caller id ("anonymous", "unknown") is not a number the store keeps
        reason, caller = f"{reason} (caller id: {caller[:30]})", ""
    return dict(
        callid=esc.callid,
        agent=esc.agent,
        queue=esc.queue,
        reason=reason,
        caller=caller,
        priority=min(3, max(1, priority)),
        event_key=esc.key,
        raised_at=esc.time,
    )


def raised_by(esc: Any, names: dict[str, str]) -> Actor:
    """The agent on the line, named as supervisors name agents (`Liu Bo (SIP/1038)`)."""
    return Actor(name=label_agent(esc.agent, names.get(esc.agent)) or "feed", os_user="feed", terminal="feed")


def recorder(
    service: "StoreService", layout: "FloorLayout | None", on_problem: Callable[[str], None]
) -> Callable[["list[Escalation]"], None]:
    """An engine `on_escalations` sink that records each escalation on the store's thread;
    a refusal is reported through `on_problem` (shown in the header), never raised."""

    def done(fut: "Future[Any]") -> None:
        exc = fut.exception()
        if exc is not None:
            on_problem(f"could not record a feed escalation: {exc}")

    names = {p.agent: p.name for p in layout.seats} if layout is not None else {}

    def record(escalations: "list[Escalation]") -> None:
        for esc in escalations:
            fut = service.submit("raise_escalation", actor=raised_by(esc, names), **escalation_args(esc))
            fut.add_done_callback(done)

    return record
