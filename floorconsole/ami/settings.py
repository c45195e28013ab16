"""The `[ami]` table of the config, typed and checked.

This module reads the raw TOML section (a dict) so that `floorconsole/config.py` can hook it
in with one line (`ami = parse_ami_settings(raw.get("ami"), base_dir)`). No table means no
AMI: `parse_ami_settings(None, ...)` returns None and the console runs from queue_log alone.

```toml
[ami]
host = "pbx.example.net"
port = 5038                      # 5039 is the usual TLS port
username = "floorconsole"
secret_file = "ami.secret"       # relative to the config file; mode 0600 or 0400
tls = false                      # true: certificate and host name are checked
tls_ca_file = ""                 # a CA bundle for a private CA (default: the system's)
action_timeout_s = 5.0           # every action carries its own timeout
connect_timeout_s = 5.0
reconnect_min_s = 1.0            # backoff: 1, 2, 4 ... up to reconnect_max_s
reconnect_max_s = 60.0
ping_interval_s = 10.0
originate_ring_s = 20            # how long the supervisor's phone rings for listen/whisper/barge
takeover_answer_s = 30           # how long a take-over waits for the supervisor to pick up
takeover_context = "floor-takeover"
chanspy_u_option = true          # ChanSpy `u` (exact channel); false for Asterisk without it
hangup_roles = ["supervisor", "manager"]  # who may hang a channel up (a viewer never acts)

[ami.people.alice]               # keyed by the OS account, like [people]
endpoint = "PJSIP/2001"          # the phone Originate rings for listen/whisper/barge
extension = "2001"               # where a take-over sends the caller (in takeover_context)
```

The secret never lives in the config itself: a `secret` key is refused, and the secret file
is refused unless only its owner can read it (mode 0600 or 0400).
"""

from __future__ import annotations

import os
import re
import ssl
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floorconsole.i18n import _


class AmiSettingsError(ValueError):
    """An `[ami]` table that cannot be used; the message names the key and says why."""


@dataclass(frozen=True)
class AmiPerson:
    """A supervisor's own phone: the endpoint rung for listening, the extension a
    take-over sends the caller to."""

    os_user: str
    endpoint: str
    extension: str = ""


