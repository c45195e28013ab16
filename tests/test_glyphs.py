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
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
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
