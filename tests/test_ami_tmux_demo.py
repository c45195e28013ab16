"""The demo as a newcomer uses it, in a real terminal (tmux): `floorconsole demo` serves a
simulated PBX over AMI; pick an agent on a call, take the call over (T, then y), see it
done on screen, the floor change, the queue_log's FLOORTAKEOVER line and the audit row."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from support.tmux import keys, start, stop, wait_for

from floorconsole.clock import ManualClock
from floorconsole.store import Store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

ROOT = Path(__file__).resolve().parent.parent


def test_take_over_a_call_in_the_demo(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    session = f"fc-ami-demo-{os.getpid()}"
    command = f"{sys.executable} -m floorconsole demo --dir {demo_dir} --seed 5 --flat; echo DEMO-EXIT $?; sleep 30"
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    start(session, command, 200, 50, env={"PYTHONPATH": str(ROOT), "TERM": env["TERM"]})
    try:
        wait_for(session, lambda s: "AMI connected" in s and "talking to" in s, what="the demo, AMI connected")
        keys(session, "/")
        # type only once the filter bar has the focus: keys sent before would go to the table
        # (s sorts), which is what a loaded machine showed
        wait_for(session, lambda s: "filter: name" in s, what="the filter bar")
        keys(session, "s:on", literal=True)
        keys(session, "Enter")
        screen = wait_for(session, lambda s: "s:on" in s, what="the filter")
        rows = [line for line in screen.splitlines() if "talking to" in line]
        seat = rows[0].split()[0]
        keys(session, "T")
        wait_for(session, lambda s: "Take this call over?" in s, what="the confirmation")
        keys(session, "y")
        wait_for(session, lambda s: "you have the caller" in s, what="the take-over done", timeout=20)
        keys(session, "Escape")  # the filter bar still has the text: clear it
        keys(session, "/")
        keys(session, "Escape")
        screen = wait_for(
            session,
            lambda s: any(line.startswith(seat + " ") and "on call" not in line for line in s.splitlines()),
            what=f"{seat} no longer on the call",
        )
        keys(session, "q")
        wait_for(session, lambda s: "DEMO-EXIT 0" in s, what="a clean exit")
    finally:
        stop(session)
    feed = (demo_dir / "queue_log").read_text()
    assert "|BLINDTRANSFER|2001|floor-takeover|" in feed and "|FLOORTAKEOVER|" in feed and "|bridged" in feed
    store = Store(demo_dir / "demo.db", clock=ManualClock(0))
    try:
        (row,) = store.list_audit(action="ami.take-over")
        assert row.detail.startswith("ok:") and "verdict=bridged" in row.detail
    finally:
        store.close()
