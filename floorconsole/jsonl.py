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
from datetime import datetime

from floorconsole.events import Event
from floorconsole.queue_log import BLANK, LAYOUTS, REQUIRED_INTS

# JSON field name for a layout field, where they differ.
_ALIASES = {"callerid": "caller", "bridged_uniqueid": "member_uniqueid"}
_INT_FIELDS = frozenset(
    {"holdtime", "calltime", "waittime", "ringtime_ms", "ringtime_s", "position", "origposition", "logintime"}
)
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
    verb = verb.strip().upper()
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
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return None
        if dt.tzinfo is None:
            return None  # a time without an offset is ambiguous across consoles
        t = dt.timestamp()
        return int(t) if t == int(t) else t
    return None


def _clean(text: str) -> str:
    # queue_log fields cannot hold "|" (Asterisk writes "_" instead), nor line breaks.
    return text.replace("|", "_").replace("\n", " ").replace("\r", " ")


def _value(name: str, value: object) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if name in _INT_FIELDS:
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            value = round(value)  # queue_log numbers are whole; fractions are rounded
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return value.strip()
        return None
    if isinstance(value, (str, int, float)):
        return _clean(str(value))
    return None


def _data(verb: str, obj: dict) -> tuple[str, ...] | None:
    raw = obj.get("data")
    if isinstance(raw, list):  # custom verbs: data given as-is
        if not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw):
            return None
        return tuple(_clean(str(x)) for x in raw)
    layout = JSONL_LAYOUTS.get(verb, ())
    out = []
    for name in layout:
        v = _value(name, obj.get(_ALIASES.get(name, name)))
        if v is None:
            return None
        out.append(v)
    for i in REQUIRED_INTS.get(verb, ()):
        try:
            int(out[i])
        except (IndexError, ValueError):
            return None
    return tuple(out)
