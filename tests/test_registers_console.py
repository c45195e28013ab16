"""The register screen (`L`, and the command palette): enter leave and swaps, approve and
withdraw; a form the rules refuse says why and keeps what was typed; a swap approved by two
supervisors each on their own console (two OS users) shows approved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.fixed_floor import day_instant, make_floor, settle
from support.waiting import until
from textual.widgets import DataTable, Input

from floorconsole.clock import ManualClock
from floorconsole.config import Agent, Person
from floorconsole.identity import Actor
from floorconsole.layout import load_layout
from floorconsole.roster.model import RosterEntry
from floorconsole.store import Store
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.forms.leave_form import LeaveForm, RegisterActionForm
from screens.forms.swap_form import SwapForm
from screens.registers_screen import RegistersScreen

T = day_instant()  # 2026-11-23 10:00 local
LI = Actor("Li Na", "tester", "pts/9")
WANG = Actor("Wang Fang", "wang", "pts/3")
PEOPLE = (
    Person("tester", "Li Na", "supervisor"),
    Person("wang", "Wang Fang", "supervisor"),
    Person("zhou", "Zhou Min", "manager"),
)
AGENTS = (Agent("Xu Jing", "hotline", 2, lead="tester"), Agent("Ma Wei", "hotline", 2, lead="wang"))
D1, D2 = date(2026, 11, 25), date(2026, 11, 27)


# November's roster, imported through the store as `roster import` does: day shifts; Xu Jing
# off on the 27th, Ma Wei on the 25th.
ROSTER = tuple(
    RosterEntry(d, n, "day", "A")
    for d in (date(2026, 11, i) for i in range(1, 31))
    for n in ("Xu Jing", "Ma Wei")
    if (n, d) not in (("Xu Jing", D2), ("Ma Wei", D1))
)


def import_roster(store: Store) -> None:
    store.import_roster(ROSTER, "november.csv", Actor("Li Na", "tester", "pts/9"))


def app_as(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, actor: Actor) -> FloorApp:
    config, feed = make_floor(tmp_path, monkeypatch, T)
    config = replace(config, people=PEOPLE, agents=AGENTS)
    with Store.from_config(config) as store:
        if not store.roster_imports():
            import_roster(store)
    parts = build_parts(config, feed, clock=ManualClock(T), actor=actor, layout=load_layout(config.layout_path))
    return FloorApp(parts, store_poll_s=0.2, alert_toasts=False)


def error_of(app: FloorApp) -> str:
    return str(app.screen.query_one("#form-error").render())


async def open_registers(app: FloorApp, pilot) -> RegistersScreen:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press("V")
    await until(pilot, lambda: isinstance(app.screen, RegistersScreen), what="register screen")
    return app.screen  # type: ignore[return-value]


async def type_into(pilot, app: FloorApp, field: str, text: str) -> None:  # noqa: ANN001
    app.screen.query_one(f"#{field}", Input).focus()
    await pilot.pause()
    await pilot.press(*text)


@pytest.mark.anyio
async def test_a_refused_leave_form_says_why_and_keeps_what_was_typed(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    app = app_as(tmp_path, monkeypatch, LI)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_registers(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeaveForm), what="leave form")
        await type_into(pilot, app, "l-person", "Xu Jing")
        await type_into(pilot, app, "l-first", "24/11")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "not a day" in error_of(app), what="the date problem")
        assert "Choose the shift." in error_of(app)
        app.screen.query_one("#l-shift").value = "day"  # type: ignore[attr-defined]
        first = app.screen.query_one("#l-first", Input)
        first.value = "2026-11-24"  # tomorrow 08:00: ordinary leave was due by today 08:00
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "a day ahead" in error_of(app), what="the rule's refusal")
        assert error_of(app) == (
            "Ordinary leave is asked a day ahead: by 2026-11-23 08:00 for the shift at 2026-11-24 08:00"
        )
        assert app.screen.query_one("#l-person", Input).value == "Xu Jing"  # kept
        assert first.value == "2026-11-24"
        first.value = "2026-11-25"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, what="saved")
        table = screen.query_one("#leave-table", DataTable)
        await until(pilot, lambda: table.row_count == 1, what="the register shows it")
        assert "waiting" in " ".join(str(c) for c in table.get_row_at(0))
        # a supervisor may not approve leave (the department head does): refused in the form
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegisterActionForm), what="approve form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "department head" in error_of(app), what="level refusal")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1)


@pytest.mark.anyio
async def test_a_swap_entered_and_approved_by_two_supervisors_on_their_own_consoles(
    tmp_path: Path,
    monkeypatch,  # noqa: ANN001
) -> None:
    app = app_as(tmp_path, monkeypatch, LI)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_registers(app, pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, SwapForm), what="swap form")
        for field, text in (("s-person", "Xu Jing"), ("s-day", "2026-11-25"), ("s-cover", "Xu Jing")):
            await type_into(pilot, app, field, text)
        app.screen.query_one("#s-shift").value = "day"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "two different people" in error_of(app), what="same person")
        cover = app.screen.query_one("#s-cover", Input)
        cover.value = "Ma Wei"
        await type_into(pilot, app, "s-payday", "2026-11-27")
        app.screen.query_one("#s-payshift").value = "day"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, what="swap saved")
        swaps = screen.query_one("#swap-table", DataTable)
        await until(pilot, lambda: swaps.row_count == 1)
        await pilot.press("tab")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegisterActionForm))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, what="first approval")
        await until(pilot, lambda: "Li Na" in " ".join(str(c) for c in swaps.get_row_at(0)))
        assert "waiting" in " ".join(str(c) for c in swaps.get_row_at(0))
        # the same person again is refused, in words
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RegisterActionForm))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "already approved this swap" in error_of(app))
    app2 = app_as(tmp_path, monkeypatch, WANG)  # the other shift lead, on their own console
    async with app2.run_test(size=(120, 50)) as pilot:
        screen = await open_registers(app2, pilot)
        swaps = screen.query_one("#swap-table", DataTable)
        await until(pilot, lambda: swaps.row_count == 1)
        swaps.focus()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app2.screen, RegisterActionForm))
        await pilot.press(*"agreed at the briefing", "ctrl+s")
        await until(pilot, lambda: app2.screen is screen, what="second approval")
        await until(pilot, lambda: "approved" in " ".join(str(c) for c in swaps.get_row_at(0)))
        assert "Li Na" in str(swaps.get_row_at(0)[8]) and "Wang Fang" in str(swaps.get_row_at(0)[8])
    store = Store(tmp_path / "floor.db", people=PEOPLE)
    assert [s.status for s in store.list_swaps()] == ["approved"]
    assert {a.os_user for a in store.list_swaps()[0].approvals} == {"tester", "wang"}
    store.close()


@pytest.mark.anyio
async def test_the_registers_are_in_the_command_palette(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    app = app_as(tmp_path, monkeypatch, LI)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Leave/swaps (V)" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Leave/swaps")
        await until(
            pilot, lambda: app.screen.query("CommandList Option") or app.screen.query("OptionList"), what="palette hits"
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RegistersScreen), what="the registers from the palette")
