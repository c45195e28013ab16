"""Settings: typed, with the floor rulebook's defaults, read from a TOML file.

Precedence: command-line option > config file > default. The demo config shipped in
`data/demo.toml` is a complete example of every key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from floorconsole.ami.settings import AmiSettings, AmiSettingsError, parse_ami_settings
from floorconsole.i18n import N_, _
from floorconsole.roster.settings import RosterSettings, roster_settings_from
from floorconsole.shifts import ShiftDef, parse_hhmm

APP_NAME = "floorconsole"


class ConfigError(ValueError):
    """A config file that cannot be used; the message says which key and why."""


# The two apology rules of the rulebooks (DOMAIN.md, the three-ring rule): the complaint
# manual's (an apology script whenever the call is answered after three rings, ~15 s) and the
# hotline rule's (a call answered after six rings, ~30 s, opens with "抱歉，让您久等").
APOLOGY_RULES: dict[str, tuple[float, str]] = {
    "3-rings": (15.0, N_("complaint manual")),
    "6-rings": (30.0, N_("hotline rule")),
}


@dataclass(frozen=True)
class Thresholds:
    """Alert and measure thresholds (DOMAIN.md: three-ring rule, long calls).

    `apology_rule` names the apology rule in force ("3-rings" or "6-rings"); its wait is
    `apology_wait_s` (the config file sets it from the rule unless given too)."""

    sl_threshold_s: float = 15.0  # three rings of ~5 s
    apology_wait_s: float = 30.0  # six rings: the call opens with an apology
    apology_rule: str = "6-rings"
    sl_target_pct: float = 80.0  # service level below this is an alert
    abandon_target_pct: float = 5.0  # abandon rate above this is shown in warning colour
    long_call_s: float = 900.0
    long_pause_s: float = 900.0
    ring_no_answer_min_s: float = 10.0  # a RINGNOANSWER shorter than this is ring-all noise
    wrapup_s: float = 0.0  # after-call work per call, when the feed does not report it
    # Patrol: the fixed checks are before 9:30 (day) and at each shift change; a patrol is
    # due within `patrol_after_change_min` of a shift start until one is recorded. Any
    # other rhythm is the centre's own: `patrol_interval_min` (0 = none, the default).
    patrol_interval_min: float = 0.0
    patrol_after_change_min: float = 30.0

    def __post_init__(self) -> None:
        if self.apology_rule not in APOLOGY_RULES:
            raise ValueError(
                _("apology_rule must be one of {apology_rules}, not {apology_rule}").format(
                    apology_rules=", ".join(APOLOGY_RULES), apology_rule=repr(self.apology_rule)
                )
            )

    def apology_text(self, short: bool = False) -> str:
        """Which apology rule is in force, in words: `apology after 6 rings (30 s, hotline rule)`."""
        rings = self.apology_rule.split("-")[0]
        if short:
            return _("apol≥{wait}s").format(wait=f"{self.apology_wait_s:.0f}")
        source = _(APOLOGY_RULES[self.apology_rule][1])
        return _("apology after {rings} rings ({wait} s, {source})").format(
            rings=rings, wait=f"{self.apology_wait_s:.0f}", source=source
        )


DEFAULT_SHIFTS: tuple[ShiftDef, ...] = (
    # the names are the records' keys (English); shown translated: 夜班, 早班, 中班
    ShiftDef(N_("night"), "00:00", "08:00"),
    ShiftDef(N_("day"), "08:00", "16:00"),
    ShiftDef(N_("evening"), "16:00", "00:00"),
)


# `manager` is the department head (客服部主任); `centre_head` (客服中心主任) is the level above,
# added for leave of more than one day (DOMAIN.md: one day, department head; more, centre head).
ROLES: tuple[str, ...] = ("supervisor", "quality_inspector", "manager", "centre_head", "viewer")
FINDING_ROLES: frozenset[str] = frozenset({"supervisor", "quality_inspector", "manager", "centre_head"})
# Roles that may sign, acknowledge and receive handovers and close open items.
SIGNING_ROLES: tuple[str, ...] = ("supervisor", "manager", "centre_head")
# Roles that may act on a live call through AMI (listen, take over, pause ...); who may
# hang up is `[ami] hangup_roles`. A viewer acts on nothing.
CALL_ROLES: frozenset[str] = frozenset({"supervisor", "manager"})

# What every handover must say something about (DOMAIN.md, Handover): one line each, with the
# outgoing side's note. `[handover] checklist = [...]` replaces it.
DEFAULT_HANDOVER_CHECKLIST: tuple[str, ...] = (
    N_("Equipment status 设备情况"),
    N_("Staffing changes and swaps 人员调班"),
    N_("New notices and business changes 最新通告"),
    N_("Important customer information 客户信息"),
    N_("Physical items counted and handed over 清点交接物品"),
    N_("Front-desk environment checked 环境检查"),
)


@dataclass(frozen=True)
class Person:
    """Someone who may use the console: the OS account they log in as, their name, role."""

    os_user: str
    name: str
    role: str = "supervisor"

    @property
    def can_sign(self) -> bool:
        """May sign, acknowledge and receive handovers and close open items."""
        return self.role in SIGNING_ROLES

    @property
    def sees_findings(self) -> bool:
        """May read findings against a person (patrol findings, signs of strain): praise in
        public, correct in private (DOMAIN.md). A viewer (a wall, a guest) may not."""
        return self.role in FINDING_ROLES


@dataclass(frozen=True)
class Agent:
    """An agent as the leave and swap registers know them (`[agents."<name>"]`): `name` is how
    the roster and the feed name them; swaps are only between the same `job` (工种) and the
    same skill `level` (技术业务水平相当); `lead` is the OS account of their shift lead
    (班长), who must be one of a swap's two approvers when given."""

    name: str
    job: str
    level: int
    lead: str = ""


