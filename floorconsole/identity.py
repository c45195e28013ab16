"""Who is acting: recorded with every signed or audited action.

The person is the OS account running the process (the effective user; over SSH that is the
SSH login), never a typed name: `$USER`, `$LOGNAME` and `$SUDO_USER` are set by whoever
starts the process and prove nothing. With `[people]` configured, the account's configured
name and role are used and an account that is not listed can watch but not sign.
"""

from __future__ import annotations

import os
import pwd
import sys
from dataclasses import dataclass

from floorconsole.config import Config


@dataclass(frozen=True)
class Actor:
    name: str  # the person's configured name (legacy: the configured supervisor)
    os_user: str  # the effective OS account: what signatures are checked against
    terminal: str  # tty, or SSH client address, or "-"

    def __str__(self) -> str:
        return f"{self.name} ({self.os_user}@{self.terminal})"


def effective_os_user() -> str:
    """The account this process runs as (effective uid), from the password database.

    Not `getpass.getuser()`: it believes $LOGNAME/$USER, which anyone can set.
    """
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def current_terminal() -> str:
    """The terminal this process runs on: tty name, plus the SSH peer when there is one."""
    tty = "-"
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            tty = os.ttyname(stream.fileno())
            break
        except (OSError, AttributeError, ValueError):
            continue
    ssh = os.environ.get("SSH_CLIENT", "").split(" ")[0]
    return f"{tty} ssh:{ssh}" if ssh else tty


def current_actor(config: Config, name: str | None = None) -> Actor:
    """The actor for this process.

    With `[people]` configured the name is the one configured for the effective OS user
    (a typed `name` is ignored: a signature is not a typed name); an unknown account acts
    under its account name and the store refuses its signatures. Without `[people]`
    (legacy), `name` if given, else the configured supervisor.
    """
    os_user = effective_os_user()
    if config.people:
        person = config.person(os_user)
        return Actor(name=person.name if person else os_user, os_user=os_user, terminal=current_terminal())
    return Actor(name=name or config.supervisor, os_user=os_user, terminal=current_terminal())


def signing_problem(config: Config, os_user: str) -> str | None:
    """Why `os_user` may not sign (None when they may): unknown account or a watch-only role."""
    if not config.people:
        return None
    person = config.person(os_user)
    if person is None:
        return (
            f"OS user {os_user!r} is not a configured person and can watch but not sign: "
            f'add [people.{os_user}] with name and role = "supervisor" to {config.config_file_name()}'
        )
    if not person.can_sign:
        return f"{person.name} ({os_user}) has the role {person.role!r}, which may watch but not sign"
    return None
