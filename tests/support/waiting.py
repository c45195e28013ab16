"""Waiting on a condition instead of sleeping "long enough" (2 shared cores are slow)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def until(pilot: Any, condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout:.0f} s: {what or condition}")
        await pilot.pause(0.02)


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Block until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout:.0f} s: {what or condition}")
        time.sleep(0.01)
