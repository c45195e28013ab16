"""CJK-safe chrome glyphs: with them on (zh_CN, or `[console] ambiguous_wide = true`), no
East-Asian-ambiguous character is drawn on the main screen, since a terminal set up for
CJK draws those two columns wide and shifts every column after them."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from support.fixed_floor import settle
from test_cjk_snapshots import make_app

from floorconsole import glyphs, i18n
from floorconsole.config import ConfigError, load_config
from floorconsole.masking import mask_caller, mask_number, shown_masked
from floorconsole.printable import printable
from screens.forms import base


@pytest.fixture
def auto_glyphs() -> Iterator[None]:
    """Back to auto (follow the language) after a test that configures the glyphs."""
    yield
    glyphs.configure(None)


def _ambiguous(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for c in text:
        if unicodedata.east_asian_width(c) == "A":
            found[c] = found.get(c, 0) + 1
    return found


def test_every_safe_glyph_is_one_unambiguous_cell() -> None:
    for f in fields(glyphs.Glyphs):
        safe, default = getattr(glyphs.CJK_SAFE, f.name), getattr(glyphs.DEFAULT, f.name)
        assert not _ambiguous(safe), f.name
        assert len(safe) == len(default), f.name  # same cells, so the layout does not move
        assert all(cell_len(c) == 1 for c in safe), f.name


def test_auto_follows_the_language_and_the_setting_overrides_it(auto_glyphs) -> None:
    assert glyphs.current() is glyphs.DEFAULT  # English, auto
    i18n.set_language("zh_CN")
    try:
        assert glyphs.current() is glyphs.CJK_SAFE
        glyphs.configure(False)
        assert glyphs.current() is glyphs.DEFAULT
    finally:
        i18n.set_language("en")
    glyphs.configure(True)
    assert glyphs.current() is glyphs.CJK_SAFE


def test_masks_and_truncation_use_the_safe_glyphs(auto_glyphs) -> None:
    assert mask_number("13812345678") == "•••••••5678"
    glyphs.configure(True)
    assert mask_number("13812345678") == "*******5678"
    assert mask_caller("sip:13800000004@10.0.0.1") == "sip:*******0004@**.*.*.*"
    assert shown_masked("•••••••5678") == "*******5678"  # a record masked by an English console
    assert printable("abcdefghij", max_len=5) == "abcd~"


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ('"auto"', None), ('"AUTO"', None)])
def test_config_console_ambiguous_wide(tmp_path: Path, value: str, expected: bool | None) -> None:
    path = tmp_path / "floorconsole.toml"
    path.write_text(f"[console]\nambiguous_wide = {value}\n", encoding="utf-8")
    assert load_config(path).ambiguous_wide is expected


def test_config_refuses_a_bad_ambiguous_wide(tmp_path: Path) -> None:
    path = tmp_path / "floorconsole.toml"
    path.write_text('[console]\nambiguous_wide = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="ambiguous_wide"):
        load_config(path)


def _screen_text(app) -> str:  # noqa: ANN001
    """What the terminal shows, as text (the SVG export's own rendering, without the SVG)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


@pytest.mark.anyio
@pytest.mark.usefixtures("utc_zone", "zh_cn")
@pytest.mark.parametrize("size", [(50, 24), (80, 24), (160, 50)])
async def test_main_screen_in_chinese_draws_no_ambiguous_character(tmp_path, monkeypatch, size) -> None:
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app._tick()
        await pilot.pause()
        text = _screen_text(app)
        assert "李娜" in text  # the screen was drawn, in Chinese
        bad = _ambiguous(text)
        lines = [line for line in text.splitlines() if _ambiguous(line)]
        assert not bad, (bad, lines)


async def _open(app, pilot, key: str) -> None:  # noqa: ANN001
    """Press `key` on the settled main screen and wait until a screen is pushed over it."""
    await settle(app, pilot)
    await pilot.press(key)
    for _attempt in range(100):
        if len(app.screen_stack) > 1:
            break
        await pilot.pause(0.05)
    assert len(app.screen_stack) > 1, key
    await pilot.pause(0.3)


@pytest.fixture
def textual_marks() -> Iterator[None]:
    """Textual's toggle and bar marks back to its own after a test that opened a form in
    zh_CN (they are class attributes: screens/forms/base.py's ascii_chrome sets them)."""
    yield
    left, right, dot, bar = base._TEXTUAL_MARKS
    base.ToggleButton.BUTTON_LEFT, base.ToggleButton.BUTTON_RIGHT, base.RadioButton.BUTTON_INNER = left, right, dot
    base.BarRenderable.BAR = bar
    base.BarRenderable.HALF_BAR_LEFT, base.BarRenderable.HALF_BAR_RIGHT = base._TEXTUAL_HALF_BARS
    base.ScrollBarRender.VERTICAL_BARS, base.ScrollBarRender.HORIZONTAL_BARS = base._TEXTUAL_SCROLL_BARS


# a form with a select (h), the patrol checklist (p: a SelectionList), complaint (K), the
# handover screen (H), help (?), escalation, praise, inspection, leave/swaps (V), take over
# (t: radio buttons), export (x: a progress bar), rejects (f)
SCREEN_KEYS = ["h", "p", "K", "H", "question_mark", "e", "g", "i", "V", "t", "x", "f"]


@pytest.mark.anyio
@pytest.mark.usefixtures("utc_zone", "zh_cn", "textual_marks")
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("key", SCREEN_KEYS)
async def test_forms_and_the_handover_screen_in_chinese_draw_no_ambiguous_character(
    tmp_path, monkeypatch, key, size
) -> None:
    """Textual's own chrome on a pushed screen (the dialog's frame, checkboxes, radio
    buttons, the select's arrows, a progress bar) is ASCII too with the CJK-safe glyphs on."""
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=size) as pilot:
        await _open(app, pilot, key)
        text = _screen_text(app)
        bad = _ambiguous(text)
        lines = [line for line in text.splitlines() if _ambiguous(line)]
        assert not bad, (type(app.screen).__name__, "".join(sorted(bad)), lines[:8])


