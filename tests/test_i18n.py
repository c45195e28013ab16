"""The message catalogs: complete, up to date with the code, compiled, and safe for CJK terminals.

`python tools/i18n.py` fixes what the first test finds; the zh_CN messages it lists as not
translated are filled by hand (docs/glossary.md gives the terms).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rich.cells import cell_len

from floorconsole import i18n

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _catalog(language: str):
    with tool.po_path(language).open("rb") as f:
        return read_po(f, locale=language, domain=tool.DOMAIN)


def _translations(language: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every message, plural forms one by one."""
    out = []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for k, string in enumerate(strings):
            out.append((ids[min(k, len(ids) - 1)], string))
    return out


def test_template_catalogs_and_mo_files_are_up_to_date_with_the_code() -> None:
    """Every _()/N_()/ngettext message in the code is in the committed template and both
    catalogs (and nothing else is), and each .mo is compiled from its .po as committed."""
    stale = [str(p.relative_to(ROOT)) for p, data in tool.build().items() if not p.exists() or p.read_bytes() != data]
    assert not stale, f"out of date, run `python tools/i18n.py`: {stale}"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_no_message_is_untranslated_or_fuzzy(language: str) -> None:
    assert tool.untranslated(language) == []


def test_the_catalogs_have_something_in_them() -> None:
    assert len(_translations("zh_CN")) > 40


def _ambiguous(text: str) -> list[str]:
    return sorted({c for c in text if unicodedata.east_asian_width(c) == "A"})


def test_chinese_messages_avoid_ambiguous_width_characters() -> None:
    """A terminal set up for CJK (ambiguous = wide) draws `…`, `“”`, `·`, `—` two columns wide
    while rich counts one, which shifts every column after them: none in zh_CN messages."""
    bad = {msgid: _ambiguous(msgstr) for msgid, msgstr in _translations("zh_CN") if _ambiguous(msgstr)}
    assert not bad, bad


def test_rich_measures_chinese_messages_as_a_cjk_terminal_draws_them() -> None:
    def cjk_width(text: str) -> int:
        return sum(
            2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text if unicodedata.category(c) != "Mn"
        )

    for _msgid, msgstr in _translations("zh_CN"):
        for line in msgstr.splitlines():
            assert cell_len(line) == cjk_width(line), msgstr


_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]|%[sd]")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_translations_keep_the_placeholders(language: str) -> None:
    for msgid, msgstr in _translations(language):
        assert sorted(_PLACEHOLDER.findall(msgid)) == sorted(_PLACEHOLDER.findall(msgstr)), (msgid, msgstr)


def test_translations_keep_rich_markup_balanced() -> None:
    for msgid, msgstr in _translations("zh_CN"):
        assert re.findall(r"\[/?[a-z ]+\]", msgid) == re.findall(r"\[/?[a-z ]+\]", msgstr), (msgid, msgstr)


def test_compiled_catalogs_ship_with_the_package() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "locale/*/LC_MESSAGES/*.mo" in data["floorconsole"]
    for language in i18n.LANGUAGES:
        assert (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "floorconsole.mo").is_file()


def test_set_language_switches_every_later_message() -> None:
    try:
        i18n.set_language("zh_CN")
        assert i18n.current_language() == "zh_CN"
        assert i18n._("Service level") == "服务水平"
        i18n.set_language("en")
        assert i18n._("Service level") == "Service level"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zh_CN", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh_CN.GB18030", "zh_CN"),
        ("zh", "zh_CN"),
        ("en", "en"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("fr_FR.UTF-8", None),
        ("", None),
        ("fr:zh_CN:en", "zh_CN"),
    ],
)
def test_normalize_language(text: str, expected: str | None) -> None:
    assert i18n.normalize_language(text) == expected


