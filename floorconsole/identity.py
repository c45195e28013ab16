"""Who is acting: recorded with every signed or audited action."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

from floorconsole.config import Config


@dataclass(frozen=True)
class Actor:
    name: str  # the supervisor's name as configured (or given on the command line)
    os_user: str
    terminal: str  # tty, or SSH client address, or "-"

    def __str__(self) -> str:
        return f"{self.name} ({self.os_user}@{self.terminal})"


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
    """The actor for this process: `name` if given, else the configured supervisor."""
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = str(os.getuid())
    return Actor(name=name or config.supervisor, os_user=os_user, terminal=current_terminal())
