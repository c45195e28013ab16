"""The headless records commands: clear messages, non-zero exits, nothing half-written."""

import json
import sqlite3
import subprocess
import sys

import pytest

from floorconsole.cli import main


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def run(capsys, db, *argv):
    try:
        code = main([*argv, "--db", db])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def count(db, table):
    return sqlite3.connect(db).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_log_add_and_list(capsys, db) -> None:
    code, out, _ = run(capsys, db, "log", "add", "--kind", "notice", "--body", "Queue 2 closed", "--author", "Li Na")
    assert code == 0 and "saved log entry 1" in out
    code, out, _ = run(capsys, db, "log", "add", "--kind", "correction", "--body", "Queue 3, not 2", "--refers-to", "1")
    assert code == 0
    code, out, _ = run(capsys, db, "log", "list", "--json")
    rows = json.loads(out)
    assert next((r["seq"], r["author"], r["refers_to"]) for r in rows) == (1, "Li Na", None)
    assert rows[1]["refers_to"] == 1
    code, out, _ = run(capsys, db, "log", "list", "--shift", "current")
    assert code == 0 and "Queue 2 closed" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["log", "add", "--kind", "gossip", "--body", "x"], "invalid choice"),
        (["log", "add", "--kind", "general"], "--body"),
        (["log", "add", "--kind", "general", "--body", "  "], "body is required"),
        (["log", "add", "--kind", "general", "--body", "card 4111 1111 1111 1111"], "card number"),
        (["log", "add", "--kind", "general", "--body", "x", "--refers-to", "5"], "no log entry 5"),
        (["log", "add", "--kind", "general", "--body", "x", "--refers-to", "zero"], "whole number"),
        (
            ["escalate", "--callid", "c1", "--agent", "a", "--queue", "q", "--reason", "r", "--priority", "4"],
            "priority",
        ),
        (
            ["escalate", "--callid", "c1", "--agent", "a", "--queue", "q", "--reason", "r", "--caller", "call me"],
            "caller number",
        ),
        (["escalations", "claim", "7"], "no escalation 7"),
        (["escalations", "resolve", "1", "--outcome", "callback", "--due", "soon"], "ISO"),
        (["escalations", "resolve", "1", "--outcome", "maybe"], "invalid choice"),
        (["patrol", "add", "--agent", "a1", "--item", "bogus"], "unknown checklist item"),
        (["patrol", "add", "--agent", "a1"], "at least one"),
        (["archive", "--before", "yesterday-ish", "--out", "x.json"], "ISO"),
        (["verify", "--head", "12:nothex"], "SEQ:HASH"),
        (["verify", "--head", "R3:" + "a" * 64], "R<links>-<seq>:HASH"),
    ],
)
def test_bad_arguments_clear_message_nonzero_nothing_written(capsys, db, argv, message) -> None:
    run(capsys, db, "log", "add", "--kind", "general", "--body", "baseline")
    code, _out, err = run(capsys, db, *argv)
    assert code != 0 and message in err, err
    assert count(db, "entries") == 1 and count(db, "escalations") == 0 and count(db, "patrol_notes") == 0


