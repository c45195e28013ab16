"""Issue 9: caller numbers never leave unmasked — rejected lines, feed escalations, crash
output — on real feeds, a real store and real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from floorconsole.config import Thresholds
from floorconsole.floor import Floor

T = 1_795_000_000
NUMBER = "13800000004"


def _anomalous_feed() -> list[bytes]:
    t = T
    lines = [
        f"{t}|c1|sales|NONE|ENTERQUEUE||{NUMBER}|1",
        f"{t}|c1|sales|NONE|ENTERQUEUE||{NUMBER}|1",  # duplicate
        f"{t + 50}|c2|sales|NONE|ENTERQUEUE||13900000009|1",
        f"{t - 500}|c3|sales|NONE|ENTERQUEUE||13700000007|1",  # out of order
        f"{t + 60}|c4|sales|NONE|ENTERQUEUE||13600000006|1",
        f"{t + 61}|c4|sales|NONE|ENTERQUEUE||13600000006|1",
    ]
    out = [(line + "\n").encode() for line in lines]
    out.append(f"{t + 70}|c5|sales|NONE|ENTERQUEUE||1350000000\xff5|1\n".encode("latin-1"))  # non-UTF-8
    return out


def test_rejected_lines_never_hold_a_full_caller_number() -> None:
    from screens.rejects_screen import rejects_text

    floor = Floor(Thresholds(), None, T - 3600)
    floor.feed([b"".join(_anomalous_feed())])
    assert floor.rejects.last, "the feed should have anomalies to show"
    shown = "\n".join(text for _, text in floor.rejects.last)
    screen = rejects_text(floor.rejects.counts, list(floor.rejects.last)).plain
    for number in (NUMBER, "13900000009", "13700000007", "13600000006", "1350000000"):
        assert number not in shown, (number, shown)
        assert number not in screen, (number, screen)
    assert "0004" in shown  # the kept tail, as every masked number shows


def test_rejects_screen_masks_lines_handed_over_raw() -> None:
    from screens.rejects_screen import rejects_text

    text = rejects_text({"duplicate": 1}, [("duplicate", f"{T}|c1|sales|NONE|ENTERQUEUE||{NUMBER}|1")]).plain
    assert NUMBER not in text and "ENTERQUEUE" in text


CRASHING_CONSOLE = textwrap.dedent("""
    import sys
    from pathlib import Path

    import screens.app as app_module
    from floorconsole.config import Config
    from floorconsole.wiring import build_parts
    from screens.app import FloorApp

    tmp = Path(sys.argv[1])
    feed = tmp / "queue_log"
    feed.write_text("1795000000|c1|sales|NONE|ENTERQUEUE||13800000004|1\\n"
                    "1795000000|c1|sales|NONE|ENTERQUEUE||13800000004|1\\n")

    def crashing_screen(feed_path, counts, last, *more):
        caller = "13800000004"  # feed data in a local, as any handler may hold
        rejects = [("duplicate", "1795000000|c1|sales|NONE|ENTERQUEUE||" + caller + "|1")]
        raise RuntimeError("rejects screen failed on " + caller)

    app_module.RejectsScreen = crashing_screen

    async def press_f(pilot):
        await pilot.pause(1.0)
        await pilot.press("f")
        await pilot.pause(1.0)

    config = Config(supervisor="Li Na", db_path=tmp / "floor.db", feed_path=feed)
    app = FloorApp(build_parts(config, feed))
    app.run(headless=True, auto_pilot=press_f)
    sys.exit(app.return_code or 0)
""")


def test_a_console_crash_shows_neither_locals_nor_feed_data(tmp_path) -> None:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_CONSOLE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "RuntimeError" in out and "crashing_screen" in out, out  # the crash is still reported
    assert NUMBER not in out, out
    assert "rejects = " not in out and "caller = " not in out and "locals" not in out.lower(), out
