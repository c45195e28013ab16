"""`floorconsole watch`: the floor is recorded with no console open, and consoles start from
its snapshot (issue 8). Real subprocesses, a real feed file, a real records database.
"""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.waiting import wait_for

from floorconsole import snapshot
from floorconsole.clock import ManualClock
from floorconsole.config import Config
from floorconsole.engine import FloorEngine
from floorconsole.shifts import shift_at_epoch
from floorconsole.store import Store
from floorconsole.wiring import build_parts, feed_state_files

ROOT = Path(__file__).resolve().parents[1]


def _line(t: float, *fields: str) -> str:
    return "|".join([str(int(t)), *fields]) + "\n"


def _window_start(now: float) -> float:
    return shift_at_epoch(Config().shifts, now).start.timestamp()


def _shift_lines(now: float, n: int = 40) -> str:
    """`n` answered calls from a minute into the shift of `now` (whatever the hour)."""
    start = _window_start(now) + 60
    out = [_line(start, "NONE", "sales", "SIP/1001", "ADDMEMBER", "")]
    for i in range(n):
        t = start + 10 * i
        out += [
            _line(t, f"c{i}", "sales", "NONE", "ENTERQUEUE", "", f"1380000{i:04d}", "1"),
            _line(t + 4, f"c{i}", "sales", "SIP/1001", "CONNECT", "4", f"c{i}.1", "1"),
            _line(t + 8, f"c{i}", "sales", "SIP/1001", "COMPLETECALLER", "4", "4", "1"),
        ]
    return "".join(out)


def _watch(tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "floorconsole",
            "--db",
            str(tmp_path / "floor.db"),
            "watch",
            "--feed",
            str(tmp_path / "queue_log"),
            "--interval",
            "0.2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def _escalations(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT event_key, agent, actor, os_user FROM escalations").fetchall()
        except sqlite3.OperationalError:
            return []


def test_an_escalation_written_while_only_watch_runs_is_recorded_once(tmp_path: Path) -> None:
    now = time.time()
    feed = tmp_path / "queue_log"
    feed.write_text(_shift_lines(now, 5))
    proc = _watch(tmp_path)
    try:
        wait_for(lambda: snapshot_exists(tmp_path), timeout=60, what="watch caught up")
        with open(feed, "a") as f:
            f.write(_line(now, "c9", "sales", "SIP/1001", "ESCALATE", "wants the supervisor", "1"))
        try:
            wait_for(lambda: len(_escalations(tmp_path / "floor.db")) == 1, timeout=60, what="the escalation recorded")
        except AssertionError:
            proc.terminate()
            said = proc.communicate(timeout=20)[1][-1500:]
            files = {p.name: (p.read_text() if p.suffix == ".json" else p.stat().st_size) for p in tmp_path.iterdir()}
            raise AssertionError(
                f"not recorded; watch said: {said}\nfiles: {files}\nfeed tail: {feed.read_bytes()[-300:]!r}"
            ) from None
        time.sleep(0.5)  # a second chance to record it twice
        (row,) = _escalations(tmp_path / "floor.db")
        assert row[1] == "SIP/1001" and row[2] == "SIP/1001" and row[3] == "feed"  # raised by the agent
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert out == ""  # nothing on stdout: only a status line on stderr
    # consoles opening afterwards (from the snapshot, or refolding) record it no second time
    for use_snapshot in (True, False):
        if not use_snapshot:
            for p in feed_state_files(Config(db_path=tmp_path / "floor.db"), feed):
                p.unlink(missing_ok=True)
        parts = build_parts(Config(db_path=tmp_path / "floor.db", feed_path=feed), feed, clock=time.time)
        try:
            parts.engine.start()
            wait_for(lambda parts=parts: parts.engine.health.caught_up, timeout=20)
            time.sleep(0.3)
            parts.service.call(Store.data_version)  # the queue of writes is drained
        finally:
            parts.close()
        assert len(_escalations(tmp_path / "floor.db")) == 1


def snapshot_exists(tmp_path: Path) -> bool:
    _, snap = feed_state_files(Config(db_path=tmp_path / "floor.db"), tmp_path / "queue_log")
    return snap.exists()


def _engine(config: Config, feed: Path, clock, **kw) -> FloorEngine:  # noqa: ANN001
    engine = FloorEngine(config, feed, clock=clock, **kw)
    engine.start()
    wait_for(lambda: engine.health.caught_up, timeout=20)
    return engine


