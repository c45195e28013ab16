"""The feed position kept on disk, so a restarted process knows how far the last one got.

`PositionFile(path, feed_path)` stores one `tail.Position` as JSON:

    {"format": 1, "feed": "/var/log/asterisk/queue_log", "position": {...}}

Writes are atomic (a 0600 temp file in the same directory, fsync, rename over the old
one, fsync of the directory), so a crash leaves the old position or the new one, never
half of either. `maybe_save` writes at most every `min_interval_s` (the engine calls it
after every applied batch); `flush` writes the latest one at once (on stop).

A missing, damaged or foreign file (another feed's) loads as None with `load_error`
saying why: a position is an optimisation, never a reason not to start.
See docs/feeds.md, "Rotation, outages and the feed position".
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from floorconsole.tail import Position

FORMAT = 1


def position_file_for(db_path: str | os.PathLike[str], feed_path: str | os.PathLike[str]) -> Path:
    """The conventional place for a feed's position: next to the records database, one
    file per feed (a console may be pointed at another feed on another day)."""
    db = Path(db_path)
    digest = hashlib.sha256(str(Path(feed_path).absolute()).encode()).hexdigest()[:12]
    return db.parent / f"{db.stem}.feedpos-{digest}.json"


class PositionFile:
    """One feed's persisted position (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        feed_path: str | os.PathLike[str],
        *,
        min_interval_s: float = 1.0,
        timer: Callable[[], float] = time.monotonic,  # throttling only: never the wall clock
    ) -> None:
        self.path = Path(path)
        self.feed = str(Path(feed_path).absolute())
        self.min_interval_s = min_interval_s
        self.timer = timer
        self.load_error: str | None = None
        self.save_error: str | None = None
        self._saved: Position | None = None
        self._latest: Position | None = None
        self._last_write: float | None = None

    def load(self) -> Position | None:
        """The stored position of this feed, or None (absent, unreadable, damaged, other feed)."""
        self.load_error = None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("format") != FORMAT:
                raise ValueError("unknown format")
            if raw.get("feed") != self.feed:
                self.load_error = f"{self.path} is for another feed ({raw.get('feed')!r})"
                return None
            pos = Position.from_dict(raw["position"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
            self.load_error = f"ignored {self.path}: {exc}"
            return None
        self._saved = pos
        return pos

    def maybe_save(self, pos: Position | None) -> bool:
        """Remember `pos`; write it if the last write is `min_interval_s` old. True if written."""
        if pos is None:
            return False
        self._latest = pos
        now = self.timer()
        if self._last_write is not None and now - self._last_write < self.min_interval_s:
            return False
        return self.flush()

    def flush(self) -> bool:
        """Write the latest remembered position now (if it changed). True if written."""
        pos = self._latest
        if pos is None or pos == self._saved:
            return False
        try:
            self.save(pos)
        except OSError as exc:  # a full disk must not stop the feed; shown by the engine
            self.save_error = f"cannot save the feed position to {self.path}: {exc.strerror or exc}"
            return False
        self.save_error = None
        return True

    def save(self, pos: Position) -> None:
        """Write `pos` atomically (tmp + fsync + rename, mode 0600); raises OSError."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = json.dumps({"format": FORMAT, "feed": self.feed, "position": pos.to_dict()}, sort_keys=True)
        # mkstemp creates the file 0600 and in the same directory, so the rename is atomic
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:  # make the rename itself durable
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass  # some filesystems refuse fsync on a directory; the file itself is synced
        self._saved = pos
        self._last_write = self.timer()
