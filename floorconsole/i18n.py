"""The console's language: gettext catalogs for zh-CN and English.

Every user-visible string goes through `_()` (or `ngettext`), and strings defined at import
time (column titles, help lines) are marked with `N_()` and translated where shown.
Catalogs live in `floorconsole/locale/<lang>/LC_MESSAGES/floorconsole.po`, compiled to the
`.mo` beside them (committed, so the runtime needs only the standard library's gettext).
`python tools/i18n.py` extracts, updates and compiles them (Babel, a development tool).

The language is chosen once, at the command-line entry (`floorconsole.cli`): `--lang`, else
`[console] language` in the config file, else the environment (`LANGUAGE`, `LC_ALL`,
`LC_MESSAGES`, `LANG`), else English.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

DOMAIN = "floorconsole"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"
ENV_VARIABLES: tuple[str, ...] = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def normalize_language(text: str | None) -> str | None:
    """`zh_CN`, `zh-CN`, `zh_CN.UTF-8`, `zh`, `zh_SG` -> "zh_CN"; `en_GB.UTF-8`, `C`,
    `POSIX` -> "en"; anything else (or nothing) -> None."""
    if not text:
        return None
    # LANGUAGE may be a list ("zh_CN:en"): the first one we know wins.
    for part in text.split(":"):
        tag = part.strip().split(".")[0].split("@")[0].replace("-", "_")
        lower = tag.lower()
        if lower == "zh" or lower.startswith("zh_"):
            return "zh_CN"  # the one Chinese catalog (zh_TW/zh_HK readers get simplified, as the wallboard does)
        if lower in ("c", "posix") or lower == "en" or lower.startswith("en_"):
            return "en"
    return None


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The language the environment asks for, by gettext's order; None when it says nothing
    we have (an unknown language falls through to the next variable, then to English)."""
    for name in ENV_VARIABLES:
        value = environ.get(name)
        if value:
            found = normalize_language(value)
            if found is not None:
                return found
            if name != "LANGUAGE":
                return None  # LC_ALL=fr_FR: the user's choice, which we do not have
    return None


def choose_language(option: str | None, configured: str | None, environ: Mapping[str, str]) -> str:
    """`--lang`, else the config's `[console] language`, else the environment, else English.

    ValueError when `--lang` or the config names a language we have no catalog for."""
    for source, value in (("--lang", option), ("console.language", configured)):
        if value:
            found = normalize_language(value)
            if found is None:
                raise ValueError(
                    _("{source}: expected one of {languages}, got {value}").format(
                        source=source, languages=", ".join(LANGUAGES), value=repr(value)
                    )
                )
            return found
    return language_from_environment(environ) or DEFAULT_LANGUAGE


def translation_for(language: str) -> gettext.NullTranslations:
    """The catalog of one language, for what is shown in a language other than the console's
    (the wallboard's page is in the board's own language)."""
    return gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[normalize_language(language) or DEFAULT_LANGUAGE], fallback=True
    )


def set_language(language: str) -> None:
    """Switch every later `_()` to `language` (e.g. "zh_CN" or "en")."""
    global _translations, _language
    _language = normalize_language(language) or DEFAULT_LANGUAGE
    _translations = translation_for(_language)


def current_language() -> str:
    return _language


def is_chinese() -> bool:
    return _language == "zh_CN"


def _(message: str) -> str:
    """The message in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the current language, told apart by `context` from the same English
    words elsewhere ("Abandoned" as a rate on the board, 放弃率, vs. a count, 放弃)."""
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translate where shown)."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """`N_` with a context: (context, message), translated where shown with `pgettext`."""
    return context, message


def ljust_cells(text: str, width: int) -> str:
    """`text` padded on the right to `width` terminal cells (张婷 is 4 cells, not 2)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def rjust_cells(text: str, width: int) -> str:
    """`text` padded on the left to `width` terminal cells."""
    from rich.cells import cell_len

    return " " * max(0, width - cell_len(text)) + text


# Dates and times the way the floor writes them: a 24-hour clock in both languages, and a
# date spelled out as `11月29日` in Chinese (`29 Nov` in English). Month names come from here,
# not from strftime's %b, so the machine's C locale cannot change them.
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date | datetime) -> str:
    """A day spelled out: `11月29日` (zh_CN) or `29 Nov` (en)."""
    if is_chinese():
        return f"{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]}"


def format_day_time(moment: datetime) -> str:
    """A day and a 24-hour time: `11月29日 08:05` or `29 Nov 08:05`."""
    return f"{format_day(moment)} {moment:%H:%M}"


def format_time(moment: datetime, seconds: bool = False) -> str:
    """The 24-hour clock in every language: `08:05` or `08:05:09`."""
    return moment.strftime("%H:%M:%S" if seconds else "%H:%M")