@pytest.mark.anyio
@pytest.mark.usefixtures("utc_zone", "textual_marks")
async def test_in_english_the_forms_keep_textual_s_own_marks(tmp_path, monkeypatch) -> None:
    app = make_app(tmp_path, monkeypatch)  # the zh_CN floor's names, but the console in English
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "p")
        assert base.ToggleButton.BUTTON_RIGHT == "\u258c"
        assert "\u2500" in _screen_text(app)  # the round frame


@pytest.mark.anyio
@pytest.mark.usefixtures("utc_zone", "zh_cn")
@pytest.mark.parametrize("size", [(80, 24), (130, 40), (160, 50)])
async def test_a_chinese_toast_over_the_main_screen_keeps_every_character(tmp_path, monkeypatch, size) -> None:
    """Textual cuts each line at every widget edge under an overlay and draws a double-width
    character across a cut as two spaces (the reports-due notice read "待交  告" in tmux at
    160x50, Textual issue 6357): in zh_CN the toasts stay inside the side column, where the
    only edge is the column's own, and their left mark is ASCII."""
    app = make_app(tmp_path, monkeypatch)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        app.notify(
            "2026-10 服务质量分析报告已逾期：应在 2026-11-22 前交给上级",
            title="待交报告",
            severity="warning",
            timeout=20,
            markup=False,
        )
        for _attempt in range(100):
            if app.screen.query("Toast"):
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        text = _screen_text(app)
        shown = "".join(line.split("| ", 1)[-1].strip() for line in text.splitlines() if "| " in line)
        assert "待交报告" in text, text
        assert "服务质量分析报告已逾期" in shown.replace(" ", ""), shown
        toast_lines = [line for line in text.splitlines() if "待交报告" in line or "服务质量" in line]
        assert not _ambiguous("".join(toast_lines)), toast_lines
