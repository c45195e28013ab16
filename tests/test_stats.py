"""`floorconsole stats`: the JSON contract of issue 2, the table, and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from floorconsole.cli import main

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FREEPBX = FEEDS / "freepbx-asterisk14-2010.queue_log"
QUEUE_KEYS = {
    "offered", "answered", "abandoned", "exited", "answered_within_sl", "service_level",
    "abandon_rate", "asa_s", "aht_s", "max_wait_s", "waiting_now",
}  # fmt: skip


def stats_json(capsys, *args: str) -> dict:
    assert main(["stats", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_shape_and_freepbx_numbers(capsys) -> None:
    out = stats_json(capsys, "--feed", str(FREEPBX))
    assert set(out) == {"lines", "queues", "agents"}
    assert out["lines"] == {"total": 280, "parsed": 278, "malformed": 0, "unknown_event": 0}
    q = out["queues"]["9000"]
    assert set(q) == QUEUE_KEYS
    assert q == {
        "offered": 21,
        "answered": 8,
        "abandoned": 12,
        "exited": 0,
        "answered_within_sl": 6,  # holdtimes 1, 2, 36, 6, 84, 4, 5, 5 against 15 s
        "service_level": 30,  # 6 / (8 + 12)
        "abandon_rate": 60,  # 12 / 20
        "asa_s": 17.88,  # 143 / 8
        "aht_s": 6.43,  # (3 + 4 + 8 + 12 + 5 + 13 + 0) / 7: the 8th call never completed
        "max_wait_s": 84,
        "waiting_now": 1,
    }
    a = out["agents"]["Local/2004@from-internal/n"]
    assert a == {"answered": 7, "talk_s": 40, "ring_no_answer": 1, "state": "ON_CALL"}
    assert out["agents"]["Local/2001@from-internal/n"]["ring_no_answer"] == 3
    # 221 RINGNOANSWER lines, but only 4 rang for 10 s or more.
    assert sum(a["ring_no_answer"] for a in out["agents"].values()) == 4
    assert all(set(a) == {"answered", "talk_s", "ring_no_answer", "state"} for a in out["agents"].values())


def test_sl_threshold_option(capsys) -> None:
    q = stats_json(capsys, "--feed", str(FREEPBX), "--sl-threshold", "40")["queues"]["9000"]
    assert q["answered_within_sl"] == 7 and q["service_level"] == 35


def test_null_ratios_and_unknown_and_malformed(tmp_path: Path, capsys) -> None:
    feed = tmp_path / "f.queue_log"
    feed.write_bytes(b"1|c|q|NONE|ENTERQUEUE||x|1\n2|c|q|NONE|CUSTOM|y\nbroken\n\n")
    out = stats_json(capsys, "--feed", str(feed))
    assert out["lines"] == {"total": 4, "parsed": 1, "malformed": 1, "unknown_event": 1}
    q = out["queues"]["q"]
    assert q["service_level"] is None and q["abandon_rate"] is None and q["asa_s"] is None
    assert q["aht_s"] is None and q["waiting_now"] == 1 and q["max_wait_s"] == 0


def test_table_output(capsys) -> None:
    assert main(["stats", "--feed", str(FREEPBX)]) == 0
    out = capsys.readouterr().out
    assert "9000" in out and "30%" in out and "Local/2004@from-internal/n" in out and "ON_CALL" in out


def test_missing_file_is_a_clear_error_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["stats", "--feed", str(tmp_path / "nope.log"), "--json"]) == 2
    err = capsys.readouterr().err
    assert "not found" in err and "nope.log" in err


def test_installed_command_runs_from_any_directory(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "floorconsole", "stats", "--feed", str(FREEPBX), "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["queues"]["9000"]["offered"] == 21
