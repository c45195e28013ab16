"""Driving a program in tmux the way a person would: send keys, read the screen."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def screen(session: str) -> str:
    """What the session's pane shows now (tmux capture-pane)."""
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


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
    subprocess.run(["tmux", "send-keys", "-t", session, *(["-l"] if literal else []), *keys], check=True)
