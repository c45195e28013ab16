"""The roster's and the attendance rules' settings (`[roster]` and `[attendance]` in the config).

The defaults are the rulebook's (DOMAIN.md, "Rosters, leave and swaps"): late 20 minutes or
more without leave, off post 20 minutes or more, meal breaks up to an hour. Which pause
reasons count as allowed, and which as a meal, are the centre's words for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from floorconsole.i18n import _

DEFAULT_ALLOWED_PAUSES: tuple[str, ...] = ("training", "meeting", "coaching", "培训", "会议", "辅导")
DEFAULT_MEAL_PAUSES: tuple[str, ...] = ("meal", "lunch", "dinner", "用餐", "就餐", "午餐", "晚餐", "吃饭")


@dataclass(frozen=True)
class AttendanceSettings:
    """Thresholds of the attendance flags, in minutes, and the pause reasons they read.

    A pause reason matches when it contains one of the words (case-insensitive), so
    `Lunch break` is a meal and `Team meeting` an allowed pause."""

    late_min: float = 20.0  # 迟到 20 分钟及以上
    off_post_min: float = 20.0  # 离岗 20 分钟及以上
    meal_max_min: float = 60.0  # meal breaks are allowed up to an hour
    unrostered_grace_min: float = 15.0  # logged in without being rostered: after this long
    warn_ahead_h: float = 24.0  # a swap leaving a shift uncovered shows this long before it starts
    allowed_pauses: tuple[str, ...] = DEFAULT_ALLOWED_PAUSES
    meal_pauses: tuple[str, ...] = DEFAULT_MEAL_PAUSES

    def is_meal(self, reason: str) -> bool:
        low = reason.lower()
        return any(w.lower() in low for w in self.meal_pauses)

    def is_allowed_pause(self, reason: str) -> bool:
        low = reason.lower()
        return bool(low) and any(w.lower() in low for w in self.allowed_pauses)


@dataclass(frozen=True)
class RosterSettings:
    """How a roster file names the configured shifts (`[roster] shift_aliases = { "白班" = "day" }`,
    case-insensitive), and the attendance rules."""

    shift_aliases: tuple[tuple[str, str], ...] = ()  # (alias lower-cased, configured name)
    attendance: AttendanceSettings = field(default_factory=AttendanceSettings)


def roster_settings_from(roster: dict[str, Any], attendance: dict[str, Any], shift_names: set[str]) -> RosterSettings:
    """Parse `[roster]` and `[attendance]`; ValueError names the bad key and why."""
    aliases_raw = roster.get("shift_aliases", {})
    if not isinstance(aliases_raw, dict):
        raise ValueError('roster.shift_aliases: expected a table such as { "白班" = "day" }')
    aliases: dict[str, str] = {}
    for alias, name in aliases_raw.items():
        if not isinstance(name, str) or name not in shift_names:
            raise ValueError(
                _("roster.shift_aliases.{alias}: expected one of the configured shifts ({shifts}), got {name}").format(
                    alias=alias, shifts=", ".join(sorted(shift_names)), name=repr(name)
                )
            )
        aliases[str(alias).strip().lower()] = name
    unknown_roster = set(roster) - {"shift_aliases"}
    if unknown_roster:
        raise ValueError(
            _("roster: unknown key(s) {unknown_roster}; known: ['shift_aliases']").format(
                unknown_roster=sorted(unknown_roster)
            )
        )
    known = set(AttendanceSettings.__dataclass_fields__)
    unknown = set(attendance) - known
    if unknown:
        raise ValueError(
            _("attendance: unknown key(s) {unknown}; known: {known}").format(
                unknown=sorted(unknown), known=sorted(known)
            )
        )
    values: dict[str, Any] = {}
    for key, value in attendance.items():
        if key in ("allowed_pauses", "meal_pauses"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ValueError(_("attendance.{key}: expected a list of pause reasons (text)").format(key=key))
            values[key] = tuple(v.strip() for v in value)
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value < 10_000:
            raise ValueError(
                _("attendance.{key}: expected a positive number of minutes (hours for warn_ahead_h)").format(key=key)
            )
        values[key] = float(value)
    return RosterSettings(tuple(sorted(aliases.items())), AttendanceSettings(**values))
