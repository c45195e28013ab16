"""JSON-lines feed line -> `Event` or a reject reason (schema and examples: docs/feeds.md).

One JSON object per line, carrying the same events as queue_log with named fields:

    {"time": 1700000000, "event": "CONNECT", "callid": "c-1", "queue": "sales",
     "agent": "SIP/1001", "holdtime": 12, "ringtime_s": 3}

Named fields are put into the verb's newest queue_log data layout (`queue_log.LAYOUTS`),
so both feeds are folded by the same code and mean exactly the same thing.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime

from floorconsole.events import Event
from floorconsole.queue_log import BLANK, LAYOUTS, durations, time_ok

# JSON field name for a layout field, where they differ.
_ALIASES = {"callerid": "caller", "bridged_uniqueid": "member_uniqueid"}
_INT_FIELDS = frozenset(
    {"holdtime", "calltime", "waittime", "ringtime_ms", "ringtime_s", "position", "origposition", "logintime"}
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Whole numbers that are not durations (positions, logintime) are still bounded, so no
# extreme reaches anything downstream; durations follow queue_log.DURATIONS.
_MAX_COUNT = 10**9
# Explicit events only this feed can carry (no data fields).
JSONL_LAYOUTS = {**LAYOUTS, "RINGING": (), "WRAPUP": (), "WRAPUPEND": ()}


def parse_line(line: bytes | str) -> Event | str:
    """One JSON line -> `Event`, or `BLANK`, or a reject reason."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return "bad_json"
    line = line.strip().lstrip("\ufeff")
    if not line:
        return BLANK
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return "bad_json"
    if not isinstance(obj, dict):
        return "bad_json"
    verb = obj.get("event")
    if not isinstance(verb, str) or not verb.strip():
        return "too_few_fields"
    verb = _clean(verb.strip().upper())  # JSON verbs are case-insensitive (docs/feeds.md)
    t = _time(obj.get("time"))
    if t is None:
        return "bad_time"
    names = []
    for name in ("callid", "queue", "agent"):
        value = obj.get(name, "NONE")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return "bad_fields"  # call ids must stay strings: a float would lose digits
        names.append(_clean(str(value)))
    data = _data(verb, obj)
    if data is None:
        return "bad_fields"
    return Event(t, names[0], names[1], names[2], verb, data)


def _time(value: object) -> float | None:
    # The queue_log rule: Unix seconds within MIN_TIME..MAX_TIME (queue_log.time_ok).
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if time_ok(value) else None
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value)
            if dt.tzinfo is None:
                return None  # a time without an offset is ambiguous across consoles
            t = dt.timestamp()
        except (ValueError, OverflowError, OSError):
            return None
        if not time_ok(t):
            return None
        return int(t) if t == int(t) else t
    return None


def _clean(text: str) -> str:
    # queue_log fields cannot hold "|" (Asterisk writes "_" instead), nor line breaks.
    # JSON can escape a lone surrogate ("\ud800"), which no encoder takes: show U+FFFD.
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    return text.replace("|", "_").replace("\n", " ").replace("\r", " ")


def _value(name: str, value: object) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if name in _INT_FIELDS:
        # Whole, non-negative, plain: a JSON number, or a string of ASCII digits.
        if isinstance(value, float):
            if not math.isfinite(value) or not 0 <= value <= _MAX_COUNT:
                return None
            value = round(value)  # queue_log numbers are whole; fractions are rounded
        if isinstance(value, int):
            return str(value) if 0 <= value <= _MAX_COUNT else None
        if isinstance(value, str):
            text = value.strip()
            if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= _MAX_COUNT:
                return text
        return None
    if isinstance(value, (str, int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return _clean(str(value))
    return None


def _data(verb: str, obj: dict) -> tuple[str, ...] | None:
    raw = obj.get("data")
    if isinstance(raw, list):  # custom verbs: data given as-is
        if not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw):
            return None
        out = [_clean(str(x)) for x in raw]
    else:
        out = []
        for name in JSONL_LAYOUTS.get(verb, ()):
            v = _value(name, obj.get(_ALIASES.get(name, name)))
            if v is None:
                return None
            out.append(v)
    # The same duration rule as queue_log, on the same layout.
    if durations(verb, out) is None:
        return None
    return tuple(out)
