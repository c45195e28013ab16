"""`[wallboard]` settings, read from the raw TOML of the config file, and the bind rules.

    [wallboard]
    bind = "127.0.0.1"        # loopback by default; "0.0.0.0" or a LAN address opens it up
    port = 8088
    token_file = "wallboard.token"   # or: token = "..." (the file keeps it out of the config)
    show_agents = false       # agent names and states on the board; off by default
    lang = "zh_CN"            # or "en"; default: from $LANG (zh* -> zh_CN, else en)
    max_clients = 64          # open board connections at most
    max_rate_hz = 4           # pushes per second at most, whatever the feed does

Precedence: command line > environment (`FLOORCONSOLE_WALLBOARD_TOKEN`) > config > default.
The token is never taken on the command line itself (`ps` shows arguments to every user
of the machine): `--token-file FILE` instead.

The rule: a board listens on a loopback address unless a token is set; on any other
address `check_exposure` refuses to start (the caller prints its one line and exits 2).
This module parses `[wallboard]` itself so that `floorconsole/config.py` stays untouched
(the table is ignored there).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from floorconsole.config import ConfigError
from floorconsole.i18n import _

TOKEN_ENV = "FLOORCONSOLE_WALLBOARD_TOKEN"
MIN_TOKEN_LEN = 16
LANGS = ("zh_CN", "en")
KNOWN_KEYS = frozenset({"bind", "port", "token", "token_file", "show_agents", "lang", "max_clients", "max_rate_hz"})


@dataclass(frozen=True)
class WallboardSettings:
    bind: str = "127.0.0.1"
    port: int = 8088
    token: str | None = None
    show_agents: bool = False
    lang: str | None = None  # None: from the environment (`default_lang`)
    max_clients: int = 64
    max_rate_hz: float = 4.0

    def __repr__(self) -> str:  # the token never reaches a log or a traceback
        token = "set" if self.token else "none"
        return (
            f"WallboardSettings(bind={self.bind!r}, port={self.port}, token={token}, "
            f"show_agents={self.show_agents}, lang={self.lang!r}, max_clients={self.max_clients}, "
            f"max_rate_hz={self.max_rate_hz})"
        )

    __str__ = __repr__

    def with_overrides(self, **changes: Any) -> WallboardSettings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def default_lang(env: Mapping[str, str] | None = None) -> str:
    """zh_CN when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG, in that order), else en."""
    env = os.environ if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def check_lang(value: Any, key: str = "wallboard.lang") -> str:
    """`zh_CN` or `en` (also taken: zh, zh-CN, zh_CN.UTF-8, en_US...); ConfigError otherwise."""
    if isinstance(value, str):
        v = value.strip().replace("-", "_").split(".")[0].lower()
        if v in ("zh", "zh_cn", "zh_hans"):
            return "zh_CN"
        if v == "en" or v.startswith("en_"):
            return "en"
    raise ConfigError(_("{key}: expected zh_CN or en, got {value}").format(key=key, value=repr(value)))


def read_token_file(path: Path, key: str) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(_("{key}: token file not found: {path}").format(key=key, path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("{key}: cannot read the token file {path}: {exc}").format(
                key=key, path=path, exc=getattr(exc, "strerror", None) or exc
            )
        ) from None
    token = text.strip()
    if not token:
        raise ConfigError(_("{key}: the token file {path} is empty").format(key=key, path=path))
    return token


def settings_from_dict(raw: Mapping[str, Any], base_dir: Path) -> WallboardSettings:
    """`[wallboard]` of a parsed config file (a missing table gives the defaults)."""
    table = raw.get("wallboard", {})
    if not isinstance(table, dict):
        raise ConfigError(
            _("wallboard: expected a table ([wallboard] with keys under it), got {table}").format(table=repr(table))
        )
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        raise ConfigError(
            _("wallboard: unknown key(s) {unknown}; known: {known}").format(
                unknown=sorted(unknown), known=sorted(KNOWN_KEYS)
            )
        )
    out = WallboardSettings()
    changes: dict[str, Any] = {}
    if "bind" in table:
        if not isinstance(table["bind"], str) or not table["bind"].strip():
            raise ConfigError(
                _("wallboard.bind: expected an address such as 127.0.0.1 or 0.0.0.0, got {value}").format(
                    value=repr(table["bind"])
                )
            )
        changes["bind"] = table["bind"].strip()
    if "port" in table:
        changes["port"] = check_port(table["port"], "wallboard.port")
    if "token" in table and "token_file" in table:
        raise ConfigError(_("wallboard: give token or token_file, not both"))
    if "token" in table:
        if not isinstance(table["token"], str) or not table["token"].strip():
            raise ConfigError(_("wallboard.token: expected text in quotes"))
        changes["token"] = table["token"].strip()
    if "token_file" in table:
        value = table["token_file"]
        if not isinstance(value, str) or not value:
            raise ConfigError(_("wallboard.token_file: expected a path string"))
        p = Path(os.path.expanduser(value))
        changes["token"] = read_token_file(p if p.is_absolute() else base_dir / p, "wallboard.token_file")
    if "show_agents" in table:
        if not isinstance(table["show_agents"], bool):
            raise ConfigError(
                _("wallboard.show_agents: expected true or false, got {show_agents}").format(
                    show_agents=repr(table["show_agents"])
                )
            )
        changes["show_agents"] = table["show_agents"]
    if "lang" in table:
        changes["lang"] = check_lang(table["lang"])
    if "max_clients" in table:
        v = table["max_clients"]
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 1000:
            raise ConfigError(
                _("wallboard.max_clients: expected a whole number from 1 to 1000, got {v}").format(v=repr(v))
            )
        changes["max_clients"] = v
    if "max_rate_hz" in table:
        v = table["max_rate_hz"]
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0.1 <= v <= 20:
            raise ConfigError(_("wallboard.max_rate_hz: expected a number from 0.1 to 20, got {v}").format(v=repr(v)))
        changes["max_rate_hz"] = float(v)
    return replace(out, **changes)


def load_settings(config_path: Path | None) -> WallboardSettings:
    """`[wallboard]` of the config file at `config_path` (None: no file, the defaults)."""
    if config_path is None:
        return WallboardSettings()
    try:
        raw = tomllib.loads(Path(config_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # load_config has read the same file a moment ago; say something all the same
        raise ConfigError(
            _("{config_path}: cannot read [wallboard]: {exc}").format(config_path=config_path, exc=exc)
        ) from None
    return settings_from_dict(raw, Path(config_path).parent)


def check_port(value: Any, key: str = "--port") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 65535:
        raise ConfigError(
            _("{key}: expected a port number from 0 to 65535, got {value}").format(key=key, value=repr(value))
        )
    return value


def is_loopback(host: str) -> bool:
    """True when every address `host` stands for is a loopback address (127.0.0.0/8, ::1).

    "" / 0.0.0.0 / :: (every interface) are not; a name is resolved, and counts as loopback
    only when all it resolves to is (`localhost`); a name that does not resolve is not."""
    host = host.strip().strip("[]")
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addrs = {str(info[4][0]) for info in infos}
    try:
        return bool(addrs) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs)
    except ValueError:
        return False


def check_exposure(settings: WallboardSettings) -> str | None:
    """Why the board must not start with these settings (one line), or None when it may."""
    token = settings.token
    if token is not None and len(token) < MIN_TOKEN_LEN:
        return _(
            "the wallboard token is too short ({length} characters; at least {minimum}): "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'` makes a good one"
        ).format(length=len(token), minimum=MIN_TOKEN_LEN)
    if not is_loopback(settings.bind) and token is None:
        return _(
            "refusing to listen on {address} without a token: set [wallboard] "
            "token_file, --token-file or {variable} (or listen on 127.0.0.1)"
        ).format(address=settings.bind or _("every address"), variable=TOKEN_ENV)
    return None
