"""Floor: seat states, calls, bad input never raising, bounded memory, change tracking."""

from __future__ import annotations

from pathlib import Path

from floorconsole.config import Thresholds
from floorconsole.floor import Floor, SeatState
from floorconsole.layout import FloorLayout, SeatPlace
from floorconsole.replay import fold_files, read_blocks

EXTRA = Path(__file__).parent / "fixtures" / "feeds_extra"
LAYOUT = FloorLayout(
    (
        SeatPlace("A01", "A", 1, "SIP/1001", "Wang Fang", ("sales",)),
        SeatPlace("A02", "A", 2, "SIP/1002", "JASON SMITH", ("sales",)),
    )
)


def fold(text: str, **kw) -> Floor:
    th = kw.pop("thresholds", Thresholds())
    floor = Floor(th, kw.pop("layout", None), **kw)
    floor.feed([text.encode()])
    return floor


CALL = """\
100|c1|sales|NONE|ENTERQUEUE||0170000001|1
105|c1|sales|SIP/1001|CONNECT|5|c1.2|2
165|c1|sales|SIP/1001|COMPLETEAGENT|5|60|1
"""


def test_layout_seats_exist_from_the_start_and_feed_agents_are_added() -> None:
    floor = fold("", layout=LAYOUT)
    assert floor.seats["SIP/1001"].state is SeatState.LOGGED_OFF
    assert floor.seats["SIP/1001"].seat_id == "A01"
    assert floor.seats["SIP/1001"].queues == {"sales"}
    assert "sales" in floor.queues
    floor.feed([b"10|NONE|support|SIP/2000|ADDMEMBER|\n"])
    assert floor.seats["SIP/2000"].state is SeatState.AVAILABLE
    assert floor.seats["SIP/2000"].seat_id is None
    assert "NONE" not in floor.seats


def test_member_name_in_the_feed_maps_to_its_layout_seat() -> None:
    floor = fold("1455031982|NONE|9999|JASON SMITH|PAUSE|LUNCHBREAK\n", layout=LAYOUT)
    seat = floor.seats["SIP/1002"]
    assert (seat.state, seat.pause_reason, seat.since) == (SeatState.PAUSED, "LUNCHBREAK", 1455031982)
    assert "JASON SMITH" not in floor.seats


def test_call_lifecycle_and_seat_counters() -> None:
    floor = fold(CALL.splitlines()[0] + "\n", layout=LAYOUT)
    assert list(floor.queues["sales"].waiting) == ["c1"]
    w = floor.queues["sales"].waiting["c1"]
    assert (w.entered, w.caller, w.queue) == (100, "0170000001", "sales")
    assert floor.call("c1").connected is None
    floor.feed([CALL.splitlines()[1].encode()])
    seat = floor.seats["SIP/1001"]
    assert (seat.state, seat.call_id, seat.call_start, seat.since) == (SeatState.ON_CALL, "c1", 105, 105)
    assert floor.queues["sales"].waiting == {}
    assert floor.call("c1").agent == "SIP/1001"
    floor.feed([CALL.splitlines()[2].encode()])
    assert (seat.state, seat.call_id, seat.answered, seat.talk_s) == (SeatState.AVAILABLE, None, 1, 60)
    assert floor.call("c1") is None and floor.open_calls == 0


def test_wrapup_is_lazy_against_now() -> None:
    floor = fold(CALL, thresholds=Thresholds(wrapup_s=30), layout=LAYOUT)
    seat = floor.seats["SIP/1001"]
    assert seat.state is SeatState.WRAP_UP
    assert floor.seat_state_at(seat, 170) is SeatState.WRAP_UP
    assert floor.seat_state_at(seat, 195) is SeatState.AVAILABLE
    assert floor.seat_since_at(seat, 195) == 195
    floor.take_changes()
    assert floor.take_changes(now=180).agents == set()
    assert floor.take_changes(now=200).agents == {"SIP/1001"}
    assert (seat.state, seat.since) == (SeatState.AVAILABLE, 195)


def test_pause_during_a_call_waits_for_the_call_to_end() -> None:
    text = CALL.replace("165|", "170|")
    lines = text.splitlines()
    lines.insert(2, "120|NONE|sales|SIP/1001|PAUSE|meal")
    floor = fold("\n".join(lines) + "\n", layout=LAYOUT)
    seat = floor.seats["SIP/1001"]
    assert (seat.state, seat.pause_reason, seat.since) == (SeatState.PAUSED, "meal", 170)
    floor.feed([b"300|NONE|sales|SIP/1001|UNPAUSE|\n"])
    assert (seat.state, seat.pause_reason) == (SeatState.AVAILABLE, "")
    # Per-queue PAUSE lines for one pause do not restart the clock.
    floor.feed([b"400|NONE|sales|SIP/1001|PAUSE|break\n401|NONE|support|SIP/1001|PAUSE|break\n"])
    assert seat.since == 400


