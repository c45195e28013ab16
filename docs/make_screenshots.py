"""Make the README's screenshots: the console on a simulated demo shift, as SVG.

    .venv/bin/python docs/make_screenshots.py [--out docs/screenshots]

Everything is fixed (simulator seed, clock, records), so the pictures only change when the
screens do. Uses Textual's own screenshot feature (`App.save_screenshot`) through the Pilot.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from floorconsole.clock import ManualClock
from floorconsole.config import data_file, load_config
from floorconsole.identity import Actor
from floorconsole.layout import load_layout
from floorconsole.shifts import previous_shift, shift_at_epoch
from floorconsole.simulator import Simulator
from floorconsole.store import HandoverItemDraft, Store, store_kwargs
from floorconsole.wiring import build_parts
from screens.app import FloorApp
from screens.seat_table import SeatTable

NOW = datetime(2026, 11, 23, 10, 30).astimezone().timestamp()
INCOMING = Actor("Chen Jing", "chenj", "pts/3")
OUTGOING = Actor("Zhao Lei", "zhaol", "pts/1")


def build_floor(tmp: Path):  # noqa: ANN201
    """A demo config pointing at a feed simulated from midnight (so the night shift has
    KPIs for the review) and a records database."""
    config = load_config(data_file("demo.toml"))
    feed = tmp / "queue_log"
    sim = Simulator(load_layout(config.layout_path), config.thresholds, seed=11)
    with feed.open("w") as out:
        for line in sim.lines_between(NOW - 10.5 * 3600, NOW):
            out.write(line + "\n")
        out.write("1795000000|broken line without enough fields\n")
    config = config.with_overrides(feed_path=feed, db_path=tmp / "floor.db", supervisor=INCOMING.name)
    return config, feed


def add_records(config, with_handover: bool) -> None:  # noqa: ANN001
    """A day shift's log so far; optionally the night shift's handover, still unreceived."""
    clock = [NOW - 2.6 * 3600]  # the night supervisor signs at 07:54
    store = Store(config.db_path, **store_kwargs(config), clock=lambda: clock[0])
    try:
        current = shift_at_epoch(config.shifts, NOW)
        if with_handover:
            night = previous_shift(config.shifts, current)
            store.ensure_shift(night.key, night.name, night.start.timestamp(), night.end.timestamp(), OUTGOING.name)
            store.create_handover(
                night.key,
                current.key,
                [
                    HandoverItemDraft(
                        "follow-up", "Callback promised to Mr Liu (order 5521) before 11:00", note="he has called twice"
                    ),
                    HandoverItemDraft("equipment", "Headset at seat C04 crackles; IT ticket 8812 open"),
                    HandoverItemDraft("staffing", "Gao Min swaps to the evening shift on Thursday"),
                    HandoverItemDraft("notice", "New refund rule from 1 December: see notice 2026-47"),
                ],
                OUTGOING,
                note="quiet night; vip queue short one agent after 05:00",
            )
        clock[0] = NOW - 80 * 60
        store.add_entry("equipment", "Queue display on wall B frozen; restarted 09:10", INCOMING)
        clock[0] = NOW - 12 * 60
        store.add_entry("notice", "Training for row E at 14:00; cover from row D", INCOMING)
    finally:
        store.close()


async def shoot(config, feed: Path, out: Path, shots: list[tuple[str, tuple[str, ...]]], size=(160, 50)) -> None:  # noqa: ANN001
    parts = build_parts(config, feed, clock=ManualClock(NOW), actor=INCOMING)
    app = FloorApp(parts, alert_toasts=False, store_poll_s=0.2)
    async with app.run_test(size=size) as pilot:
        table = app.query_one(SeatTable)
        for _ in range(400):
            if app.engine.progress.finished and len(table.rows) >= 60 and app.query_one("EscalationsPanel").items:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        for name, keys in shots:
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.2)
            app._tick()
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(out))
            print(f"wrote {out / (name + '.svg')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).parent / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config, feed = build_floor(Path(tmp))
        add_records(config, with_handover=False)
        asyncio.run(
            shoot(
                config,
                feed,
                out,
                [
                    ("main", ()),
                    ("floor-map", ("m",)),
                    ("patrol-form", ("m", "down", "down", "p")),
                ],
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        config, feed = build_floor(Path(tmp))
        add_records(config, with_handover=True)
        asyncio.run(
            shoot(
                config,
                feed,
                out,
                [
                    ("review", ("enter", "space", "down", "space")),
                ],
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        config, feed = build_floor(Path(tmp))
        add_records(config, with_handover=False)
        asyncio.run(shoot(config, feed, out, [("main-80x24", ())], size=(80, 24)))
    # the console in Chinese (`--lang zh_CN`, `[console] language`, or LANG=zh_CN.UTF-8)
    from floorconsole.i18n import set_language

    set_language("zh_CN")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config, feed = build_floor(Path(tmp))
            add_records(config, with_handover=False)
            asyncio.run(shoot(config, feed, out, [("main-zh-CN", ()), ("patrol-form-zh-CN", ("down", "down", "p"))]))
        with tempfile.TemporaryDirectory() as tmp:
            config, feed = build_floor(Path(tmp))
            add_records(config, with_handover=False)
            asyncio.run(shoot(config, feed, out, [("main-80x24-zh-CN", ())], size=(80, 24)))
    finally:
        set_language("en")


if __name__ == "__main__":
    main()