@dataclass(frozen=True)
class Holiday:
    """A public holiday of the floor's calendar (`[[holidays]]`): leave on it is asked two
    days ahead, and the people on `duty` (节假日当班人员) may neither swap nor take leave that day."""

    day: date
    name: str = ""
    duty: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything the console and the headless commands need to know."""

    supervisor: str = field(default_factory=lambda: os_account())  # legacy name when [people] is empty
    db_path: Path = field(default_factory=lambda: default_db_path())
    feed_path: Path | None = None
    feed_format: str = "auto"  # "queue_log", "jsonl" or "auto" (by content)
    layout_path: Path | None = None  # None: no layout, seats come from the feed
    checklist_path: Path | None = None  # None: the shipped patrol checklist
    shifts: tuple[ShiftDef, ...] = DEFAULT_SHIFTS
    thresholds: Thresholds = field(default_factory=Thresholds)
    mask_keep_digits: int = 4
    bell: bool = False
    hmac_key_file: Path | None = None
    config_path: Path | None = None
    timezone: str | None = None  # IANA zone of the floor's shifts; None: the machine's zone
    people: tuple[Person, ...] = ()  # `[people.<os user>]`; empty: nobody configured (legacy)
    handover_checklist: tuple[str, ...] = DEFAULT_HANDOVER_CHECKLIST
    ami: AmiSettings | None = None  # `[ami]` (docs/asterisk.md); None: queue_log only
    agents: tuple[Agent, ...] = ()  # `[agents."<name>"] job, level, lead`: the registers' people
    holidays: tuple[Holiday, ...] = ()  # `[[holidays]] date, name, duty`: the holiday calendar
    night_shifts: tuple[str, ...] = ("night",)  # `[registers] night_shifts`: leave asked by 12:00
    roster: RosterSettings = field(default_factory=RosterSettings)  # [roster] and [attendance]
    language: str | None = None  # `[console] language` ("zh_CN" or "en"); None: from LANG
    ambiguous_wide: bool | None = None  # `[console] ambiguous_wide`: CJK-safe glyphs; None: auto (zh_CN)

    def person(self, os_user: str) -> Person | None:
        """The configured person for an OS account, or None."""
        return next((p for p in self.people if p.os_user == os_user), None)

    def agent(self, name: str) -> Agent | None:
        """The configured agent of that name (the registers' job and level), or None."""
        return next((a for a in self.agents if a.name == name), None)

    def sees_findings(self, os_user: str) -> bool:
        """May this account read findings against a person? Without `[people]` (one
        supervisor's own setup) yes; with it, only the roles that may (`Person.sees_findings`)."""
        if not self.people:
            return True
        person = self.person(os_user)
        return person is not None and person.sees_findings

    def config_file_name(self) -> str:
        """Where to add people, for messages ("add [people.alice] to ...")."""
        return str(self.config_path or default_config_path())

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def os_account() -> str:
    """The effective OS account's name (not $USER/$LOGNAME, which anyone can set)."""
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def default_config_path() -> Path:
    """Where the user's config file lives unless `--config` says otherwise."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    """Where the records database lives unless `--db` or config says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "floor.db"


def data_file(name: str) -> Path:
    """Path of a file shipped in `data/` (works for editable and normal installs)."""
    ref = resources.files("floorconsole.data").joinpath(name)
    with resources.as_file(ref) as path:
        return Path(path)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read a config file; with no path, the user's file if it exists, else defaults."""
    if path is None:
        candidate = default_config_path()
        if not candidate.exists():
            return Config()
        path = candidate
    if not str(path).strip():
        raise ConfigError(_("--config: expected the path of a TOML config file, got nothing"))
    path = Path(path)
    if path.is_dir():
        raise ConfigError(_("{path} is a folder; --config needs the path of a TOML config file").format(path=path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(_("config file not found: {path}").format(path=path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: not valid TOML: {exc}").format(path=path, exc=exc)) from None
    except OSError as exc:
        raise ConfigError(
            _("cannot read the config file {path}: {exc}").format(path=path, exc=exc.strerror or exc)
        ) from None
    return config_from_dict(raw, base_dir=path.parent, config_path=path)


def _table(raw: dict[str, Any], name: str) -> dict[str, Any]:
    """`[name]` of the config: a table, or empty when absent; ConfigError for anything else."""
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(
            _("{name}: expected a table ([{name}] with keys under it), got {value}").format(
                name=name, value=repr(value)
            )
        )
    return value


def _as_str(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(_("{key}: expected text in quotes, got {value}").format(key=key, value=repr(value)))
    return value


def config_from_dict(raw: dict[str, Any], base_dir: Path, config_path: Path | None = None) -> Config:
    """Build a Config from parsed TOML; relative paths are relative to `base_dir`."""

    def as_path(key: str, value: Any) -> Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(_("{key}: expected a path string, got {value}").format(key=key, value=repr(value)))
        p = Path(os.path.expanduser(value))
        return p if p.is_absolute() else (base_dir / p)

    cfg = Config(config_path=config_path)
    changes: dict[str, Any] = {}
    floor = _table(raw, "floor")
    feed = _table(raw, "feed")
    store = _table(raw, "store")
    if "supervisor" in floor:
        changes["supervisor"] = _as_str("floor.supervisor", floor["supervisor"])
    if "timezone" in floor:
        if not isinstance(floor["timezone"], str) or not floor["timezone"]:
            raise ConfigError(
                _("floor.timezone: expected an IANA zone name such as Asia/Shanghai, got {value}").format(
                    value=repr(floor["timezone"])
                )
            )
        changes["timezone"] = floor["timezone"]
    if "layout" in floor:
        changes["layout_path"] = as_path("floor.layout", floor["layout"])
    if "checklist" in floor:
        changes["checklist_path"] = as_path("floor.checklist", floor["checklist"])
    if "path" in feed:
        changes["feed_path"] = as_path("feed.path", feed["path"])
    if "format" in feed:
        if feed["format"] not in ("queue_log", "jsonl", "auto"):
            raise ConfigError(
                _("feed.format: expected queue_log, jsonl or auto, got {format}").format(format=repr(feed["format"]))
            )
        changes["feed_format"] = feed["format"]
    if "db" in store:
        changes["db_path"] = as_path("store.db", store["db"])
    if "hmac_key_file" in store:
        changes["hmac_key_file"] = as_path("store.hmac_key_file", store["hmac_key_file"])
    privacy = _table(raw, "privacy")
    if "mask_keep_digits" in privacy:
        changes["mask_keep_digits"] = _as_int("privacy.mask_keep_digits", privacy["mask_keep_digits"], 0, 8)
    alerts = _table(raw, "alerts")
    if "bell" in alerts:
        if not isinstance(alerts["bell"], bool):
            raise ConfigError(_("alerts.bell: expected true or false, got {bell}").format(bell=repr(alerts["bell"])))
        changes["bell"] = alerts["bell"]
    thresholds = _table(raw, "thresholds")
    if thresholds:
        known = set(Thresholds.__dataclass_fields__)
        unknown = set(thresholds) - known
        if unknown:
            raise ConfigError(
                _("thresholds: unknown key(s) {unknown}; known: {known}").format(
                    unknown=sorted(unknown), known=sorted(known)
                )
            )
        values: dict[str, Any] = {}
        for key, value in thresholds.items():
            if key == "apology_rule":
                if value not in APOLOGY_RULES:
                    raise ConfigError(
                        _("thresholds.apology_rule: expected one of {rules}, got {value}").format(
                            rules=", ".join(map(repr, APOLOGY_RULES)), value=repr(value)
                        )
                    )
                values[key] = value
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < float("inf"):
                raise ConfigError(
                    _("thresholds.{key}: expected a non-negative number, got {value}").format(
                        key=key, value=repr(value)
                    )
                )
            values[key] = float(value)
        if "apology_rule" in values and "apology_wait_s" not in values:
            values["apology_wait_s"] = APOLOGY_RULES[values["apology_rule"]][0]
        changes["thresholds"] = Thresholds(**values)
    if "shifts" in raw:
        changes["shifts"] = _parse_shifts(raw["shifts"])
    if "people" in raw:
        changes["people"] = _parse_people(raw["people"])
    if "ami" in raw:
        try:
            changes["ami"] = parse_ami_settings(raw["ami"], base_dir)
        except AmiSettingsError as exc:
            raise ConfigError(str(exc)) from None
    console = _table(raw, "console")
    if "language" in console:
        from floorconsole.i18n import LANGUAGES, normalize_language

        language = normalize_language(console["language"]) if isinstance(console["language"], str) else None
        if language is None:
            raise ConfigError(
                _("console.language: expected one of {languages}, got {language}").format(
                    languages=", ".join(LANGUAGES), language=repr(console["language"])
                )
            )
        changes["language"] = language
    if "ambiguous_wide" in console:
        from floorconsole.glyphs import parse_setting

        try:
            changes["ambiguous_wide"] = parse_setting(console["ambiguous_wide"])
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    handover = raw.get("handover", {})
    if "checklist" in handover:
        items = handover["checklist"]
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise ConfigError(_("handover.checklist: expected a list of non-empty strings"))
        changes["handover_checklist"] = tuple(i.strip() for i in items)
    if "agents" in raw:
        changes["agents"] = _parse_agents(raw["agents"])
    if "holidays" in raw:
        changes["holidays"] = _parse_holidays(raw["holidays"])
    registers = _table(raw, "registers")
    if "night_shifts" in registers:
        nights = registers["night_shifts"]
        if not isinstance(nights, list) or not all(isinstance(n, str) and n for n in nights):
            raise ConfigError('registers.night_shifts: expected a list of shift names, e.g. ["night"]')
        changes["night_shifts"] = tuple(nights)
    if "roster" in raw or "attendance" in raw:
        names = {s.name for s in changes.get("shifts", cfg.shifts)}
        try:
            changes["roster"] = roster_settings_from(_table(raw, "roster"), _table(raw, "attendance"), names)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return replace(cfg, **changes)


def _parse_agents(raw: Any) -> tuple[Agent, ...]:
    """`[agents."<name>"] job = "hotline", level = 2, lead = "<os user>"` -> Agent tuple."""
    if not isinstance(raw, dict):
        raise ConfigError('agents: expected tables such as [agents."Xu Jing"] job = "hotline" level = 2')
    out = []
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise ConfigError(_("agents.{name}: expected a table with job and level").format(name=name))
        job = entry.get("job")
        if not isinstance(job, str) or not job.strip():
            raise ConfigError(f'agents.{name}.job: expected the agent\'s job (工种), e.g. "hotline"')
        level = entry.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or level < 0:
            raise ConfigError(
                _("agents.{name}.level: expected the skill level as a whole number, got {level}").format(
                    name=name, level=repr(level)
                )
            )
        lead = entry.get("lead", "")
        if not isinstance(lead, str):
            raise ConfigError(_("agents.{name}.lead: expected the OS account of their shift lead").format(name=name))
        unknown = set(entry) - {"job", "level", "lead"}
        if unknown:
            raise ConfigError(
                _("agents.{name}: unknown key(s) {unknown}; known: job, level, lead").format(
                    name=name, unknown=sorted(unknown)
                )
            )
        out.append(Agent(str(name), job.strip(), level, lead.strip()))
    return tuple(out)


def _parse_holidays(raw: Any) -> tuple[Holiday, ...]:
    """`[[holidays]] date = 2026-10-01, name = "...", duty = ["Xu Jing"]` -> Holiday tuple."""
    if not isinstance(raw, list):
        raise ConfigError('holidays: expected [[holidays]] tables with date = 2026-10-01 and duty = ["name", ...]')
    out: dict[date, Holiday] = {}
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise ConfigError(_("holidays[{i}]: expected a table with date, name and duty").format(i=i))
        day = entry.get("date")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                pass
        if not isinstance(day, date) or hasattr(day, "hour"):
            raise ConfigError(
                _("holidays[{i}].date: expected a date such as 2026-10-01, got {date}").format(
                    i=i, date=repr(entry.get("date"))
                )
            )
        duty = entry.get("duty", [])
        if not isinstance(duty, list) or not all(isinstance(d, str) and d.strip() for d in duty):
            raise ConfigError(_("holidays[{i}].duty: expected a list of the names on holiday duty").format(i=i))
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(_("holidays[{i}].name: expected text").format(i=i))
        if day in out:
            raise ConfigError(_("holidays[{i}]: {day} is listed twice").format(i=i, day=day))
        out[day] = Holiday(day, name.strip(), tuple(d.strip() for d in duty))
    return tuple(sorted(out.values(), key=lambda h: h.day))


def _parse_people(raw: Any) -> tuple[Person, ...]:
    """`[people.<os user>] name = "...", role = "supervisor"` tables -> Person tuple."""
    if not isinstance(raw, dict):
        raise ConfigError('people: expected tables such as [people.alice] name = "Alice Wu" role = "supervisor"')
    out = []
    for user, entry in raw.items():
        if not isinstance(entry, dict):
            raise ConfigError(_("people.{user}: expected a table with name and role").format(user=user))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(_("people.{user}.name: expected the person's name").format(user=user))
        role = entry.get("role", "supervisor")
        if role not in ROLES:
            raise ConfigError(
                _("people.{user}.role: expected one of {roles}, got {role}").format(
                    user=user, roles=", ".join(ROLES), role=repr(role)
                )
            )
        out.append(Person(str(user), name.strip(), role))
    names = [p.name for p in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(_("people: the name {name} is given to more than one OS user").format(name=repr(dupes[0])))
    return tuple(out)


def _as_int(key: str, value: Any, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ConfigError(
            _("{key}: expected a whole number from {lo} to {hi}, got {value}").format(
                key=key, lo=lo, hi=hi, value=repr(value)
            )
        )
    return value


def _parse_shifts(items: Any) -> tuple[ShiftDef, ...]:
    if not isinstance(items, list) or not items:
        raise ConfigError(_("shifts: expected a non-empty list of (name, start, end) tables"))
    out = []
    for i, item in enumerate(items):
        try:
            shift = ShiftDef(str(item["name"]), str(item["start"]), str(item["end"]))
            parse_hhmm(shift.start)
            parse_hhmm(shift.end)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                _("shifts[{i}]: needs name, start and end as HH:MM ({exc})").format(i=i, exc=exc)
            ) from None
        out.append(shift)
    return tuple(out)