def test_language_precedence_option_then_config_then_environment() -> None:
    env = {"LANG": "zh_CN.UTF-8"}
    assert i18n.choose_language("en", "zh_CN", env) == "en"
    assert i18n.choose_language(None, "en", env) == "en"
    assert i18n.choose_language(None, None, env) == "zh_CN"
    assert i18n.choose_language(None, None, {}) == "en"
    # gettext's order: LANGUAGE, LC_ALL, LC_MESSAGES, LANG
    assert i18n.choose_language(None, None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.choose_language(None, None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh_CN"
    assert i18n.choose_language(None, None, {"LANGUAGE": "zh_CN", "LC_ALL": "en_US.UTF-8"}) == "zh_CN"
    # a language we have no catalog for in LC_ALL is the user's choice: English, not LANG
    assert i18n.choose_language(None, None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"


def test_an_unknown_language_asked_for_by_name_is_refused() -> None:
    with pytest.raises(ValueError, match="--lang"):
        i18n.choose_language("fr", None, {})
    with pytest.raises(ValueError, match=r"console\.language"):
        i18n.choose_language(None, "klingon", {})


def test_dates_as_a_chinese_floor_writes_them() -> None:
    from datetime import datetime

    moment = datetime(2026, 11, 29, 20, 5, 9)
    try:
        i18n.set_language("zh_CN")
        assert i18n.format_day(moment) == "11月29日"
        assert i18n.format_day_time(moment) == "11月29日 20:05"
        assert i18n.format_time(moment) == "20:05"
        i18n.set_language("en")
        assert i18n.format_day(moment) == "29 Nov"
        assert i18n.format_day_time(moment) == "29 Nov 20:05"
        assert i18n.format_time(moment, seconds=True) == "20:05:09"
    finally:
        i18n.set_language("en")


# --------------------------------------------------------------------------- choosing it


def _run(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    import os
    import subprocess

    base = {k: v for k, v in os.environ.items() if k not in i18n.ENV_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "floorconsole", *argv],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_help_follows_lang_then_config_then_environment(tmp_path: Path) -> None:
    english, chinese = "Write to or read the duty log", "写入或查看值班日志"
    assert english in _run("--help", env={"LANG": "C.UTF-8"}).stdout
    assert chinese in _run("--help", env={"LANG": "zh_CN.UTF-8"}).stdout
    assert chinese in _run("--lang", "zh_CN", "--help", env={"LANG": "en_US.UTF-8"}).stdout
    assert english in _run("--help", "--lang=en", env={"LANG": "zh_CN.UTF-8"}).stdout
    config = tmp_path / "c.toml"
    config.write_text('[console]\nlanguage = "zh_CN"\n')
    assert chinese in _run("--config", str(config), "--help", env={"LANG": "C.UTF-8"}).stdout
    assert english in _run("--config", str(config), "--lang", "en", "--help").stdout


def test_a_language_we_do_not_have_is_a_one_line_error(tmp_path: Path) -> None:
    proc = _run("--lang", "fr", "log", "list")
    assert proc.returncode == 2
    assert "--lang: expected one of en, zh_CN, got 'fr'" in proc.stderr
    proc = _run("log", "list", "--lang")
    assert proc.returncode == 2 and "expected a language (zh_CN or en)" in proc.stderr
    config = tmp_path / "c.toml"
    config.write_text('[console]\nlanguage = "fr"\n')
    proc = _run("--config", str(config), "--db", str(tmp_path / "f.db"), "log", "list")
    assert proc.returncode != 0 and "console.language" in proc.stderr, proc.stderr


# --------------------------------------------------------------------------- the code side


def _python_files() -> list[Path]:
    return sorted(p for d in ("floorconsole", "screens") for p in (ROOT / d).rglob("*.py"))


def test_no_function_that_translates_also_uses_underscore_as_a_throwaway_name() -> None:
    """`text, _ = ...` (or `for _, x in ...`) in a function or a comprehension makes `_` local
    there, so a `_("...")` in the same scope raises UnboundLocalError or calls a str: name
    the throwaway something else."""
    import ast

    scopes = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Lambda,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
    )

    def own_nodes(scope: ast.AST):
        """The nodes of `scope` itself, not of the scopes nested in it."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, (*scopes, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))

    bad = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope in ast.walk(tree):
            if not isinstance(scope, scopes):
                continue
            binds = any(
                isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in own_nodes(scope)
            )
            calls = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in ast.walk(scope)
            )
            if binds and calls:
                bad.append(f"{path.relative_to(ROOT)}:{scope.lineno}")
    assert not bad, bad


def test_nothing_translates_the_empty_string() -> None:
    """`_("")` is gettext's catalog header, not an empty string."""
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        assert '_("")' not in text and "_('')" not in text, path


def test_config_takes_the_language_and_chinese_shift_names(tmp_path: Path) -> None:
    from datetime import datetime

    from floorconsole.config import Config, load_config
    from floorconsole.shifts import shift_at

    path = tmp_path / "c.toml"
    path.write_text(
        '[console]\nlanguage = "zh-CN"\n'
        '[[shifts]]\nname = "早班"\nstart = "08:00"\nend = "16:00"\n'
        '[[shifts]]\nname = "中班"\nstart = "16:00"\nend = "00:00"\n'
        '[[shifts]]\nname = "夜班"\nstart = "00:00"\nend = "08:00"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.language == "zh_CN"
    window = shift_at(config.shifts, datetime(2026, 11, 29, 20, 5).astimezone())
    assert window.name == "中班" and window.key.endswith(" 中班")
    try:
        i18n.set_language("zh_CN")
        assert window.label == "11月29日 中班"
        default = shift_at(Config().shifts, datetime(2026, 11, 29, 9, 0).astimezone())
        assert default.key.endswith(" day") and default.label == "11月29日 早班"  # the record keeps its key
    finally:
        i18n.set_language("en")
    assert window.label == window.key
