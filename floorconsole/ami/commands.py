"""What the gateway sends and what it reports: pure builders and the result type.

Kept apart from the connection so the exact bytes of every supervisor action can be read
and tested without a socket: which channel ChanSpy may match, which options it gets, what
a take-over transfers and writes to queue_log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from floorconsole.i18n import _

# Every action the gateway ever sends, lower-case. panoramisk re-sends an unanswered action
# after a reconnect unless its name is in `forgetable_actions`; ours are all there, so
# nothing is ever sent twice. `gateway._send` refuses any action not listed.
FORGETTABLE_ACTIONS: tuple[str, ...] = (
    "ping",
    "login",
    "logoff",
    "queuestatus",
    "coreshowchannels",
    "originate",
    "blindtransfer",
    "redirect",
    "queuepause",
    "queueremove",
    "queuelog",
    "hangup",
)


class SpyMode(StrEnum):
    """Listen (the agent and caller hear nothing), whisper (the agent hears the supervisor),
    barge (both hear the supervisor)."""

    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


class Outcome(StrEnum):
    """How an action ended. Only OK means it was done; the message says the rest."""

    OK = "ok"
    FAILED = "failed"  # Asterisk answered with an error (or events showed it did not happen)
    DENIED = "denied"  # Permission denied: the AMI user lacks the write class
    CHANNEL_GONE = "channel-gone"  # the channel hung up before the action reached it
    TIMEOUT = "timeout"  # no answer in time; outcome unknown, NOT retried
    CONNECTION_LOST = "connection-lost"  # the connection dropped first; NOT retried
    UNAVAILABLE = "unavailable"  # not attempted: no AMI, not connected, no phone configured ...


@dataclass(frozen=True)
class ActionResult:
    """The outcome of one supervisor action, with everything the audit row needs."""

    action: str  # listen, whisper, barge, take-over, pause, unpause, queue-remove, hangup
    outcome: Outcome
    message: str  # one sentence fit to show the supervisor
    target: str  # the agent interface or channel acted on
    supervisor: str = ""
    action_ids: tuple[str, ...] = ()
    sent: tuple[Mapping[str, str], ...] = ()  # the AMI actions sent (secret-free)
    started: float = 0.0  # clock time
    finished: float = 0.0
    detail: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def audit_action(self) -> str:
        """The audit row's action (store.audit.record: at most 60 characters)."""
        return f"ami.{self.action}"

    @property
    def audit_detail(self) -> str:
        """The audit row's detail: outcome, message, ActionIDs and key facts on one line."""
        extras = " ".join(f"{k}={v}" for k, v in sorted(self.detail.items()) if v)
        ids = ",".join(self.action_ids)
        return (
            f"{self.outcome.value}: {self.message}"
            + (f" [{extras}]" if extras else "")
            + (f" ActionID={ids}" if ids else "")
        )


def chanspy_options(mode: SpyMode, use_u: bool) -> str:
    """ChanSpy options: `q` quiet (no beep, no name), `d` DTMF 4/5/6 switches
    listen/whisper/barge, `E` exit when the agent's channel hangs up, `u` the prefix is
    the exact channel name; plus `w` (whisper) or `B` (barge)."""
    opts = "qdE" + ("u" if use_u else "")
    if mode is SpyMode.WHISPER:
        opts += "w"
    elif mode is SpyMode.BARGE:
        opts += "B"
    return opts


def exact_channel(name: str) -> str:
    """Check a channel name is a full one (`PJSIP/101-0000001a`), never a device or prefix
    (`PJSIP/10` would let ChanSpy match `PJSIP/101-…`, and a name starting with `/` is a
    regular expression to the Hangup action). Returns it, or raises ValueError."""
    if not name or name.startswith("/") or "/" not in name or any(c in name for c in ",|()\r\n") or " " in name:
        raise ValueError(_("not a channel name: {name}").format(name=repr(name)))
    device, _sep, rest = name.split(";", 1)[0].rpartition("-")
    if not device or not rest:
        raise ValueError(
            _("{name} is a device, not a channel (a channel name ends in -<sequence>)").format(name=repr(name))
        )
    return name


def spy_originate(
    endpoint: str, agent_channel: str, mode: SpyMode, ring_s: float, use_u: bool, label: str
) -> dict[str, str]:
    """The Originate that rings the supervisor's phone and, once answered, runs ChanSpy on
    exactly the agent's channel."""
    exact_channel(agent_channel)
    return {
        "Action": "Originate",
        "Channel": endpoint,
        "Application": "ChanSpy",
        "Data": f"{agent_channel},{chanspy_options(mode, use_u)}",
        "Timeout": str(int(ring_s * 1000)),
        "CallerID": f'"{label[:40]}" <{mode.value}>',
        "Async": "true",
    }


def takeover_transfer(agent_channel: str, context: str, extension: str) -> dict[str, str]:
    """BlindTransfer of the agent's channel: its bridge peer (the caller) goes to the
    supervisor's extension; app_queue logs BLINDTRANSFER and frees the agent."""
    exact_channel(agent_channel)
    return {"Action": "BlindTransfer", "Channel": agent_channel, "Context": context, "Exten": extension}


def takeover_queue_log(queue: str, callid: str, agent: str, supervisor: str, outcome: str) -> dict[str, str]:
    """The queue_log line a take-over leaves: `FLOORTAKEOVER` with `supervisor|outcome`."""
    return {
        "Action": "QueueLog",
        "Queue": queue,
        "Event": "FLOORTAKEOVER",
        "Uniqueid": callid,
        "Interface": agent,
        "Message": f"{_field(supervisor)}|{_field(outcome)}",
    }


def queue_pause(interface: str, paused: bool, reason: str, queue: str | None) -> dict[str, str]:
    """QueuePause in one queue, or in all of the member's queues when `queue` is None."""
    action = {"Action": "QueuePause", "Interface": interface, "Paused": "true" if paused else "false"}
    if queue:
        action["Queue"] = queue
    if reason:
        action["Reason"] = _field(reason)
    return action


def _field(text: str) -> str:
    """Text made safe for one AMI header value and one queue_log field."""
    return "".join(" " if c in "\r\n|" else c for c in text).strip()[:80]
