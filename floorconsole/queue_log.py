"""Asterisk queue_log lines: `epoch|callid|queue|agent|VERB|data…` -> `Event` or a reject reason.

The floor's hot path splits lines itself (see `Floor.feed`); this module is the readable,
tolerant per-line parser used for the slow path (lines the hot path could not take),
for tools and tests, and the one place that records every verb's data layout.
"""

from __future__ import annotations

import math

from floorconsole.events import QUEUE_LOG_VERBS, Event

BLANK = "blank"  # not a reject: blank lines are skipped and counted apart
_BOM = b"\xef\xbb\xbf"

# Data fields of each verb, oldest layout first, as Asterisk writes them
# (docs/feeds.md explains them; later fields are optional in older versions).
# `int` marks the fields the floor reads as whole numbers; None: not used.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "ENTERQUEUE": ("url", "callerid", "position", "cidname"),
    "CONNECT": ("holdtime", "bridged_uniqueid", "ringtime_s"),
    "COMPLETEAGENT": ("holdtime", "calltime", "origposition"),
    "COMPLETECALLER": ("holdtime", "calltime", "origposition"),
    "ABANDON": ("position", "origposition", "waittime"),
    "EXITEMPTY": ("position", "origposition", "waittime"),
    "EXITWITHTIMEOUT": ("position", "origposition", "waittime"),
    "EXITWITHKEY": ("key", "position", "origposition", "waittime"),
    "RINGNOANSWER": ("ringtime_ms",),
    "RINGCANCELED": ("ringtime_ms",),
    "TRANSFER": ("exten", "context", "holdtime", "calltime", "origposition"),
    "BLINDTRANSFER": ("exten", "context", "holdtime", "calltime", "origposition"),
    # BRIDGE|id or APP|app or LINK|chan1|chan2, then holdtime|calltime|origposition:
    # the numbers are read from the end.
    "ATTENDEDTRANSFER": ("kind", "target", "holdtime", "calltime", "origposition"),
    "ADDMEMBER": ("paused",),
    "REMOVEMEMBER": (),
    "PAUSE": ("reason",),
    "UNPAUSE": ("reason",),
    "PAUSEALL": ("reason",),
    "UNPAUSEALL": ("reason",),
    "AGENTLOGIN": ("channel",),
    "AGENTLOGOFF": ("channel", "logintime"),
    "AGENTCALLBACKLOGIN": ("exten_context",),
    "AGENTCALLBACKLOGOFF": ("exten_context", "logintime", "reason"),
    "ESCALATE": ("reason", "priority"),
}

# Which data fields must be whole numbers for the floor to use the line.
# Negative indexes count from the end (ATTENDEDTRANSFER's prefix varies in length).
REQUIRED_INTS: dict[str, tuple[int, ...]] = {
    "CONNECT": (0,),
    "COMPLETEAGENT": (1,),
    "COMPLETECALLER": (1,),
    "TRANSFER": (3,),
    "BLINDTRANSFER": (3,),
    "ATTENDEDTRANSFER": (-2,),
    "RINGNOANSWER": (0,),
    "RINGCANCELED": (0,),
}


def split_fields(line: bytes) -> tuple[list[bytes], float] | str:
    """Tolerant split: `([time, callid, queue, agent, VERB, data], time)` or a reason.

    Strips surrounding whitespace (CR, a UTF-8 BOM) and upper-cases the verb. The data
    part (index 5) is left joined; it is absent when the line has no data field at all.
    """
    line = line.strip()
    if line.startswith(_BOM):
        line = line[3:].strip()
    if not line:
        return BLANK
    p = line.split(b"|", 5)
    if len(p) < 5:
        return "too_few_fields"
    t = parse_time(p[0])
    if t is None:
        return "bad_time"
    verb = p[4].strip().upper()
    if not verb:
        return "bad_fields"
    p[4] = verb
    return p, t


def parse_time(raw: bytes) -> float | None:
    """Unix seconds from a time field (whole or fractional), or None when it is not one."""
    try:
        t = int(raw)
        return t if t >= 0 else None
    except ValueError:
        pass
    try:
        t = float(raw)
    except ValueError:
        return None
    return t if math.isfinite(t) and t >= 0 else None


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def parse_line(line: bytes) -> Event | str:
    """One queue_log line -> `Event`, or `BLANK`, or a reject reason (docs/feeds.md)."""
    got = split_fields(line)
    if isinstance(got, str):
        return got
    p, t = got
    verb = p[4].decode("ascii", "replace")
    data = tuple(_decode(d) for d in p[5].split(b"|")) if len(p) > 5 else ()
    if data == ("",):
        data = ()  # "QUEUESTART|" : empty data still ends with "|"
    for i in REQUIRED_INTS.get(verb, ()):
        try:
            int(data[i])
        except (IndexError, ValueError):
            return "bad_fields"
    return Event(t, _decode(p[1]), _decode(p[2]), _decode(p[3]), verb, data)


def is_known(verb: str) -> bool:
    """True when the floor interprets `verb` (custom QueueLog() verbs are not known)."""
    return verb in QUEUE_LOG_VERBS


def to_line(event: Event) -> bytes:
    """Render an Event as a queue_log line (no newline); `|` inside fields becomes `_`."""
    fields = [str(event.time) if isinstance(event.time, int) else _fmt(event.time)]
    fields += [s.replace("|", "_") for s in (event.callid, event.queue, event.agent, event.verb)]
    fields += [s.replace("|", "_") for s in event.data] or [""]
    return "|".join(fields).encode("utf-8", "replace")


def _fmt(t: float) -> str:
    return str(int(t)) if t == int(t) else repr(t)
