"""The board's labels in zh-CN and English, from the console's gettext catalogs.

The terms are the ones supervisors already say (docs/glossary.md): 排队 waiting, 服务水平
service level, 放弃率 abandon rate, 示闲 available, 通话 on call, 话后处理 wrap-up,
暂停 paused. The page is in the board's own language (its setting), whatever the
console's is, so each language's table is built from that language's catalog.
"""

from __future__ import annotations

from floorconsole.i18n import LANGUAGES, N_, NP_, translation_for

# key -> English text (the msgid), or (context, text) where the same English words mean
# something else elsewhere.
_SOURCE: dict[str, str | tuple[str, str]] = {
    "title": N_("Floor"),
    "waiting": N_("Waiting"),
    "longest_wait": N_("Longest wait"),
    "service_level": N_("Service level"),
    "target": N_("target"),
    "abandon_rate": NP_("wallboard", "Abandoned"),
    "available": N_("Available"),
    "on_call": N_("On call"),
    "wrap_up": N_("Wrap-up"),
    "paused": N_("Paused"),
    "agents": N_("Agents"),
    "no_queues": N_("No queues on the floor yet"),
    "disconnected": N_("Connection lost - reconnecting"),
    "forbidden": N_("This board needs its link with the token."),
    "feed.live": N_("live"),
    "feed.backfilling": N_("reading the shift"),
    "feed.catching_up": N_("catching up"),
    "feed.missing": N_("feed file missing"),
    "feed.unreadable": N_("feed unreadable"),
    "feed.problem": N_("feed problem"),
    "state.AVAILABLE": N_("available"),
    "state.RINGING": N_("ringing"),
    "state.ON_CALL": N_("on call"),
    "state.WRAP_UP": N_("wrap-up"),
    "state.PAUSED": N_("paused"),
}


def _labels(language: str) -> dict[str, str]:
    catalog = translation_for(language)
    out: dict[str, str] = {}
    for key, text in _SOURCE.items():
        out[key] = catalog.pgettext(text[0], text[1]) if isinstance(text, tuple) else catalog.gettext(text)
    return out


LABELS: dict[str, dict[str, str]] = {language: _labels(language) for language in LANGUAGES}

HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
