"""Queue measures against hand-computed numbers; window, shift change, buckets, history."""

from __future__ import annotations

from floorconsole.config import Thresholds
from floorconsole.floor import Floor
from floorconsole.measures import Tally, compute

# Queue "sales", SL threshold 15 s. Hand-computed:
#   c1 answered after 10 s (within SL), talk 100      c2 answered after 20 s, transferred, talk 50
#   c3 abandoned after 40 s                           c4 timed out after 60 s (exited)
#   c5 answered after 5 s, still talking (no end)     c6 still waiting since 1000
# offered 6; answered 3; abandoned 1; exited 1; finished = 5
# SL = 2/5 = 40 %; abandon rate = 1/5 = 20 %; ASA = (10+20+5)/3 = 11.67
# AHT = (100+50)/2 = 75; max finished wait = 60; waiting now 1; longest now at 1030 = 30
FEED = """\
0|c1|sales|NONE|ENTERQUEUE||0170000001|1
10|c1|sales|SIP/1|CONNECT|10|x|1
110|c1|sales|SIP/1|COMPLETECALLER|10|100|1
200|c2|sales|NONE|ENTERQUEUE||0170000002|1
220|c2|sales|SIP/2|CONNECT|20|x|1
270|c2|sales|SIP/2|BLINDTRANSFER|2000|from-internal|20|50|1
300|c3|sales|NONE|ENTERQUEUE||0170000003|1
340|c3|sales|NONE|ABANDON|1|1|40
400|c4|sales|NONE|ENTERQUEUE||0170000004|1
460|c4|sales|NONE|EXITWITHTIMEOUT|1|1|60
500|c5|sales|NONE|ENTERQUEUE||0170000005|1
505|c5|sales|SIP/1|CONNECT|5|x|1
1000|c6|sales|NONE|ENTERQUEUE||0170000006|1
"""


def fold(text: str = FEED, **kw) -> Floor:
    floor = Floor(kw.pop("thresholds", Thresholds()), **kw)
    floor.feed([text.encode()])
    return floor


def test_measures_match_hand_computed_numbers() -> None:
    m = fold().measures("sales", now=1030)
    assert (m.offered, m.answered, m.abandoned, m.exited, m.answered_within_sl) == (6, 3, 1, 1, 2)
    assert m.service_level == 40.0
    assert m.abandon_rate == 20.0
    assert round(m.asa_s, 2) == 11.67
    assert m.aht_s == 75.0 and m.handled == 2
    assert m.max_wait_s == 60
    assert (m.waiting_now, m.longest_wait_now_s) == (1, 30)


def test_undefined_ratios_are_none() -> None:
    m = fold("0|c1|sales|NONE|ENTERQUEUE||x|1\n").measures("sales", 10)
    assert (m.service_level, m.abandon_rate, m.asa_s, m.aht_s) == (None, None, None, None)
    assert m.longest_wait_now_s == 10
    z = fold("").measures("nowhere", 0)
    assert z.offered == 0 and z.service_level is None
    assert compute("q", Tally()).max_wait_s == 0


def test_sl_threshold_is_inclusive_and_configurable() -> None:
    assert fold(thresholds=Thresholds(sl_threshold_s=20)).measures("sales", 0).answered_within_sl == 3
    assert fold(thresholds=Thresholds(sl_threshold_s=9)).measures("sales", 0).answered_within_sl == 1


def test_window_counts_only_events_inside_but_state_follows_all() -> None:
    floor = fold(window_start=250, window_end=480)
    m = floor.measures("sales", 1030)
    # Entered inside [250, 480): c3 (abandoned), c4 (exited). c2's transfer end at 270 is
    # inside, but c2 entered at 200: a call's outcome counts in the window it entered in.
    assert (m.offered, m.answered, m.abandoned, m.exited, m.handled) == (2, 0, 1, 1, 0)
    assert m.aht_s is None and m.service_level == 0.0
    assert floor.seats["SIP/1"].state == "ON_CALL"  # c5 connected after the window
    assert floor.seats["SIP/1"].answered == 0 and floor.seats["SIP/2"].talk_s == 0
    assert m.waiting_now == 1  # waiting now is the present, not the window


def test_set_window_restarts_measures_at_a_shift_change() -> None:
    floor = fold(FEED.split("500|")[0])
    assert floor.measures("sales", 0).offered == 4
    floor.set_window(480)
    assert floor.measures("sales", 0).offered == 0 and floor.seats["SIP/1"].answered == 0
    floor.feed([b"500|c5|sales|NONE|ENTERQUEUE||x|1\n505|c5|sales|SIP/1|CONNECT|5|x|1\n"])
    m = floor.measures("sales", 505)
    assert (m.offered, m.answered, m.service_level) == (1, 1, 100.0)
    assert floor.seats["SIP/1"].answered == 1


def test_hourly_buckets_and_floor_total() -> None:
    text = FEED + "3700|d1|support|NONE|ENTERQUEUE||x|1\n3710|d1|support|NONE|ABANDON|1|1|10\n"
    floor = fold(text, bucket_s=3600)
    by_hour = floor.bucket_measures("sales")
    assert list(by_hour) == [0]
    assert by_hour[0].offered == 6 and by_hour[0].service_level == 40.0
    total_by_hour = floor.bucket_measures()
    assert list(total_by_hour) == [0, 3600]
    assert total_by_hour[3600].abandoned == 1 and total_by_hour[3600].abandon_rate == 100.0
    tot = floor.measures_total(now=3710)
    assert (tot.offered, tot.answered, tot.abandoned, tot.exited) == (7, 3, 2, 1)
    assert abs(tot.service_level - 200 / 6) < 1e-9  # 2 within SL of 6 finished
    assert tot.waiting_now == 1


def test_waiting_history_per_minute() -> None:
    text = (
        "0|a|q|NONE|ENTERQUEUE||x|1\n"
        "10|b|q|NONE|ENTERQUEUE||x|1\n"
        "70|a|q|NONE|ABANDON|1|1|70\n"
        "200|b|q|NONE|ABANDON|1|1|200\n"
    )
    floor = fold(text)
    # minute 0: peak 2; minute 1: 2 at its start; minute 2: 1; minute 3: 1 then 0.
    assert floor.waiting_history("q") == [2, 2, 1, 1]
    assert floor.waiting_history("q", now=330) == [2, 2, 1, 1, 0, 0]
    assert len(fold("".join(f"{i * 60}|c{i}|q|NONE|ENTERQUEUE||x|1\n" for i in range(100))).waiting_history("q")) == 60
    assert floor.waiting_history("nowhere") == []
