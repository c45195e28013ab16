"""FloorEngine regressions from issue 9: rotations during a stall (item 5), outages and the
persisted position (item 6), a FIFO as the feed (item 13), and "live" only once caught up.
Real files, directories, renames and FIFOs; the engine's own worker thread."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("floorconsole.floor", reason="floor.py (the Floor model) has not landed yet")

from floorconsole.config import Config  # noqa: E402
from floorconsole.engine import FloorEngine  # noqa: E402

T0 = 1_763_888_400.0  # a fixed moment inside one shift; the engine clock stands still here


def enter(i: int, t: float = T0) -> bytes:
    return f"{int(t)}|eng-{i}|sales|NONE|ENTERQUEUE||5550{i:04d}|1\n".encode()


def enters(r: range) -> bytes:
    return b"".join(enter(i, T0 - 600 + i) for i in r)


def wait_for(pred, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def counts(engine: FloorEngine) -> tuple[int, int]:
    """(lines applied, callers waiting in sales)."""
    with engine.locked() as floor:
        q = floor.queues.get("sales")
        return floor.lines_total, len(q.waiting) if q else 0


@pytest.fixture
def engine_for():
    engines: list[FloorEngine] = []

    def make(feed: Path, **kw) -> FloorEngine:
        kw.setdefault("clock", lambda: T0)
        e = FloorEngine(Config(), feed, **kw)
        engines.append(e)
        e.start()
        return e

    yield make
    for e in engines:
        e.stop()


# ---- item 5 -----------------------------------------------------------------------------


def test_two_rotations_while_the_engine_is_stalled_lose_nothing(tmp_path: Path, engine_for) -> None:
    """The console stalls (here: the Floor's lock is held, as a slow UI read does) while
    logrotate runs twice; afterwards every call is counted exactly once."""
    feed = tmp_path / "queue_log"
    w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
    w.write(enters(range(0, 10)))
    engine = engine_for(feed)
    try:
        wait_for(lambda: engine.health.state == "live" and counts(engine) == (10, 10))
        with engine.locked():
            w.write(enters(range(10, 20)))
            # the worker reads these and then blocks on the lock we hold: a real stall
            wait_for(lambda: engine._follower.position.offset == feed.stat().st_size)
            os.rename(feed, tmp_path / "queue_log.1")
            w.close()
            w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
            w.write(enters(range(20, 30)))
            os.rename(tmp_path / "queue_log.1", tmp_path / "queue_log.2")
            os.rename(feed, tmp_path / "queue_log.1")
            w.close()
            w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
            w.write(enters(range(30, 40)))
        wait_for(lambda: counts(engine)[0] >= 40)
        time.sleep(0.3)
        assert counts(engine) == (40, 40)
    finally:
        w.close()


# ---- item 6: outages within one process ------------------------------------------------


def _cannot_look(d: Path, away: Path) -> None:
    # chmod 000 does not stop root (these tests run as root in CI): then the directory is
    # moved away and a plain file takes its name, which fails the follower's look at the
    # feed (ENOTDIR) the way EACCES does
    if os.geteuid() != 0:
        d.chmod(0)
    else:
        os.rename(d, away)
        d.write_bytes(b"")


def _can_look(d: Path, away: Path) -> None:
    if os.geteuid() != 0:
        d.chmod(0o755)
    else:
        d.unlink()
        os.rename(away, d)


@pytest.mark.parametrize("back_as", ["same inode", "restored copy"])
def test_outage_unreadable_gone_back_counts_nothing_twice(tmp_path: Path, engine_for, back_as: str) -> None:
    d = tmp_path / "asterisk"
    d.mkdir()
    feed = d / "queue_log"
    feed.write_bytes(enters(range(100)))
    away = tmp_path / "asterisk.away"
    engine = engine_for(feed)
    try:
        wait_for(lambda: engine.health.state == "live" and counts(engine) == (100, 100))
        _cannot_look(d, away)
        wait_for(lambda: engine.health.state == "unreadable")
        assert "cannot" in engine.health.message
        _can_look(d, away)
        os.rename(d, away)  # gone
        wait_for(lambda: engine.health.state == "missing file")
        time.sleep(0.3)
        if back_as == "same inode":
            os.rename(away, d)
        else:
            shutil.copytree(away, d)
            shutil.rmtree(away)
        wait_for(lambda: engine.health.state == "live")
        time.sleep(0.5)
        assert counts(engine) == (100, 100), "the feed was read again after the outage"
        with open(feed, "ab") as f:
            f.write(enters(range(100, 105)))
        wait_for(lambda: counts(engine)[0] >= 105)
        time.sleep(0.2)
        assert counts(engine) == (105, 105)
        assert engine.health.last_error is None
    finally:
        if d.exists() and d.is_dir():
            d.chmod(0o755)


# ---- item 6: the persisted position ------------------------------------------------------


def test_position_is_persisted_atomically_and_a_restart_folds_exactly(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(enters(range(100)))
    posfile = tmp_path / "state" / "feed-position.json"
    e1 = engine_for(feed, position_file=posfile)
    wait_for(lambda: e1.health.state == "live" and counts(e1) == (100, 100))
    with open(feed, "ab") as f:
        f.write(enters(range(100, 110)))
    wait_for(lambda: counts(e1) == (110, 110))
    e1.stop()
    saved = json.loads(posfile.read_text())
    assert stat.S_IMODE(posfile.stat().st_mode) == 0o600
    assert not [p for p in posfile.parent.iterdir() if p != posfile], "no temp file left behind"
    assert saved["position"]["offset"] == feed.stat().st_size == e1.position.offset
    # a restart: the Floor is rebuilt from the shift start (not counted twice), and the
    # engine knows how far the previous run got
    with open(feed, "ab") as f:
        f.write(enters(range(110, 115)))
    e2 = engine_for(feed, position_file=posfile)
    assert e2.previous_position == e1.position
    wait_for(lambda: e2.health.state == "live" and counts(e2) == (115, 115))
    assert not e2.replaying_previous_run
    time.sleep(0.2)
    assert counts(e2) == (115, 115)


def test_position_file_is_written_at_most_about_once_a_second(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"")
    posfile = tmp_path / "feed-position.json"
    engine = engine_for(feed, position_file=posfile)
    wait_for(lambda: engine.health.state == "live")
    inodes = set()
    t_end = time.monotonic() + 1.5
    i = 0
    while time.monotonic() < t_end:
        with open(feed, "ab") as f:
            f.write(enter(i))
        i += 1
        time.sleep(0.02)
        if posfile.exists():
            inodes.add(posfile.stat().st_ino)  # each atomic write is a new inode
    assert 1 <= len(inodes) <= 3, len(inodes)
    wait_for(lambda: counts(engine)[0] == i)
    engine.stop()  # the last position is written on stop
    assert json.loads(posfile.read_text())["position"]["offset"] == feed.stat().st_size


def test_a_damaged_position_file_is_ignored_not_fatal(tmp_path: Path, engine_for) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(enters(range(3)))
    posfile = tmp_path / "feed-position.json"
    posfile.write_text("{not json")
    engine = engine_for(feed, position_file=posfile)
    wait_for(lambda: engine.health.state == "live" and counts(engine) == (3, 3))
    assert engine.previous_position is None


# ---- item 13 -------------------------------------------------------------------------------


def test_fifo_feed_is_refused_with_a_clear_state(tmp_path: Path, engine_for) -> None:
    fifo = tmp_path / "queue_log"
    os.mkfifo(fifo)
    engine = engine_for(fifo)
    try:
        wait_for(lambda: engine.health.state == "not a regular file", timeout=5)
        assert "FIFO" in engine.health.message
        t0 = time.monotonic()
        engine.stop()
        assert time.monotonic() - t0 < 1.0 and not engine._thread.is_alive()
    finally:
        if engine._thread.is_alive():  # unblock an open() stuck on the FIFO
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.parametrize("command", [["report"], ["stats"]])
def test_cli_refuses_a_fifo_feed(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "queue_log"
    os.mkfifo(fifo)
    argv = [sys.executable, "-m", "floorconsole", *command, "--feed", str(fifo)]
    if command == ["report"]:
        from floorconsole.store import Store

        Store(tmp_path / "r.db").close()  # a report is audited: it needs the records
        argv += ["--db", str(tmp_path / "r.db")]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{command[0]} --feed FIFO hung") from None
    assert r.returncode != 0
    assert "not a regular file" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


# ---- "live" only once caught up ------------------------------------------------------------


class RecordingEngine(FloorEngine):
    """Notes what the engine reported (state, lag) just before each batch is applied: what
    a UI polling between two batches would have shown."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.seen: list[tuple[str, int, bool]] = []

    def _apply(self, lines: list[bytes]) -> None:
        self.seen.append((self._state, self._lag, self.progress.finished))
        super()._apply(lines)


def test_a_burst_is_reported_as_catching_up_not_live_lag_0(tmp_path: Path) -> None:
    from floorconsole import tail

    feed = tmp_path / "queue_log"
    feed.write_bytes(b"")
    engine = RecordingEngine(Config(), feed, clock=lambda: T0)
    engine.start()
    try:
        wait_for(lambda: engine.health.state == "live")
        assert engine.health.caught_up
        # the whole burst appears at once (a rotation to a file already full), so the
        # follower sees all of it on its first look: several chunks to apply
        incoming = tmp_path / "incoming"
        n = 3 * tail.READ_CHUNK // 40
        incoming.write_bytes(enters(range(n)))
        os.rename(incoming, feed)
        wait_for(lambda: counts(engine)[0] == n)
        wait_for(lambda: engine.health.state == "live")
        between = engine.seen[1:]  # before the 2nd, 3rd... batch of the burst
        assert len(between) >= 2
        for state, lag, _finished in between:
            assert state == "catching up" and lag > 0, engine.seen
        assert engine.health.lag_bytes == 0 and engine.health.caught_up
    finally:
        engine.stop()


def test_backfill_is_not_finished_before_the_follower_is_caught_up(tmp_path: Path) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(enters(range(3 * 512 * 1024 // 40)))
    engine = RecordingEngine(Config(), feed, clock=lambda: T0)
    engine.start()
    try:
        wait_for(lambda: engine.health.state == "live")
        assert len(engine.seen) >= 3
        assert not any(finished for _, _, finished in engine.seen), engine.seen
        assert all(state == "backfilling" and lag > 0 for state, lag, _ in engine.seen[1:]), engine.seen
        assert engine.progress.finished
    finally:
        engine.stop()