def test_member_and_agent_verbs() -> None:
    floor = fold((EXTRA / "asterisk16-layouts.queue_log").read_text())
    s1, s2, s3 = floor.seats["PJSIP/1001"], floor.seats["PJSIP/1002"], floor.seats["1003"]
    assert s1.state is SeatState.AVAILABLE  # PAUSEALL then UNPAUSEALL
    assert s2.state is SeatState.LOGGED_OFF  # ADDMEMBER PAUSED ... REMOVEMEMBER
    assert s3.state is SeatState.LOGGED_OFF and s3.escalations == 1
    assert floor.lines_unknown == 0 and floor.lines_malformed == 0
    floor2 = fold("1|MANAGER|sales|SIP/9|ADDMEMBER|PAUSED\n")
    assert floor2.seats["SIP/9"].state is SeatState.PAUSED
    floor3 = fold((EXTRA / "asterisk12-ringbridge.queue_log").read_text())
    seat = floor3.seats["Agent/1001"]
    assert seat.state is SeatState.LOGGED_OFF and seat.talk_s == 30


def test_ringnoanswer_threshold_and_ringcanceled() -> None:
    text = (
        "1|c|sales|SIP/1|RINGNOANSWER|2000\n"
        "2|c|sales|SIP/1|RINGNOANSWER|9999\n"
        "3|c|sales|SIP/1|RINGNOANSWER|10000\n"
        "4|c|sales|SIP/1|RINGCANCELED|30000\n"
    )
    floor = fold(text)
    seat = floor.seats["SIP/1"]
    assert seat.ring_no_answer == 1
    assert seat.state is SeatState.AVAILABLE and seat.queues == {"sales"}
    assert fold(text, thresholds=Thresholds(ring_no_answer_min_s=2)).seats["SIP/1"].ring_no_answer == 3


def test_escalation_carries_the_caller_and_a_stable_key() -> None:
    text = CALL.replace("165|", "200|") + ""
    lines = text.splitlines()
    lines.insert(2, "150|c1|sales|SIP/1001|ESCALATE|wants a supervisor|2")
    a = fold("\n".join(lines) + "\n", layout=LAYOUT)
    b = fold("\n".join(lines) + "\n")
    (ea,), (eb,) = a.take_changes().escalations, b.take_changes().escalations
    assert (ea.caller, ea.reason, ea.priority, ea.agent) == ("0170000001", "wants a supervisor", "2", "SIP/1001")
    assert ea.key == eb.key
    assert a.seats["SIP/1001"].escalations == 1
    assert a.take_changes().escalations == []


def test_take_changes_reports_only_what_changed() -> None:
    floor = fold(CALL, layout=LAYOUT)
    ch = floor.take_changes()
    assert "SIP/1001" in ch.agents and ch.queues == {"sales"} and not ch.rejects
    assert not floor.take_changes()
    floor.feed([b"500|NONE|sales|SIP/1002|PAUSE|break\n"])
    ch = floor.take_changes()
    assert ch.agents == {"SIP/1002"} and ch.queues == set()
    floor.feed([b"garbage\n"])
    assert floor.take_changes().rejects


# -------------------------------------------------------------- bad input never raises


def test_blank_crlf_nul_and_non_utf8() -> None:
    text = (
        b"\r\n"
        + b"100|c1|sales|NONE|ENTERQUEUE||0170000001|1\r\n"
        + b"\x00\x00\x00\x00105|c1|sales|SIP/1001|CONNECT|5|c1.2|2\n"
        + b"\x00\x00\x00\n"
        + b"   \n"
        + b"110|NONE|sales|Jos\xe9|PAUSE|caf\xe9\n"
        + b"165|c1|sales|SIP/1001|COMPLETEAGENT|5|60|1\r\n"
    )
    floor = Floor(Thresholds())
    floor.feed([text])
    assert floor.lines_total == 7
    assert floor.lines_blank == 2
    assert floor.lines_malformed == 1 and floor.rejects.counts["nul_bytes"] == 1
    assert floor.rejects.counts["nul_stripped"] == 1
    assert floor.rejects.counts["non_utf8"] == 1
    assert floor.lines_parsed == 4
    assert floor.seats["SIP/1001"].talk_s == 60
    assert floor.seats["Jos\ufffd"].state is SeatState.PAUSED
    m = floor.measures("sales", 200)
    assert (m.offered, m.answered, m.handled) == (1, 1, 1)


