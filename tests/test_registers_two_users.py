"""A swap approved by both shift leads as two real OS accounts (`fclin`, `fczhao`), each
running `floorconsole swap approve` as themselves on one shared records file; the same
account approving twice is refused in one line, and the records name the two accounts.

Runs as root (it creates the accounts, like test_e2e_handover_two_users, whose set-up it
shares) and needs the roster import (`Store.import_roster`) to give the swap rules a roster;
without either it skips and says why. The commands run on the wall clock, so the swap days
are ten and twelve days from today.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_e2e_handover_two_users import IN, OUT, floor  # noqa: F401 - the shared fixture: two accounts, a group folder

from floorconsole.clock import system_clock
from floorconsole.config import load_config
from floorconsole.identity import Actor
from floorconsole.roster.model import RosterEntry
from floorconsole.store import Store, store_kwargs

pytestmark = pytest.mark.skipif(
    not hasattr(Store, "import_roster"), reason="needs the roster import (Store.import_roster) for the swap rules"
)


def _run(floor: dict, user: str, cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: F811
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", "HOME=/tmp", str(floor["runner"]), "--config", str(cfg), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_two_leads_approve_a_swap_as_two_os_accounts(floor: dict) -> None:  # noqa: F811
    d: Path = floor["dir"]
    cfg = d / "config.toml"
    cfg.write_text(
        f'[store]\ndb = "{d / "floor.db"}"\n'
        f'[people.{OUT}]\nname = "Lin Mei"\nrole = "supervisor"\n'
        f'[people.{IN}]\nname = "Zhao Lei"\nrole = "supervisor"\n'
        f'[agents."Xu Jing"]\njob = "hotline"\nlevel = 2\nlead = "{OUT}"\n'
        f'[agents."Ma Wei"]\njob = "hotline"\nlevel = 2\nlead = "{IN}"\n'
    )
    config = load_config(cfg)
    today = datetime.fromtimestamp(system_clock()).date()
    swap_day, payback = today + timedelta(days=10), today + timedelta(days=12)
    entries = [
        RosterEntry(day, name, "day", "A")
        for day in (today + timedelta(days=i) for i in range(8, 15))
        for name in ("Xu Jing", "Ma Wei")
        if (name, day) not in (("Ma Wei", swap_day), ("Xu Jing", payback))
    ]
    with Store(config.db_path, **store_kwargs(config)) as store:
        store.import_roster(entries, "test roster", Actor("Lin Mei", OUT, "pts/1"))  # type: ignore[attr-defined]
    for p in d.iterdir():
        os.chown(p, 0, floor["gid"])
        os.chmod(p, 0o770 if p.name == "floorconsole-as-user" else 0o660)

    request = ["swap", "request", "--person", "Xu Jing", "--day", str(swap_day), "--shift", "day"]
    r = _run(floor, OUT, cfg, *request, "--cover", "Ma Wei", "--payback-day", str(payback), "--payback-shift", "day")
    assert r.returncode == 0, r.stderr
    r = _run(floor, OUT, cfg, "swap", "approve", "1")
    assert r.returncode == 0 and "approval by Lin Mei recorded (1 of 2)" in r.stdout, r.stderr
    r = _run(floor, OUT, cfg, "swap", "approve", "1")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "refused: Lin Mei has already approved this swap" in r.stderr
    r = _run(floor, IN, cfg, "swap", "approve", "1")
    assert r.returncode == 0 and "approval by Zhao Lei recorded (2 of 2): approved" in r.stdout, r.stderr
    with Store(config.db_path, **store_kwargs(config), read_only=True) as store:
        (swap,) = store.list_swaps()
        assert swap.status == "approved"
        assert [(a.name, a.os_user) for a in swap.approvals] == [("Lin Mei", OUT), ("Zhao Lei", IN)]
        assert store.approved_swaps(swap_day, swap_day)[0].cover == "Ma Wei"
        assert store.verify().ok
