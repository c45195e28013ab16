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
