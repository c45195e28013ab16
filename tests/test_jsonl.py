"""JSON-lines feed: schema, explicit RINGING / WRAPUP, same meaning as queue_log, auto-detect."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorconsole.config import Thresholds
from floorconsole.events import Event
from floorconsole.floor import Floor, SeatState
from floorconsole.jsonl import parse_line
from floorconsole.queue_log import BLANK
from floorconsole.queue_log import parse_line as parse_queue_log
from floorconsole.replay import fold_files

SAMPLE = Path(__file__).parent / "fixtures" / "feeds_extra" / "sample.jsonl"


def test_named_fields_map_to_the_queue_log_layout() -> None:
    ev = parse_line(
        b'{"time": 5, "event": "connect", "callid": "c.10", "queue": "q", "agent": "SIP/1", "holdtime": 4, "ringtime_s": 2}'
    )
    assert ev == Event(5, "c.10", "q", "SIP/1", "CONNECT", ("4", "", "2"))
    ev = parse_line(
        '{"time": 5, "event": "RINGNOANSWER", "callid": "c", "queue": "q", "agent": "A B", "ringtime_ms": 1500}'
    )
    assert ev.data == ("1500",)
    ev = parse_line(
        '{"time": 5, "event": "ESCALATE", "callid": "c", "queue": "q", "agent": "A", "reason": "a|b", "priority": 2}'
    )
    assert ev.data == ("a_b", "2")
    ev = parse_line('{"time": "2023-11-14T22:13:20+00:00", "event": "QUEUESTART"}')
    assert ev.time == 1700000000 and ev.callid == "NONE"


def test_same_event_same_key_from_either_feed() -> None:
    a = parse_line(
        '{"time": 1, "event": "ESCALATE", "callid": "c", "queue": "q", "agent": "SIP/1", "reason": "r", "priority": "2"}'
    )
    b = parse_queue_log(b"1|c|q|SIP/1|ESCALATE|r|2")
    assert a.key == b.key


@pytest.mark.parametrize(
    "line, reason",
    [
        ("", BLANK),
        ("  ", BLANK),
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        (b'{"time": 1, "event": "PAUSE", "agent": "\xff"}', "bad_json"),
        ('{"time": 1}', "too_few_fields"),
        ('{"time": "soon", "event": "PAUSE"}', "bad_time"),
        ('{"time": "2023-11-14T22:13:20", "event": "PAUSE"}', "bad_time"),
        ('{"time": 1, "event": "CONNECT", "callid": 1266833905.2}', "bad_fields"),
        ('{"time": 1, "event": "CONNECT", "callid": "c"}', "bad_fields"),
        ('{"time": 1, "event": "CONNECT", "callid": "c", "holdtime": "long"}', "bad_fields"),
    ],
)
def test_bad_json_lines_give_a_reason(line, reason) -> None:
    assert parse_line(line) == reason


def test_sample_feed_folds_with_explicit_ringing_and_wrapup() -> None:
    floor = fold_files([SAMPLE], Thresholds(wrapup_s=5))
    assert floor.feed_format == "jsonl"
    seat = floor.seats["SIP/1001"]
    assert (seat.state, seat.pause_reason, seat.answered, seat.talk_s, seat.wrapup_s) == (
        SeatState.PAUSED,
        "break",
        1,
        60,
        20,
    )
    m = floor.measures("sales", 1700000300)
    assert (m.offered, m.answered, m.abandoned, m.aht_s, m.asa_s, m.max_wait_s) == (2, 1, 1, 60, 5, 30)
    assert floor.lines_unknown == 1 and floor.lines_malformed == 0 and floor.lines_parsed == 10
    (esc,) = floor.take_changes().escalations
    assert esc.caller == "01700000001" and esc.reason == "wants a supervisor"


def test_ringing_and_explicit_wrapup_states() -> None:
    floor = Floor(Thresholds(wrapup_s=5), feed_format="jsonl")
    rows = [
        '{"time": 1, "event": "ENTERQUEUE", "callid": "c", "queue": "q", "caller": "x"}',
        '{"time": 2, "event": "RINGING", "callid": "c", "queue": "q", "agent": "SIP/1"}',
    ]
    floor.feed(r.encode() for r in rows)
    seat = floor.seats["SIP/1"]
    assert (seat.state, seat.call_id, seat.since) == (SeatState.RINGING, "c", 2)
    floor.feed(
        [b'{"time": 4, "event": "RINGNOANSWER", "callid": "c", "queue": "q", "agent": "SIP/1", "ringtime_ms": 2000}']
    )
    assert (seat.state, seat.ring_no_answer) == (SeatState.AVAILABLE, 0)
    floor.feed(
        [
            b'{"time": 5, "event": "WRAPUP", "queue": "q", "agent": "SIP/1"}\n',
            b'{"time": 6, "event": "CONNECT", "callid": "c", "queue": "q", "agent": "SIP/1", "holdtime": 5}\n'
            b'{"time": 16, "event": "COMPLETEAGENT", "callid": "c", "queue": "q", "agent": "SIP/1", "holdtime": 5, "calltime": 10}\n',
        ]
    )
    # The feed reports wrap-up itself: no timer, WRAP_UP until WRAPUPEND.
    assert floor.seat_state_at(seat, 1000) is SeatState.WRAP_UP
    floor.feed([b'{"time": 40, "event": "WRAPUPEND", "queue": "q", "agent": "SIP/1"}'])
    assert (seat.state, seat.since, seat.wrapup_s) == (SeatState.AVAILABLE, 40, 24)


def test_auto_detects_by_the_first_non_blank_line(tmp_path: Path) -> None:
    q = tmp_path / "a.log"
    q.write_bytes(b"\n\n1|c|q|NONE|ENTERQUEUE||x|1\n")
    floor = fold_files([q], Thresholds())
    assert floor.feed_format == "queue_log" and floor.lines_blank == 2 and floor.lines_parsed == 1
    j = tmp_path / "b.log"
    j.write_bytes(b'\n  {"time": 1, "event": "ENTERQUEUE", "callid": "c", "queue": "q"}\n')
    floor = fold_files([j], Thresholds())
    assert floor.feed_format == "jsonl" and floor.lines_parsed == 1 and floor.lines_blank == 1


# ------------------------------------------- issue 9: extreme numbers never raise

BIG_INT = "1" + "0" * 400  # >= 2**1024: float() of it raises OverflowError


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"time": %s, "event": "PAUSE", "agent": "SIP/1"}' % BIG_INT, "bad_time"),  # noqa: UP031 - % keeps the JSON braces readable
        ('{"time": 1e400, "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": -1, "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": 4102444801, "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": "1960-01-01T00:00:00+00:00", "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": "2200-01-01T00:00:00+00:00", "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": "1_700_000_000", "event": "PAUSE", "agent": "SIP/1"}', "bad_time"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": %s}' % BIG_INT, "bad_fields"),  # noqa: UP031 - % keeps the JSON braces readable
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": 1e309}', "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": %s.0}' % ("9" * 308), "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": -400}', "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": "-4"}', "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": "\u0661"}', "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "holdtime": 604801}', "bad_fields"),
        ('{"time": 1700000000, "event": "ABANDON", "callid": "c", "waittime": "1_0"}', "bad_fields"),
        ('{"time": 1700000000, "event": "CONNECT", "callid": "c", "data": ["%s"]}' % BIG_INT, "bad_fields"),  # noqa: UP031 - % keeps the JSON braces readable
        ('{"time": 1700000000, "event": "ENTERQUEUE", "callid": "c", "position": -1}', "bad_fields"),
    ],
)
def test_extreme_numbers_are_rejected_not_raised(line: str, reason: str) -> None:
    """Issue 9 items 10 and 12: a time >= 2**1024 raised OverflowError in `Floor.feed`, a
    negative ISO time was accepted; holdtimes of 1e309 or 308 digits overflowed the tallies
    (and `int(inf)` in stats/report). The queue_log rule applies: times within
    queue_log.MIN_TIME..MAX_TIME, durations plain whole numbers of 0..7 days."""
    assert parse_line(line) == reason
    floor = Floor(Thresholds(), feed_format="jsonl")
    floor.feed([line.encode() + b"\n"])
    assert floor.rejects.counts == {reason: 1}


def test_unpaired_surrogates_in_names_do_not_raise() -> None:
    line = rb'{"time": 1700000000, "event": "ENTERQUEUE", "callid": "\ud800", "queue": "q\udfff", "caller": "\ud83d"}'
    floor = Floor(Thresholds(), feed_format="jsonl")
    floor.feed([line + b"\n"])
    assert floor.lines_parsed == 1 and floor.measures("q\ufffd", 1700000000).offered == 1


def test_stats_survives_two_huge_holdtimes(tmp_path: Path) -> None:
    """`floorconsole stats` (a real process) on a feed whose holdtimes summed to inf and
    crashed `int(inf)`: the two lines are bad_fields and the rest is counted."""
    import json
    import subprocess
    import sys

    big = "9" * 308
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"time": 1700000000 + i, "event": "ENTERQUEUE", "callid": f"c{i}", "queue": "q"}) + "\n"
            for i in range(3)
        )
        + "".join(
            f'{{"time": 1700000010, "event": "CONNECT", "callid": "c{i}", "queue": "q", "agent": "SIP/1", "holdtime": {big}}}\n'
            for i in range(2)
        )
        + '{"time": %s, "event": "PAUSE", "queue": "q", "agent": "SIP/2"}\n' % BIG_INT  # noqa: UP031 - % keeps the JSON braces readable
        + '{"time": 1700000012, "event": "CONNECT", "callid": "c2", "queue": "q", "agent": "SIP/1", "holdtime": 12}\n'
    )
    out = subprocess.run(
        [sys.executable, "-m", "floorconsole", "stats", "--feed", str(feed), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert '"offered": 3' in out.stdout and '"answered": 1' in out.stdout
