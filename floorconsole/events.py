"""`Event`: the one shape every feed parser produces, and the verb sets the floor knows.

The floor's hot path (`Floor.feed`) does not build an `Event` per line; Events exist for
the public `Floor.apply` path, for the JSON-lines feed and for escalations.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

# Verbs Asterisk's app_queue / chan_agent write (DOMAIN.md, docs/feeds.md).
CALL_ENTER = frozenset({"ENTERQUEUE"})
ANSWER = frozenset({"CONNECT"})
# Answered calls that ended: their calltime is what AHT averages (DOMAIN.md).
CALL_ENDED = frozenset({"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})
ABANDONED = frozenset({"ABANDON"})
# Left the queue unanswered for another reason; counted apart from abandoned.
EXITED = frozenset({"EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"})
RING = frozenset({"RINGNOANSWER", "RINGCANCELED"})
MEMBER = frozenset(
    {
        "ADDMEMBER",
        "REMOVEMEMBER",
        "PAUSE",
        "UNPAUSE",
        "PAUSEALL",
        "UNPAUSEALL",
        "AGENTLOGIN",
        "AGENTLOGOFF",
        "AGENTCALLBACKLOGIN",
        "AGENTCALLBACKLOGOFF",
    }
)
# Well-formed verbs that carry nothing the floor model uses (still "parsed", not unknown).
# FLOORTAKEOVER is the console's own (QueueLog action after a take-over, docs/asterisk.md).
INFORMATIONAL = frozenset(
    {"QUEUESTART", "CONFIGRELOAD", "SYSCOMPAT", "PENALTY", "DID", "INFO", "AGENTDUMP", "FLOORTAKEOVER"}
)
# The dialplan's custom escalation verb: epoch|callid|queue|agent|ESCALATE|reason|priority.
ESCALATE = "ESCALATE"

QUEUE_LOG_VERBS = CALL_ENTER | ANSWER | CALL_ENDED | ABANDONED | EXITED | RING | MEMBER | INFORMATIONAL | {ESCALATE}
# Only the JSON-lines feed can report ringing and the end of wrap-up explicitly.
JSONL_ONLY_VERBS = frozenset({"RINGING", "WRAPUP", "WRAPUPEND"})
KNOWN_VERBS = QUEUE_LOG_VERBS | JSONL_ONLY_VERBS


def format_time(t: float) -> str:
    """Canonical text of an event time: whole seconds without a fraction."""
    if isinstance(t, int):
        return str(t)  # no float(): a huge int must not overflow (parsers reject it anyway)
    if math.isfinite(t) and t == int(t):
        return str(int(t))
    return repr(float(t))


@dataclass(slots=True, frozen=True)
class Event:
    """One feed line, parsed. `key` is computed on first use and then kept."""

    time: float  # Unix seconds
    callid: str  # kept as a string ("NONE", "psy1-1292281041.87", ...)
    queue: str
    agent: str  # interface or free-text name, exactly as in the feed
    verb: str  # upper-case
    data: tuple[str, ...] = ()
    _key: str | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    @property
    def key(self) -> str:
        """Stable identity of the line: the same line gives the same key on every console.

        Hashing costs ~1 µs, so it is done lazily: only escalations and the store need it.
        """
        k = self._key
        if k is None:
            text = "\x1f".join((format_time(self.time), self.callid, self.queue, self.agent, self.verb, *self.data))
            k = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            object.__setattr__(self, "_key", k)
        return k


@dataclass(slots=True, frozen=True)
class Escalation:
    """A pending escalation raised by an ESCALATE line, with the caller id when known."""

    event: Event
    caller: str | None = None

    @property
    def key(self) -> str:
        return self.event.key

    @property
    def time(self) -> float:
        return self.event.time

    @property
    def callid(self) -> str:
        return self.event.callid

    @property
    def queue(self) -> str:
        return self.event.queue

    @property
    def agent(self) -> str:
        return self.event.agent

    @property
    def reason(self) -> str:
        return self.event.data[0] if self.event.data else ""

    @property
    def priority(self) -> str:
        return self.event.data[1] if len(self.event.data) > 1 else ""
