"""The store's refusals and the CLI's printouts are looked up in the console's language (the
catalog's completeness, placeholders, widths and glossary terms are test_i18n's business)."""

from __future__ import annotations

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
