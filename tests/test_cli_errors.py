"""Issue 9 items 11 and 16: every failure of the command line is one line on stderr with a
non-zero exit, never a traceback; read commands never create anything. Each case runs the
real `python -m floorconsole` in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from floorconsole.identity import Actor
from floorconsole.store import Store

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("FLOORCONSOLE_DEBUG", None)


def fc(*argv: str, cwd: Path | None = None, preexec=None) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run(
        [sys.executable, "-m", "floorconsole", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
        cwd=cwd,
        preexec_fn=preexec,
    )


def one_line_error(proc: subprocess.CompletedProcess, code: int | None = None) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith(("usage:", " "))]
    assert len(lines) == 1, proc.stderr
    assert proc.returncode != 0 if code is None else proc.returncode == code, (proc.returncode, proc.stderr)
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "floor.db"
    with Store(path) as store:
        store.add_entry("notice", "queue 2 closed", Actor("Li Na", "li", "pts/1"))
    return path


# --------------------------------------------------------------------------- item 11


@pytest.mark.parametrize(
    "toml, key",
    [
        ('floor = "x"\n', "floor"),
        ("store = 1\n", "store"),
        ("thresholds = 5\n", "thresholds"),
        ('[alerts]\nbell = "yes"\n', "alerts.bell"),
        ("[floor]\nsupervisor = 7\n", "floor.supervisor"),
        ("[thresholds]\nsl_threshold_s = nan\n", "thresholds.sl_threshold_s"),
    ],
)
def test_config_values_of_the_wrong_type_are_one_line_errors(tmp_path, db, toml, key) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    for argv in (["log", "list"], ["stats", "--feed", str(config)], ["simulate", "--out", str(tmp_path / "q")]):
        line = one_line_error(fc("--config", str(config), "--db", str(db), *argv))
        assert key in line, line


def test_config_given_a_folder_or_no_value(tmp_path, db) -> None:
    assert "folder" in one_line_error(fc("--config", str(tmp_path), "--db", str(db), "log", "list"), 2)
    for argv in (
        ["--config"],
        ["--db", str(db), "log", "list", "--config"],
        ["--config=", "log", "list"],
        ["log", "list", "--db"],
    ):
        assert "expected a file path" in one_line_error(fc(*argv), 2)


def test_db_under_a_file_is_one_line_error(tmp_path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    for argv in (["log", "list"], ["log", "add", "--kind", "notice", "--body", "x"]):
        line = one_line_error(fc("--db", str(a_file / "x.db"), *argv))
        assert str(a_file / "x.db") in line


@pytest.mark.parametrize(
    "content",
    [
        '{"format": "floorconsole-archive/1"}',
        "[1, 2]",
        "{bad",
        '{"format": "floorconsole-archive/1", "entries": [{"seq": 1}], "tables": {}, "head": {}, "digest": "x"}',
        '{"format": "floorconsole-archive/1", "entries": 5, "tables": [], "head": 3}',
    ],
)
def test_verify_archive_on_malformed_json(tmp_path, db, content) -> None:
    archive = tmp_path / "a.json"
    archive.write_text(content)
    proc = fc("--db", str(db), "verify", "--archive", str(archive))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "archive FAILED" in proc.stdout, proc


def test_log_list_on_a_corrupted_database(tmp_path, db) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET time = 'abc' WHERE seq = 1")
    line = one_line_error(fc("--db", str(db), "log", "list"))
    assert "cannot be read" in line and "verify" in line
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    one_line_error(fc("--db", str(garbage), "log", "list"))


def _startup_s() -> float:
    """How long this interpreter takes to start (site, .pth files) before any of our code."""
    times = []
    for _ in range(3):
        t = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], env=ENV, check=True)
        times.append(time.monotonic() - t)
    return sorted(times)[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "list"],
        ["stats", "--feed", "FEED"],
        ["report"],
        ["--help"],
    ],
)
def test_ctrl_c_in_the_first_half_second_is_exit_130_one_line(tmp_path, db, argv) -> None:
    feed = tmp_path / "queue_log"
    feed.write_text("1795000000|c1|sales|NONE|ENTERQUEUE||13800000004|1\n" * 2000)
    argv = [str(feed) if a == "FEED" else a for a in argv]
    start = _startup_s()
    interrupted = 0
    for delay in (0.0, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "floorconsole", "--db", str(db), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        time.sleep(start + delay)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        if proc.returncode == 0:
            continue  # finished before the interrupt arrived
        if "init_import_site" in err or ("Traceback" in err and "floorconsole" not in err):
            continue  # the interpreter (site, runpy) was still starting: no code of ours had run
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        assert len([line for line in err.splitlines() if line.strip()]) <= 1, (delay, err)
        # 130 from us; killed by SIGINT (the shell's 130 too) only while the interpreter
        # itself is starting or finalising, when no handler of ours can run
        assert proc.returncode in (130, -signal.SIGINT), (delay, proc.returncode, err)
        interrupted += proc.returncode == 130
    assert interrupted, "no run was interrupted while ours: the test proved nothing"


# --------------------------------------------------------------------------- item 16


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "list"],
        ["escalations", "list"],
        ["patrol", "list"],
        ["handover", "list"],
        ["verify"],
        ["report"],
    ],
)
def test_read_commands_refuse_a_missing_database_and_create_nothing(tmp_path, argv) -> None:
    missing = tmp_path / "typo" / "flor.db"
    line = one_line_error(fc("--db", str(missing), *argv))
    assert "no records database" in line and str(missing) in line
    assert not (tmp_path / "typo").exists()


DROP_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


def _unprivileged(*argv: str) -> subprocess.CompletedProcess:
    """Run as this user without the override of file permissions root has."""
    return subprocess.run(
        [*DROP_DAC, "--", sys.executable, "-m", "floorconsole", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
    reason="needs root and setpriv to drop the permission override",
)
@pytest.mark.parametrize("db_mode", [0o644, 0o444, 0o666])
def test_reads_work_in_a_read_only_folder(tmp_path, db, db_mode) -> None:
    folder = db.parent
    for leftover in folder.glob("floor.db-*"):
        leftover.unlink()
    db.chmod(db_mode)
    folder.chmod(0o555)
    try:
        proc = _unprivileged("--db", str(db), "log", "list", "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)[0]["body"] == "queue 2 closed"
        proc = _unprivileged("--db", str(db), "verify")
        assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr
        write = _unprivileged("--db", str(db), "log", "add", "--kind", "notice", "--body", "x")
        assert write.returncode == 1 and "nothing was saved" in write.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["floor.db"]
    finally:
        folder.chmod(0o755)
        db.chmod(0o600)


@pytest.mark.parametrize(
    "argv",
    [
        ["stats", "--feed", "FEED", "--sl-threshold", "nan"],
        ["stats", "--feed", "FEED", "--sl-threshold", "inf"],
        ["simulate", "--out", "OUT", "--speed", "nan", "--duration", "0"],
        ["simulate", "--out", "OUT", "--rate", "inf", "--duration", "0"],
        ["simulate", "--out", "OUT", "--history", "nan", "--duration", "0"],
    ],
)
def test_nan_and_inf_are_refused(tmp_path, argv) -> None:
    feed = tmp_path / "queue_log"
    feed.write_text("1795000000|c1|sales|NONE|ENTERQUEUE||13800000004|1\n")
    argv = [str(feed) if a == "FEED" else str(tmp_path / "out") if a == "OUT" else a for a in argv]
    line = one_line_error(fc(*argv), 2)
    assert "finite" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["log", "list"], ["patrol", "list"]])
@pytest.mark.parametrize("key", ["bogus", "2026-11-23 lunch", "23/11/2026 day"])
def test_an_invalid_shift_key_is_an_error(db, argv, key) -> None:
    line = one_line_error(fc("--db", str(db), *argv, "--shift", key), 2)
    assert "--shift" in line
    assert fc("--db", str(db), *argv, "--shift", "2026-11-23 day").returncode == 0
