"""The main screen during a shift change, two consoles on one records file (issue 10):
the outgoing console is told to stay until the incoming side has received the shift; the
incoming console is offered the review as soon as the handover is signed, 20 minutes
before the boundary; nobody is offered their own handover; an overdue item alerts once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from support.waiting import until

from floorconsole.clock import ManualClock
from floorconsole.config import Config, Person
from floorconsole.identity import Actor
from floorconsole.store import HandoverItemDraft, Store
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.header import FloorHeader

pytestmark = pytest.mark.anyio

LIN = Actor("Lin Mei", "lin", "pts/1")  # outgoing, day shift 08-16
ZHAO = Actor("Zhao Lei", "zhao", "pts/7")  # incoming, evening shift


def at(h: int, m: int = 0) -> float:
    return datetime(2026, 11, 23, h, m).timestamp()


def console(tmp_path: Path, actor: Actor, clock: ManualClock) -> FloorApp:
    config = Config(supervisor=actor.name, db_path=tmp_path / "floor.db", feed_path=tmp_path / "queue_log")
    return FloorApp(build_parts(config, config.feed_path, clock=clock, actor=actor), store_poll_s=0.2)


def sign_handover(tmp_path: Path, when: float) -> None:
    with Store(tmp_path / "floor.db", clock=lambda: when) as store:
        fid = store.add_follow_up("Call Mr Li back about the router", when + 600, LIN).id  # due in 10 min
        assert fid
        store.create_handover(
            "2026-11-23 day",
            "2026-11-23 evening",
            [HandoverItemDraft("follow-up", "Printer on row B jammed", note="engineer at 17:00")],
            LIN,
            note="quiet day",
        )


async def test_outgoing_is_told_to_stay_and_incoming_is_offered_the_review_before_the_boundary(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text("")
    clock = ManualClock(at(15, 40))  # 20 minutes before the 16:00 boundary
    sign_handover(tmp_path, at(15, 40))
    outgoing = console(tmp_path, LIN, clock)
    async with outgoing.run_test(size=(160, 50)) as pilot:
        header = outgoing.query_one(FloorHeader)
        await until(pilot, lambda: "you may not leave" in header.render().plain, what="told to stay")
        await pilot.pause(0.5)
        assert outgoing.screen is outgoing.screen_stack[0], "the signer is not offered her own handover"
    incoming = console(tmp_path, ZHAO, clock)
    async with incoming.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: type(incoming.screen).__name__ == "ReviewOffer", what="the review offered")
        header = incoming.query_one(FloorHeader)
        assert "waiting" in header.render().plain and "may not leave" not in header.render().plain


async def test_an_overdue_open_item_alerts_once_and_stays_in_the_header(tmp_path: Path) -> None:
    (tmp_path / "queue_log").write_text("")
    with Store(tmp_path / "floor.db", clock=lambda: at(9)) as store:
        store.add_follow_up("Call Mrs Wang back", at(10), LIN)
    clock = ManualClock(at(10, 5))
    app = console(tmp_path, LIN, clock)
    async with app.run_test(size=(160, 50)) as pilot:
        header = app.query_one(FloorHeader)
        await until(pilot, lambda: "overdue" in header.render().plain, what="overdue in the header")
        app._flush_alerts()
        await until(pilot, lambda: any("open item" in n.message for n in app._notifications), what="the alert")
        before = sum("open item" in n.message for n in app._notifications)
        app.refresh_store()
        await pilot.pause(0.5)
        app._flush_alerts()
        assert (
            sum("open item" in n.message for n in app._notifications) == before
        )  # once (the reports-due notice may say overdue too)


async def test_a_viewer_sees_that_there_is_a_finding_not_what_it_says(tmp_path: Path) -> None:
    """Praise in public, correct in private: a viewer's duty log and review withhold the text
    of findings against a person; a supervisor sees it."""
    from screens.handover_log_panel import HandoverLogPanel
    from screens.review_screen import ReviewScreen

    (tmp_path / "queue_log").write_text("")
    with Store(tmp_path / "floor.db", clock=lambda: at(15, 40)) as store:
        store.create_handover(
            "2026-11-23 day",
            "2026-11-23 evening",
            [
                HandoverItemDraft("patrol", "Patrol finding on SIP/1004: slammed the keyboard (signs of strain)"),
                HandoverItemDraft("notice", "Queue 2 closes at 18:00"),
            ],
            LIN,
        )
    guest = Actor("Guest", "guest", "pts/4")
    for actor, role, sees in ((guest, "viewer", False), (ZHAO, "supervisor", True)):
        config = Config(
            supervisor=actor.name,
            db_path=tmp_path / "floor.db",
            feed_path=tmp_path / "queue_log",
            people=(Person(LIN.os_user, LIN.name), Person(actor.os_user, actor.name, role)),
        )
        app = FloorApp(
            build_parts(config, config.feed_path, clock=ManualClock(at(16, 5)), actor=actor), store_poll_s=0.2
        )
        async with app.run_test(size=(160, 50)) as pilot:
            log = app.query_one(HandoverLogPanel)
            await until(pilot, lambda log=log: len(log.items) == 2, what="the carried items")
            shown = "\n".join(log.render_item(line, 150).plain for line in log.items)
            assert ("slammed the keyboard" in shown) is sees
            assert "Queue 2 closes at 18:00" in shown  # everything else as it is
            review = ReviewScreen(app.service, actor, config, clock=lambda: at(16, 5))
            item = next(
                i
                for i in (await asyncio.wrap_future(app.service.submit(Store.list_handovers)))[0].items
                if i.entry.kind == "patrol"
            )
            assert ("slammed the keyboard" in review.item_text(item, at(16, 5)).plain) is sees
