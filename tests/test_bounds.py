"""Issue 14: every collection that lives as long as the console has a bound or a window.

One cheap test per bound (none is timed; benchmarks/memory_shift.py measures the shift):
the pending escalations a console reads, the escalation alert's memory, the queue panel's
lines, the seat table's line caches, the model's patrol count, and the Floor's caps.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from support.waiting import until
from test_store_helpers import LI, WANG, open_store
from textual.app import App, ComposeResult

from floorconsole.alerts import AlertTracker, patrol_coverage
from floorconsole.config import Thresholds
from floorconsole.views import FloorModel, FloorUpdate, QueueView, SeatView
from screens.escalations_panel import EscalationsPanel
from screens.queues_panel import QueuesPanel
from screens.seat_table import SeatTable


def test_a_console_reads_the_newest_pending_escalations_and_a_count(tmp_path) -> None:  # noqa: ANN001
    store = open_store(tmp_path)
    ids = [store.raise_escalation(f"c{i}", "agent1", "sales", f"reason {i}", WANG).id for i in range(6)]
    store.resolve_escalation(ids[5], "resolved", LI)  # the newest is closed: not pending
    store.claim_escalation(ids[3], LI)
    total, newest = store.pending_escalations(limit=2)
    assert total == 5
    assert [e.id for e in newest] == [ids[3], ids[4]]  # the newest two pending, oldest first
    assert newest[0].claimed_by == LI.name and newest[1].claimed_by is None
    assert store.pending_escalations(limit=0) == (5, [])


def test_the_escalation_alert_remembers_one_id_not_every_id() -> None:
    @dataclass
    class E:
        id: int

    tracker = AlertTracker()
    assert tracker.escalations([E(i) for i in range(1, 201)]) == []
    assert [e.id for e in tracker.escalations([E(i) for i in range(2, 202)])] == [201]
    # an older one back in the bounded list (a newer one was closed) is not new
    assert tracker.escalations([E(1), *(E(i) for i in range(3, 202))]) == []
    assert isinstance(tracker.seen_escalations, int)


def test_the_escalation_title_counts_what_is_not_listed() -> None:
    @dataclass
    class E:
        id: int
        priority: int = 2
        raised_at: float = 0.0
        claimed_by: str | None = None

    panel = EscalationsPanel()
    panel.set_escalations([E(i, raised_at=i) for i in range(3)], total=2500)
    title = panel.title_text().plain
    assert "2500 pending" in title and "newest 3 listed" in title
    panel.set_escalations([E(1)])
    assert "1 pending" in panel.title_text().plain and "listed" not in panel.title_text().plain


class _Panels(App[None]):
    def __init__(self, n_queues: int, seats: dict[str, SeatView]) -> None:
        super().__init__()
        self.n_queues = n_queues
        self.seats = seats

    def compose(self) -> ComposeResult:
        yield QueuesPanel(Thresholds(), id="queues")
        yield SeatTable(Thresholds(), id="table")

    def on_mount(self) -> None:
        self.query_one(SeatTable).share_rows(self.seats)
        self.query_one(QueuesPanel).update_queues(
            QueueView(f"q{i:03d}", waiting_now=i % 3) for i in range(self.n_queues)
        )


def _seat(i: int, state: str = "AVAILABLE") -> SeatView:
    return SeatView(f"SIP/{i}", f"Agent {i}", f"S{i:05d}", ("q000",), state, 0.0, None, "", 0, 0)


@pytest.mark.anyio
async def test_the_queue_panel_draws_only_the_queues_it_shows() -> None:
    app = _Panels(150, {})
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(QueuesPanel)
        assert len(panel.queues) == 150
        visible = panel.size.height - 1
        assert 0 < visible <= 11
        assert len(panel._lines) <= visible  # lines are drawn (and kept) for the visible queues only
        panel.update_queues([QueueView("q149", waiting_now=7)])  # not visible: nothing drawn
        panel.set_now(1000.0)
        await pilot.pause()
        assert "q149" not in panel._lines and len(panel._lines) <= visible
        assert "q000" in panel.render().plain and "q149" not in panel.render().plain


@pytest.mark.anyio
async def test_the_seat_table_line_caches_are_capped_on_a_big_floor() -> None:
    seats = {f"SIP/{i}": _seat(i) for i in range(6000)}
    app = _Panels(1, seats)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.query_one(SeatTable)
        await pilot.pause()
        for y in range(0, 6000, 30):  # every page of the floor drawn once
            table.scroll_to(y=y, animate=False, immediate=True)
            for line in range(1, table.size.height):
                table.render_line(line)
        assert len(table._strips) <= 4097
        assert len(table._static) <= 20_001


@pytest.mark.anyio
async def test_the_seat_table_resorts_a_big_floor_at_most_every_quarter_second() -> None:
    seats = {f"SIP/{i}": _seat(i) for i in range(300)}
    app = _Panels(1, seats)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.query_one(SeatTable)
        table.sort_column = "state"
        await pilot.pause()
        sorts: list[int] = []
        original = table._reorder

        def counted() -> None:
            sorts.append(1)
            original()

        table._reorder = counted  # type: ignore[method-assign]
        for i in range(100, 120):  # twenty updates in a burst, each changing a seat's state
            seats[f"SIP/{i}"] = _seat(i, "ON_CALL")
            table.rows_changed([seats[f"SIP/{i}"]])
        assert len(sorts) <= 1  # the burst costs at most one sort now...
        await until(pilot, lambda: table.order[:20] == [f"SIP/{i}" for i in range(100, 120)], what="re-sorted")
        assert len(sorts) <= 2  # ...and one when the quarter second is up


def test_the_model_counts_patrolled_seats_without_looping_over_the_floor() -> None:
    model = FloorModel()
    seats = {f"SIP/{i}": _seat(i, "LOGGED_OFF" if i % 4 == 0 else "AVAILABLE") for i in range(100)}
    model.apply(FloorUpdate(seats=dict(seats)))
    patrolled = frozenset({"SIP/0", "SIP/1", "SIP/2", "SIP/999"})
    assert model.patrol_coverage(patrolled) == patrol_coverage(seats.values(), patrolled) == (2, 75)
    model.apply(FloorUpdate(seats={"SIP/1": _seat(1, "LOGGED_OFF"), "SIP/4": _seat(4, "ON_CALL")}))
    assert model.patrol_coverage(patrolled) == patrol_coverage(model.seats.values(), patrolled) == (1, 75)
    assert model.patrol_coverage(None) == (0, 75)


def test_the_floor_keeps_open_and_ended_calls_within_their_caps() -> None:
    from floorconsole.floor import MAX_ENDED, Floor

    floor = Floor(Thresholds(), max_open_calls=100)
    t = 1_763_900_000
    floor.feed(f"{t + i}|w{i}|sales|NONE|ENTERQUEUE||1380000{i:04d}|1".encode() for i in range(1000))
    assert len(floor._calls) <= 100 and floor.rejects.counts.get("evicted_calls")
    n = MAX_ENDED + 5000  # every call ends: the ids kept to tell duplicates are a window
    lines = []
    for i in range(n):
        lines.append(f"{t + i}|e{i}|sales|NONE|ENTERQUEUE||1380000{i % 10000:04d}|1")
        lines.append(f"{t + i}|e{i}|sales|NONE|ABANDON|1|1|3")
    floor.feed(("\n".join(lines).encode(),))
    kept = len(floor._ended) + sum(len(g) for g in floor._ended_old)
    assert 0 < kept <= MAX_ENDED


def test_the_ami_tracker_forgets_bridges_whose_destroy_event_was_missed() -> None:
    from support.fake_ami import Leg, bridge_enter, bridge_leave, hangup, newchannel

    from floorconsole.ami.tracker import AmiTracker

    tracker = AmiTracker()
    for i in range(500):  # calls bridged and hung up, no BridgeDestroy ever seen
        a = Leg(f"PJSIP/trunk-{i:08x}", f"{i}.1", f"{i}.1", "13800000000")
        b = Leg(f"PJSIP/1001-{i:08x}", f"{i}.2", f"{i}.1", "1001")
        for n, event in enumerate(
            (newchannel(a), newchannel(b), bridge_enter(f"br{i}", a, 1), bridge_enter(f"br{i}", b, 2))
        ):
            tracker.apply(dict(event), 1000.0 + i + n / 10)
        events = (bridge_leave(f"br{i}", a, 1), hangup(a), hangup(b)) if i % 2 else (hangup(a), hangup(b))
        for event in events:
            tracker.apply(dict(event), 1000.5 + i)
    assert tracker.bridges == {} and tracker.channels == {}


def test_the_header_says_catching_up_until_the_shift_so_far_is_read() -> None:
    from floorconsole.views import FeedStatus
    from screens.header import FloorHeader

    header = FloorHeader("Li Na")
    before_any_update = header._feed_text().plain
    assert "catching up" in before_any_update and "lag" not in before_any_update
    header.set_health(FeedStatus(path="/q", state="backfilling", backfill_pct=42.4))
    assert "catching up 42%" in header._feed_text().plain
    header.set_health(FeedStatus(path="/q", state="live", live=True, lag_bytes=0))
    assert "lag 0 B" in header._feed_text().plain and "catching up" not in header._feed_text().plain


def test_the_entry_hash_encoder_writes_what_json_writes() -> None:
    """verify's faster canonical form (the C encoder built once) is byte for byte json's."""
    import math

    from floorconsole.store.chain import _dumps, _dumps_flat

    cases = [
        ["e2", 7, 1763900000.25, "Li Na", "general", 'body "quoted" \\ 中文 \U0001f600 \x00', None, "0" * 64],
        [1, -0.0, 5e-324, 1e300, True, False, "", "\ud800"],
    ]
    for values in cases:
        assert _dumps_flat(values) == _dumps(values)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            _dumps_flat([bad])


def test_the_gc_thresholds_raised_for_a_backfill_are_restored_once_caught_up(tmp_path) -> None:  # noqa: ANN001
    import gc

    from support.waiting import wait_for

    from floorconsole.clock import ManualClock
    from floorconsole.config import Config
    from floorconsole.engine import FloorEngine

    feed = tmp_path / "queue_log"
    t = 1_763_900_000
    feed.write_text("".join(f"{t + i}|c{i}|sales|NONE|ENTERQUEUE||1380000{i:04d}|1\n" for i in range(500)))
    before = gc.get_threshold()
    engine = FloorEngine(Config(db_path=tmp_path / "f.db", feed_path=feed), feed, clock=ManualClock(t + 600))
    engine.start()
    try:
        wait_for(lambda: engine.health.caught_up, what="caught up")
        wait_for(lambda: gc.get_threshold() == before, what="thresholds restored")
    finally:
        engine.stop()
    assert gc.get_threshold() == before
