"""The simulator writes valid, realistic, deterministic Asterisk 13+ queue_log lines."""

from __future__ import annotations

import collections
import hashlib
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from floorconsole.config import Thresholds, data_file, load_config
from floorconsole.layout import load_layout
from floorconsole.simulator import DAILY_PROFILE, Simulator, simulator_for

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
    # Flat: these hours at T0 measure the floor at its reference (peak-hour) load.
    sim = Simulator(load_layout(), demo_thresholds(), seed=seed, profile=None)
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
        t, callid, _queue, agent, verb, data = m.groups()
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
    sim = Simulator(load_layout(), demo_thresholds(), seed=3, profile=None)
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
    assert check_agents(three_hours) > 1000


def check_agents(lines: list[str]) -> int:
    """One call at a time, wrap-up respected, no call while paused or removed; the calls."""
    wrapup = demo_thresholds().wrapup_s
    assert wrapup > 0
    on_call: dict[str, str] = {}
    ended_at: dict[str, int] = {}
    paused: set[str] = set()
    removed: set[str] = set()
    calls = 0
    for line in lines:
        t, callid, _queue, agent, verb, *data = line.split("|")
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
    return calls


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


def test_rate_mode_raises_escalations_at_the_real_floors_rate() -> None:
    """Rate mode speeds calls up, not escalations: per second they stay what the natural
    floor raises (issue 14: 1.7/s piled up 2,000 pending in 20 minutes)."""
    natural = simulator_for(seats=5000, profile=None)
    fast = simulator_for(seats=5000, rate=1000, profile=None)
    per_s = sum(natural.natural_rates.values()) * natural.escalate_p
    assert fast.escalate_p * sum(fast.arrival_rates.values()) == pytest.approx(per_s)
    assert per_s < 0.2  # a handful a minute on 5,000 seats


