"""Helpers shared by the store tests (no tests here; named test_store_* to stay in the store's files)."""

from __future__ import annotations

import itertools
from pathlib import Path

from floorconsole.identity import Actor
from floorconsole.store import Store

LI = Actor("Li Na", "lina", "pts/1")
WANG = Actor("Wang Wei", "wangw", "pts/2")


class FakeClock:
    """A deterministic clock: each call moves one second on."""

    def __init__(self, start: float = 1_795_400_000.0) -> None:
        self._it = itertools.count()
        self.start = start

    def __call__(self) -> float:
        return self.start + next(self._it)


def open_store(tmp_path: Path, name: str = "floor.db", **kw) -> Store:
    kw.setdefault("clock", FakeClock())
    return Store(tmp_path / name, **kw)
