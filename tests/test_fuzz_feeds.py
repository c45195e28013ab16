"""Fuzzing the feed parsers and `Floor.feed` with mutations of real lines (issue 9).

Real queue_log and JSON lines are mutated the ways an adversarial test broke them: digit
explosions, byte flips, dropped and repeated fields, unicode, huge, negative, nan/inf and
underscored numbers, odd verb case. The properties:

- nothing raises (parse_line of either format, `Floor.feed` of either format);
- whatever a parser accepts obeys the number rule (times and durations in range);
- every line is either applied or counted under exactly one `rejects.NOT_APPLIED` reason;
- measures stay finite and non-negative;
- the block path (the hot loop), line-by-line feeding (the live tail) and
  `queue_log.parse_line` + `Floor.apply` (the readable slow path) agree.

Bounded with `max_examples` and no deadline so the module takes a few seconds on one core.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_floor import LAYOUT, summary, three_ways

from floorconsole import jsonl, queue_log
from floorconsole.config import Thresholds
from floorconsole.events import Event
from floorconsole.floor import Floor
from floorconsole.rejects import NOT_APPLIED

HERE = Path(__file__).parent / "fixtures"
# shared/ sits beside the repository (in CI's clone too); the real logs add to the corpus
SHARED = Path(__file__).resolve().parents[2] / "shared" / "feeds"


def _corpus() -> list[bytes]:
    files = sorted(HERE.glob("feeds*/*.queue_log")) + sorted(SHARED.glob("*.queue_log"))
    lines = {line for f in files for line in f.read_bytes().splitlines() if line.strip()}
    return sorted(lines)


QUEUE_LOG = _corpus()
JSON_LINES = [line for line in (HERE / "feeds_extra" / "sample.jsonl").read_bytes().splitlines() if line.strip()]
assert len(QUEUE_LOG) > 200 and len(JSON_LINES) > 5

NUMBERS = [
    b"9" * 400,
    b"1" + b"0" * 309,
    b"-400",
    b"-1",
    b"1_000",
    b"1e309",
    b"nan",
    b"inf",
    b"-inf",
    b"+5",
    b" 5",
    b"5 ",
    b"0x10",
    b"\xd9\xa1",
    b"\xc2\xb2",
    b"4102444801",
    b"604801",
    b"604800",
    b"0",
    b"00000000000000000000007",
    b"1.5",
    b".",
    b"",
]
TEXTS = [b"\xc3\xa9", b"\xe2\x80\xae", b"\xf0\x9f\x93\x9e", b"\xff", b"\xed\xa0\x80", b"connect", b" ", b"|", b"NONE"]
# FLOORCONSOLE_FUZZ_EXAMPLES=5000 explores further (random, not the fixed default run).
_EXAMPLES = os.environ.get("FLOORCONSOLE_FUZZ_EXAMPLES")
SETTINGS = settings(
    max_examples=int(_EXAMPLES or 150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=_EXAMPLES is None,  # the suite's run is the same every time
    database=None,
)


@st.composite
def mutated_line(draw: st.DrawFn, lines: list[bytes] = QUEUE_LOG, safe: bool = False) -> bytes:
    """A real line with 0-3 mutations. `safe`: no NUL, CR or newline bytes (those are
    handled by `Floor.feed` before parsing, so `parse_line` + `apply` would differ)."""
    line = draw(st.sampled_from(lines))
    for _ in range(draw(st.integers(0, 3))):
        fields = line.split(b"|")
        i = draw(st.integers(0, len(fields) - 1))
        kind = draw(st.sampled_from(("number", "digits", "flip", "drop", "dup", "text", "verb", "underscore")))
        if kind == "number":
            fields[i] = draw(st.sampled_from(NUMBERS))
        elif kind == "digits":  # explode a run of digits
            fields[i] = fields[i].replace(b"1", b"1" * draw(st.integers(2, 400)), 1)
        elif kind == "flip" and line:
            j = draw(st.integers(0, len(line) - 1))
            banned = {0, 10, 13} if safe else {10}
            b = draw(st.integers(0, 255).filter(lambda x, banned=banned: x not in banned))
            line = line[:j] + bytes([b]) + line[j + 1 :]
            continue
        elif kind == "drop" and len(fields) > 1:
            del fields[i]
        elif kind == "dup":
            fields.insert(i, fields[i])
        elif kind == "text":
            fields[i] = fields[i] + draw(st.sampled_from(TEXTS))
        elif kind == "verb" and len(fields) > 4:
            fields[4] = draw(
                st.sampled_from((fields[4].lower(), b" " + fields[4], fields[4] + b" ", fields[4].title()))
            )
        elif kind == "underscore" and fields[i][:1].isdigit():
            fields[i] = fields[i][:1] + b"_" + fields[i][1:]
        line = b"|".join(fields)
    return line


def assert_sane(floor: Floor, now: float = 1_800_000_000) -> None:
    """Measures finite and non-negative; times within the rule; counts add up."""
    for name in [*floor.queues, None]:
        m = floor.measures_total(now) if name is None else floor.measures(name, now)
        for value in (
            m.offered,
            m.answered,
            m.abandoned,
            m.exited,
            m.answered_within_sl,
            m.handled,
            m.waiting_now,
            m.max_wait_s,
            m.longest_wait_now_s,
        ):
            assert math.isfinite(value) and value >= 0, m
        for value in (m.asa_s, m.aht_s):
            assert value is None or (math.isfinite(value) and value >= 0), m
        for value in (m.service_level, m.abandon_rate):
            assert value is None or 0 <= value <= 100, m
    for seat in floor.seats.values():
        assert math.isfinite(seat.talk_s) and seat.talk_s >= 0 and seat.wrapup_s >= 0
        for t in (seat.since, seat.call_start):
            assert t is None or queue_log.time_ok(t)
    assert floor.lines_parsed >= 0
    assert floor.lines_total == floor.lines_blank + floor.lines_parsed + floor.lines_malformed + floor.lines_unknown


def one_count_per_line(floor: Floor, lines: list[bytes]) -> None:
    """Feed `lines` one at a time: each is applied or counted under one NOT_APPLIED reason
    (or blank), and a line not applied is not also out_of_order."""
    for line in lines:
        before = dict(floor.rejects.counts)
        blank = floor.lines_blank
        floor.feed([line + b"\n"])
        delta = {r: n - before.get(r, 0) for r, n in floor.rejects.counts.items() if n != before.get(r, 0)}
        not_applied = sum(n for r, n in delta.items() if r in NOT_APPLIED) + floor.lines_blank - blank
        assert not_applied <= 1, (line, delta)
        if not_applied:
            assert "out_of_order" not in delta, (line, delta)


# ------------------------------------------------------------------ parsers


@SETTINGS
@given(mutated_line())
def test_queue_log_parse_line_never_raises_and_obeys_the_rule(line: bytes) -> None:
    got = queue_log.parse_line(line)
    if isinstance(got, Event):
        assert queue_log.time_ok(got.time)
        assert queue_log.durations(got.verb, got.data) is not None


JSON_VALUES = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "1_700_000_000",
            "-5",
            "\u0661",
            "1e309",
            "nan",
            "1960-01-01T00:00:00+00:00",
            "2023-11-14T22:13:20+00:00",
            "9999-12-31T23:59:59-23:59",
            "\ud800",
            "connect",
        ]
    ),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    obj = json.loads(draw(st.sampled_from(JSON_LINES)))
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*sorted(obj), "holdtime", "calltime", "waittime", "ringtime_ms", "time", "data"]))
        if draw(st.booleans()) and key in obj:
            del obj[key]
        else:
            obj[key] = draw(JSON_VALUES)
    text = json.dumps(obj).encode()  # ints of any size, NaN and Infinity as Python writes them
    if draw(st.booleans()):
        text = draw(mutated_line([text]))
    return text


@SETTINGS
@given(mutated_json())
def test_jsonl_parse_line_never_raises_and_obeys_the_rule(line: bytes) -> None:
    got = jsonl.parse_line(line)
    if isinstance(got, Event):
        assert queue_log.time_ok(got.time)
        assert queue_log.durations(got.verb, got.data) is not None


# ------------------------------------------------------------------ Floor.feed


@SETTINGS
@given(st.lists(mutated_line(safe=True), min_size=1, max_size=40), st.sampled_from(("sorted", "as drawn")))
def test_block_line_by_line_and_apply_agree_on_mutated_queue_log(lines: list[bytes], order: str) -> None:
    """The differential: the hot loop, the live tail and the readable slow path fold the
    same mutated lines into the same floor; nothing raises and measures stay sane."""
    if order == "sorted":  # mostly in time order, like a real feed
        lines = sorted(lines, key=lambda line: line.split(b"|", 1)[0])
    for kw in ({}, {"layout": LAYOUT, "thresholds": Thresholds(wrapup_s=30), "bucket_s": 3600}):
        block, by_line, slow = three_ways(lines, **kw)
        a, b, c = summary(block), summary(by_line), summary(slow)
        assert a == b
        # parse_line never sees a block, so it cannot flag non-UTF-8 bytes.
        c_counts = {r: n for r, n in a[2].items() if r != "non_utf8"}
        assert (a[0], a[1], c_counts, a[3], a[4]) == c
        for f in (block, by_line, slow):
            assert_sane(f)


@SETTINGS
@given(st.lists(mutated_line(), min_size=1, max_size=40))
def test_floor_feed_never_raises_and_counts_each_line_once(lines: list[bytes]) -> None:
    block = Floor(Thresholds(), feed_format="queue_log")
    block.feed([b"\n".join(lines) + b"\n"])
    by_line = Floor(Thresholds(), feed_format="queue_log")
    one_count_per_line(by_line, lines)
    assert block.lines_total == by_line.lines_total == len(lines)
    assert summary(block) == summary(by_line)
    assert_sane(block)
    assert_sane(by_line)


@SETTINGS
@given(st.lists(mutated_json(), min_size=1, max_size=20), st.booleans())
def test_floor_feed_of_mutated_json_lines_never_raises(lines: list[bytes], auto: bool) -> None:
    fmt = "auto" if auto else "jsonl"
    lines = [line for line in lines if b"\n" not in line]
    block = Floor(Thresholds(), feed_format=fmt)
    block.feed([b"\n".join(lines) + b"\n"])
    by_line = Floor(Thresholds(), feed_format=fmt)
    one_count_per_line(by_line, lines)
    assert summary(block) == summary(by_line)
    # The same lines parsed and applied one by one give the same floor.
    applied = Floor(Thresholds(), feed_format="jsonl")
    for line in lines:
        applied.lines_total += 1
        ev = jsonl.parse_line(line)
        if isinstance(ev, str):
            if ev == queue_log.BLANK:
                applied.lines_blank += 1
            else:
                applied.rejects.add(ev, line)
        else:
            applied.apply(ev)
    if not auto:
        # Floor.feed flags non-UTF-8 bytes and strips NULs before parsing; parse_line cannot.
        a, b = summary(applied), summary(block)
        counts = {r: n for r, n in b[2].items() if r != "non_utf8"}
        if not any(b"\x00" in line for line in lines):
            assert (b[0], b[1], counts, b[3], b[4]) == a
    assert_sane(block)
