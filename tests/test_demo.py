"""`floorconsole demo`: a demo directory, a simulated feed in a thread, live measures."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from floorconsole import demo
from floorconsole.clock import ManualClock, TickingClock
from floorconsole.config import data_file, load_config


def test_prepare_demo_dir_creates_marks_and_clears_the_old_feed(tmp_path: Path) -> None:
    d = demo.prepare_demo_dir(tmp_path / "a" / "demo")
    assert (d / demo.MARKER).exists()
    (d / "queue_log").write_text("old\n")
    (d / "queue_log.1").write_text("older\n")
    (d / "demo.db").write_text("kept")
    assert demo.prepare_demo_dir(d) == d
    assert not (d / "queue_log").exists() and not (d / "queue_log.1").exists()
    assert (d / "demo.db").read_text() == "kept"  # the records survive a restart


def test_prepare_demo_dir_refuses_someone_elses_feed(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text("1|x|q|a|ENTERQUEUE||1|1\n")
    with pytest.raises(demo.DemoError, match="not a floorconsole demo directory"):
        demo.prepare_demo_dir(tmp_path)
    assert (tmp_path / "queue_log").exists()


def test_demo_config_points_feed_and_db_into_the_demo_dir(tmp_path: Path) -> None:
    cfg = demo.demo_config(tmp_path)
    shipped = load_config(data_file("demo.toml"))
    assert cfg.feed_path == tmp_path / "queue_log"
    assert cfg.db_path == tmp_path / "demo.db"
    assert cfg.thresholds == shipped.thresholds and cfg.supervisor == shipped.supervisor
    assert cfg.layout_path == shipped.layout_path


def test_history_is_the_shift_so_far_capped_at_two_hours() -> None:
    cfg = load_config(data_file("demo.toml"))
    # 2026-01-05 08:30 local: the day shift started 30 min ago.
    t = time.mktime((2026, 1, 5, 8, 30, 0, 0, 0, -1))
    assert demo.history_seconds(cfg, t) == pytest.approx(1800)
    t = time.mktime((2026, 1, 5, 15, 0, 0, 0, 0, -1))
    assert demo.history_seconds(cfg, t) == demo.HISTORY_CAP_S


def test_demo_feed_writes_history_then_runs_and_stops(tmp_path: Path) -> None:
    d = demo.prepare_demo_dir(tmp_path)
    cfg = demo.demo_config(d)
    # 10:30 on a weekday: the floor is busy whatever the hour the suite runs at
    clock = TickingClock(datetime(2026, 11, 23, 10, 30).astimezone().timestamp())
    feed = demo.DemoFeed(cfg, cfg.feed_path, clock=clock, seed=4, speed=50, history_s=1800)
    feed.start()
    size = cfg.feed_path.stat().st_size
    assert size > 10_000 and feed.running
    time.sleep(1.0)
    feed.stop()
    assert not feed.running and feed.error is None
    data = cfg.feed_path.read_bytes()
    assert len(data) > size and data.endswith(b"\n")


def _demo(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "floorconsole", "demo", "--headless", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_demo_headless_prints_measures_and_exits_0(tmp_path: Path) -> None:
    start = time.monotonic()
    proc = _demo("--seconds", "3", "--dir", str(tmp_path / "demo"), "--seed", "1")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert time.monotonic() - start < 30
    assert (tmp_path / "demo" / "queue_log").stat().st_size > 0
    # A print at start and every 2 s, one line per queue of the demo floor.
    assert len(re.findall(r"^\[\d\d:\d\d:\d\d\] ", out, re.M)) >= 2, out
    for queue in ("sales", "support", "billing", "vip"):
        assert re.search(rf"^  {queue}\s+\d+", out, re.M), out
    assert "seats:" in out and "%" in out


def test_demo_headless_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    proc = _demo("--dir", str(tmp_path), "--interval", "0.5")
    deadline = time.monotonic() + 20
    while not (tmp_path / "queue_log").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    # SIGINT once the first measures are printed (the handler is installed by then)
    first = proc.stdout.readline()
    assert first.startswith("["), first
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "queue" in first + out
    assert (tmp_path / "queue_log").read_bytes().endswith(b"\n")


def test_demo_refuses_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text("real feed\n")
    proc = _demo("--seconds", "1", "--dir", str(tmp_path))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "not a floorconsole demo directory" in err
    assert (tmp_path / "queue_log").read_text() == "real feed\n"


def test_demo_flat_keeps_a_daytime_floor_at_any_hour(tmp_path: Path) -> None:
    from floorconsole.config import data_file, load_config
    from floorconsole.demo import DemoFeed

    config = load_config(data_file("demo.toml"))
    clock = ManualClock(datetime(2026, 11, 23, 10, 30).astimezone().timestamp())
    assert DemoFeed(config, tmp_path / "queue_log", clock=clock, seed=1, flat=True).simulator.profile is None
    assert DemoFeed(config, tmp_path / "queue_log", clock=clock, seed=1).simulator.profile is not None
    proc = _demo("--seconds", "2", "--dir", str(tmp_path / "demo"), "--seed", "1", "--flat")
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
