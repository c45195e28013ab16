"""The store's refusals and the CLI's printouts are looked up in the console's language (the
catalog's completeness, placeholders, widths and glossary terms are test_i18n's business)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from floorconsole import i18n
from floorconsole.identity import Actor
from floorconsole.store import Store
from floorconsole.store.errors import NotFound, ValidationError


@pytest.fixture
def chinese() -> Iterator[None]:
    """The console in zh_CN; back to English afterwards."""
    i18n.set_language("zh_CN")
    try:
        yield
    finally:
        i18n.set_language("en")


def test_store_refusals_are_said_in_the_current_language(tmp_path: Path, chinese: None) -> None:
    actor = Actor("Li Na", "tester", "pts/1")
    with Store(tmp_path / "floor.db") as store:
        with pytest.raises(NotFound, match="没有升级 42"):
            store.get_escalation(42)
        with pytest.raises(ValidationError, match="优先级必须是 1、2 或 3"):
            store.raise_escalation("c1", "SIP/1001", "sales", "needs a supervisor", actor, priority=7)


def test_the_language_is_english_again_after_the_chinese_test() -> None:
    assert i18n.current_language() == "en"
    assert i18n._("no complaints") == "no complaints"


def test_config_refusals_are_said_in_the_current_language(tmp_path: Path, chinese: None) -> None:
    from floorconsole.config import ConfigError, load_config

    bad = tmp_path / "floorconsole.toml"
    bad.write_text('[feed]\nformat = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("feed.format：应为 queue_log、jsonl 或 auto，实际是 'x'")):
        load_config(bad)
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "missing.toml")


def test_a_global_option_without_its_value_is_refused_in_the_language_asked_for() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    run = subprocess.run(
        [sys.executable, "-m", "floorconsole.cli", "--lang", "zh_CN", "--config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2
    assert "参数 --config：应为一个文件路径" in run.stderr
