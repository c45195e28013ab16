"""The JSON the board shows: queue figures and agent counts, and nothing else.

Built from the board's `views.FloorModel` with the injected clock's `now`. No caller
number, caller name, call id, patrol finding or note is ever read here: a queue's figures
come from its `QueueView` (counts and percentages) and `AgentCounts`; agent names and
states only when `[wallboard] show_agents` allows. On top of that, by construction:

- every number is small: counts and waits are whole numbers clamped to 9999, percentages
  have one decimal, and no epoch time is sent (the page ticks waits from their age at
  `now`, on its own monotonic clock), so no run of 5 or more digits is ever in the payload;
- every text from the feed (queue and agent names) goes through `shown`: control, format
  and surrogate characters become U+FFFD (so JSON needs no `\\u00NN` escape, whose digits
  could join a run) and every run of 5+ digits is masked (`mask_digit_runs`), so a queue
  named after a hotline number or an agent interface holding a phone number shows masked,
  like every other display path.

`QUEUE_FIELDS` / `AGENT_FIELDS` / `TOP_FIELDS` are the whole vocabulary; the tests hold
the payload to exactly these.
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
from typing import Any

from floorconsole import rules
from floorconsole.config import Thresholds
from floorconsole.masking import mask_digit_runs
from floorconsole.views import AgentCounts, FeedStatus, FloorModel, QueueView, SeatView

MAX_FIGURE = 9999  # counts and seconds are clamped here: no 5-digit run, ever
TOP_FIELDS = frozenset({"now", "feed", "targets", "queues"})
TARGET_FIELDS = frozenset({"sl_pct", "abandon_pct", "apology_s"})
QUEUE_FIELDS = frozenset(
    {
        "name",
        "waiting",
        "longest_wait_s",
        "service_level",
        "abandon_rate",
        "available",
        "on_call",
        "wrap_up",
        "paused",
        "sl_alert",
        "abandon_alert",
        "wait_alert",
    }
)
AGENT_FIELDS = frozenset({"name", "state"})
SHOWN_STATES = ("ON_CALL", "RINGING", "WRAP_UP", "PAUSED", "AVAILABLE")  # board order; logged-off not shown


MAX_NAME = 60


def shown(text: str) -> str:
    """A queue or agent name fit for the board (see the module docstring)."""
    text = text[:MAX_NAME]
    if not (text.isascii() and text.isprintable()):
        text = "".join(
            "\ufffd" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else ch for ch in text
        )
    return mask_digit_runs(text)


def whole(value: float | int | None) -> int | None:
    """A count or a number of seconds as a whole number in 0..9999 (None stays None)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return max(0, min(MAX_FIGURE, int(value)))


def percent(value: float | None) -> float | None:
    """A percentage with one decimal in 0..100 (None: undefined, the page shows "—")."""
    if value is None or not math.isfinite(value):
        return None
    return round(max(0.0, min(100.0, float(value))), 1)


_FEED_STATES = {
    "live": "live",
    "backfilling": "backfilling",
    "": "backfilling",
    "catching up": "catching_up",
    "missing file": "missing",
    "unreadable": "unreadable",
    "not a regular file": "unreadable",
}


def feed_key(status: FeedStatus) -> str:
    """The feed's state as one of a fixed set of words (never the path or an error text)."""
    return _FEED_STATES.get(status.state, "problem")


def queue_entry(q: QueueView, counts: AgentCounts | None, now: float, th: Thresholds) -> dict[str, Any]:
    c = counts or AgentCounts()
    wait = rules.longest_wait_now(q, now)
    return {
        "name": shown(q.name),
        "waiting": whole(q.waiting_now),
        "longest_wait_s": whole(wait),
        "service_level": percent(q.service_level),
        "abandon_rate": percent(q.abandon_rate),
        "available": whole(c.available),
        "on_call": whole(c.on_call),
        "wrap_up": whole(c.wrap_up),
        "paused": whole(c.paused),
        "sl_alert": rules.is_sl_below_target(q, th),
        "abandon_alert": rules.is_abandon_above_target(q, th),
        "wait_alert": rules.is_past_apology(q, now, th),
    }


def agents_by_queue(seats: dict[str, SeatView]) -> dict[str, list[dict[str, str]]]:
    """Agent names and states per queue (only when the config allows it)."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    order = {s: i for i, s in enumerate(SHOWN_STATES)}
    for seat in seats.values():
        if seat.state not in order:
            continue
        for q in seat.queues:
            out.setdefault(q, []).append((order[seat.state], shown(seat.name or seat.agent), seat.state))
    return {q: [{"name": n, "state": s} for _, n, s in sorted(rows)] for q, rows in out.items()}


def build(model: FloorModel, now: float, th: Thresholds, *, show_agents: bool = False) -> dict[str, Any]:
    """The board's whole payload at `now` (call with the model not changing underneath)."""
    agents = agents_by_queue(model.seats) if show_agents else None
    queues = []
    for name in sorted(model.queues):
        entry = queue_entry(model.queues[name], model.counts.get(name), now, th)
        if agents is not None:
            entry["agents"] = agents.get(name, [])
        queues.append(entry)
    return {
        "now": time.strftime("%H:%M:%S", time.localtime(now)),
        "feed": feed_key(model.status),
        "targets": {
            "sl_pct": percent(th.sl_target_pct),
            "abandon_pct": percent(th.abandon_target_pct),
            "apology_s": whole(th.apology_wait_s),
        },
        "queues": queues,
    }


def encode(payload: dict[str, Any]) -> str:
    """Compact JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