def test_run_writes_history_then_live_and_rotates(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir" / "queue_log"
    sim = Simulator(load_layout(), demo_thresholds(), seed=1, profile=None)  # as busy at any hour
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
    proc = _run_cli("--out", str(out), "--speed", "30", "--duration", "4", "--seed", "2", "--flat")
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
    # the live phase has begun (its signal handler is in place) once the file grows again
    first = out.stat().st_size
    while out.stat().st_size == first and time.monotonic() < deadline:
        time.sleep(0.05)
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


# ------------------------------------------------------------------ time of day
CST = timezone(timedelta(hours=8))  # the floor's zone, fixed so the tests hold in any TZ
MIDNIGHT = datetime(2026, 11, 23, tzinfo=CST).timestamp()


def sha(lines: list[str]) -> str:
    return hashlib.sha256("".join(line + "\n" for line in lines).encode()).hexdigest()[:16]


def test_flat_mode_writes_the_same_lines_as_before_the_profile() -> None:
    """profile=None is the old simulator, byte for byte (counts and hashes recorded on the
    code before the time-of-day profile existed)."""
    th = demo_thresholds()
    lines = hour(seed=0)
    assert (len(lines), sha(lines)) == (1970, "abef899ea589e5b9")
    sim = Simulator(load_layout(), th, seed=9, profile=None, tz=CST)
    lines = list(sim.lines_between(MIDNIGHT, MIDNIGHT + 6 * 3600))  # the hours the profile quietens most
    sim = Simulator(load_layout(), th, seed=9, profile=None)
    assert lines == list(sim.lines_between(MIDNIGHT, MIDNIGHT + 6 * 3600))  # no zone without a profile
    full_day = lines + list(sim.lines_until(MIDNIGHT + 24 * 3600))
    assert (len(full_day), sha(full_day)) == (48251, "4ed5e3262f5432e8")


def test_rate_mode_stays_flat() -> None:
    sim = simulator_for(seats=500, rate=200, profile="daily")
    assert sim.profile is None and sim.multiplier_at(MIDNIGHT + 3 * 3600) == 1.0
    flat = simulator_for(seats=500, rate=200, profile=None)
    night = MIDNIGHT + 3 * 3600
    assert list(sim.lines_between(night, night + 60)) == list(flat.lines_between(night, night + 60))


def test_the_daily_profile_table() -> None:
    assert len(DAILY_PROFILE) == 24 and max(DAILY_PROFILE) == 1.0  # the reference is the peak hour
    assert max(DAILY_PROFILE[:7]) <= 0.1  # very quiet 00:00-07:00
    assert DAILY_PROFILE[12] < min(DAILY_PROFILE[11], DAILY_PROFILE[14])  # the lunch dip
    assert all(DAILY_PROFILE[h] > DAILY_PROFILE[h + 1] for h in range(19, 23))  # tapering after 19:00
    with pytest.raises(ValueError):
        Simulator(load_layout(), profile=[1.0] * 23)
    with pytest.raises(ValueError):
        Simulator(load_layout(), profile="weekly")


@pytest.fixture(scope="module")
def cst_day() -> list[str]:
    """A day of the demo floor in Beijing time, 00:00 to 24:00 plus the next hour."""
    sim = Simulator(load_layout(), demo_thresholds(), seed=4, tz=CST)
    return list(sim.lines_between(MIDNIGHT, MIDNIGHT + 25 * 3600))


def by_local_hour(lines: list[str], verb: str) -> collections.Counter:
    return collections.Counter(
        int((int(line.split("|")[0]) - MIDNIGHT) // 3600) for line in lines if line.split("|")[4] == verb
    )


def test_a_day_is_quiet_at_night_and_peaks_in_the_working_day(cst_day: list[str]) -> None:
    offered = by_local_hour(cst_day, "ENTERQUEUE")
    night = sum(offered[h] for h in range(8))
    day = sum(offered[h] for h in range(8, 16))
    assert night < 0.2 * day, (night, day)
    peak = max(range(24), key=lambda h: offered[h])
    assert 9 <= peak < 17, offered
    assert offered[12] < offered[11] and offered[12] < offered[15]  # the lunch dip
    assert offered[22] < offered[19] < offered[16]  # the evening taper
    # The reference level is the old flat floor: the peak hours are about as busy as it.
    flat = len([line for line in hour(seed=0) if "|ENTERQUEUE|" in line])
    assert 0.8 * flat <= max(offered.values()) <= 1.3 * flat, (offered, flat)


def logged_in_at(lines: list[str], t: float) -> set[str]:
    members: dict[str, set[str]] = collections.defaultdict(set)
    for line in lines:
        ts, _, queue, agent, verb, _ = line.split("|", 5)
        if int(ts) >= t:
            break
        if verb == "ADDMEMBER":
            assert queue not in members[agent], f"added twice: {line}"
            members[agent].add(queue)
        elif verb == "REMOVEMEMBER":
            assert queue in members[agent], f"removed but not a member: {line}"
            members[agent].discard(queue)
    return {agent for agent, queues in members.items() if queues}


def test_staffing_follows_demand_and_agents_stay_consistent(cst_day: list[str]) -> None:
    seats = load_layout().seats
    night = logged_in_at(cst_day, MIDNIGHT + 3.5 * 3600)
    morning = logged_in_at(cst_day, MIDNIGHT + 10.5 * 3600)
    evening = logged_in_at(cst_day, MIDNIGHT + 21.5 * 3600)
    assert 3 <= len(night) <= 0.25 * len(seats), len(night)
    assert len(morning) >= 0.85 * len(seats), len(morning)
    assert len(night) < len(evening) < len(morning)
    # The night crew still answers every queue.
    queues = {q for s in seats if s.agent in night for q in s.queues}
    assert queues == {"sales", "support", "billing", "vip"}
    logged_in_at(cst_day, MIDNIGHT + 25 * 3600)  # never added twice nor removed when not in
    assert check_agents(cst_day) > 5000


def test_the_night_folds_cleanly(cst_day: list[str]) -> None:
    floor_mod = pytest.importorskip("floorconsole.floor")
    thresholds = demo_thresholds()
    lines = [line.encode() + b"\n" for line in cst_day if int(line.split("|")[0]) < MIDNIGHT + 8 * 3600]
    floor = floor_mod.Floor(thresholds, load_layout(), window_start=MIDNIGHT)
    floor.feed(lines)
    assert sum(floor.rejects.counts.values()) == 0, dict(floor.rejects.counts)
    assert floor.lines_unknown == 0
    now = MIDNIGHT + 8 * 3600
    answered = 0
    for queue in ("sales", "support", "billing", "vip"):
        m = floor.measures(queue, now)
        assert m.offered > 0 and m.answered > 0, m
        answered += m.answered
    assert answered > 0.75 * len([line for line in lines if b"|ENTERQUEUE|" in line])


def test_the_profile_is_deterministic_and_continues_across_hours() -> None:
    start = MIDNIGHT + 7.5 * 3600  # across the morning log-ins

    def sim() -> Simulator:
        return Simulator(load_layout(), demo_thresholds(), seed=6, tz=CST)

    one = list(sim().lines_between(start, start + 2 * 3600))
    assert one == list(sim().lines_between(start, start + 2 * 3600))
    s = sim()
    sliced = list(s.lines_between(start, start + 1000))
    for k in range(1, 8):
        sliced += list(s.lines_until(start + 1000 + k * 880))
    sliced += list(s.lines_until(start + 2 * 3600))
    assert sliced == one
    assert one != list(Simulator(load_layout(), demo_thresholds(), seed=7, tz=CST).lines_between(start, start + 7200))


def test_the_local_zone_sets_the_hour() -> None:
    """Without `tz` the system's local time is used, like shifts: the same wall-clock day."""
    local_midnight = datetime(2026, 11, 23).timestamp()
    sim = Simulator(load_layout(), seed=0)
    assert sim.multiplier_at(local_midnight + 3 * 3600) == DAILY_PROFILE[3]
    assert sim.multiplier_at(local_midnight + 10.5 * 3600) == DAILY_PROFILE[10]
    cst = Simulator(load_layout(), seed=0, tz=CST)
    assert cst.multiplier_at(MIDNIGHT + 3 * 3600 - 1) == DAILY_PROFILE[2]
    assert cst.multiplier_at(MIDNIGHT + 3 * 3600) == DAILY_PROFILE[3]


def test_simulate_flat_flag(tmp_path: Path, monkeypatch) -> None:
    import floorconsole.simulator as simulator_mod
    from floorconsole.cli import main

    made: list[Simulator] = []

    class Recording(Simulator):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(simulator_mod, "Simulator", Recording)
    for extra, flat in (((), False), (("--flat",), True), (("--rate", "50"), True)):
        out = tmp_path / f"q{len(made)}"
        assert main(["simulate", "--out", str(out), "--history", "1", "--duration", "0", *extra]) == 0
        assert (made[-1].profile is None) is flat, extra
        assert out.read_bytes().endswith(b"\n")