def test_escalation_flow(capsys, db) -> None:
    code, out, _ = run(
        capsys,
        db,
        "escalate",
        "--callid",
        "c1",
        "--agent",
        "a1",
        "--queue",
        "sales",
        "--caller",
        "13812345678",
        "--reason",
        "insists on supervisor",
        "--event-key",
        "line-9",
    )
    assert code == 0 and "5678" in out and "13812345678" not in out
    run(
        capsys,
        db,
        "escalate",
        "--callid",
        "c1",
        "--agent",
        "a1",
        "--queue",
        "sales",
        "--caller",
        "13812345678",
        "--reason",
        "insists on supervisor",
        "--event-key",
        "line-9",
    )
    assert count(db, "escalations") == 1  # same feed line, created once
    assert run(capsys, db, "escalations", "claim", "1", "--as", "Li")[0] == 0
    code, _, err = run(capsys, db, "escalations", "claim", "1", "--as", "Wang")
    assert code == 1 and "already taken by Li" in err
    code, out, _ = run(capsys, db, "escalations", "list", "--json")
    rows = json.loads(out)
    assert rows[0]["claimed_by"] == "Li" and "13812345678" not in out
    code, _, err = run(capsys, db, "escalations", "resolve", "1", "--outcome", "referred", "--as", "Li")
    assert code == 1 and "department" in err
    code, out, _ = run(
        capsys,
        db,
        "escalations",
        "resolve",
        "1",
        "--outcome",
        "callback",
        "--due",
        "2099-01-01T10:00",
        "--as",
        "Li",
        "--note",
        "checking stock",
    )
    assert code == 0 and "callback" in out
    assert json.loads(run(capsys, db, "escalations", "list", "--json")[1]) == []
    assert len(json.loads(run(capsys, db, "escalations", "list", "--all", "--json")[1])) == 1


def test_patrol_verify_archive(capsys, db, tmp_path) -> None:
    code, out, _ = run(
        capsys,
        db,
        "patrol",
        "add",
        "--agent",
        "a1",
        "--seat",
        "B2",
        "--item",
        "uniform",
        "--item",
        "phone",
        "--text",
        "on personal phone",
        "--follow-up",
    )
    assert code == 0 and "deductions" in out
    run(capsys, db, "log", "add", "--kind", "general", "--body", "one")
    code, out, _ = run(capsys, db, "verify", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["head"]["seq"] == 1
    head = f"{report['head']['seq']}:{report['head']['hash']}"
    assert run(capsys, db, "verify", "--head", head)[0] == 0
    assert run(capsys, db, "verify", "--head", "5:" + "a" * 64)[0] == 1
    chain = report["chain_head"]  # covers every table: R<links>-<seq>:HASH
    assert chain.startswith("R1-1:")
    assert run(capsys, db, "verify", "--head", chain)[0] == 0
    code, out, _ = run(capsys, db, "verify", "--head", "R2-1:" + chain.split(":")[1])
    assert code == 1 and "records were removed from the end" in out
    assert f"chain head {chain}" in run(capsys, db, "verify")[1]
    out_file = str(tmp_path / "arch.json")
    code, out, _ = run(capsys, db, "archive", "--before", "2999-01-01", "--out", out_file)
    assert code == 0 and "nothing was deleted" in out
    assert run(capsys, db, "verify", "--archive", out_file)[0] == 0
    code, _, err = run(capsys, db, "archive", "--before", "2999-01-01", "--out", out_file)
    assert code == 1 and "already exists" in err


def test_verify_names_first_bad_seq(capsys, db) -> None:
    for i in range(4):
        run(capsys, db, "log", "add", "--kind", "general", "--body", f"entry {i}")
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET body = 'rewritten' WHERE seq = 2")
    conn.close()
    code, out, _ = run(capsys, db, "verify")
    assert code == 1 and "first bad seq 2" in out


def test_key_file_readable_by_others_is_named(capsys, db, tmp_path) -> None:
    key = tmp_path / "hmac.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    key.chmod(0o644)
    config = tmp_path / "c.toml"
    config.write_text(f'[store]\nhmac_key_file = "{key}"\n')
    code, _, err = run(capsys, db, "--config", str(config), "log", "add", "--kind", "general", "--body", "x")
    assert code == 1 and str(key) in err and "0644" in err and "chmod 600" in err


def test_verify_missing_database(capsys, tmp_path) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.db"), "verify")
    assert code == 1 and "no records database" in err


def test_real_process_exit_code(db) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "floorconsole",
            "log",
            "add",
            "--kind",
            "general",
            "--body",
            "4111111111111111",
            "--db",
            db,
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "card number" in proc.stderr