def test_long_lines_wrong_fields_bad_times_unknown_verbs() -> None:
    big = b"1|c|q|SIP/1|PAUSE|" + b"x" * 1_000_000
    lines = [
        big,
        b"only|three|fields",
        b"soon|c|q|SIP/1|PAUSE|x",
        b"1|c|q|SIP/1|CONNECT|not-a-number",
        b"1|c|q|SIP/1|RINGNOANSWER",
        b"2|c|q|NONE|CALLERONHOLD|x",
        b"3|c|q|SIP/1||x",
        b"4.5|c|q|SIP/1|PAUSE|fractional time is fine",
    ]
    floor = Floor(Thresholds(), feed_format="queue_log")
    floor.feed([b"\n".join(lines) + b"\n"])
    c = floor.rejects.counts
    assert c["too_long"] == 1 and c["too_few_fields"] == 1 and c["bad_time"] == 1 and c["bad_fields"] == 3
    assert floor.lines_unknown == 1 and c["unknown_event"] == 1
    assert floor.lines_parsed == 1 and floor.lines_malformed == 6
    assert floor.seats["SIP/1"].pause_reason == "fractional time is fine"
    assert floor.seats["SIP/1"].state is SeatState.PAUSED
    # The kept examples are short printable text, even for the 1 MB line.
    assert len(floor.rejects.last) == 7
    assert all(len(text) <= 160 and text.isprintable() for _, text in floor.rejects.last)


def test_long_line_in_a_file_is_rejected_without_buffering_it(tmp_path: Path) -> None:
    path = tmp_path / "big.queue_log"
    path.write_bytes(b"1|c|q|SIP/1|PAUSE|" + b"y" * 3_000_000 + b"\n" + CALL.encode())
    blocks = list(read_blocks(path, chunk=65536))
    assert max(len(b) for b in blocks) < 200_000
    floor = fold_files([path], Thresholds())
    assert floor.rejects.counts == {"too_long": 1}
    assert floor.measures("sales", 200).answered == 1


def test_out_of_order_duplicates_and_orphans() -> None:
    text = (
        "100|c1|sales|NONE|ENTERQUEUE||0170000001|1\n"
        "100|c1|sales|NONE|ENTERQUEUE||0170000001|1\n"  # duplicate
        "105|c1|sales|SIP/1001|CONNECT|5|c1.2|2\n"
        "105|c1|sales|SIP/1001|CONNECT|5|c1.2|2\n"  # duplicate
        "165|c1|sales|SIP/1001|COMPLETEAGENT|5|60|1\n"
        "165|c1|sales|SIP/1001|COMPLETEAGENT|5|60|1\n"  # duplicate
        "150|c2|sales|NONE|ENTERQUEUE||0170000002|1\n"  # out of order, still applied
        "200|c9|sales|SIP/1002|CONNECT|40|c9.2|2\n"  # orphan CONNECT: still answered
        "210|c8|sales|SIP/1003|COMPLETECALLER|10|90|1\n"  # orphan end: counts in AHT
        "220|c7|sales|NONE|ABANDON|1|1|25\n"  # orphan abandon
        "230|c7|sales|NONE|ABANDON|1|1|25\n"  # and its duplicate
    )
    floor = fold(text)
    c = floor.rejects.counts
    assert c == {"duplicate": 4, "out_of_order": 1, "orphan": 3}
    assert floor.lines_parsed == 11 and floor.lines_malformed == 0
    m = floor.measures("sales", 300)
    assert (m.offered, m.answered, m.abandoned, m.handled) == (2, 2, 1, 2)
    assert m.aht_s == 75 and m.max_wait_s == 40
    assert floor.seats["SIP/1002"].state is SeatState.ON_CALL
    assert floor.call("c9").entered == 160


def test_missing_end_frees_the_older_call() -> None:
    text = CALL.splitlines()[0] + "\n" + CALL.splitlines()[1] + "\n"
    text += "300|c2|sales|NONE|ENTERQUEUE||0170000002|1\n310|c2|sales|SIP/1001|CONNECT|10|x|1\n"
    floor = fold(text)
    assert floor.rejects.counts == {"missing_end": 1}
    assert floor.open_calls == 1 and floor.seats["SIP/1001"].call_id == "c2"


