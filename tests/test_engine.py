"""FloorEngine end to end on real files: backfill, live, rotation, missing file, bad lines."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("floorconsole.floor", reason="floor.py (the Floor model) has not landed yet")

from floorconsole.config import Config  # noqa: E402
from floorconsole.engine import FloorEngine  # noqa: E402


def enter(i: int, t: float | None = None, queue: str = "sales") -> bytes:
    t = time.time() if t is None else t
    return f"{int(t)}|eng-{i}|{queue}|NONE|ENTERQUEUE||5550{i:04d}|1\n".encode()


def wait_for(pred, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def lines_total(engine: FloorEngine) -> int:
    with engine.locked() as floor:
        return floor.lines_total


def waiting(engine: FloorEngine, queue: str = "sales") -> int:
    with engine.locked() as floor:
        q = floor.queues.get(queue)
        return len(q.waiting) if q else 0


@pytest.fixture
def engine_for(tmp_path: Path):
    engines: list[FloorEngine] = []

    def make(feed: Path, subscribe=None, **kw) -> FloorEngine:  # noqa: ANN001
        kw.setdefault("clock", time.time)  # the session's clock (moved by --instant)
        e = FloorEngine(Config(), feed, **kw)
        if subscribe is not None:
            e.subscribe(subscribe)
        engines.append(e)
        e.start()
        return e

    yield make
    for e in engines:
        e.stop()


def test_backfill_rotated_then_live_rotation_exactly_once(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    (tmp_path / "queue_log.1").write_bytes(b"".join(enter(i) for i in range(0, 50)))
    feed.write_bytes(b"".join(enter(i) for i in range(50, 100)))
    now = time.time()  # the file system keeps the real time; the session may run at another instant
    for p in (tmp_path / "queue_log.1", feed):
        os.utime(p, (now, now))
    engine = engine_for(feed)
    wait_for(lambda: engine.progress.finished and lines_total(engine) == 100)
    assert engine.progress.done_bytes == engine.progress.total_bytes
    wait_for(lambda: engine.health.state == "live")
    # live appends, a rename rotation, more appends
    with open(feed, "ab") as f:
        f.write(b"".join(enter(i) for i in range(100, 150)))
    os.rename(feed, tmp_path / "queue_log.0")
    feed.write_bytes(b"".join(enter(i) for i in range(150, 200)))
    wait_for(lambda: lines_total(engine) == 200)
    assert waiting(engine) == 200
    time.sleep(0.1)
    assert lines_total(engine) == 200, "no line applied twice"
    assert engine.health.lag_bytes == 0


def test_missing_feed_waits_then_follows(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    engine = engine_for(feed)
    wait_for(lambda: engine.health.state == "missing file")
    assert engine.health.message == f"waiting for {feed}"
    feed.write_bytes(enter(1))
    wait_for(lambda: lines_total(engine) == 1)
    assert engine.health.state == "live"


def test_bad_lines_are_counted_and_the_feed_goes_on(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(enter(1) + b"garbage\n" + b"\xff\xfe|x\n" + enter(2))
    engine = engine_for(feed)
    wait_for(lambda: lines_total(engine) == 4)
    assert waiting(engine) == 2
    health = engine.health
    assert sum(health.reject_counts.values()) >= 2
    assert health.last_rejects
    with open(feed, "ab") as f:
        f.write(enter(3))
    wait_for(lambda: waiting(engine) == 3)


def test_engine_pushes_what_changed(tmp_path: Path, engine_for) -> None:
    """Push, not poll: each applied batch reaches subscribers as a typed update with the
    changed rows; the whole floor once the backfill is applied, progress before."""
    feed = tmp_path / "queue_log"
    feed.write_bytes(enter(1) + enter(2))
    updates: list = []
    engine_for(feed, subscribe=updates.append)  # started here, stopped by the fixture
    wait_for(lambda: any(u.status and u.status.live for u in updates))
    first_live = next(u for u in updates if u.status and u.status.live)
    assert first_live.queues["sales"].waiting_now == 2 and first_live.rejects is not None
    before = len(updates)
    with open(feed, "ab") as f:
        f.write(enter(7))
    wait_for(lambda: any(u.queues.get("sales") and u.queues["sales"].waiting_now == 3 for u in updates[before:]))


def test_shift_change_moves_the_window(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"")
    now = [time.time()]
    engine = engine_for(feed, clock=lambda: now[0])
    wait_for(lambda: engine.health.state == "live")
    start = engine._window_start
    now[0] += 9 * 3600  # past any 8-hour shift
    with open(feed, "ab") as f:
        f.write(enter(1))  # a batch makes the worker look at the clock
    wait_for(lambda: engine._window_start != start)
    assert engine._window_start > start


def test_stop_is_prompt(tmp_path: Path) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(enter(1))
    engine = FloorEngine(Config(), feed, clock=time.time)
    engine.start()
    wait_for(lambda: lines_total(engine) == 1)
    t0 = time.monotonic()
    engine.stop()
    assert time.monotonic() - t0 < 1.0
    assert not engine._thread.is_alive()


WRITER = r"""
import os, sys, time
path, n = sys.argv[1], int(sys.argv[2])
f = open(path, "ab", buffering=0)
for i in range(n):
    f.write(f"{int(time.time())}|w-{i}|sales|NONE|ENTERQUEUE||555|1\n".encode())
    if i == n // 3:  # copytruncate in the middle
        import shutil
        shutil.copyfile(path, path + ".1")
        os.truncate(path, 0)
    if i % 100 == 0:
        time.sleep(0.002)
