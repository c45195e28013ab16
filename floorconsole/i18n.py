"""The console's language: gettext catalogs for zh-CN and English.

Every user-visible string goes through `_()` (or `ngettext`), and strings defined at import
time (column titles, help lines) are marked with `N_()` and translated where shown.
Catalogs live in `floorconsole/locale/<lang>/LC_MESSAGES/floorconsole.po`.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "floorconsole"
LOCALE_DIR = Path(__file__).parent / "locale"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch every later `_()` to `language` (e.g. "zh_CN" or "en")."""
    global _translations, _language
    _language = language
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """The message in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translate where shown)."""
    return message