def test_memory_stays_bounded_with_a_million_dangling_call_ids() -> None:
    floor = Floor(Thresholds(), feed_format="queue_log", max_open_calls=50_000)
    n = 1_000_000
    step = 100_000
    for start in range(0, n, step):
        block = "".join(f"{1000 + i}|dangling-{i}|sales|NONE|ENTERQUEUE||0170|1\n" for i in range(start, start + step))
        floor.feed([block.encode()])
    assert floor.open_calls <= 50_000
    assert floor.queues["sales"].waiting_now <= 50_000
    assert floor.rejects.counts["evicted_calls"] >= n - 50_000
    assert floor.measures("sales", 2_000_000).offered == n
    # Fresh calls still work after eviction.
    floor.feed([b"2000000|new|sales|NONE|ENTERQUEUE||x|1\n2000001|new|sales|NONE|ABANDON|1|1|1\n"])
    assert floor.measures("sales", 2_000_001).abandoned == 1


def test_apply_an_event_directly() -> None:
    from floorconsole.events import Event

    floor = Floor(Thresholds())
    floor.apply(Event(100, "c1", "sales", "NONE", "ENTERQUEUE", ("", "0170", "1")))
    floor.apply(Event(105, "c1", "sales", "SIP/1", "CONNECT", ("5",)))
    floor.apply(Event(106, "c1", "sales", "SIP/1", "CUSTOMTHING", ()))
    floor.apply(Event(107, "c1", "sales", "SIP/1", "CONNECT", ("x",)))
    assert floor.seats["SIP/1"].state is SeatState.ON_CALL
    assert floor.lines_unknown == 1 and floor.rejects.counts["bad_fields"] == 1


# -------------------------------------------------------------- stale waiting, negative times


def test_stale_waiting_callers_expire_when_asked_with_now() -> None:
    text = "100|c1|sales|NONE|ENTERQUEUE||0170000001|1\n5000|c2|sales|NONE|ENTERQUEUE||0170000002|1\n"
    floor = fold(text, max_wait_s=3600)
    m = floor.measures("sales", 3000)
    assert (m.waiting_now, m.longest_wait_now_s) == (2, 2900) and floor.rejects.counts == {}
    floor.take_changes()
    # c1's outcome line was lost: at 5100 it has waited 5000 s > 3600 s and is dropped.
    m = floor.measures("sales", 5100)
    assert (m.waiting_now, m.longest_wait_now_s, m.offered) == (1, 100, 2)
    assert floor.rejects.counts == {"stale_waiting": 1}
    assert floor.call("c1") is None and floor.open_calls == 1
    assert list(floor.queues["sales"].waiting) == ["c2"]
    ch = floor.take_changes()
    assert ch.queues == {"sales"} and ch.rejects
    # An outcome line that turns up after all is an orphan: applied and counted.
    floor.feed([b"5200|c1|sales|NONE|ABANDON|1|1|5100\n"])
    assert floor.rejects.counts == {"stale_waiting": 1, "orphan": 1}
    assert floor.measures("sales", 5200).abandoned == 1
    # take_changes(now) expires too (c2 entered at 5000); at exactly the limit it stays.
    assert floor.take_changes(now=8600).queues == {"sales"}  # the ABANDON
    assert floor.measures_total(8600).waiting_now == 1
    ch = floor.take_changes(now=8601)
    assert ch.queues == {"sales"} and ch.rejects
    assert floor.rejects.counts["stale_waiting"] == 2
    assert floor.measures_total(8601).longest_wait_now_s == 0 and floor.open_calls == 0


def test_stale_waiting_default_limit_late_lines_and_off() -> None:
    enter = "1000|c1|sales|NONE|ENTERQUEUE||0170000001|1\n"
    floor = fold(enter)  # default: 4 hours
    assert floor.measures("sales", 1000 + 4 * 3600).waiting_now == 1
    assert floor.measures("sales", 1001 + 4 * 3600).waiting_now == 0
    assert floor.rejects.counts == {"stale_waiting": 1}
    # A late (out-of-order) ENTERQUEUE can be older than every caller checked before.
    floor = fold("20000|c2|sales|NONE|ENTERQUEUE||0170000002|1\n", max_wait_s=3600)
    assert floor.take_changes(now=20100).queues == {"sales"}
    floor.feed([enter.encode()])
    assert floor.rejects.counts == {"out_of_order": 1}
    floor.take_changes(now=20100)
    assert floor.call("c1") is None and floor.call("c2") is not None
    assert floor.rejects.counts == {"out_of_order": 1, "stale_waiting": 1}
    # A connected call is not waiting: it never expires this way.
    floor = fold(CALL.splitlines()[0] + "\n" + CALL.splitlines()[1] + "\n", max_wait_s=60)
    assert floor.take_changes(now=10_000).rejects is False and floor.open_calls == 1
    # max_wait_s=None: never expired.
    floor = fold(enter, max_wait_s=None)
    assert floor.measures("sales", 10**9).waiting_now == 1 and floor.rejects.counts == {}