def _figures(engine: FloorEngine, now: float) -> tuple:
    with engine.locked() as floor:
        m = floor.measures("sales", now)
        return (
            m.offered,
            m.answered,
            m.abandoned,
            m.asa_s,
            m.aht_s,
            floor.lines_total,
            {a: (s.answered, floor.seat_state_at(s, now).name) for a, s in floor.seats.items()},
        )


def test_a_console_starts_from_the_snapshot_with_exactly_the_figures_of_a_refold(tmp_path: Path) -> None:
    feed = tmp_path / "queue_log"
    feed.write_text(_shift_lines(time.time(), 30))
    clock = ManualClock(_window_start(time.time()) + 60 + 10 * 30 + 120)  # inside the shift, after the lines
    config = Config(db_path=tmp_path / "floor.db", feed_path=feed)
    snap = tmp_path / "floor.snapshot"
    watcher = _engine(config, feed, clock, snapshot_out=snap, snapshot_every_s=0.0)
    with open(feed, "a") as f:  # a batch after catching up: the watcher saves the floor
        f.write(_line(clock() - 30, "x1", "sales", "NONE", "ENTERQUEUE", "", "13900000001", "1"))
    wait_for(lambda: snap.exists(), timeout=10)
    watcher.stop()
    with open(feed, "a") as f:  # written after the snapshot: must be counted once, not lost
        f.write(_line(clock() - 20, "x1", "sales", "SIP/1001", "CONNECT", "10", "x1.1", "1"))
        f.write(_line(clock() - 5, "x1", "sales", "SIP/1001", "COMPLETECALLER", "10", "15", "1"))
    from_snapshot = _engine(config, feed, clock, snapshot_in=snap)
    refold = _engine(config, feed, clock)
    try:
        assert from_snapshot.snapshot_note == "started from the watch snapshot"
        assert _figures(from_snapshot, clock()) == _figures(refold, clock())
        assert _figures(refold, clock())[:2] == (31, 31)
    finally:
        from_snapshot.stop()
        refold.stop()


@pytest.mark.parametrize("spoil", ["other shift", "other feed", "writable by others", "code", "damaged"])
def test_a_snapshot_that_does_not_fit_means_a_refold_never_a_failure(tmp_path: Path, spoil: str) -> None:
    clock = ManualClock(time.time())
    feed = tmp_path / "queue_log"
    feed.write_text(_shift_lines(clock(), 5))
    config = Config(db_path=tmp_path / "floor.db", feed_path=feed)
    snap = tmp_path / "floor.snapshot"
    watcher = _engine(config, feed, clock, snapshot_out=snap)
    watcher.stop()  # saves on stop (its thread may finish after stop() returns on a loaded machine)
    wait_for(snap.exists, timeout=20, what="the snapshot saved on stop")
    raw = snap.read_bytes()
    if spoil == "other shift":
        clock.advance(9 * 3600)
    elif spoil == "other feed":
        other = tmp_path / "other_log"
        other.write_text(feed.read_text())
        feed = other
    elif spoil == "writable by others":
        snap.chmod(0o666)
    elif spoil == "code":

        class Evil:
            def __reduce__(self):  # noqa: ANN204
                return (os.system, (f"touch {tmp_path / 'pwned'}",))

        snap.write_bytes(pickle.dumps(Evil()))
    else:
        snap.write_bytes(raw[: len(raw) // 2])
    engine = _engine(config, feed, clock, snapshot_in=snap)
    try:
        assert engine.snapshot_note and engine.snapshot_note != "started from the watch snapshot"
        assert not (tmp_path / "pwned").exists()
        with engine.locked() as floor:
            assert floor.lines_total > 0  # refolded
    finally:
        engine.stop()


def test_watch_refuses_a_missing_feed_setting_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "floorconsole", "--db", str(tmp_path / "f.db"), "watch"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=tmp_path,
    )
    assert r.returncode == 2 and "no feed to follow" in r.stderr and len(r.stderr.splitlines()) == 1


def test_snapshot_reader_admits_only_floor_data() -> None:
    with pytest.raises(pickle.UnpicklingError):
        snapshot._DataOnly(__import__("io").BytesIO(pickle.dumps(os.system))).load()
