"""A shift change played in real terminals by two real OS users (issue 10).

Two accounts, `fclin` (outgoing, "Lin Mei") and `fczhao` (incoming, "Zhao Lei"), each run
the console in its own tmux session on one shared records file, the way a floor shares a
database: a group-owned folder (2770) and file (0660). The shifts are configured so that
the boundary falls 21 minutes from now; everything happens before it.

Seeded: a follow-up already carried at two handovers, and a promised callback. Then, as a
person would: Lin closes the callback (CLI) and logs a notice; signs the handover (`H`,
ctrl+s) and her header says she may not leave; Zhao's console offers the review at once,
he acknowledges the follow-up and questions the notice; Lin answers from her own review;
Zhao sees the answer, acknowledges, signs receipt; Lin's warning goes; Zhao closes the
follow-up, carried for the third time. The records then say exactly who did what.

Runs only as root (it creates the accounts) with tmux and a system python3 of the same
minor version to run the project's installed packages as the other users (the test's own
interpreter may sit in root's home, which other accounts cannot enter).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.tmux import keys, start, stop, wait_for

from floorconsole.clock import ManualClock
from floorconsole.config import load_config
from floorconsole.identity import Actor
from floorconsole.shifts import previous_shift, shift_at_epoch
from floorconsole.store import Store, store_kwargs

ROOT = Path(__file__).resolve().parents[1]
GROUP, OUT, IN = "fcfloor", "fclin", "fczhao"
SYSTEM_PY = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="creates two OS accounts: needs root"),
    pytest.mark.skipif(
        shutil.which("tmux") is None or shutil.which("useradd") is None, reason="needs tmux and useradd"
    ),
    pytest.mark.skipif(not Path(SYSTEM_PY).exists(), reason=f"needs {SYSTEM_PY} to run the console as another user"),
]


def _ensure_accounts() -> list[str]:
    made = []
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", GROUP], check=True)
        made.append("group")
    for user in (OUT, IN):
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(
                ["useradd", "-M", "-N", "-g", GROUP, "-s", "/bin/sh", "-d", "/nonexistent", user], check=True
            )
            made.append(user)
    return made


@pytest.fixture
def floor() -> Iterator[dict]:
    made = _ensure_accounts()
    d = Path(tempfile.mkdtemp(prefix="fc-two-users-", dir="/tmp"))
    gid = grp.getgrnam(GROUP).gr_gid
    os.chown(d, 0, gid)
    os.chmod(d, 0o2770)
    runner = d / "floorconsole-as-user"
    site = sysconfig.get_paths()["purelib"]  # this venv's packages, the project installed in it
    runner.write_text(
        "#!/bin/sh\n"
        f'exec {SYSTEM_PY} -c "import site, sys, runpy; site.addsitedir({site!r}); sys.path.insert(0, {str(ROOT)!r}); '
        "sys.argv[0] = 'floorconsole'; runpy.run_module('floorconsole', run_name='__main__', alter_sys=True)\" \"$@\"\n"
    )
    runner.chmod(0o755)
    probe = subprocess.run(["runuser", "-u", OUT, "--", str(runner), "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        shutil.rmtree(d)
        pytest.skip(f"the project cannot run as another account here: {probe.stderr.strip()[-300:]}")
    sessions: list[str] = []
    try:
        yield {"dir": d, "runner": runner, "sessions": sessions, "gid": gid}
    finally:
        for s in sessions:
            stop(s)
        shutil.rmtree(d, ignore_errors=True)
        for user in (OUT, IN):
            if user in made:
                subprocess.run(["userdel", user], capture_output=True)
        if "group" in made:
            subprocess.run(["groupdel", GROUP], capture_output=True)


def _scene(d: Path, gid: int) -> tuple[Path, dict]:
    now = time.time()
    boundary = (datetime.fromtimestamp(now) + timedelta(minutes=21)).replace(second=0, microsecond=0)
    a, b, c = ((boundary + timedelta(hours=h)).strftime("%H:%M") for h in (-8, 0, 8))
    t = int(now)
    lines = [f"{t - 3100}|NONE|sales|SIP/1001|ADDMEMBER|"]
    for i in range(10):
        s0 = t - 3000 + i * 200
        lines += [
            f"{s0}|c{i}|sales|NONE|ENTERQUEUE||1380000{i:04d}|1",
            f"{s0 + 10}|c{i}|sales|SIP/1001|CONNECT|10|c{i}.1|1",
            f"{s0 + 100}|c{i}|sales|SIP/1001|COMPLETECALLER|10|90|1",
        ]
    (d / "queue_log").write_text("\n".join(lines) + "\n")
    cfg = d / "config.toml"
    people = "".join(
        f'[people.{u}]\nname = "{n}"\nrole = "supervisor"\n'
        for u, n in ((OUT, "Lin Mei"), (IN, "Zhao Lei"), ("wu", "Wu Hao"))
    )
    shifts = "".join(
        f'[[shifts]]\nname = "{n}"\nstart = "{s}"\nend = "{e}"\n'
        for n, s, e in (("early", a, b), ("late", b, c), ("night", c, a))
    )
    cfg.write_text(
        f'[feed]\npath = "{d / "queue_log"}"\n[store]\ndb = "{d / "floor.db"}"\n'
        f"[handover]\nchecklist = []\n{people}{shifts}"
    )
    config = load_config(cfg)
    cur = shift_at_epoch(config.shifts, now)
    prev = previous_shift(config.shifts, cur)
    prev2 = previous_shift(config.shifts, prev)
    wu, lin, zhao = Actor("Wu Hao", "wu", "pts/2"), Actor("Lin Mei", OUT, "pts/1"), Actor("Zhao Lei", IN, "pts/7")
    clock = ManualClock(prev2.start.timestamp() + 3600)
    with Store(config.db_path, **store_kwargs(config), clock=clock) as s:
        follow_up = s.add_follow_up("Order 10 spare headsets for row B", now + 3 * 86400, wu)
        clock.set(prev2.end.timestamp() - 600)
        h1 = s.create_handover(prev2.key, prev.key, [], wu)
        clock.set(prev2.end.timestamp() - 300)
        s.receive_handover(h1.id, zhao)
        clock.set(prev.end.timestamp() - 600)
        h2 = s.create_handover(prev.key, cur.key, [], zhao)
        clock.set(prev.end.timestamp() - 300)
        s.receive_handover(h2.id, lin)
        clock.set(now - 1800)
        esc = s.raise_escalation("c3", "SIP/1001", "sales", "wants a refund", lin, caller="13800000003")
        s.claim_escalation(esc.id, lin)
        s.resolve_escalation(esc.id, "callback", lin, due=now + 600, note="call back about the refund")
        items = {i.kind: i.id for i in s.list_open_items()}
    for p in d.iterdir():
        os.chown(p, 0, gid)
        os.chmod(p, 0o770 if p.name == "floorconsole-as-user" else 0o660)
    assert follow_up
    return cfg, {"callback": items["callback"], "follow-up": items["follow-up"], "boundary": boundary.timestamp()}


def _console(floor: dict, user: str, cfg: Path) -> str:
    session = f"fc-{user}-{os.getpid()}"
    cmd = (
        f"runuser -u {user} -- env -u COLUMNS -u LINES HOME=/tmp TERM=xterm-256color {floor['runner']} --config {cfg} console; "
        "echo CONSOLE-EXIT $?; sleep 60"
    )
    start(session, cmd, 120, 40)
    floor["sessions"].append(session)
    return session


def _as(floor: dict, user: str, cfg: Path, *args: str) -> str:
    r = subprocess.run(
        ["runuser", "-u", user, "--", "env", "HOME=/tmp", str(floor["runner"]), "--config", str(cfg), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_shift_change_between_two_os_users_before_the_boundary(floor: dict) -> None:
    cfg, seeded = _scene(floor["dir"], floor["gid"])
    lin = _console(floor, OUT, cfg)
    zhao = _console(floor, IN, cfg)
    wait_for(lin, lambda s: "Lin Mei" in s.splitlines()[0] and "open items 2" in s, "Lin's console")
    wait_for(zhao, lambda s: "Zhao Lei" in s.splitlines()[0], "Zhao's console")

    # The outgoing side closes the promised callback and logs a notice, then hands over.
    _as(floor, OUT, cfg, "followups", "done", str(seeded["callback"]), "--result", "called back: refund confirmed")
    _as(floor, OUT, cfg, "log", "add", "--kind", "notice", "--body", "Queue 2 closes at 18:00 today")
    keys(lin, "H")
    wait_for(lin, lambda s: "Queue 2 closes at 18:00 today" in s and "Order 10 spare" in s, "the hand-over screen")
    keys(lin, "C-s")
    wait_for(lin, lambda s: "you may not leave" in s.splitlines()[0], "Lin told to stay")

    # The incoming side is offered the review at once, 20 minutes before the boundary.
    wait_for(zhao, lambda s: "Review it now?" in s, "the review offered to Zhao")
    keys(zhao, "Enter")
    wait_for(zhao, lambda s: "0/2 acknowledged" in s, "Zhao's review")
    keys(zhao, "Space")  # the follow-up (first) is acknowledged, the cursor moves on
    wait_for(zhao, lambda s: "1/2 acknowledged" in s, "one acknowledged")
    keys(zhao, "q")
    wait_for(zhao, lambda s: "Question" in s, "the question form")
    keys(zhao, "Which number do callers get after 18:00?", literal=True)
    keys(zhao, "Enter")
    wait_for(zhao, lambda s: "? Zhao Lei: Which number do callers get after 18:00?" in s, "the question shown")

    # The outgoing side answers from her own (read-only) review of it.
    keys(lin, "r")
    wait_for(lin, lambda s: "You signed this handover" in s, "Lin's own review")
    keys(lin, "Down")
    keys(lin, "a")
    wait_for(lin, lambda s: "Answer the question" in s, "the answer form")
    keys(lin, "The overflow line 95000, announced from 17:55", literal=True)
    keys(lin, "Enter")
    wait_for(lin, lambda s: "↪ answer Lin Mei" in s, "the answer recorded")
    keys(lin, "Escape")

    # Zhao sees the answer, acknowledges the notice and signs receipt.
    keys(zhao, "Escape")
    wait_for(zhao, lambda s: "Queue" in s.splitlines()[1], "Zhao back on the main screen")
    keys(zhao, "r")
    wait_for(zhao, lambda s: "↪ answer Lin Mei: The overflow line" in s, "the answer on Zhao's review")
    keys(zhao, "Down")
    keys(zhao, "Space")
    wait_for(zhao, lambda s: "2/2 acknowledged" in s, "both acknowledged")
    keys(zhao, "S")
    wait_for(zhao, lambda s: "Sign receipt of handover" in s, "the receipt confirmation")
    keys(zhao, "C-s")
    wait_for(
        zhao,
        lambda s: "received by Zhao Lei" in s or "received" in s.split("acknowledged", 1)[-1][:80],
        "receipt signed",
    )
    keys(zhao, "Escape")
    wait_for(lin, lambda s: "you may not leave" not in s.splitlines()[0], "Lin free to go")
    assert time.time() < seeded["boundary"], "all of it before the boundary"

    # The follow-up, now carried a third time, is closed by the shift holding it.
    _as(floor, IN, cfg, "followups", "done", str(seeded["follow-up"]), "--result", "ordered 10 headsets")

    (shown,) = [
        h for h in json.loads(_as(floor, IN, cfg, "handover", "list", "--json")) if h["from_shift"].endswith("early")
    ]
    record = json.loads(_as(floor, IN, cfg, "handover", "show", str(shown["id"]), "--json"))
    assert record["handed"]["os_user"] == OUT and record["received"]["os_user"] == IN
    events = {
        i["entry"]["body"][:20]: [(e["action"], e["signature"]["os_user"]) for e in i["events"]]
        for i in record["items"]
    }
    notice = events["Queue 2 closes at 18"]
    assert ("question", IN) in notice and ("answer", OUT) in notice and ("ack", IN) in notice
    assert all(any(a == "ack" and who == IN for a, who in ev) for ev in events.values())
    items = {i["id"]: i for i in json.loads(_as(floor, IN, cfg, "followups", "list", "--all", "--json"))["open_items"]}
    follow, callback = items[seeded["follow-up"]], items[seeded["callback"]]
    assert len(follow["carried"]) == 3 and follow["closed"]["os_user"] == IN
    assert callback["closed"]["os_user"] == OUT
