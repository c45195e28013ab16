"""The floor as `watch` last saw it, so a console opens in a blink instead of refolding
the whole shift.

`floorconsole watch` folds the feed all shift long; every few seconds (once it is caught
up) it writes the `Floor` with the exact feed position it corresponds to. A console
starting on the same records database loads that file, checks that it belongs to the same
feed and the same shift, and resumes the feed from that position: it applies only what
was written since, so the figures are exactly those of a full refold (tested), and its
first correct frame no longer depends on the length of the shift.

The file is a pickle of plain data (the Floor's fields without its handler tables),
read back with an unpickler that admits only the floor's own data classes and a few
containers: a planted file cannot run code. It is also refused unless it is owned by this
user or root and nobody else may write it. Anything wrong (absent, another feed, another
shift, damaged, foreign) means a full refold, never a failure: a snapshot is an
optimisation.
"""

from __future__ import annotations

import io
import os
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorconsole.safe_write import write_private
from floorconsole.tail import Position

if TYPE_CHECKING:
    from floorconsole.floor import Floor

FORMAT = 1
# Attributes of a Floor that are tables of bound methods: rebuilt on load, never stored.
_HANDLER_TABLES = ("_ql", "_all")
# What a snapshot may contain besides builtin scalars, lists, dicts and tuples.
_ALLOWED = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("collections", "deque"),
    ("collections", "Counter"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("floorconsole.snapshot", "FloorSnapshot"),
    ("floorconsole.tail", "Position"),
}
_ALLOWED_MODULES = (
    "floorconsole.floor",
    "floorconsole.floor_model",
    "floorconsole.shifts",
    "floorconsole.config",
    "floorconsole.measures",
    "floorconsole.rejects",
    "floorconsole.events",
    "floorconsole.layout",
)


def snapshot_file_for(db_path: str | os.PathLike[str], position_file: Path) -> Path:
    """Next to the records database, named after the feed's position file."""
    return Path(db_path).parent / (Path(position_file).stem.replace(".feedpos-", ".floor-") + ".snapshot")


@dataclass
class FloorSnapshot:
    """One saved floor: which feed, which shift window, where in the feed, and the state."""

    format: int
    feed: str  # absolute path of the feed
    window_start: float
    window_end: float
    position: Position
    state: dict[str, Any]  # the Floor's fields, handler tables left out
    taken_at: float


def take(floor: Floor, feed: Path, window: tuple[float, float], position: Position, now: float) -> bytes:
    """The snapshot as bytes (call under the engine's lock: it reads the live Floor)."""
    state = {k: v for k, v in vars(floor).items() if k not in _HANDLER_TABLES}
    snap = FloorSnapshot(FORMAT, str(Path(feed).absolute()), window[0], window[1], position, state, now)
    return pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)


def write(path: Path, data: bytes) -> None:
    """Replace the snapshot file atomically (mode 0600)."""
    write_private(path, data)


class _DataOnly(pickle.Unpickler):
    """Admits the floor's data classes and plain containers; refuses everything else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or (module in _ALLOWED_MODULES and not name.startswith("_")):
            obj = super().find_class(module, name)
            if isinstance(obj, type):
                return obj
        raise pickle.UnpicklingError(f"not floor data: {module}.{name}")


def read(path: Path, feed: Path, window_start: float) -> tuple[Floor | None, Position | None, str]:
    """(floor, position, "") when the snapshot at `path` belongs to `feed` and the shift
    starting at `window_start`; else (None, None, why not)."""
    from floorconsole.floor import Floor

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, None, "no snapshot"
    except OSError as exc:
        return None, None, f"snapshot unreadable: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return None, None, "snapshot is not a regular file"
    if st.st_uid not in (os.geteuid(), 0) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None, None, "snapshot not trusted: owned by another user or writable by others"
    try:
        snap = _DataOnly(io.BytesIO(Path(path).read_bytes())).load()
    except Exception as exc:  # noqa: BLE001 - damaged or foreign: refold instead
        return None, None, f"snapshot unusable: {type(exc).__name__}: {exc}"
    if not isinstance(snap, FloorSnapshot) or snap.format != FORMAT:
        return None, None, "snapshot of another format"
    if snap.feed != str(Path(feed).absolute()):
        return None, None, "snapshot of another feed"
    if snap.window_start != window_start:
        return None, None, "snapshot of another shift"
    floor = Floor.__new__(Floor)
    floor.__dict__.update(snap.state)
    floor._ql = floor._handlers(include_jsonl=False)
    floor._all = floor._handlers(include_jsonl=True)
    return floor, snap.position, ""
