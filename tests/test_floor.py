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
