"""Real processes against a real file: kill -9 mid-commit, and 8 consoles at once."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict

from test_store_helpers import LI

from floorconsole.store import Store

WRITER = r"""
import sys
from floorconsole.identity import Actor
from floorconsole.store import Store
store = Store(sys.argv[1])
actor = Actor("writer", "w", "-")
print("ready", flush=True)
while True:
    entry = store.add_entry("general", "kill test " + "x" * 300, actor)
    print(entry.seq, flush=True)   # only after add_entry returned: acknowledged
"""


def test_kill_9_mid_commit_loses_no_acknowledged_entry(tmp_path) -> None:
    path = tmp_path / "kill.db"
    Store(path).close()
    acknowledged: list[int] = []
    rng = random.Random(3)
    for _ in range(40):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.005, 0.06))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        acknowledged += [int(line) for line in out.split() if line.isdigit()]
    assert len(acknowledged) > 40
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    present = {seq for (seq,) in conn.execute("SELECT seq FROM entries")}
    lost = set(acknowledged) - present
    assert not lost, f"acknowledged entries lost: {sorted(lost)[:10]}"
    conn.close()
    report = Store(path).verify()
    assert report.ok, report.problems[:3]


WORKER = r"""
import sys, time
from floorconsole.identity import Actor
from floorconsole.store import AlreadyClaimed, Store
path, name, start_at, duration, n_esc = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
store = Store(path)
actor = Actor(name, name, "-")
while time.time() < start_at:
    time.sleep(0.001)
i, esc, writes = 0, 1, 0
while time.time() < start_at + duration:
    try:
        if i % 3 == 0 and esc <= n_esc:
            try:
                store.claim_escalation(esc, actor)
                print("WIN", esc, flush=True)
            except AlreadyClaimed as exc:
                print("LOST", esc, exc.by, flush=True)
            esc += 1
        elif i % 2:
            store.add_entry("general", f"{name} note {i}", actor)
            writes += 1
        else:
            store.add_patrol_note("agent1", actor, text=f"{name} patrol {i}")
            writes += 1
    except Exception as exc:
        print("ERR", type(exc).__name__, str(exc).replace(chr(10), " "), flush=True)
    i += 1
print("WRITES", writes, flush=True)
"""

DURATION_S = 10.0  # issue 3: eight processes for 10 s


def test_eight_processes_no_locked_errors_and_one_winner_per_claim(tmp_path) -> None:
    path = tmp_path / "busy.db"
    n_esc = 60
    with Store(path) as store:
        for k in range(n_esc):
            store.raise_escalation(f"c{k}", "agent1", "q", "wants supervisor", LI)
    start_at = time.time() + 3.0  # imports on a loaded machine take a while
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), f"sup{n}", str(start_at), str(DURATION_S), str(n_esc)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    outputs = []
    for n, p in enumerate(procs):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append((f"sup{n}", out.splitlines()))
    errors = [(name, line) for name, lines in outputs for line in lines if line.startswith("ERR")]
    assert not errors, errors[:5]
    assert not any("locked" in line for _, lines in outputs for line in lines)
    winners: dict[int, list[str]] = defaultdict(list)
    losers: dict[int, set[str]] = defaultdict(set)
    attempts: dict[int, int] = defaultdict(int)
    writes = 0
    for name, lines in outputs:
        for line in lines:
            parts = line.split()
            if parts[0] in ("WIN", "LOST"):
                attempts[int(parts[1])] += 1
            if parts[0] == "WIN":
                winners[int(parts[1])].append(name)
            elif parts[0] == "LOST":
                losers[int(parts[1])].add(parts[2])
            elif parts[0] == "WRITES":
                writes += int(parts[1])
    assert winners, "no claim was attempted"
    with Store(path) as store:
        for esc_id in set(winners) | set(losers):
            assert len(winners[esc_id]) == 1, (esc_id, winners[esc_id])
            assert losers[esc_id] <= {winners[esc_id][0]}, (esc_id, losers[esc_id])
            assert store.get_escalation(esc_id).claimed_by == winners[esc_id][0]
        # Escalation 1 is every worker's first action: 8 claimers at the same moment, 1 winner.
        assert attempts[1] == 8
        entries = len(store.list_entries()) + len(store.list_patrol_notes())
        assert entries == writes
        assert store.verify().ok
