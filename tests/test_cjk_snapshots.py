"""The console in zh_CN with Chinese names, queues, shifts and pause reasons: double-width
text stays aligned at 80x24 and 160x50 (SVG snapshots; look at them before accepting).

The fixed floor of test_app/test_snapshots, with every name a Chinese one, so the seat
table, the queue panel, the header and the panels all carry double-width text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import fixed_floor
from support.fixed_floor import settle

from floorconsole.clock import ManualClock
from floorconsole.config import Config, Thresholds
from floorconsole.identity import Actor
from floorconsole.layout import load_layout
from floorconsole.shifts import ShiftDef
from floorconsole.wiring import build_parts
from screens.app import FloorApp

pytestmark = pytest.mark.usefixtures("utc_zone", "zh_cn")

NAMES = {
    "Xu Jing": "徐静",
    "Ma Wei": "马伟",
    "Zhang Ting": "张婷",
    "Liu Qiang": "刘强",
    "Gao Wei": "高伟",
    "He Jun": "何军",
    "[bold]Li Na": "[bold]李娜",
}
QUEUES = {"sales": "销售热线", "support": "售后服务"}
SHIFTS = (ShiftDef("夜班", "00:00", "08:00"), ShiftDef("早班", "08:00", "16:00"), ShiftDef("中班", "16:00", "00:00"))
ACTOR = Actor("李娜", "tester", "pts/9")


def chinese(text: str) -> str:
    for english, chinese in {**NAMES, **QUEUES, "|Meal": "|用餐"}.items():
        text = text.replace(english, chinese)
    return text


def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FloorApp:
    now = fixed_floor.day_instant()
    (tmp_path / "layout.toml").write_text(chinese(fixed_floor.LAYOUT), encoding="utf-8")
    (tmp_path / "queue_log").write_text(
        "\n".join(chinese(line) for line in fixed_floor.feed_lines(now)) + "\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    config = Config(
        supervisor="李娜",
        db_path=tmp_path / "floor.db",
        feed_path=Path("queue_log"),
        layout_path=tmp_path / "layout.toml",
        thresholds=Thresholds(wrapup_s=10),
        shifts=SHIFTS,
        language="zh_CN",
    )
    parts = build_parts(
        config, Path("queue_log"), clock=ManualClock(now), actor=ACTOR, layout=load_layout(config.layout_path)
    )
    return FloorApp(parts, store_poll_s=0.2, alert_toasts=False)


def _settled(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
        app._tick()
        await pilot.pause()

    return run_before


def test_main_screen_zh_cn_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(80, 24), run_before=_settled())


def test_main_screen_zh_cn_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(160, 50), run_before=_settled())


async def _log_entry(pilot, text: str) -> None:  # noqa: ANN001
    """Write a duty-log entry through the form (Chinese text typed as an IME commits it)."""
    from support.waiting import until

    app = pilot.app
    await pilot.press("h")
    await until(pilot, lambda: len(app.screen_stack) == 2 and app.screen.focused is not None, what="log form")
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: len(app.screen_stack) == 1, what="log form closed")


def _handover_before():  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        from support.waiting import until

        from screens.handover_screen import HandoverScreen

        app = pilot.app
        await settle(app, pilot)
        await _log_entry(pilot, "三号耳机有杂音，已报修")
        await pilot.press("H")
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.loaded, what="handover loaded")
        await pilot.pause()

    return run_before


def _form_before():  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        from support.waiting import until

        from screens.forms import PatrolForm

        app = pilot.app
        await settle(app, pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PatrolForm), what="patrol form")
        app.screen.query_one("#note").focus()
        await pilot.press(*"巡台发现耳机故障")
        await pilot.pause()

    return run_before


def test_handover_screen_zh_cn_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(80, 24), run_before=_handover_before())


def test_handover_screen_zh_cn_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(160, 50), run_before=_handover_before())


def test_patrol_form_zh_cn_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(80, 24), run_before=_form_before())


def test_patrol_form_zh_cn_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(160, 50), run_before=_form_before())


def test_floor_map_zh_cn_160x50(snap_compare, tmp_path, monkeypatch) -> None:
    assert snap_compare(make_app(tmp_path, monkeypatch), terminal_size=(160, 50), run_before=_settled("m"))
