"""The simulator writes valid, realistic, deterministic Asterisk 13+ queue_log lines."""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from floorconsole.config import Thresholds, data_file, load_config
from floorconsole.layout import load_layout
from floorconsole.simulator import Simulator, simulator_for

T0 = 1763900000.0
LINE = re.compile(r"^(\d+)\|([^|]+)\|([^|]+)\|([^|]+)\|([A-Z]+)\|(.*)$")
CALLID = re.compile(r"^\d+\.\d+$")
INT = re.compile(r"^\d+$")

# Verb -> (number of data fields, indexes of fields that must be whole numbers).
LAYOUTS: dict[str, tuple[int, tuple[int, ...]]] = {
    "QUEUESTART": (1, ()),
    "ADDMEMBER": (1, ()),
    "REMOVEMEMBER": (1, ()),
    "PAUSE": (1, ()),
    "UNPAUSE": (1, ()),
    "ENTERQUEUE": (3, (2,)),
    "CONNECT": (3, (0, 2)),
    "RINGNOANSWER": (1, (0,)),
    "RINGCANCELED": (1, (0,)),
    "ABANDON": (3, (0, 1, 2)),
    "EXITWITHTIMEOUT": (3, (0, 1, 2)),
    "COMPLETEAGENT": (3, (0, 1, 2)),
    "COMPLETECALLER": (3, (0, 1, 2)),
    "BLINDTRANSFER": (5, (2, 3, 4)),
    "ATTENDEDTRANSFER": (5, (2, 3, 4)),
    "ESCALATE": (2, (1,)),
}
CALL_END = {"COMPLETEAGENT", "COMPLETECALLER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}


def demo_thresholds() -> Thresholds:
    return load_config(data_file("demo.toml")).thresholds


def hour(seed: int = 0, hours: float = 1.0) -> list[str]:
    sim = Simulator(load_layout(), demo_thresholds(), seed=seed)
    return list(sim.lines_between(T0, T0 + 3600 * hours))


@pytest.fixture(scope="module")
def three_hours() -> list[str]:
    # Queue timeouts are rare (about one in three hours on the demo floor), so the seed is
    # one whose three hours include each event kind; the output is deterministic per seed.
    return hour(seed=1, hours=3)


def test_every_line_is_a_valid_modern_queue_log_line(three_hours: list[str]) -> None:
    last = 0
    for line in three_hours:
        m = LINE.match(line)
        assert m, line
        assert "\n" not in line and "\r" not in line
        t, callid, queue, agent, verb, data = m.groups()
        assert int(t) >= last, f"time went back: {line}"
        last = int(t)
        assert verb in LAYOUTS, line
        fields = data.split("|")
        count, ints = LAYOUTS[verb]
        assert len(fields) == count, line
        for i in ints:
            assert INT.match(fields[i]), line
        if verb in ("ENTERQUEUE", "CONNECT", "ABANDON", "EXITWITHTIMEOUT", "ESCALATE", *CALL_END):
            assert CALLID.match(callid), line
        if verb == "ENTERQUEUE":
            assert fields[0] == "" and agent == "NONE"
            assert re.fullmatch(r"1380000\d{4}|anonymous", fields[1]), line
        if verb == "CONNECT":
            assert CALLID.match(fields[1]) and fields[1] != callid
        if verb == "ESCALATE":
            assert fields[0] and 1 <= int(fields[1]) <= 3
        if verb in ("PAUSE",):
            assert fields[0] in {"Break", "Meal", "Training", "Meeting", "Coaching"}
        if verb == "ATTENDEDTRANSFER":
            assert fields[0] == "BRIDGE" and fields[1]


def test_contains_every_event_kind_the_spec_lists(three_hours: list[str]) -> None:
    verbs = collections.Counter(line.split("|")[4] for line in three_hours)
    assert set(LAYOUTS) <= set(verbs), set(LAYOUTS) - set(verbs)
    rna = [int(line.rsplit("|", 1)[1]) for line in three_hours if "|RINGNOANSWER|" in line]
    assert any(ms <= 2000 for ms in rna), "ring-all noise missing"
    assert any(ms >= 15000 for ms in rna), "real ring-outs missing"
    assert all(ms <= 2000 or ms >= 15000 for ms in rna)
    talk = [int(line.split("|")[-2]) for line in three_hours if line.split("|")[4] in CALL_END]
    talk.sort()
    assert 150 <= talk[len(talk) // 2] <= 260, "median talk should be ~3-4 min"
    assert sum(1 for s in talk if s > 900) >= 3, "a few calls past 900 s"
    assert sum(1 for line in three_hours if "|ENTERQUEUE||anonymous|" in line) > 0


def test_same_seed_same_lines_other_seed_other_lines() -> None:
    a = hour(seed=7, hours=0.5)
    assert a == hour(seed=7, hours=0.5)
    assert a != hour(seed=8, hours=0.5)


def test_continuing_in_slices_equals_one_pass() -> None:
    sim = Simulator(load_layout(), demo_thresholds(), seed=3)
    sliced = list(sim.lines_between(T0, T0 + 600))
    for k in range(1, 6):
        sliced += list(sim.lines_until(T0 + 600 + k * 600))
    assert sliced == hour(seed=3, hours=1.0)
    with pytest.raises(ValueError):
        list(sim.lines_between(T0, T0 + 10))


def test_an_hour_has_abandons_and_apology_waits_and_mostly_meets_sl() -> None:
    lines = hour(seed=0)
    waits = [int(line.split("|")[5]) for line in lines if "|CONNECT|" in line]
    abandons = [line for line in lines if "|ABANDON|" in line]
    assert abandons and any(w > 30 for w in waits)
    for line in abandons:
        position, origposition, waittime = map(int, line.split("|")[5:])
        assert position >= 1 and origposition >= 1 and waittime >= 0
    finished = len(waits) + len(abandons) + sum(1 for line in lines if "|EXITWITHTIMEOUT|" in line)
    sl = 100 * sum(1 for w in waits if w <= 15) / finished
    assert 70 <= sl <= 98, sl
    assert len(abandons) / finished < 0.08


def test_an_agent_is_on_one_call_at_a_time_and_respects_wrapup(three_hours: list[str]) -> None:
    wrapup = demo_thresholds().wrapup_s
    assert wrapup > 0
    on_call: dict[str, str] = {}
    ended_at: dict[str, int] = {}
    paused: set[str] = set()
    removed: set[str] = set()
    calls = 0
    for line in three_hours:
        t, callid, queue, agent, verb, *data = line.split("|")
        if verb == "CONNECT":
            calls += 1
            assert agent not in on_call, f"{agent} already on {on_call.get(agent)}: {line}"
            assert agent not in paused and agent not in removed, line
            ring_start = int(t) - int(data[2])
            if agent in ended_at:
                # Integer timestamps: allow the one second lost to truncation.
                assert ring_start >= ended_at[agent] + wrapup - 1, line
            on_call[agent] = callid
        elif verb in CALL_END:
            assert on_call.pop(agent) == callid, line
            ended_at[agent] = int(t)
        elif verb == "ESCALATE":
            assert on_call.get(agent) == callid, line
        elif verb == "PAUSE":
            assert agent not in on_call, line
            paused.add(agent)
        elif verb == "UNPAUSE":
            paused.discard(agent)
        elif verb == "REMOVEMEMBER":
            assert agent not in on_call, line
            removed.add(agent)
        elif verb == "ADDMEMBER":
            removed.discard(agent)
    assert calls > 1000


def test_caller_goes_to_a_member_of_its_queue(three_hours: list[str]) -> None:
    members = {s.agent: set(s.queues) for s in load_layout().seats}
    for line in three_hours:
        _, _, queue, agent, verb, *_ = line.split("|")
        if verb in ("CONNECT", "RINGNOANSWER", "RINGCANCELED", "ESCALATE", *CALL_END):
            assert queue in members[agent], line


def test_rate_mode_hits_the_event_rate_on_5000_seats() -> None:
    sim = simulator_for(seats=5000, rate=1000)
    assert sim.speedup > 1
    # Skip the start (5,000 ADDMEMBER lines and an empty floor warming up).
    list(sim.lines_between(T0, T0 + 40))
    n = sum(1 for _ in sim.lines_until(T0 + 70))
    assert 800 <= n / 30 <= 1200, n / 30


def test_run_writes_history_then_live_and_rotates(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir" / "queue_log"
    sim = Simulator(load_layout(), demo_thresholds(), seed=1)
    before = time.time()
    stats = sim.run(out, speed=200, history_s=1800, duration_s=1.2, rotate_every_s=0.5, keep_rotated=9)
    assert stats.rotations >= 2
    files = [out.with_name(f"queue_log.{i}") for i in range(stats.rotations, 0, -1)] + [out]
    assert all(f.exists() for f in files)
    assert not out.with_name(f"queue_log.{stats.rotations + 1}").exists()
    lines: list[str] = []
    for f in files:
        data = f.read_bytes()
        assert data == b"" or data.endswith(b"\n")
        lines += data.decode().splitlines()
    assert len(lines) == stats.lines
    times = [int(line.split("|")[0]) for line in lines]
    assert times == sorted(times)
    assert stats.history_lines > 300
    # History is backdated: it starts half an hour before the run began.
    assert abs(times[0] - (before - 1800)) <= 2
    # Live at speed 200: floor time runs ahead of the wall clock.
    assert times[-1] > time.time() + 60


def _run_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "floorconsole", "simulate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_simulate_command_writes_in_real_time(tmp_path: Path) -> None:
    out = tmp_path / "feed" / "queue_log"
    proc = _run_cli("--out", str(out), "--speed", "30", "--duration", "4", "--seed", "2")
    sizes = []
    deadline = time.monotonic() + 15
    while proc.poll() is None and time.monotonic() < deadline:
        sizes.append(out.stat().st_size if out.exists() else 0)
        time.sleep(0.5)
    assert proc.wait(timeout=15) == 0, proc.stderr.read()
    # The file grew while the process ran (not all written at the end).
    growing = [s for s in sizes if s > 0]
    assert len(set(growing)) >= 3, sizes
    data = out.read_bytes()
    assert data.endswith(b"\n")
    lines = data.decode().splitlines()
    assert all(LINE.match(line) for line in lines)
    span = int(lines[-1].split("|")[0]) - int(lines[0].split("|")[0])
    assert 60 <= span <= 150, span  # ~4 s at speed 30


def test_simulate_command_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    out = tmp_path / "queue_log"
    proc = _run_cli("--out", str(out), "--speed", "50", "--history", "5")
    deadline = time.monotonic() + 10
    while not (out.exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=5) == 0
    assert "wrote" in proc.stderr.read()
    assert out.read_bytes().endswith(b"\n")


def test_simulate_command_rejects_bad_options(tmp_path: Path) -> None:
    proc = _run_cli("--out", str(tmp_path / "q"), "--speed", "0")
    assert proc.wait(timeout=10) == 2


def test_every_line_parses_with_the_queue_log_parser(three_hours: list[str]) -> None:
    queue_log = pytest.importorskip("floorconsole.queue_log")
    for line in three_hours:
        event = queue_log.parse_line(line.encode())
        assert not isinstance(event, str), (event, line)
        assert queue_log.is_known(event.verb), line


def test_a_simulated_hour_folds_cleanly_with_plausible_measures() -> None:
    floor_mod = pytest.importorskip("floorconsole.floor")
    thresholds = demo_thresholds()
    layout = load_layout()
    lines = [line.encode() + b"\n" for line in hour(seed=0)]
    floor = floor_mod.Floor(thresholds, layout, window_start=T0)
    floor.feed(lines)
    assert sum(floor.rejects.counts.values()) == 0, dict(floor.rejects.counts)
    assert floor.lines_unknown == 0
    now = T0 + 3600
    for queue in ("sales", "support", "billing", "vip"):
        m = floor.measures(queue, now)
        assert m.offered > 20 and m.answered > 20, m
        assert m.service_level is not None and 50 <= m.service_level <= 100, m
        assert m.abandon_rate is not None and m.abandon_rate < 15, m
        assert m.aht_s is not None and 120 <= m.aht_s <= 400, m
