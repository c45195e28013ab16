"""The whole handover, driven with the Pilot on a real SQLite file and a real feed file.

Shift A (day, clock fixed at 15:45) logs an entry, records an escalation, adds a line to an
item and a free entry, and signs. Shift B (evening, 16:05, a second App on the same file)
is offered the review, acknowledges two items, questions one and signs receipt. The records,
`floorconsole handover show` and the shift report show exactly that. Then B exports (x).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.widgets import OptionList, TextArea

from floorconsole.cli import main
from floorconsole.clock import ManualClock
from floorconsole.config import Config
from floorconsole.identity import Actor
from floorconsole.layout import load_layout
from floorconsole.report import build_report, resolve_shift
from floorconsole.report_output import render
from floorconsole.simulator import Simulator
from floorconsole.store import Store
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.export import ExportScreen
from screens.handover_screen import HandoverScreen
from screens.header import FloorHeader
from screens.review_screen import ReviewOffer, ReviewScreen

DAY = "2026-11-23 day"
EVENING = "2026-11-23 evening"
T_A = datetime(2026, 11, 23, 15, 45).timestamp()
T_B = datetime(2026, 11, 23, 16, 5).timestamp()
LIN = Actor("Lin Mei", "lin", "pts/1")
ZHAO = Actor("Zhao Lei", "zhao", "pts/7")


def write_feed(path: Path) -> None:
    sim = Simulator(load_layout(), seed=5, escalate_p=0.0)
    with open(path, "w") as f:
        for line in sim.lines_between(datetime(2026, 11, 23, 14, 0).timestamp(), T_A):
            f.write(line + "\n")


async def until(pilot: Any, cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Let workers and the store thread run until `cond()` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def type_in(pilot: Any, selector: str, text: str) -> None:
    w = pilot.app.screen.query_one(selector)
    w.focus()
    await pilot.pause()
    if isinstance(w, TextArea):
        w.insert(text)
    else:
        w.insert_text_at_cursor(text)
    await pilot.pause()


def make_app(tmp: Path, clock_t: float, actor: Actor) -> FloorApp:
    # No handover checklist here (test_handover_trust.py fills one in): this test follows the items.
    config = Config(supervisor=actor.name, db_path=tmp / "floor.db", feed_path=tmp / "queue_log", handover_checklist=())
    return FloorApp(build_parts(config, config.feed_path, clock=ManualClock(clock_t), actor=actor))


async def shift_a(tmp: Path) -> None:
    app = make_app(tmp, T_A, LIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # A duty-log entry of a carried kind.
        await pilot.press("h")
        await until(pilot, lambda: app.screen.query("#body"), "log form")
        app.screen.query_one("#kind").value = "equipment"
        await type_in(pilot, "#body", "Headset 14 crackles")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, "log form saved")
        # An escalation recorded by hand.
        await pilot.press("e")
        await until(pilot, lambda: app.screen.query("#reason"), "escalation form")
        for sel, text in (
            ("#agent", "SIP/1001"),
            ("#queue", "sales"),
            ("#call-id", "c-77"),
            ("#caller", "13812345679"),
            ("#reason", "wants a refund [now]"),
        ):
            await type_in(pilot, sel, text)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, "escalation saved")
        # Hand over: two gathered items, a line on one, a free entry, sign.
        await pilot.press("H")
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.loaded, "gathered items")
        screen = app.screen
        assert [g.draft.kind for g in screen.items] == ["escalation", "equipment"]
        ol = screen.query_one("#ho-items", OptionList)
        ol.focus()
        ol.highlighted = ol.get_option_index("item-1")
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query("#note"), "note form")
        await type_in(pilot, "#note", "spare headsets in cupboard B")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "note set")
        assert screen.items[1].draft.note == "spare headsets in cupboard B"
        await pilot.press("a")
        await until(pilot, lambda: app.screen.query("#body"), "free entry form")
        await type_in(pilot, "#body", "Queue 2 closes at 18:00 today")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen and len(screen.items) == 3, "free entry added")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.screen_stack) == 1, "handover signed")
        # the outgoing side is told to stay until the incoming side has received the shift
        await until(pilot, lambda: "you may not leave" in str(app.query_one(FloorHeader).open_handover or ""), "header")


async def shift_b(tmp: Path) -> None:
    app = make_app(tmp, T_B, ZHAO)
    async with app.run_test(size=(120, 40)) as pilot:
        # Offered on start; the main screen says a handover is waiting for this shift.
        await until(pilot, lambda: isinstance(app.screen, ReviewOffer), "review offer")
        assert "waiting" in str(app.query_one(FloorHeader).open_handover or "")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded, "review")
        review = app.screen
        await until(pilot, lambda: review.kpis is not None, "KPIs folded")
        prev, week = review.kpis
        assert prev is not None and prev.has_data and prev.total.offered > 100
        assert week is not None and not week.has_data  # the feed starts today
        kinds = [o.id for o in review.query_one("#rv-items", OptionList).options]
        assert kinds[0] == "hdr-escalation" and "hdr-equipment" in kinds and "hdr-notice" in kinds
        # Acknowledge the escalation and the equipment item (cursor moves down after each).
        await pilot.press("space")
        await until(pilot, lambda: sum(i.state == "acknowledged" for i in review.handover.items) == 1, "ack 1")
        await pilot.press("space")
        await until(pilot, lambda: sum(i.state == "acknowledged" for i in review.handover.items) == 2, "ack 2")
        # Question the notice.
        await pilot.press("q")
        await until(pilot, lambda: app.screen.query("#question"), "question form")
        await type_in(pilot, "#question", "Which number do callers get after 18:00?")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is review and review.handover.items[2].questions, "questioned")
        # Sign receipt (confirmation first).
        await pilot.press("S")
        await until(pilot, lambda: app.screen.query("#form-save"), "confirm")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: review.handover.received is not None, "receipt")
        await pilot.press("escape")
        await until(pilot, lambda: "waiting" not in str(app.query_one(FloorHeader).open_handover or ""), "header")
        # Export the current shift's report.
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.finished, "export", 20)
        assert app.screen.path is not None and app.screen.path.exists(), _plain(app.screen.query_one("#export-status"))
        assert str(app.screen.path) in _plain(app.screen.query_one("#export-status"))


def _plain(widget: Any) -> str:
    r = widget.render()
    if hasattr(r, "plain"):
        return r.plain
    from rich.console import Console

    c = Console(width=200, record=True)
    c.print(r)
    return c.export_text()


def test_the_whole_handover(tmp_path: Path, capsys) -> None:
    write_feed(tmp_path / "queue_log")
    asyncio.run(shift_a(tmp_path))
    store = Store(tmp_path / "floor.db")
    ho = store.get_handover(1)
    assert (ho.from_shift, ho.to_shift, ho.handed.name, ho.handed.time) == (DAY, EVENING, "Lin Mei", T_A)
    assert [(i.entry.kind, i.note) for i in ho.items] == [
        ("escalation", ""),
        ("equipment", "spare headsets in cupboard B"),
        ("notice", ""),
    ]
    assert "wants a refund [now]" in ho.items[0].entry.body and "13812345679" not in ho.items[0].entry.body
    assert ho.items[1].entry.body == "Headset 14 crackles" and ho.items[1].entry.time == T_A
    assert ho.head.seq == store.head().seq and ho.received is None
    assert store.get_shift(DAY).supervisor == "Lin Mei"
    store.close()

    asyncio.run(shift_b(tmp_path))
    store = Store(tmp_path / "floor.db")
    ho = store.get_handover(1)
    assert [i.state for i in ho.items] == ["acknowledged", "acknowledged", "questioned"]
    assert all(
        i.acknowledged == ho.items[0].acknowledged.__class__("Zhao Lei", "zhao", "pts/7", T_B) for i in ho.items[:2]
    )
    assert ho.items[2].acknowledged is None
    assert [(q.text, q.signature.name, q.signature.time) for q in ho.items[2].questions] == [
        ("Which number do callers get after 18:00?", "Zhao Lei", T_B)
    ]
    assert (ho.received.name, ho.received.time) == ("Zhao Lei", T_B)
    assert store.open_handovers() == []
    audit = [a.action for a in store.list_audit()]
    assert "handover.sign" in audit and "handover.receive" in audit and "report.export" in audit

    # The report of the day shift shows the same.
    config = Config(supervisor="x", db_path=tmp_path / "floor.db")
    report = build_report(store, config, resolve_shift(config, DAY, T_B), T_B, feed_paths=[tmp_path / "queue_log"])
    md = render(report, "md")
    assert f"| 1 | {DAY} | {EVENING} | Lin Mei | 2026-11-23 15:45 | 3 | 2 | 1 | Zhao Lei 2026-11-23 16:05 |" in md
    assert "wants a refund \\[now\\]" in md and "•" in md  # Markdown-active brackets escaped
    store.close()

    # `handover show` prints what was handed over, to whom, what was acknowledged/questioned.
    code = main(["handover", "show", "1", "--db", str(tmp_path / "floor.db")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Handover #1: 2026-11-23 day -> 2026-11-23 evening" in out
    assert "Handed over by Lin Mei (lin@pts/1) at 2026-11-23 15:45:00" in out
    assert "Received by Zhao Lei (zhao@pts/7) at 2026-11-23 16:05:00" in out
    assert out.count("acknowledged by Zhao Lei (zhao@pts/7) at 2026-11-23 16:05:00") == 2
    assert "questioned by Zhao Lei (zhao@pts/7) at 2026-11-23 16:05:00: Which number" in out
    assert "outgoing note: spare headsets in cupboard B" in out
    code = main(["handover", "show", "1", "--json", "--db", str(tmp_path / "floor.db")])
    data = json.loads(capsys.readouterr().out)
    assert data["received"]["name"] == "Zhao Lei" and len(data["items"]) == 3
    code = main(["handover", "list", "--db", str(tmp_path / "floor.db")])
    assert "received by Zhao Lei" in capsys.readouterr().out
    code = main(["handover", "list", "--open", "--db", str(tmp_path / "floor.db")])
    assert "no open handovers" in capsys.readouterr().out
    code = main(["handover", "show", "9", "--db", str(tmp_path / "floor.db")])
    assert code == 1 and "no handover 9" in capsys.readouterr().err
    exported = list((tmp_path / "reports").glob("shift-report-2026-11-23-evening.html"))
    page = exported[0].read_text()
    assert "Queue KPIs" in page and "Zhao Lei 2026-11-23 16:05" in page  # the feed has no evening yet
