"""Driving a program in tmux the way a person would: send keys, read the screen.

Each session runs on its own tmux server (`tmux -L <session>`), started without COLUMNS and
LINES: on one shared server the environment was that of whichever test happened to start
the server (pytest sets COLUMNS), and a console then drew 80 columns in a 200-column window.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable


def tmux(session: str, *args: str) -> list[str]:
    """The tmux command line for `session`'s own server."""
    return ["tmux", "-L", session, *args]


def start(session: str, command: str, width: int, height: int, env: dict[str, str] | None = None) -> None:
    """Run `command` in a new detached session of `width` x `height` on its own server."""
    extra = [arg for key, value in (env or {}).items() for arg in ("-e", f"{key}={value}")]
    # The server's environment is this process's: without COLUMNS/LINES (pytest may set them),
    # which Textual would take over the window's real size.
    server_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    subprocess.run(
        tmux(session, "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), *extra, command),
        check=True,
        env=server_env,
    )
    subprocess.run(
        tmux(session, "resize-window", "-t", session, "-x", str(width), "-y", str(height)), capture_output=True
    )


def stop(session: str) -> None:
    """End the session and its server."""
    subprocess.run(tmux(session, "kill-server"), capture_output=True)


def screen(session: str) -> str:
    """What the session's pane shows now (tmux capture-pane)."""
    return subprocess.run(tmux(session, "capture-pane", "-p", "-t", session), capture_output=True, text=True).stdout


def wait_for(session: str, predicate: Callable[[str], object], what: str = "", timeout: float = 30.0) -> str:
    """The screen once `predicate(screen)` holds; fails with the screen after `timeout` s."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if predicate(shown):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or predicate}; the screen was:\n{shown}")


def keys(session: str, *keys: str, literal: bool = False) -> None:
    """Type `keys` (tmux key names, or text with `literal`)."""
    subprocess.run(tmux(session, "send-keys", "-t", session, *(["-l"] if literal else []), *keys), check=True)