def test_negative_times_are_bad_time_like_parse_line() -> None:
    from floorconsole.queue_log import parse_line

    lines = [
        b"-5|c1|sales|NONE|ENTERQUEUE||0170000001|1",  # first line: nothing to be out of order with
        b"100|c2|sales|NONE|ENTERQUEUE||0170000002|1",
        b"-100|c2|sales|SIP/1001|CONNECT|5|c2.1|1",
        b"-1|NONE|sales|SIP/1001|PAUSE|x",
        b"105|c2|sales|SIP/1001|CONNECT|5|c2.1|1",
    ]
    assert {parse_line(line) for line in lines if line.startswith(b"-")} == {"bad_time"}
    floor = Floor(Thresholds(), feed_format="queue_log")
    floor.feed([b"\n".join(lines) + b"\n"])
    assert floor.rejects.counts == {"bad_time": 3}
    assert floor.lines_malformed == 3 and floor.lines_parsed == 2
    assert floor.call("c1") is None and floor.call("c2").connected == 105
    assert floor.last_event_time == 105
    assert floor.seats["SIP/1001"].state is SeatState.ON_CALL
    # Line by line (the live tail) as well.
    floor = Floor(Thresholds(), feed_format="queue_log")
    for line in lines:
        floor.feed([line + b"\n"])
    assert floor.rejects.counts == {"bad_time": 3} and floor.lines_parsed == 2


