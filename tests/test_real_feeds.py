"""Every real Asterisk sample in tests/fixtures/feeds/ folds to the numbers it really holds."""

from __future__ import annotations

from pathlib import Path

from floorconsole.config import Thresholds
from floorconsole.floor import SeatState
from floorconsole.layout import FloorLayout, SeatPlace
from floorconsole.queue_log import parse_line
from floorconsole.replay import fold_files

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_every_sample_parses_without_rejects() -> None:
    samples = sorted(FEEDS.glob("*.queue_log"))
    assert len(samples) == 4
    for path in samples:
        floor = fold_files([path], Thresholds())
        assert floor.lines_malformed == 0 and floor.lines_unknown == 0, path.name
        assert floor.rejects.counts == {}, (path.name, floor.rejects.counts)
        for line in path.read_bytes().splitlines():
            assert not isinstance(parse_line(line), str) or not line.strip()


def test_freepbx_ring_all_floor() -> None:
    path = FEEDS / "freepbx-asterisk14-2010.queue_log"
    floor = fold_files([path], Thresholds())
    assert (floor.lines_total, floor.lines_blank, floor.lines_parsed) == (280, 2, 278)
    end = floor.last_event_time
    m = floor.measures("9000", end)
    assert (m.offered, m.answered, m.abandoned, m.exited, m.waiting_now) == (21, 8, 12, 0, 1)
    (waiting,) = floor.queues["9000"].waiting.values()
    assert (waiting.callid, waiting.caller, waiting.entered) == ("1266839768.534", "01700000004", 1266839777)
    # One answered call without its COMPLETE line: the agent is still on it.
    seat = floor.seats["Local/2004@from-internal/n"]
    assert (seat.state, seat.call_id, seat.call_start) == (SeatState.ON_CALL, "1266839761.533", 1266839775)
    # 221 RINGNOANSWER, mostly 0-2 s ring-all noise: only real ring-outs count.
    rna = sum(1 for line in path.read_bytes().splitlines() if b"|RINGNOANSWER|" in line)
    assert rna == 221
    assert sum(s.ring_no_answer for s in floor.seats.values()) == 4
    assert len(floor.seats) == 9 and all(s.queues == {"9000"} for s in floor.seats.values())
    assert floor.seats["Local/2008@from-internal/n"].state is SeatState.AVAILABLE


def test_elastix_pause_with_a_name_as_agent() -> None:
    floor = fold_files([FEEDS / "elastix-asterisk11-pause.queue_log"], Thresholds())
    seat = floor.seats["JASON SMITH"]
    assert (seat.state, seat.pause_reason, seat.since) == (SeatState.PAUSED, "LUNCHBREAK", 1455031982)
    layout = FloorLayout((SeatPlace("B07", "B", 7, "SIP/2007", "JASON SMITH", ("9999",)),))
    floor = fold_files([FEEDS / "elastix-asterisk11-pause.queue_log"], Thresholds(), layout)
    assert floor.seats["SIP/2007"].state is SeatState.PAUSED and list(floor.seats) == ["SIP/2007"]


def test_docs_ringnoanswer_in_milliseconds() -> None:
    path = FEEDS / "asterisk-docs-ringnoanswer.queue_log"
    floor = fold_files([path], Thresholds())
    assert floor.seats["SIP/8007"].ring_no_answer == 0  # 1000 ms is not a ring-out
    floor = fold_files([path], Thresholds(ring_no_answer_min_s=1))
    assert floor.seats["SIP/8007"].ring_no_answer == 1
    assert parse_line(path.read_bytes().strip()).callid == "1366720340.303267"


def test_modern_lifecycle_lines_with_trailing_empty_field() -> None:
    floor = fold_files([FEEDS / "asterisk-2025-lifecycle.queue_log"], Thresholds())
    assert (floor.lines_total, floor.lines_parsed) == (19, 19)
    assert floor.seats == {} and floor.queues == {}
    assert floor.last_event_time == 1762187534


def test_rotated_files_fold_in_order(tmp_path: Path) -> None:
    lines = (FEEDS / "freepbx-asterisk14-2010.queue_log").read_bytes().splitlines(keepends=True)
    old, new = tmp_path / "queue_log.1", tmp_path / "queue_log"
    old.write_bytes(b"".join(lines[:140]))
    new.write_bytes(b"".join(lines[140:]))
    floor = fold_files([old, new], Thresholds())
    assert floor.measures("9000", 0).offered == 21 and floor.rejects.counts == {}
