"""What the incoming supervisor sees on the review screen (pytest-textual-snapshot).

Fixed records, a fixed feed and a fixed clock: nothing on screen depends on the wall clock.
Update with `pytest tests/test_review_snapshots.py --snapshot-update` after checking by eye.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from floorconsole.config import Config
from floorconsole.identity import Actor
from floorconsole.store import HandoverItemDraft, Store, StoreService
from screens.handover_screen import HandoverScreen
from screens.review_screen import ReviewScreen

# Times on screen are local and the chain head hashes epoch times: the pictures are taken
# at fixed UTC times in the UTC zone, whatever zone the suite runs in.
pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (100, 30)
HANDED = datetime(2026, 11, 23, 15, 50, tzinfo=UTC).timestamp()
NOW = datetime(2026, 11, 23, 16, 5, tzinfo=UTC).timestamp()
LIN = Actor("Lin Mei", "lin", "pts/1")
ZHAO = Actor("Zhao Lei", "zhao", "pts/7")


def feed_lines() -> list[str]:
    """A small day shift: 6 calls in sales, 2 in support, one abandoned, one slow answer."""
    t = int(datetime(2026, 11, 23, 9, 0, tzinfo=UTC).timestamp())
    out = []
    for i, (q, wait, talk) in enumerate(
        [
            ("sales", 5, 120),
            ("sales", 8, 200),
            ("sales", 40, 300),
            ("sales", 3, 90),
            ("support", 12, 400),
            ("support", 2, 60),
        ]
    ):
        c, s = f"c{i}", t + i * 600
        out += [
            f"{s}|{c}|{q}|NONE|ENTERQUEUE||1390000{i:04d}|1",
            f"{s + wait}|{c}|{q}|SIP/100{i}|CONNECT|{wait}|{c}.1|1",
            f"{s + wait + talk}|{c}|{q}|SIP/100{i}|COMPLETECALLER|{wait}|{talk}|1",
        ]
    out += [f"{t + 4000}|c9|sales|NONE|ENTERQUEUE||13900009999|1", f"{t + 4030}|c9|sales|NONE|ABANDON|1|1|30"]
    return out


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Config, Path]:
    feed = tmp_path / "queue_log"
    feed.write_text("\n".join(feed_lines()) + "\n")
    db = tmp_path / "floor.db"
    t = [datetime(2026, 11, 23, 9, 30, tzinfo=UTC).timestamp()]
    store = Store(db, clock=lambda: t[0])
    e = store.raise_escalation("c-1", "SIP/1001", "sales", "wants a refund [bold]now[/bold]", LIN, caller="13812345679")
    store.claim_escalation(e.id, LIN)
    t[0] = datetime(2026, 11, 23, 11, 0, tzinfo=UTC).timestamp()
    store.add_entry("equipment", "Headset 14 crackles", LIN)
    t[0] = datetime(2026, 11, 23, 13, 15, tzinfo=UTC).timestamp()
    store.add_follow_up("Call Mr Li back about the router", datetime(2026, 11, 23, 17, 0, tzinfo=UTC).timestamp(), LIN)
    store.add_patrol_note("SIP/1004", LIN, seat="A-04", items=["phone"], text="personal phone", follow_up=True)
    t[0] = HANDED
    from floorconsole.handover_gather import gather, handover_shifts

    out, inc = handover_shifts(Config().shifts, HANDED)
    drafts = [g.draft for g in gather(store, out, HANDED)]
    drafts[1] = HandoverItemDraft(drafts[1].kind, drafts[1].body, note="promised before 17:00", source=drafts[1].source)
    drafts.append(HandoverItemDraft("notice", "Queue 2 closes at 18:00 today", source="free"))
    store.create_handover(out.key, inc.key, drafts, LIN)
    store.close()
    return Config(supervisor="Zhao Lei", db_path=db, feed_path=feed), feed


class Host(App[None]):
    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


async def until(pilot: Pilot, cond: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not cond():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.05)
    await pilot.pause()


def review(setup, service) -> Callable[[], ReviewScreen]:
    config, feed = setup
    return lambda: ReviewScreen(service, ZHAO, config, clock=lambda: NOW, feed_path=feed)


@pytest.fixture
def service(setup):
    svc = StoreService(setup[0].db_path, clock=lambda: NOW)
    yield svc
    svc.close()


def loaded(pilot: Pilot) -> bool:
    s = pilot.app.screen
    return isinstance(s, ReviewScreen) and s.loaded and s.kpis is not None


def test_review_waiting(snap_compare, setup, service) -> None:
    async def ready(pilot: Pilot) -> None:
        await until(pilot, lambda: loaded(pilot))

    assert snap_compare(Host(review(setup, service)), terminal_size=SIZE, run_before=ready)


def test_review_acknowledged_and_questioned(snap_compare, setup, service) -> None:
    async def steps(pilot: Pilot) -> None:
        await until(pilot, lambda: loaded(pilot))
        screen = pilot.app.screen
        await pilot.press("space")
        await until(pilot, lambda: screen.handover.items[0].state == "acknowledged")
        await pilot.press("q")
        await until(pilot, lambda: pilot.app.screen.query("#question"))
        pilot.app.screen.query_one("#question").insert_text_at_cursor("Which engineer slot?")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen and any(i.questions for i in screen.handover.items))

    assert snap_compare(Host(review(setup, service)), terminal_size=SIZE, run_before=steps)


def test_review_sign_confirmation(snap_compare, setup, service) -> None:
    async def steps(pilot: Pilot) -> None:
        await until(pilot, lambda: loaded(pilot))
        await pilot.press("S")
        await until(pilot, lambda: pilot.app.screen.query("#form-save"))

    assert snap_compare(Host(review(setup, service)), terminal_size=SIZE, run_before=steps)


def test_review_nothing_waiting(snap_compare, tmp_path: Path) -> None:
    config = Config(supervisor="Zhao Lei", db_path=tmp_path / "empty.db")
    svc = StoreService(config.db_path, clock=lambda: NOW)
    try:

        async def ready(pilot: Pilot) -> None:
            await until(pilot, lambda: loaded(pilot))

        make = lambda: ReviewScreen(svc, ZHAO, config, clock=lambda: NOW)  # noqa: E731
        assert snap_compare(Host(make), terminal_size=SIZE, run_before=ready)
    finally:
        svc.close()


def test_hand_over_screen(snap_compare, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    t = [datetime(2026, 11, 23, 10, 0, tzinfo=UTC).timestamp()]
    store = Store(db, clock=lambda: t[0])
    store.raise_escalation("c-1", "SIP/1001", "sales", "wants a refund", LIN, caller="13812345679")
    store.add_entry("staffing", "Wang Fang swaps to evening on Friday", LIN)
    store.close()
    config = Config(supervisor="Lin Mei", db_path=db)
    svc = StoreService(db, clock=lambda: HANDED)
    try:

        async def ready(pilot: Pilot) -> None:
            await until(pilot, lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.loaded)

        make = lambda: HandoverScreen(svc, LIN, config, clock=lambda: HANDED)  # noqa: E731
        assert snap_compare(Host(make), terminal_size=(80, 24), run_before=ready)
    finally:
        svc.close()
