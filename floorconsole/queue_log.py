"""Asterisk queue_log lines: `epoch|callid|queue|agent|VERB|data…` -> `Event` or a reject reason.

The floor's hot path splits lines itself (see `Floor.feed`); this module is the readable,
tolerant per-line parser used for the slow path (lines the hot path could not take),
for tools and tests, and the one place that records every verb's data layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from floorconsole.events import QUEUE_LOG_VERBS, Event, format_time

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
    # written by the console's QueueLog action after a take-over (docs/asterisk.md)
    "FLOORTAKEOVER": ("supervisor", "outcome"),
}

# The one rule for numbers, shared by every path that reads a feed line (the floor's hot
# loop, its handlers, `parse_line`, the JSON-lines parser): a bad value is a bad field
# (a reject reason), never an exception, and nothing downstream sees an extreme.
MIN_TIME = 0
MAX_TIME = 4_102_444_800  # 2100-01-01T00:00:00Z: any later time is a corrupt field
MAX_DURATION_S = 7 * 86_400  # no wait, talk or ring lasts a week
MAX_RING_MS = MAX_DURATION_S * 1000
_MAX_DIGITS = 13  # more digits than any bound above: no int() of a 400-digit run
# (counted without leading zeros: 0000000007 is 7, as int() and the hot loop read it)

# Durations each verb carries, as (data index, upper bound, required): written as plain
# digits (no sign, "_", spaces or fraction), 0..bound. An optional one may be absent or
# empty (older layouts); a present one is checked all the same. Negative indexes count
# from the end (ATTENDEDTRANSFER's prefix varies in length).
_S, _MS = MAX_DURATION_S, MAX_RING_MS
DURATIONS: dict[str, tuple[tuple[int, int, bool], ...]] = {
    "CONNECT": ((0, _S, True), (2, _S, False)),  # holdtime, ringtime_s
    "COMPLETEAGENT": ((0, _S, False), (1, _S, True)),  # holdtime, calltime
    "COMPLETECALLER": ((0, _S, False), (1, _S, True)),
    "TRANSFER": ((2, _S, False), (3, _S, True)),
    "BLINDTRANSFER": ((2, _S, False), (3, _S, True)),
    "ATTENDEDTRANSFER": ((-3, _S, False), (-2, _S, True)),
    "ABANDON": ((2, _S, False),),  # waittime
    "EXITEMPTY": ((2, _S, False),),
    "EXITWITHTIMEOUT": ((2, _S, False),),
    "EXITWITHKEY": ((3, _S, False),),
    "RINGNOANSWER": ((0, _MS, True),),  # ringtime in milliseconds
    "RINGCANCELED": ((0, _MS, True),),
}
# Fewest data fields a verb needs (ATTENDEDTRANSFER: a target, then the three numbers).
MIN_DATA = {"ATTENDEDTRANSFER": 4}
# Which data fields must be present whole numbers (the required durations).
REQUIRED_INTS: dict[str, tuple[int, ...]] = {
    verb: tuple(i for i, _, required in fields if required) for verb, fields in DURATIONS.items()
}


def duration(raw: bytes | str, limit: int = MAX_DURATION_S) -> int | None:
    """A whole number 0..`limit` written as plain ASCII digits, or None when it is not."""
    if isinstance(raw, str):
        if not raw.isascii():
            return None
        raw = raw.encode()
    if not raw.isdigit() or len(raw.lstrip(b"0")) > _MAX_DIGITS:  # bytes.isdigit: ASCII only
        return None
    n = int(raw)
    return n if n <= limit else None


def durations(verb: str, data: Sequence[bytes] | Sequence[str]) -> tuple[int | None, ...] | None:
    """`verb`'s durations (in `DURATIONS` order; None: optional and absent), or None when
    the line breaks the rule: a required one missing, or any one not a plain 0..bound."""
    fields = DURATIONS.get(verb)
    if fields is None:
        return ()
    if len(data) < MIN_DATA.get(verb, 0):
        return None
    out: list[int | None] = []
    for i, limit, required in fields:
        raw = data[i] if -len(data) <= i < len(data) else None
        if not raw:
            if required:
                return None
            out.append(None)
            continue
        n = duration(raw, limit)
        if n is None:
            return None
        out.append(n)
    return tuple(out)


def time_ok(t: object) -> bool:
    """True when `t` is a number of Unix seconds within MIN_TIME..MAX_TIME (NaN is not)."""
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        return False
    return MIN_TIME <= t <= MAX_TIME  # no float(): a 400-digit int compares without overflow


def split_fields(line: bytes) -> tuple[list[bytes], float] | str:
    """Tolerant split: `([time, callid, queue, agent, VERB, data], time)` or a reason.

    Strips surrounding whitespace (CR, a UTF-8 BOM) from the line. The verb is kept
    exactly as written: verbs are case-sensitive, upper-case as Asterisk writes them, so
    `connect` or ` CONNECT` is a custom verb (unknown_event) on every path. The data part
    (index 5) is left joined; it is absent when the line has no data field at all.
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
    if not p[4].strip():
        return "bad_fields"
    return p, t


def parse_time(raw: bytes) -> float | None:
    """Unix seconds from a time field, or None when it is not one.

    Plain ASCII digits with an optional fraction (`1700000000`, `1700000000.25`), within
    MIN_TIME..MAX_TIME: no sign, spaces, `_` (which int() and float() accept), exponent,
    nan or inf."""
    whole, dot, frac = raw.partition(b".")
    if not whole.isdigit() or len(whole.lstrip(b"0")) > _MAX_DIGITS or (dot and not frac.isdigit()):
        return None
    t = float(raw) if dot else int(whole)
    return t if MIN_TIME <= t <= MAX_TIME else None


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
    if durations(verb, data) is None:
        return "bad_fields"
    return Event(t, _decode(p[1]), _decode(p[2]), _decode(p[3]), verb, data)


def is_known(verb: str) -> bool:
    """True when the floor interprets `verb` (custom QueueLog() verbs are not known)."""
    return verb in QUEUE_LOG_VERBS


def to_line(event: Event) -> bytes:
    """Render an Event as a queue_log line (no newline); `|` inside fields becomes `_`."""
    t = event.time
    fields = [format_time(t) if isinstance(t, (int, float)) else str(t)]  # shown even if bad
    fields += [s.replace("|", "_") for s in (event.callid, event.queue, event.agent, event.verb)]
    fields += [s.replace("|", "_") for s in event.data] or [""]
    return "|".join(fields).encode("utf-8", "replace")