f.close()
"""


def test_real_writer_process_every_event_once(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"")
    engine = engine_for(feed)
    wait_for(lambda: engine.health.state == "live")
    n = 1500
    subprocess.run([sys.executable, "-c", WRITER, str(feed), str(n)], check=True, timeout=30)
    wait_for(lambda: waiting(engine) == n, timeout=10)
    time.sleep(0.1)
    assert lines_total(engine) == n


def test_big_backfill_is_fed_in_blocks_and_folds_exactly_like_a_replay(tmp_path: Path, engine_for) -> None:
    """Backfill batches go to the Floor as blocks (for speed); the result must be the same
    as folding the file directly, line for line."""
    from floorconsole.config import Thresholds
    from floorconsole.layout import generated_layout
    from floorconsole.replay import fold_files
    from floorconsole.shifts import shift_at_epoch
    from floorconsole.simulator import Simulator

    sim = Simulator(generated_layout(200, ("sales", "support")), Thresholds(), seed=3, profile=None)
    t0 = 1_763_888_400.0  # a fixed moment; the whole simulated range lies in one shift
    shift = shift_at_epoch(Config().shifts, t0 + 3000)
    feed = tmp_path / "queue_log"
    body = "\n".join(sim.lines_between(t0, t0 + 3000)) + "\n"
    feed.write_text(body + "garbage line\n")
    expected = fold_files([feed], Thresholds(), window_start=shift.start.timestamp(), window_end=shift.end.timestamp())
    assert expected.lines_total > 5000  # big enough for several blocks

    engine = engine_for(feed, clock=lambda: t0 + 3000)
    wait_for(lambda: engine.progress.finished and lines_total(engine) == expected.lines_total)
    now = t0 + 3000
    with engine.locked() as floor:
        assert dict(floor.rejects.counts) == dict(expected.rejects.counts)
        for q in expected.queues:
            assert floor.measures(q, now) == expected.measures(q, now)


def test_wrap_up_ends_on_screen_by_the_engine_clock(tmp_path: Path, engine_for) -> None:
    from dataclasses import replace

    from floorconsole.config import Thresholds
    from floorconsole.floor import SeatState

    now = [1_763_888_400.0]
    feed = tmp_path / "queue_log"
    t = now[0] - 70  # the call ends 5 s before "now"; wrap-up runs 25 s past it
    feed.write_bytes(
        f"{t:.0f}|c1|sales|NONE|ENTERQUEUE||13800001234|1\n"
        f"{t + 5:.0f}|c1|sales|SIP/1|CONNECT|5|c1.1|2\n"
        f"{t + 65:.0f}|c1|sales|SIP/1|COMPLETECALLER|5|60|1\n".encode()
    )
    config = replace(Config(), thresholds=Thresholds(wrapup_s=30))
    engine = FloorEngine(config, feed, clock=lambda: now[0])
    seen: list = []
    engine.subscribe(lambda u: seen.extend(u.seats.values()))
    engine.start()
    try:
        wait_for(lambda: any(s.agent == "SIP/1" and s.state == "WRAP_UP" for s in seen))
        with engine.locked() as floor:
            assert floor.seats["SIP/1"].state is SeatState.WRAP_UP
        now[0] = t + 65 + 31  # wrap-up over: no feed line says so, the engine's clock does
        wait_for(lambda: seen[-1:] and seen[-1].state == "AVAILABLE", timeout=5)
        with engine.locked() as floor:
            assert floor.seats["SIP/1"].state is SeatState.AVAILABLE
    finally:
        engine.stop()


def test_one_bad_line_in_a_backfill_block_costs_one_line(tmp_path: Path, engine_for) -> None:
    """Issue 9 item 4: one line that made `Floor.feed` raise (a JSON time >= 2**1024) cost
    the rest of its 2,048-line backfill block (1,947 of 5,000 events vanished). Now it is
    one bad_time reject and every other line is applied."""
    t0 = 1_763_888_400.0
    lines = [
        f'{{"time": {int(t0) - 600}, "event": "ENTERQUEUE", "callid": "b-{i}", "queue": "sales"}}\n'.encode()
        for i in range(5000)
    ]
    lines[100] = b'{"time": 1' + b"0" * 400 + b', "event": "ENTERQUEUE", "callid": "b-100", "queue": "sales"}\n'
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(lines))
    engine = engine_for(feed, clock=lambda: t0)
    wait_for(lambda: engine.progress.finished and lines_total(engine) == 5000)
    assert waiting(engine) == 4999
    health = engine.health
    assert health.reject_counts == {"bad_time": 1} and health.last_error is None


def test_a_block_the_floor_chokes_on_is_retried_line_by_line(tmp_path: Path, engine_for) -> None:
    """Should `Floor.feed` raise on a block all the same (a bug: it promises not to, and
    the fuzz tests hold it to that), the engine retries that block line by line, so only
    the culprit is lost. A Floor that raises on one marked line stands in for the bug:
    no real input can make the Floor raise any more."""
    from floorconsole.floor import Floor

    class BrittleFloor(Floor):
        def feed(self, lines):  # type: ignore[override]
            for item in lines:
                if b"BOOM" in item:
                    raise RuntimeError("boom")
                super().feed([item])

    t0 = 1_763_888_400.0
    body = [enter(i, t0 - 600) for i in range(5000)]
    body[100] = body[100].replace(b"ENTERQUEUE", b"BOOM")
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"".join(body))
    engine = FloorEngine(Config(), feed, clock=lambda: t0)
    engine._floor = BrittleFloor(
        Config().thresholds,
        window_start=engine._floor.window_start,
        window_end=engine._floor.window_end,
        feed_format="queue_log",
    )
    engine.start()
    try:
        wait_for(lambda: engine.progress.finished and waiting(engine) == 4999)
        assert "boom" in (engine.health.last_error or "")
    finally:
        engine.stop()


def test_a_huge_time_never_reaches_the_health_snapshot(tmp_path: Path, engine_for) -> None:
    """The header shows `now - health.last_event_time`: a 400-digit, nan or 1e400 time on
    the last lines of a batch gave inf or nan there (int() of it raises). The engine reads
    a line's time by the parsers' rule, so a bad time is no time."""
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"".join(b + b"|NONE|sales|SIP/1|PAUSE|x\n" for b in (b"9" * 400, b"nan", b"1e400")))
    engine = engine_for(feed)
    wait_for(lambda: lines_total(engine) == 3)
    health = engine.health
    assert health.reject_counts == {"bad_time": 3}
    assert health.last_event_time is None
