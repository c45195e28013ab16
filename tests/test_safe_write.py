"""Issue 9 item 9: reports and archives are written through unpredictable 0600 temporary
files, never through a planted link or file, leave nothing behind when the disk is full,
and are audited only once they really exist. Real files and real subprocesses."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from floorconsole.cli import main
from floorconsole.identity import Actor
from floorconsole.safe_write import write_private
from floorconsole.store import Store

ACTOR = Actor("Li Na", "tester", "pts/9")
ROOT = Path(__file__).resolve().parents[1]


def _db(tmp_path: Path, escalations: int = 1, reason: str = "insists on a supervisor") -> Path:
    db = tmp_path / "floor.db"
    with Store(db) as store:
        for i in range(escalations):
            store.raise_escalation(f"c{i}", "SIP/1001", "sales", reason, ACTOR, caller="13812345678")
    return db


def _audit_rows(db: Path, action: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[0]


def _leftovers(directory: Path, name: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(f".{name}"))


def test_a_planted_symlink_at_the_old_temporary_name_is_never_followed(tmp_path, capsys) -> None:
    db = _db(tmp_path)
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    victim = tmp_path / "victim.conf"
    victim.write_text("precious\n")
    (out_dir / ".report.md.tmp").symlink_to(victim)
    assert main(["--db", str(db), "report", "--out", str(out_dir / "report.md")]) == 0
    assert victim.read_text() == "precious\n"
    assert "Shift report" in (out_dir / "report.md").read_text()


def test_a_planted_world_writable_file_never_receives_the_report(tmp_path, capsys) -> None:
    db = _db(tmp_path)
    planted = tmp_path / ".report.md.tmp"
    planted.write_text("")
    planted.chmod(0o666)
    out = tmp_path / "report.md"
    assert main(["--db", str(db), "report", "--out", str(out)]) == 0
    assert planted.read_text() == ""  # the planter sees nothing
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not out.is_symlink() and out.stat().st_ino != planted.stat().st_ino


def test_an_existing_report_is_replaced_privately(tmp_path, capsys) -> None:
    db = _db(tmp_path)
    out = tmp_path / "report.md"
    out.write_text("old")
    out.chmod(0o644)
    assert main(["--db", str(db), "report", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and "Shift report" in out.read_text()


def _limit_file_size(limit: int):  # noqa: ANN202
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill, as ENOSPC would
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_leaves_no_partial_file_and_no_audit_row(tmp_path) -> None:
    db = _db(tmp_path, escalations=60, reason="<" * 3900)  # html-escaped: 4x the size on disk
    out = tmp_path / "report.html"
    limit = db.stat().st_size + 256 * 1024  # room for the audit row, not for the ~0.9 MB report
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "floorconsole", "--db", str(db), "report", "--format", "html", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=_limit_file_size(limit),
    )
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not out.exists() and _leftovers(tmp_path, "report.html") == []
    assert _audit_rows(db, "report.export") == 0


def test_a_report_that_cannot_be_written_is_not_audited(tmp_path, capsys) -> None:
    db = _db(tmp_path)
    out = tmp_path / "already-a-folder"
    out.mkdir()
    assert main(["--db", str(db), "report", "--out", str(out)]) != 0
    assert "could not write" in capsys.readouterr().err
    assert _audit_rows(db, "report.export") == 0 and _leftovers(tmp_path, "already-a-folder") == []


def test_the_archive_never_follows_a_planted_link_and_is_private(tmp_path) -> None:
    db = _db(tmp_path)
    out = tmp_path / "archive.json"
    victim = tmp_path / "victim.conf"
    victim.write_text("precious\n")
    (tmp_path / f".archive.json.tmp{os.getpid()}").symlink_to(victim)
    with Store(db) as store:
        store.archive(4_000_000_000, out, ACTOR)
    assert victim.read_text() == "precious\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and '"format"' in out.read_text()
    assert _audit_rows(db, "archive.export") == 1


def test_a_full_disk_leaves_no_partial_archive(tmp_path) -> None:
    db = _db(tmp_path, escalations=60, reason="x" * 3900)
    out = tmp_path / "archive.json"
    limit = 64 * 1024  # the archive is as big as the records; the database file is not extended
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "floorconsole", "--db", str(db), "archive", "--before", "2099-01-01", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=_limit_file_size(limit),
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert not out.exists() and _leftovers(tmp_path, "archive.json") == []
    assert _audit_rows(db, "archive.export") == 0


def test_write_private_exclusive_never_replaces(tmp_path) -> None:
    target = tmp_path / "a.json"
    write_private(target, "one", exclusive=True)
    with pytest.raises(FileExistsError):
        write_private(target, "two", exclusive=True)
    assert target.read_text() == "one" and _leftovers(tmp_path, "a.json") == []
    write_private(target, "three")
    assert target.read_text() == "three" and stat.S_IMODE(target.stat().st_mode) == 0o600
