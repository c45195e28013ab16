"""Complaints followed through (issue 10): registered without an escalation (console `K`
and `floorconsole complaint add`), the company-at-fault / apology / reported-to answers on
every complaint, the daily summary with every complaint and every resolved escalation (CLI
too), written from the console (`D`) and recorded with its recipient, reminded 30 minutes
before the shift ends; the m005 migration on an existing database."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from support.fixed_floor import day_instant, make_app, settle
from support.waiting import until

from floorconsole.alerts import complaint_summary_reminder_due
from floorconsole.cli import main
from floorconsole.identity import Actor
from floorconsole.store import ComplaintDraft, Store, ValidationError
from screens.forms import ComplaintForm, ComplaintSummaryForm

LI = Actor("Li Na", "li", "pts/1")
T = day_instant()


def run_cli(capsys, *argv):  # noqa: ANN001, ANN002
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


# -- store ----------------------------------------------------------------------------------
def test_a_complaint_says_fault_apology_and_to_whom(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db", clock=lambda: T)
    with pytest.raises(ValidationError, match="at fault"):
        store.record_complaint(ComplaintDraft(problem="late delivery", wants="refund"), LI)
    with pytest.raises(ValidationError, match="only when it is at fault"):
        store.record_complaint(
            ComplaintDraft(problem="late delivery", wants="refund", company_at_fault=False, apology_given=True), LI
        )
    with pytest.raises(ValidationError, match="reported upwards"):
        store.record_complaint(
            ComplaintDraft(problem="late delivery", wants="refund", company_at_fault=True, apology_given=True), LI
        )
    c = store.record_complaint(
        ComplaintDraft(
            problem="late delivery",
            wants="refund",
            company_at_fault=True,
            apology_given=True,
            reported_to="Manager Wang",
        ),
        LI,
    )
    assert c.escalation_id is None and store.list_complaints() == [c]
    assert (c.company_at_fault, c.apology_given, c.reported_to) == (True, True, "Manager Wang")
    assert store.verify().ok
    store.close()


def test_m005_is_applied_to_an_existing_database(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    Store(db, clock=lambda: T).close()
    conn = sqlite3.connect(db, isolation_level=None)
    for table in ("complaint_assessments", "complaint_summaries"):  # as a database before m005
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_complaint_followthrough'")
    conn.close()
    store = Store(db, clock=lambda: T)
    store.record_summary_sent("2026-11-23 day", "Director Zhou", 0, 0, "md", "stdout", LI)
    assert [s.sent_to for s in store.list_summaries_sent("2026-11-23 day")] == ["Director Zhou"]
    assert store.verify().ok
    store.close()
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE complaint_summaries SET sent_to = 'nobody'")


def test_reminder_window() -> None:
    end = 16 * 3600.0
    assert not complaint_summary_reminder_due(end - 31 * 60, end, sent=False)
    assert complaint_summary_reminder_due(end - 30 * 60, end, sent=False)
    assert not complaint_summary_reminder_due(end - 60, end, sent=True)
    assert not complaint_summary_reminder_due(end, end, sent=False)


# -- CLI ------------------------------------------------------------------------------------
def test_cli_registers_a_complaint_and_the_summary_holds_cli_resolved_escalations(tmp_path, capsys) -> None:
    db = str(tmp_path / "f.db")
    code, out, err = run_cli(
        capsys,
        "--db",
        db,
        "complaint",
        "add",
        "--problem",
        "kettle leaks",
        "--wants",
        "a new kettle",
        "--at-fault",
        "yes",
        "--apology",
        "yes",
        "--reported-to",
        "Manager Wang",
        "--phone",
        "13800001234",
    )
    assert code == 0, err
    assert "complaint 1 (no escalation)" in out
    code, _, err = run_cli(
        capsys, "--db", db, "complaint", "add", "--problem", "p", "--wants", "w", "--at-fault", "no", "--apology", "yes"
    )
    assert code != 0 and "only when it is at fault" in err
    code, out, _ = run_cli(
        capsys,
        "--db",
        db,
        "escalate",
        "--callid",
        "c9",
        "--agent",
        "SIP/1001",
        "--queue",
        "sales",
        "--reason",
        "wants a supervisor",
    )
    assert code == 0
    code, _, err = run_cli(capsys, "--db", db, "escalations", "claim", "1")
    assert code == 0, err
    code, _, err = run_cli(capsys, "--db", db, "escalations", "resolve", "1", "--outcome", "resolved")
    assert code == 0, err
    code, text, err = run_cli(capsys, "--db", db, "report", "--complaints-only", "--sent-to", "Director Zhou")
    assert code == 0, err
    assert "kettle leaks" in text and "Manager Wang" in text and "13800001234" not in text
    assert "Escalations resolved today" in text and "wants a supervisor" in text
    code, text, _ = run_cli(capsys, "--db", db, "report", "--complaints-only")
    assert "Sent to Director Zhou" in text
    code, _, err = run_cli(capsys, "--db", db, "report", "--sent-to", "Director Zhou")
    assert code == 2 and "--complaints-only" in err


# -- console --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_K_registers_a_complaint_without_an_escalation(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, ComplaintForm))
        form = app.screen
        form.query_one("#c-problem").value = "wrong bill twice"
        form.query_one("#c-wants").value = "a corrected bill"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "at fault" in str(form.query_one("#form-error").render()))
        form.query_one("#c-fault").value = False
        form.query_one("#c-apology").value = False
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, what="saved")
        (c,) = app.service.call(Store.list_complaints)
        assert (c.problem, c.escalation_id, c.company_at_fault, c.apology_given) == (
            "wrong bill twice",
            None,
            False,
            False,
        )


@pytest.mark.anyio
async def test_D_writes_the_summary_and_records_to_whom(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch, T, alert_toasts=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ComplaintSummaryForm))
        await pilot.press(*"Director Zhou", "ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, what="written")
        (sent,) = app.service.call(Store.list_summaries_sent)
        assert sent.sent_to == "Director Zhou" and sent.format == "html"
        page = Path(sent.destination).read_text()
        assert "Daily complaint summary" in page and "Escalations resolved today" in page


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("hm", "sent", "reminded"), [((15, 40), False, True), ((15, 20), False, False), ((15, 40), True, False)]
)
async def test_reminded_30_minutes_before_the_shift_ends(tmp_path: Path, monkeypatch, hm, sent, reminded) -> None:
    now = datetime(2026, 11, 23, *hm).astimezone().timestamp()
    app = make_app(tmp_path, monkeypatch, now)
    if sent:
        store = Store(app.config.db_path, clock=lambda: now)
        store.record_summary_sent("2026-11-23 day", "Director Zhou", 0, 0, "md", "stdout", LI)
        store.close()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        app._tick()
        await until(
            pilot,
            lambda: all(w.is_finished for w in app.workers if w.group == "summary-check"),
            what="summary check done",
        )
        await pilot.pause()
        app._flush_alerts()
        await pilot.pause()
        texts = "\n".join(n.message for n in app._notifications)
        assert ("Daily complaint summary not sent yet" in texts) is reminded
