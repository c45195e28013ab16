"""The roll call (点名) and attendance on the main screen, driven by keys on the fixed floor:
`C` then Enter writes the duty-log row; a mark can be changed first; the flags the floor
raises are recorded once and `a` notes one as allowed."""

from __future__ import annotations

from datetime import date

import pytest
from support.fixed_floor import ACTOR, day_instant, make_app, settle
from support.waiting import until

from floorconsole.clock import ManualClock
from floorconsole.roster.model import RosterEntry
from floorconsole.roster.roll_call import RollCallLine, prefill
from floorconsole.store import Store
from screens.attendance_allow import AllowFlagForm
from screens.attendance_panel import AttendancePanel
from screens.forms.roll_call import RollCallScreen
from screens.seat_table import SeatTable

DAY = date(2026, 11, 23)
# Xu Jing, Ma Wei and Zhang Ting are logged in on the fixed floor; Wang Fang never comes.
ROSTER = [
    RosterEntry(DAY, "Xu Jing", "day", "sales"),
    RosterEntry(DAY, "Ma Wei", "day", "sales"),
    RosterEntry(DAY, "Zhang Ting", "day", "sales"),
    RosterEntry(DAY, "Wang Fang", "day", "sales"),
]


def _app(tmp_path, monkeypatch):  # noqa: ANN001, ANN202
    app = make_app(tmp_path, monkeypatch)
    with Store(tmp_path / "floor.db", clock=ManualClock(day_instant())) as store:
        store.import_roster(ROSTER, "roster.csv", ACTOR)
    return app


def _entries(tmp_path, kind: str):  # noqa: ANN001, ANN202
    with Store(tmp_path / "floor.db", clock=ManualClock(day_instant()), read_only=True) as store:
        return store.list_entries(kinds=[kind])


@pytest.mark.anyio
async def test_roll_call_two_keys_to_the_duty_log(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    app = _app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot, lambda: app.attendance.loaded)
        panel = app.query_one(AttendancePanel)
        await until(pilot, lambda: "Roll call 点名 not taken yet (C)" in str(panel.render()))
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, RollCallScreen), what="roll call open")
        marks = {ln.person: ln.mark for ln in app.screen.lines}
        assert marks == {"Xu Jing": "present", "Ma Wei": "present", "Zhang Ting": "present", "Wang Fang": "absent"}
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, RollCallScreen), what="roll call recorded")
        await until(pilot, lambda: _entries(tmp_path, "roll-call"), what="duty-log row")
        panel = app.query_one(AttendancePanel)
        await until(pilot, lambda: "not taken" not in str(panel.render()), what="panel knows the roll call is taken")
    [entry] = _entries(tmp_path, "roll-call")
    assert entry.shift == "2026-11-23 day" and entry.author == ACTOR.name
    assert "4 expected; present 3, late 0, absent 1, on leave 0" in entry.body
    assert "Absent: Wang Fang." in entry.body


@pytest.mark.anyio
async def test_roll_call_change_a_mark_first(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    app = _app(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot, lambda: app.attendance.loaded)
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, RollCallScreen))
        screen = app.screen
        order = [ln.person for ln in screen.lines]
        # the list is highlighted from its first line; move to Wang Fang and mark her late
        for _ in range(order.index("Wang Fang")):
            await pilot.press("down")
        await pilot.press("2")
        assert screen.lines[order.index("Wang Fang")].mark == "late"
        await pilot.press("space")  # late -> absent
        await pilot.press("space")  # absent -> on leave
        await pilot.press("ctrl+s")
        await until(pilot, lambda: _entries(tmp_path, "roll-call"), what="duty-log row")
    [entry] = _entries(tmp_path, "roll-call")
    assert "absent 0, on leave 1" in entry.body and "On leave: Wang Fang." in entry.body


@pytest.mark.anyio
async def test_flags_recorded_once_shown_and_allowed(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    app = _app(tmp_path, monkeypatch)
    db = tmp_path / "floor.db"

    def flags():  # noqa: ANN202
        with Store(db, clock=ManualClock(day_instant()), read_only=True) as store:
            return store.list_attendance_flags(day_instant() - 86400, day_instant() + 86400)

    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot, lambda: app.attendance.loaded)
        # Wang Fang is late (2 h into the shift); four others are logged in unrostered
        await until(pilot, lambda: len(flags()) == 5, what="five flags recorded")
        kinds = sorted((f.person, f.kind) for f in flags())
        assert ("Wang Fang", "late") in kinds
        assert ("He Jun", "unrostered") in kinds and ("[bold]Li Na", "unrostered") in kinds
        panel = app.query_one(AttendancePanel)
        await until(pilot, lambda: "Wang Fang" in str(panel.render()) and len(app.attendance.flags) == 5)
        assert panel.has_class("-shown")
        table = app.query_one(SeatTable)
        assert table.roster_mark is not None
        assert table.roster_mark("SIP/1001") == "✓" and table.roster_mark("SIP/1006") == "⚑"
        await pilot.pause(1.2)  # more ticks: nothing is recorded twice
        assert len(flags()) == 5
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AllowFlagForm))
        await pilot.press(*"sent to recover after a hard call")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(f.allowed for f in flags()), what="flag allowed")
    allowed = [f for f in flags() if f.allowed]
    assert len(allowed) == 1 and allowed[0].allowed_note == "sent to recover after a hard call"
    assert allowed[0].allowed_by == ACTOR.name


def test_prefill_marks_late_and_leave() -> None:
    from floorconsole.roster.expected import expected_floor
    from floorconsole.roster.model import ApprovedLeave

    floor = expected_floor(ROSTER, [ApprovedLeave("Ma Wei", DAY, "day", "sick")])
    lines = prefill(floor, DAY, "day", logged_in={"Xu Jing", "Zhang Ting"}, late={"Zhang Ting"})
    assert lines == [
        RollCallLine("Wang Fang", "sales", "absent"),
        RollCallLine("Xu Jing", "sales", "present"),
        RollCallLine("Zhang Ting", "sales", "late"),
        RollCallLine("Ma Wei", "", "on_leave", "sick"),
    ]