_ENDPOINT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*/[^\s,|()]+$")
_EXTEN = re.compile(r"^[0-9A-Za-z*#+_.-]+$")
_CONTEXT = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class AmiSettings:
    """Everything the gateway needs to reach Asterisk and act on it."""

    host: str
    username: str
    secret_file: Path
    port: int = 5038
    tls: bool = False
    tls_ca_file: Path | None = None
    action_timeout_s: float = 5.0
    connect_timeout_s: float = 5.0
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 60.0
    ping_interval_s: float = 10.0
    originate_ring_s: float = 20.0
    takeover_answer_s: float = 30.0
    takeover_context: str = "floor-takeover"
    chanspy_u_option: bool = True
    max_message_bytes: int = 256 * 1024
    people: dict[str, AmiPerson] = field(default_factory=dict)
    hangup_roles: tuple[str, ...] = ("supervisor", "manager")

    def person(self, os_user: str) -> AmiPerson | None:
        """The phone configured for `os_user`, or None."""
        return self.people.get(os_user)

    def read_secret(self) -> str:
        """The AMI secret, read now from `secret_file` (its mode checked again)."""
        return read_secret_file(self.secret_file)

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context (certificate and host name checked), or None without TLS."""
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=str(self.tls_ca_file) if self.tls_ca_file else None)
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx


def read_secret_file(path: Path) -> str:
    """Read an AMI secret file, refusing one that others could read or write.

    Raises AmiSettingsError with a message fit to show: missing file, wrong mode (with the
    `chmod 600` that fixes it), empty file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise AmiSettingsError(_("ami.secret_file: {path} does not exist").format(path=path)) from None
    except OSError as exc:
        raise AmiSettingsError(
            _("ami.secret_file: cannot read {path}: {exc}").format(path=path, exc=exc.strerror or exc)
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise AmiSettingsError(_("ami.secret_file: {path} is not a regular file").format(path=path))
    mode = stat.S_IMODE(st.st_mode)
    if mode not in (0o600, 0o400):
        raise AmiSettingsError(
            _(
                "ami.secret_file: {path} has mode {mode}; the AMI secret must be readable by its owner "
                "only (mode 0600 or 0400): run `chmod 600 {path}`"
            ).format(path=path, mode=f"{mode:04o}")
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AmiSettingsError(_("ami.secret_file: cannot read {path}: {exc}").format(path=path, exc=exc)) from None
    secret = text.strip("\r\n")
    if not secret or "\n" in secret or "\r" in secret:
        raise AmiSettingsError(_("ami.secret_file: {path} must hold the secret on one line").format(path=path))
    return secret


_KNOWN = {
    "host",
    "port",
    "username",
    "secret_file",
    "tls",
    "tls_ca_file",
    "action_timeout_s",
    "connect_timeout_s",
    "reconnect_min_s",
    "reconnect_max_s",
    "ping_interval_s",
    "originate_ring_s",
    "takeover_answer_s",
    "takeover_context",
    "chanspy_u_option",
    "max_message_bytes",
    "people",
    "hangup_roles",
}

_ROLE_NAMES = ("supervisor", "quality_inspector", "manager", "viewer")  # config.ROLES


def parse_ami_settings(raw: Any, base_dir: Path, check_secret: bool = True) -> AmiSettings | None:
    """The `[ami]` table (the raw TOML dict, or None when absent) as `AmiSettings`.

    Relative paths are taken from `base_dir` (the config file's folder). With
    `check_secret`, the secret file must exist with mode 0600/0400 now, so a bad file is
    reported at start-up rather than at the first connection."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise AmiSettingsError(_("ami: expected a table ([ami] with keys under it), got {raw}").format(raw=repr(raw)))
    if "secret" in raw:
        raise AmiSettingsError(
            _(
                "ami.secret: the secret is not kept in the config; put it in a file and name it in "
                "ami.secret_file (mode 0600)"
            )
        )
    unknown = set(raw) - _KNOWN
    if unknown:
        raise AmiSettingsError(
            _("ami: unknown key(s) {unknown}; known: {known}").format(unknown=sorted(unknown), known=sorted(_KNOWN))
        )
    for key in ("host", "username", "secret_file"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise AmiSettingsError(_("ami.{key}: required, as text in quotes").format(key=key))
    host = raw["host"].strip()
    username = raw["username"].strip()
    secret_file = _path(raw["secret_file"], base_dir)
    tls = _bool("tls", raw.get("tls", False))
    port = raw.get("port", 5039 if tls else 5038)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise AmiSettingsError(
            _("ami.port: expected a port number from 1 to 65535, got {port}").format(port=repr(port))
        )
    ca = raw.get("tls_ca_file", "")
    if not isinstance(ca, str):
        raise AmiSettingsError(_("ami.tls_ca_file: expected a path string, got {ca}").format(ca=repr(ca)))
    ca_path = _path(ca, base_dir) if ca.strip() else None
    if ca_path is not None and not ca_path.is_file():
        raise AmiSettingsError(_("ami.tls_ca_file: {ca_path} does not exist").format(ca_path=ca_path))
    nums: dict[str, float] = {}
    for key, lo, hi in (
        ("action_timeout_s", 0.05, 120),
        ("connect_timeout_s", 0.05, 120),
        ("reconnect_min_s", 0.01, 600),
        ("reconnect_max_s", 0.01, 3600),
        ("ping_interval_s", 0.05, 600),
        ("originate_ring_s", 1, 300),
        ("takeover_answer_s", 1, 600),
    ):
        if key in raw:
            value = raw[key]
            if not isinstance(value, int | float) or isinstance(value, bool) or not lo <= value <= hi:
                raise AmiSettingsError(
                    _("ami.{key}: expected a number of seconds from {lo} to {hi}, got {value}").format(
                        key=key, lo=lo, hi=hi, value=repr(value)
                    )
                )
            nums[key] = float(value)
    if nums.get("reconnect_max_s", 60.0) < nums.get("reconnect_min_s", 1.0):
        raise AmiSettingsError(_("ami.reconnect_max_s: must not be below ami.reconnect_min_s"))
    context = raw.get("takeover_context", "floor-takeover")
    if not isinstance(context, str) or not _CONTEXT.match(context):
        raise AmiSettingsError(
            _("ami.takeover_context: expected a dialplan context name, got {context}").format(context=repr(context))
        )
    max_bytes = raw.get("max_message_bytes", 256 * 1024)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or not 4096 <= max_bytes <= 64 * 1024 * 1024:
        raise AmiSettingsError(
            _("ami.max_message_bytes: expected a whole number from 4096 to 67108864, got {value}").format(
                value=repr(max_bytes)
            )
        )
    roles = raw.get("hangup_roles", ["supervisor", "manager"])
    if not isinstance(roles, list) or not all(isinstance(r, str) and r in _ROLE_NAMES for r in roles):
        raise AmiSettingsError(
            _("ami.hangup_roles: expected a list of roles from {role_names}, got {roles}").format(
                role_names=list(_ROLE_NAMES), roles=repr(roles)
            )
        )
    if "viewer" in roles:
        raise AmiSettingsError(_("ami.hangup_roles: a viewer may not act on calls"))
    settings = AmiSettings(
        host=host,
        username=username,
        secret_file=secret_file,
        port=port,
        tls=tls,
        tls_ca_file=ca_path,
        takeover_context=context,
        chanspy_u_option=_bool("chanspy_u_option", raw.get("chanspy_u_option", True)),
        max_message_bytes=max_bytes,
        people=_people(raw.get("people", {})),
        hangup_roles=tuple(roles),
        **nums,
    )
    if check_secret:
        settings.read_secret()
    return settings


def _path(value: str, base_dir: Path) -> Path:
    p = Path(value.strip()).expanduser()
    return p if p.is_absolute() else base_dir / p


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise AmiSettingsError(_("ami.{key}: expected true or false, got {value}").format(key=key, value=repr(value)))
    return value


def _people(raw: Any) -> dict[str, AmiPerson]:
    if not isinstance(raw, dict):
        raise AmiSettingsError('ami.people: expected tables such as [ami.people.alice] endpoint = "PJSIP/2001"')
    people: dict[str, AmiPerson] = {}
    for user, entry in raw.items():
        if not isinstance(entry, dict):
            raise AmiSettingsError(
                _("ami.people.{user}: expected a table with endpoint and extension").format(user=user)
            )
        unknown = set(entry) - {"endpoint", "extension"}
        if unknown:
            raise AmiSettingsError(
                _("ami.people.{user}: unknown key(s) {unknown}; known: endpoint, extension").format(
                    user=user, unknown=sorted(unknown)
                )
            )
        endpoint = entry.get("endpoint")
        if not isinstance(endpoint, str) or not _ENDPOINT.match(endpoint):
            raise AmiSettingsError(
                _(
                    "ami.people.{user}.endpoint: expected the phone's dial string such as PJSIP/2001, got {value}"
                ).format(user=user, value=repr(endpoint))
            )
        extension = entry.get("extension", "")
        if not isinstance(extension, str) or (extension and not _EXTEN.match(extension)):
            raise AmiSettingsError(
                _("ami.people.{user}.extension: expected a dialplan extension such as 2001, got {value}").format(
                    user=user, value=repr(extension)
                )
            )
        people[str(user)] = AmiPerson(str(user), endpoint, extension)
    return people
