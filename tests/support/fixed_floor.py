"""The fixed floor the console tests and snapshots run on: seven seats, a small shift's
feed (answered calls, a long call, a pause, a ring-no-answer, an abandon, a caller past the
apology threshold, an escalation, a bad line), an empty records database, a fixed clock.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from floorconsole.clock import ManualClock
from floorconsole.config import Config, Thresholds
from floorconsole.identity import Actor
from floorconsole.layout import load_layout
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.escalations_panel import EscalationsPanel
from screens.header import FloorHeader
from screens.seat_table import SeatTable


def day_instant() -> float:
    """2026-11-23 10:00 in the process's local zone: the middle of a day shift (08-16)."""
    return datetime(2026, 11, 23, 10, 0).astimezone().timestamp()


ACTOR = Actor("Li Na", "tester", "pts/9")

LAYOUT = """
[[seat]]
id = "A01"
row = "A"
pos = 1
agent = "SIP/1001"
name = "Xu Jing"
queues = ["sales"]
[[seat]]
id = "A02"
row = "A"
pos = 2
agent = "SIP/1002"
name = "Ma Wei"
queues = ["sales"]
[[seat]]
id = "A03"
row = "A"
pos = 3
agent = "SIP/1003"
name = "Zhang Ting"
queues = ["sales"]
[[seat]]
id = "A04"
row = "A"
pos = 4
agent = "SIP/1004"
name = "Liu Qiang"
queues = ["sales"]
[[seat]]
id = "B01"
row = "B"
pos = 1
agent = "SIP/1005"
name = "Gao Wei"
queues = ["support"]
[[seat]]
id = "B02"
row = "B"
pos = 2
agent = "SIP/1006"
name = "He Jun"
queues = ["support"]
[[seat]]
id = "B03"
row = "B"
pos = 3
agent = "SIP/1007"
name = "[bold]Li Na"
queues = ["support"]
"""


def feed_lines(now: float) -> list[str]:
    """A small, fixed shift: answered calls, a long call, a pause, a ring-no-answer, an
    abandon, a caller still waiting past the apology threshold, an escalation, a bad line."""
    t = int(now)
    lines = [
        f"{t - 7000}|NONE|NONE|NONE|QUEUESTART|",
        *(
            f"{t - 6000}|MANAGER|{q}|SIP/{a}|ADDMEMBER|"
            for q, a in [
                ("sales", 1001),
                ("sales", 1002),
                ("sales", 1003),
                ("sales", 1004),
                ("support", 1005),
                ("support", 1006),
                ("support", 1007),
            ]
        ),
        # two answered, completed sales calls (one answered late: SL below target)
        f"{t - 5000}|c1|sales|NONE|ENTERQUEUE||13800138000|1",
        f"{t - 4995}|c1|sales|SIP/1001|CONNECT|5|u1|2",
        f"{t - 4800}|c1|sales|SIP/1001|COMPLETECALLER|5|195|1",
        f"{t - 4000}|c2|sales|NONE|ENTERQUEUE||13900139000|1",
        f"{t - 3960}|c2|sales|SIP/1002|CONNECT|40|u2|3",
        f"{t - 3700}|c2|sales|SIP/1002|COMPLETEAGENT|40|260|1",
        # an abandon
        f"{t - 3000}|c3|support|NONE|ENTERQUEUE||13700137000|1",
        f"{t - 2950}|c3|support|NONE|ABANDON|1|1|50",
        # a ring-no-answer, then the call is answered elsewhere and still going (long call)
        f"{t - 1200}|c4|support|NONE|ENTERQUEUE||13600136000|1",
        f"{t - 1195}|c4|support|SIP/1006|RINGNOANSWER|15000",
        f"{t - 1180}|c4|support|SIP/1005|CONNECT|20|u4|3",
        # the agent on c4 escalates (reason contains markup, shown literally)
        f"{t - 600}|c4|support|SIP/1005|ESCALATE|customer [red]insists on a supervisor|1",
        # a pause with a reason
        f"{t - 500}|NONE|sales|SIP/1003|PAUSE|Meal",
        # a caller waiting 100 s (past the 30 s apology threshold)
        f"{t - 100}|c6|sales|NONE|ENTERQUEUE||13400134000|1",
        # a call on A01 now
        f"{t - 90}|c5|sales|NONE|ENTERQUEUE||13500135000|2",
        f"{t - 85}|c5|sales|SIP/1001|CONNECT|5|u5|2",
        # a line no parser accepts, with markup and a control character in it
        f"{t - 50}|this is [bold]not\x1b[31m a queue_log line",
    ]
    return lines


def make_floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: float) -> tuple[Config, Path]:
    """Layout, feed and an empty DB in tmp_path; cwd there so the header shows `queue_log`."""
    (tmp_path / "layout.toml").write_text(LAYOUT)
    (tmp_path / "queue_log").write_text("\n".join(feed_lines(now)) + "\n")
    monkeypatch.chdir(tmp_path)
    config = Config(
        supervisor="Li Na",
        db_path=tmp_path / "floor.db",
        feed_path=Path("queue_log"),
        layout_path=tmp_path / "layout.toml",
        thresholds=Thresholds(wrapup_s=10),
    )
    return config, Path("queue_log")


def make_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: float | None = None, feed: Path | None = None, **app_kw: Any
) -> FloorApp:
    """The console on the fixed floor, its clock fixed at `now` (default: `day_instant()`)."""
    now = day_instant() if now is None else now
    config, feed_path = make_floor(tmp_path, monkeypatch, now)
    app_kw.setdefault("store_poll_s", 0.2)
    parts = build_parts(
        config, feed or feed_path, clock=ManualClock(now), actor=ACTOR, layout=load_layout(config.layout_path)
    )
    return FloorApp(parts, **app_kw)


async def settle(app: FloorApp, pilot, condition=None, timeout: float = 15.0) -> None:  # noqa: ANN001
    """Wait until the backfill is shown and the feed escalation is in the store panel."""
    deadline = time.monotonic() + timeout
    table = app.query_one(SeatTable)
    escalations = app.query_one(EscalationsPanel)
    while time.monotonic() < deadline:
        ready = (
            app.engine.progress.finished
            and table.rows.get("SIP/1001") is not None
            and table.rows["SIP/1001"].state == "ON_CALL"
            and escalations.items
            and app.query_one(FloorHeader).health.rejected >= 1
        )
        if ready and (condition is None or condition()):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the console did not show the feed in time")
