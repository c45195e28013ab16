"""Feed escalations (issue 9 items 2 and 8): the caller id in any form stays in the caller
field and is masked wherever it is shown; a card number or an over-long field never stops
the escalation being recorded. Real store, real CLI, real report and archive files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from floorconsole.cli import main
from floorconsole.events import Escalation, Event
from floorconsole.feed_escalation import escalation_args
from floorconsole.identity import Actor
from floorconsole.store import Store

ACTOR = Actor("Li Na", "tester", "pts/9")
SIP = "sip:13800000004@10.0.0.1"


def _event(reason: str = "wants a manager", agent: str = "SIP/1001", t: float | None = None) -> Event:
    import time as _t

    return Event(t if t is not None else _t.time() - 60, "c9", "sales", agent, "ESCALATE", (reason, "2"))


def test_a_sip_uri_caller_id_goes_to_the_caller_field_only(tmp_path) -> None:
    args = escalation_args(Escalation(_event(), SIP))
    assert args["caller"] == SIP and args["reason"] == "wants a manager"
    with Store(tmp_path / "floor.db") as store:
        record = store.raise_escalation(actor=ACTOR, **args)
        assert "13800000004" not in record.reason and "13800000004" not in record.caller_masked
        assert record.caller_masked == "sip:•••••••0004@••.•.•.•"
        assert store.reveal_caller(record.id, "customer asked for a callback", ACTOR) == SIP


def test_withheld_and_plain_caller_ids(tmp_path) -> None:
    with Store(tmp_path / "floor.db") as store:
        anon = store.raise_escalation(actor=ACTOR, **escalation_args(Escalation(_event(), "anonymous")))
        assert anon.reason == "wants a manager" and anon.caller_masked == "anonymous"
        plain = escalation_args(Escalation(_event(), "+86 138-0013-8000"))
        assert plain["caller"] == "+86 138-0013-8000"


def test_the_caller_number_leaks_into_no_listing_report_or_archive(tmp_path, capsys) -> None:
    db = tmp_path / "floor.db"
    with Store(db) as store:
        store.raise_escalation(actor=ACTOR, **escalation_args(Escalation(_event(), SIP)))
    outputs = []
    for argv in (["escalations", "list", "--all"], ["escalations", "list", "--all", "--json"]):
        assert main(["--db", str(db), *argv]) == 0
        outputs.append(capsys.readouterr().out)
    assert "sip:" in outputs[0] and "0004" in outputs[0]
    for fmt in ("md", "csv", "html"):
        out = tmp_path / f"report.{fmt}"
        assert main(["--db", str(db), "report", "--format", fmt, "--out", str(out)]) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    archive = tmp_path / "floor-archive.json"
    import time as _t

    future = _t.strftime("%Y-%m-%d", _t.localtime(_t.time() + 2 * 86400))
    assert main(["--db", str(db), "archive", "--before", future, "--out", str(archive)]) == 0
    doc = json.loads(archive.read_text(encoding="utf-8"))
    (row,) = doc["tables"]["escalations"]
    assert row["caller"] == SIP  # the archive is the record itself: the caller field, in full
    outputs.append(json.dumps({k: v for k, v in row.items() if k != "caller"}, ensure_ascii=False))
    capsys.readouterr()
    for text in outputs:
        assert "13800000004" not in text, text


FULL_WIDTH_CARD = "".join(chr(ord(c) + 0xFEE0) for c in "6200000000000005")


@pytest.mark.parametrize("card", ["4111 1111 1111 1111", FULL_WIDTH_CARD])
def test_a_card_number_in_the_reason_is_removed_and_the_escalation_recorded(tmp_path, card) -> None:
    args = escalation_args(Escalation(_event(f"customer read out card {card} for a refund"), "13812345678"))
    with Store(tmp_path / "floor.db") as store:
        record = store.raise_escalation(actor=ACTOR, **args)
        assert record.reason == "customer read out card [card number removed] for a refund"
        raw = store.conn.execute("SELECT reason FROM escalations WHERE id = ?", (record.id,)).fetchone()[0]
        assert "1111 1111" not in raw and "００００" not in raw


def test_an_over_long_agent_name_is_shortened_and_the_escalation_recorded(tmp_path) -> None:
    agent = "Local/" + "x" * 200 + "@agents"
    args = escalation_args(Escalation(_event(agent=agent), ""))
    with Store(tmp_path / "floor.db") as store:
        record = store.raise_escalation(actor=ACTOR, **args)
        assert len(record.agent) == 100 and record.agent.startswith("Local/xxx")
        assert "agent shortened from 213 characters" in record.reason


def test_the_screens_do_not_shape_feed_escalations() -> None:
    from screens import pollers

    src = Path(pollers.__file__).read_text(encoding="utf-8")
    assert (
        "def escalation_args" not in src
        and "escalation_args" not in Path(pollers.__file__).with_name("app.py").read_text()
    )


def test_a_caller_id_with_a_display_name_is_kept_as_one_token(tmp_path) -> None:
    args = escalation_args(Escalation(_event(), "Wang Li <13800000004>"))
    with Store(tmp_path / "floor.db") as store:
        record = store.raise_escalation(actor=ACTOR, **args)
        assert "13800000004" not in record.caller_masked and "13800000004" not in record.reason