def test_hot_path_and_handlers_agree() -> None:
    """The block fold's inlined verbs and the per-event handlers (`apply`) give the same
    floor, change by change (the fold keeps only the usual cases inline)."""
    from floorconsole.queue_log import BLANK, parse_line

    text = CALL + (
        "200|c2|sales|NONE|ENTERQUEUE||0170000002|1\n"
        "201|c3|sales|NONE|ENTERQUEUE||0170000003|1\n"
        "202|c3|support|NONE|ENTERQUEUE||0170000003|1\n"  # moved without an outcome
        "203|c9|billing|NONE|ENTERQUEUE||0170000009|1\n"
        "205|c2|support|SIP/1002|CONNECT|5|c2.1|1\n"  # answered in another queue
        "206|c3|support|SIP/1001|RINGNOANSWER|15000\n"
        "207|c3|support|SIP/1003|RINGNOANSWER|500\n"
        "208|c3|support|SIP/1001|CONNECT|6|c3.1|1\n"
        "230|NONE|sales|SIP/1001|PAUSE|meal\n"
        "260|c3|support|SIP/1001|COMPLETECALLER|6|52|1\n"
        "261|c2|sales|SIP/1002|COMPLETEAGENT|5|56|1\n"
        "262|c2|sales|SIP/1002|COMPLETEAGENT|5|56|1\n"  # duplicate
        "263|c9|sales|SIP/1002|RINGNOANSWER|100\n"
        "264|c9|sales|SIP/1002|RINGNOANSWER|15000\n"
        "270|c4|sales|NONE|ENTERQUEUE||0170000004|1\n"
        "271|c4|sales|NONE|CONNECT|1|c4.1|1\n"  # no seat
        "272|c4|sales|NONE|COMPLETECALLER|1|20|1\n"
        "280|c5|sales|JASON SMITH|CONNECT|3|c5.1|1\n"  # orphan, seat by member name
        "290|c5|sales|SIP/1002|COMPLETEAGENT|3|9|1\n"  # by its agent id
        "299|c6|sales|SIP/1003|RINGNOANSWER|100\n"
        "300|NONE|sales|SIP/1003|REMOVEMEMBER|\n"  # still in support: not logged off
        "301|c6|sales|SIP/1003|RINGNOANSWER|12000\n"  # back in sales
        "302|c6|billing|SIP/1002|RINGNOANSWER|12000\n"
        "303|NONE|support|SIP/1003|REMOVEMEMBER|\n"
        "304|c6|support|SIP/1003|RINGNOANSWER|100\n"  # logged off: a ring logs it in
        "310|c7|sales|NONE|ENTERQUEUE||0170000007|1\n"
        "311|c7|sales|SIP/1001|CONNECT|1|c7.1|1\n"  # PAUSED seat takes a call
        "320|c7|support|SIP/1001|COMPLETEAGENT|1|9|1\n"  # ends in another queue
        "330|c8|sales|NONE|ENTERQUEUE||0170000008|1\n"
        "331|c8|sales|SIP/1002|CONNECT|1|c8.1|1\n"
        "340|c8|sales|SIP/1001|COMPLETEAGENT|1|9|1\n"  # ended by another seat
        "400|c10|sales|SIP/1001|CONNECT|soon|c10.1|1\n"  # bad: must not move the clock
        "399|NONE|sales|SIP/1001|UNPAUSE|\n"
        "395|c11|sales|NONE|ENTERQUEUE||0170000011|1\n"  # out of order
        "396|c11|sales|SIP/1002|CONNECT|1|c11.1|1\n"
    )
    # Real feeds after it (later times, out of order between them).
    text += "".join(
        (EXTRA / name).read_text() for name in ("asterisk12-ringbridge.queue_log", "asterisk16-layouts.queue_log")
    )
    lines = text.encode().splitlines()
    configs = [
        (Thresholds(), {}),
        (Thresholds(wrapup_s=30, ring_no_answer_min_s=0.5, sl_threshold_s=5.5), {"bucket_s": 60}),
        (Thresholds(sl_threshold_s=6), {"bucket_s": 60, "window_start": 150, "window_end": 270}),
    ]

    def state(f: Floor) -> tuple:
        seats = {
            a: (s.state, s.since, s.call_id, s.call_start, s.answered, s.talk_s, s.ring_no_answer, sorted(s.queues))
            for a, s in f.seats.items()
        }
        queues = {
            n: (f.measures(n, 400), f.bucket_measures(n), f.queues[n].waiting, f.waiting_history(n, 400))
            for n in f.queues
        }
        calls = {c: f.call(c) for c in [f"c{i}" for i in range(1, 12)]}
        return seats, queues, calls, f.rejects.counts, f.last_event_time

    for th, kw in configs:
        block = Floor(th, LAYOUT, feed_format="queue_log", **kw)
        block.feed([text.encode()])
        by_line = Floor(th, LAYOUT, feed_format="queue_log", **kw)
        slow = Floor(th, LAYOUT, feed_format="queue_log", **kw)
        for line in lines:
            by_line.feed([line + b"\n"])
            ev = parse_line(line)
            if isinstance(ev, str):
                slow.lines_total += 1
                if ev != BLANK:
                    slow.rejects.add(ev, line)
            else:
                slow.apply(ev)
            a, b = by_line.take_changes(), slow.take_changes()
            assert (a.agents, a.queues, a.rejects) == (b.agents, b.queues, b.rejects), line
        assert state(block) == state(by_line) == state(slow)
        assert block.rejects.counts["out_of_order"] >= 2 and block.rejects.counts["bad_fields"] == 1


def test_a_stale_caller_leaves_the_waiting_history_when_it_went_stale() -> None:
    """A caller whose outcome line was lost hours ago must not fill the last hour's sparkline."""
    floor = Floor(Thresholds())
    t0 = 1_763_888_400
    floor.feed([f"{t0}|c1|sales|NONE|ENTERQUEUE||13800001234|1\n".encode()])
    now = t0 + 4 * 3600 + 2 * 3600  # stale after 4 h; two more hours have passed
    assert floor.measures("sales", now).waiting_now == 0
    assert floor.waiting_history("sales", now) == [0] * 60


# ------------------------------------------- issue 9: one rule for times and numbers


def three_ways(lines: list[bytes], **kw) -> tuple[Floor, Floor, Floor]:
    """The same lines folded as one block (the hot loop), one line at a time (the live
    tail) and through `queue_log.parse_line` + `Floor.apply` (the readable slow path)."""
    from floorconsole.queue_log import BLANK, parse_line

    th = kw.pop("thresholds", Thresholds())
    block = Floor(th, kw.get("layout"), feed_format="queue_log", **{k: v for k, v in kw.items() if k != "layout"})
    block.feed([b"\n".join(lines) + b"\n"])
    by_line = Floor(th, kw.get("layout"), feed_format="queue_log", **{k: v for k, v in kw.items() if k != "layout"})
    for line in lines:
        by_line.feed([line + b"\n"])
    slow = Floor(th, kw.get("layout"), feed_format="queue_log", **{k: v for k, v in kw.items() if k != "layout"})
    for line in lines:
        ev = parse_line(line)
        slow.lines_total += 1
        if isinstance(ev, str):
            if ev == BLANK:
                slow.lines_blank += 1
            else:
                slow.rejects.add(ev, line)
        else:
            slow.apply(ev)
    return block, by_line, slow


