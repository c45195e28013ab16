"""What every store module needs to do its job: the connection and the floor's settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from floorconsole.checklist import ChecklistItem
from floorconsole.config import Person, ShiftDef
from floorconsole.shifts import shift_at_epoch


@dataclass
class Ctx:
    conn: sqlite3.Connection
    path: Path
    clock: Callable[[], float]
    shifts: tuple[ShiftDef, ...]
    mask_keep: int
    hmac_key: bytes | None
    checklist: tuple[ChecklistItem, ...]
    people: tuple[Person, ...] = field(default=())  # empty: no [people] configured (legacy)
    config_file: str = "the config file"

    def shift_key(self, t: float) -> str:
        """The shift key (e.g. "2026-11-23 day") a moment belongs to."""
        return shift_at_epoch(self.shifts, t).key
