"""The sweep's new messages (store refusals, CLI printouts) and their zh_CN translations in
tools/pending_zh.json, which the coordinator applies to the catalog: every one is a message
the code extracts, keeps its placeholders, avoids ambiguous-width characters and uses the
glossary's terms; and the refusals really are looked up in the current language."""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from pathlib import Path

import pytest
from test_i18n import tool
from test_i18n_glossary import _uses, glossary

from floorconsole import i18n
from floorconsole.identity import Actor
from floorconsole.store import Store
from floorconsole.store.errors import NotFound, ValidationError

ROOT = Path(__file__).resolve().parent.parent
PENDING = json.loads((ROOT / "tools" / "pending_zh.json").read_text(encoding="utf-8"))


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}", text))


def test_every_pending_message_is_one_the_code_extracts() -> None:
    extracted = {m.id for m in tool.extract() if m.id}
    assert sorted(set(PENDING) - extracted) == []


@pytest.mark.parametrize("msgid", sorted(PENDING))
def test_pending_translation_keeps_placeholders_and_is_cjk_safe(msgid: str) -> None:
    msgstr = PENDING[msgid]
    assert msgstr and msgstr != msgid
    assert _placeholders(msgstr) == _placeholders(msgid)
    assert not [c for c in msgstr if unicodedata.east_asian_width(c) == "A"], msgstr


def test_pending_translations_use_the_glossary_terms() -> None:
    wrong = [
        f"{t.english}: {msgid!r} = {msgstr!r}"
        for msgid, msgstr in PENDING.items()
        if not msgid.startswith(("Usage", "usage")) and "`" not in msgid
        for t in glossary()
        if _uses(t, msgid) and t.chinese not in msgstr and t.short not in msgstr
    ]
    assert not wrong, "\n".join(wrong)


class _Pending(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return PENDING.get(message, message)


@pytest.fixture
def pending_chinese():  # noqa: ANN201
    """The console in zh_CN with the pending translations (what the catalog will say);
    back to English afterwards (set by hand: a monkeypatch undo would restore the zh_CN
    catalog after the language is English again)."""
    i18n.set_language("zh_CN")
    i18n._translations = _Pending()
    try:
        yield
    finally:
        i18n.set_language("en")


def test_store_refusals_are_said_in_the_current_language(tmp_path: Path, pending_chinese) -> None:
    actor = Actor("Li Na", "tester", "pts/1")
    with Store(tmp_path / "floor.db") as store:
        with pytest.raises(NotFound, match="没有升级 42"):
            store.get_escalation(42)
        with pytest.raises(ValidationError, match="优先级必须是 1、2 或 3"):
            store.raise_escalation("c1", "SIP/1001", "sales", "needs a supervisor", actor, priority=7)


def test_the_language_is_english_again_after_the_chinese_test() -> None:
    assert i18n.current_language() == "en"
    assert i18n._("no complaints") == "no complaints"