def summary(f: Floor, now: float = 1_700_001_000) -> tuple:
    seats = {a: (s.state, s.since, s.call_id, s.answered, s.talk_s, s.ring_no_answer) for a, s in f.seats.items()}
    return seats, {n: f.measures(n, now) for n in f.queues}, f.rejects.counts, f.lines_parsed, f.last_event_time


ENTER_T = b"1700000000|c1|sales|NONE|ENTERQUEUE||0170000001|1"


def test_a_huge_time_is_bad_time_and_nothing_downstream_sees_it() -> None:
    """Issue 9 item 1: a 400-digit time crashed the seat table's alert marks (OverflowError
    computing `now - since`). Times must be plain digits with an optional fraction, within
    queue_log.MIN_TIME..MAX_TIME (2100-01-01), on every path."""
    from floorconsole.queue_log import MAX_TIME, parse_line

    bad = [
        b"9" * 400 + b"|NONE|sales|SIP/1001|PAUSE|x",
        b"1_700_000_000|NONE|sales|SIP/1001|PAUSE|x",  # float()/int() accept underscores
        b"+1700000000|NONE|sales|SIP/1001|PAUSE|x",
        b"1700000000 |NONE|sales|SIP/1001|PAUSE|x",
        b"1e9|NONE|sales|SIP/1001|PAUSE|x",
        b"inf|NONE|sales|SIP/1001|PAUSE|x",
        b"1700000000.|NONE|sales|SIP/1001|PAUSE|x",
        b"%d|NONE|sales|SIP/1001|PAUSE|x" % (MAX_TIME + 1),
        b"\xd9\xa1\xd9\xa2|NONE|sales|SIP/1001|PAUSE|x",  # Arabic-Indic digits
    ]
    assert [parse_line(line) for line in bad] == ["bad_time"] * len(bad)
    good = [b"%d|NONE|sales|SIP/1001|UNPAUSE|" % MAX_TIME, b"1700000000.25|NONE|sales|SIP/1001|PAUSE|y"]
    for f in three_ways(good[1:] + bad):
        assert f.rejects.counts == {"bad_time": len(bad)}
        seat = f.seats["SIP/1001"]
        assert seat.since == 1700000000.25 and f.last_event_time == 1700000000.25
    block, by_line, slow = three_ways(good + bad)
    assert summary(block) == summary(by_line) == summary(slow)


def test_durations_are_plain_bounded_non_negative_whole_numbers() -> None:
    """Issue 9 items 1 and 12: a 400-digit holdtime counted the call answered with SL 0 %
    and never put the seat on call (a half-applied line); -400 gave ASA -400 s. A number
    the verb carries (holdtime, calltime, waittime, ring time) must be plain digits and at
    most 7 days: otherwise the whole line is bad_fields and changes nothing."""
    from floorconsole.queue_log import MAX_DURATION_S, parse_line

    big = b"9" * 400
    enter = [b"1700000000|c%d|sales|NONE|ENTERQUEUE||0170000001|1" % i for i in range(1, 4)]
    bad = [
        b"1700000005|c1|sales|SIP/1001|CONNECT|" + big + b"|c1.1|1",
        b"1700000005|c1|sales|SIP/1001|CONNECT|-400|c1.1|1",
        b"1700000005|c1|sales|SIP/1001|CONNECT|1_0|c1.1|1",
        b"1700000005|c1|sales|SIP/1001|CONNECT|%d|c1.1|1" % (MAX_DURATION_S + 1),
        b"1700000005|c1|sales|SIP/1001|CONNECT|5|c1.1|" + big,  # ringtime_s
        b"1700000006|c2|sales|NONE|ABANDON|1|1|-3",
        b"1700000006|c2|sales|NONE|ABANDON|1|1|" + big,
        b"1700000006|c3|sales|NONE|EXITWITHKEY|5|1|1|" + big,
        b"1700000007|c9|sales|SIP/1002|RINGNOANSWER|" + big,
        b"1700000007|c9|sales|SIP/1002|RINGCANCELED|-1",
    ]
    assert [parse_line(line) for line in bad] == ["bad_fields"] * len(bad)
    for f in three_ways(enter + bad):
        assert f.rejects.counts == {"bad_fields": len(bad)}, f.rejects.counts
        m = f.measures("sales", 1700000010)
        assert (m.offered, m.answered, m.abandoned, m.exited, m.asa_s, m.max_wait_s) == (3, 0, 0, 0, None, 0)
        assert f.queues["sales"].waiting_now == 3
        assert "SIP/1001" not in f.seats and "SIP/1002" not in f.seats
    # A call whose end carries a bad number stays connected; the limit itself is fine.
    call = [
        enter[0],
        b"1700000005|c1|sales|SIP/1001|CONNECT|%d|c1.1|1" % MAX_DURATION_S,
        b"1700000065|c1|sales|SIP/1001|COMPLETEAGENT|5|" + big + b"|1",
        b"1700000065|c1|sales|SIP/1001|COMPLETECALLER|" + big + b"|60|1",
        b"1700000065|c1|sales|SIP/1001|TRANSFER|2000|ctx|-5|60|1",
        b"1700000065|c1|sales|SIP/1001|ATTENDEDTRANSFER|BRIDGE|x|5|" + big + b"|1",
    ]
    block, by_line, slow = three_ways(call)
    assert summary(block) == summary(by_line) == summary(slow)
    assert block.rejects.counts == {"bad_fields": 4}
    assert block.seats["SIP/1001"].state is SeatState.ON_CALL
    assert block.measures("sales", 1700000100).asa_s == MAX_DURATION_S


