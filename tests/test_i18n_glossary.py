"""The zh_CN catalog uses the glossary's terms (docs/glossary.md) wherever the English term appears."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOG = ROOT / "floorconsole" / "locale" / "zh_CN" / "LC_MESSAGES" / "floorconsole.po"


@dataclass(frozen=True)
class Term:
    english: str
    chinese: str
    short: str
    scope: str  # "text": anywhere as a word; "label": the whole message is the term


def glossary() -> list[Term]:
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[3] in ("text", "label") and cells[0] != "English":
            terms.append(Term(cells[0], cells[1], cells[2] or cells[1], cells[3]))
    return terms


def messages() -> list[tuple[str, str]]:
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out += [(ids[min(k, len(ids) - 1)], s) for k, s in enumerate(strings)]
    return out


def test_the_glossary_has_the_supervisors_terms() -> None:
    chinese = {t.chinese for t in glossary()}
    for term in (
        "交接班",
        "值班日志",
        "巡台",
        "质检",
        "在线投诉支撑",
        "服务水平",
        "放弃率",
        "平均应答速度",
        "平均处理时长",
    ):
        assert term in chinese, term
    for shift in ("早班", "中班", "夜班"):
        assert shift in chinese


# The config file's tables: a refusal starting `wallboard:` or `agents.{name}.level:` names
# a key as it is typed in the file, not the floor's term.
CONFIG_TABLES = (
    "agents|alerts|ami|attendance|console|feed|floor|handover|holidays|people|roster|shifts|thresholds|wallboard"
)
_CONFIG_KEY = re.compile(rf"^(?:{CONFIG_TABLES})(?:[.\[][\w.\[\]{{}}]*)?:")


def _uses(term: Term, msgid: str) -> bool:
    msgid = _CONFIG_KEY.sub("", msgid)  # a config key at the start stays as typed
    msgid = re.sub(r"\{[^{}]*\}", "", msgid)  # placeholders are names, not words
    msgid = re.sub(r"\[[a-z_.]+\]|'[^']*'", "", msgid)  # config sections and typed values stay as typed
    if term.scope == "label":
        return msgid.strip().lower() == term.english.lower()
    # as a word, any case; "patrol" also covers "patrols", "patrolled"
    return re.search(rf"(?<![\w-]){re.escape(term.english)}(?!_)", msgid, re.IGNORECASE) is not None


def test_zh_cn_uses_the_glossary_term_wherever_the_english_term_appears() -> None:
    terms = glossary()
    wrong = []
    for msgid, msgstr in messages():
        if msgid.startswith(("Usage", "usage")) or "`" in msgid:
            continue  # command lines quoted in help stay as typed
        for term in terms:
            if _uses(term, msgid) and term.chinese not in msgstr and term.short not in msgstr:
                wrong.append(f"{term.english} -> {term.chinese}: {msgid!r} = {msgstr!r}")
    assert not wrong, "\n".join(wrong)


def test_config_keys_at_the_start_of_a_refusal_are_not_terms() -> None:
    agent = Term("agent", "坐席", "坐席", "text")
    assert not _uses(agent, "agents.{name}.level: expected the skill level as a whole number, got {level}")
    assert not _uses(Term("wallboard", "看板", "看板", "text"), "wallboard: give token or token_file, not both")
    assert _uses(agent, "{source}: agent {agent} is placed at two seats")  # a word of the sentence
    assert _uses(agent, "agents.{name}: the agent is not on the floor")