def test_a_repeated_block_of_finished_calls_counts_once() -> None:
    """Issue 9 item 7: a block of finished calls repeated later in the file was counted
    twice (only out_of_order was flagged). Its lines are duplicates, not applied, and
    counted once each, as duplicates only."""
    calls = [
        b"1700000100|c1|sales|NONE|ENTERQUEUE||0170000001|1",
        b"1700000105|c1|sales|SIP/1001|CONNECT|5|c1.1|1",
        b"1700000165|c1|sales|SIP/1001|COMPLETEAGENT|5|60|1",
        b"1700000170|c2|sales|NONE|ENTERQUEUE||0170000002|1",
        b"1700000190|c2|sales|NONE|ABANDON|1|1|20",
        b"1700000200|c3|sales|NONE|ENTERQUEUE||0170000003|1",
        b"1700000200|c3|sales|NONE|EXITEMPTY|1|1|0",
        b"1700000200|c3|support|NONE|ENTERQUEUE||0170000003|1",  # failover: a new visit
        b"1700000204|c3|support|SIP/1001|CONNECT|4|c3.1|1",
    ]
    later = [b"1700000300|c4|sales|NONE|ENTERQUEUE||0170000004|1"]
    for f in three_ways(calls + later + calls[:-1]):
        sales, support = f.measures("sales", 1700000400), f.measures("support", 1700000400)
        assert (sales.offered, sales.answered, sales.abandoned, sales.exited, sales.handled) == (4, 1, 1, 1, 1)
        assert (support.offered, support.answered) == (1, 1)
        # c3's repeated EXITEMPTY finds c3 connected (its second visit): not applied either.
        assert f.rejects.counts == {"duplicate": len(calls) - 2, "outcome_after_connect": 1}, f.rejects.counts
        assert f.seats["SIP/1001"].answered == 2 and f.seats["SIP/1001"].call_id == "c3"
    block, by_line, slow = three_ways(calls + later + calls)
    assert summary(block) == summary(by_line) == summary(slow)


def test_verbs_are_case_sensitive_on_every_path() -> None:
    """Issue 9 item 15: `connect` or ` CONNECT` was unknown to the hot loop but applied by
    the slow path (which upper-cased). Verbs are matched exactly as Asterisk writes them."""
    from floorconsole.queue_log import parse_line

    odd = [
        b"1700000005|c1|sales|SIP/1001|connect|5|c1.1|1",
        b"1700000005|c1|sales|SIP/1001| CONNECT|5|c1.1|1",
        b"1700000005|c1|sales|SIP/1001|CONNECT |5|c1.1|1",
        b"\xef\xbb\xbf1700000005|c1|sales|SIP/1001|Connect|5|c1.1|1",  # BOM: the slow path
        b"1700000005.5|c1|sales|SIP/1001|connect|5|c1.1|1",  # fraction: the slow path
    ]
    assert [parse_line(line).verb for line in odd] == ["connect", " CONNECT", "CONNECT ", "Connect", "connect"]
    block, by_line, slow = three_ways([ENTER_T, *odd])
    assert summary(block) == summary(by_line) == summary(slow)
    assert block.rejects.counts == {"unknown_event": len(odd)}
    assert block.lines_unknown == len(odd) and block.queues["sales"].waiting_now == 1
