"""Follow a queue_log as Asterisk writes it: complete lines, exactly once.

`FileFollower(path).batches()` is a blocking generator meant to run in the consumer's
own worker thread (never a UI thread). It

1. backfills: rotated files of the same feed in the directory (`queue_log.1`, `.2`, ...,
   `queue_log-20261123`, plain or `.gz`) whose last write is not before `since`, oldest
   first, then the live file from its start;
2. follows the live file, woken by `watchfiles` watching the *directory* (watching the
   file itself goes blind after a rename-rotation), with a ~1 s safety re-check.

Rules it keeps:
- only complete lines are handed out; a partial last line waits for its newline;
- rename-rotation: the old file (still open) is read to its end before switching, and
  the switch waits until the writer has actually moved (the new file is non-empty),
  because logrotate's `create` makes the new file before Asterisk reopens it;
- copytruncate (size below our offset, or the head bytes changed): the lines we had not
  read yet are recovered from the copy when it is found, then the file is read from 0;
- files are told apart by (st_dev, st_ino, fingerprint of the first bytes), so a reused
  inode is not mistaken for the file we were reading;
- every batch carries the `Position` after its last line: a consumer that stores it and
  passes it back as `resume=` continues with the next line, with no loss or duplicate.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import watchfiles

FP_LEN = 256  # head bytes that identify a file (fewer for short files)
READ_CHUNK = 512 * 1024  # bytes per read: bounds one batch, so a consumer's lock stays short
MAX_LINE = 2 * 1024 * 1024  # a longer "line" is cut here so memory stays bounded
POLL_S = 0.05  # re-check interval when watchfiles cannot watch the directory

# Suffixes rotation tools give the feed: .1, .2 (logrotate/Asterisk), -20261123 or
# -2026112312 (logrotate dateext), .2026-11-23; each optionally gzipped.
_NUMBERED = re.compile(r"^\.(\d+)$")
_DATED = re.compile(r"^[-.](\d{8}(?:\d{2,6})?|\d{4}-\d{2}-\d{2}(?:[-_T]\d{2}(?:[-:]?\d{2}){0,2})?)$")


@dataclass(frozen=True)
class Position:
    """Where reading stopped: the file (by identity) and the offset after the last line."""

    path: str
    dev: int
    inode: int
    fingerprint: str  # hex of the file's first bytes (up to FP_LEN)
    offset: int

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> "Position":
        """Inverse of `to_dict`; raises ValueError on a malformed dict."""
        try:
            return cls(str(raw["path"]), int(raw["dev"]), int(raw["inode"]),  # type: ignore[arg-type]
                       str(raw["fingerprint"]), int(raw["offset"]))  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a saved feed position: {exc}") from None

    def to_json(self) -> str:
        """Serialise for storage."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Position":
        """Inverse of `to_json`."""
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True)
class Progress:
    """Backfill progress: bytes read of the backlog found at start."""

    done_bytes: int
    total_bytes: int
    finished: bool


@dataclass(frozen=True)
class Batch:
    """Complete lines (without their newline) and the position just after the last one.

    An empty `lines` is a heartbeat (sent about once a second and on state changes) so the
    consumer regains control even on a quiet feed.
    """

    lines: list[bytes]
    position: Position | None
    backfill: bool
    state: str  # "backfilling", "live" or "missing file"
    lag_bytes: int


def same_head(a: bytes, b: bytes) -> bool:
    """True when two fingerprints agree on their common prefix (a file's head only grows)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def rotated_siblings(path: Path) -> list[Path]:
    """Rotated files of the feed at `path` in its directory, oldest first.

    Ordered by last write time (rotation order), ties broken by name: a higher number is
    older, an earlier date is older.
    """
    base = path.name
    found: list[tuple[int, tuple[int, str], Path]] = []
    try:
        entries = list(os.scandir(path.parent))
    except FileNotFoundError:
        return []
    for entry in entries:
        name = entry.name
        if not name.startswith(base) or name == base:
            continue
        rest = name[len(base):]
        if rest.endswith(".gz"):
            rest = rest[:-3]
        if m := _NUMBERED.match(rest):
            key = (-int(m.group(1)), "")
        elif m := _DATED.match(rest):
            key = (0, m.group(1))
        else:
            continue
        try:
            st = entry.stat()
        except FileNotFoundError:
            continue  # rotated away while we looked
        if not entry.is_file():
            continue
        found.append((st.st_mtime_ns, key, Path(entry.path)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in found]


def _head(path: Path) -> bytes:
    """First FP_LEN bytes of a file's content (decompressed for .gz)."""
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read(FP_LEN)
    with open(path, "rb") as f:
        return f.read(FP_LEN)


class _Source:
    """One open file being read: its identity, delivered offset and buffered partial line."""

    def __init__(self, path: Path, offset: int = 0) -> None:
        self.path = path
        self.gz = path.name.endswith(".gz")
        self.raw: BinaryIO = open(path, "rb", buffering=0)  # noqa: SIM115 - kept open on purpose
        st = os.fstat(self.raw.fileno())
        self.dev, self.ino = st.st_dev, st.st_ino
        self.stream: BinaryIO | None = None
        self.offset = 0  # file offset just after the last complete line handed out
        self.pending = bytearray()  # bytes after `offset` read but not yet a complete line
        self.discarding = False  # inside an over-long line: drop bytes up to its newline
        if self.gz:
            self.stream = gzip.GzipFile(fileobj=self.raw)  # type: ignore[assignment]
            self.fp = self.stream.read(FP_LEN)  # type: ignore[union-attr]
            self.stream.seek(0)  # type: ignore[union-attr]
            self._skip_gz(offset)
        else:
            self.fp = os.pread(self.raw.fileno(), FP_LEN, 0)
            self.offset = offset

    def _skip_gz(self, offset: int) -> None:
        # gzip streams cannot seek cheaply: read and drop up to the resume offset
        left = offset
        while left > 0:
            got = self.stream.read(min(left, READ_CHUNK))  # type: ignore[union-attr]
            if not got:
                break
            left -= len(got)
        self.offset = offset - left

    def close(self) -> None:
        """Release the file descriptor."""
        if self.stream is not None:
            self.stream.close()
        self.raw.close()

    @property
    def read_offset(self) -> int:
        return self.offset + len(self.pending)

    def size(self) -> int:
        """Bytes in the file now (compressed size for .gz)."""
        return os.fstat(self.raw.fileno()).st_size

    def refresh_fp(self) -> bytes:
        """Re-read the head; a short fingerprint grows as the file does."""
        if not self.gz:
            self.fp = os.pread(self.raw.fileno(), FP_LEN, 0)
        return self.fp

    def head_changed(self) -> bool:
        """True when the head is no longer ours (rewritten in place); else grow the fingerprint."""
        head = os.pread(self.raw.fileno(), FP_LEN, 0)
        if not same_head(head, self.fp):
            return True
        if len(head) > len(self.fp):
            self.fp = head
        return False

    def position(self) -> Position:
        return Position(str(self.path), self.dev, self.ino, self.fp.hex(), self.offset)

    def read_lines(self) -> list[bytes] | None:
        """Read one chunk; complete lines in it (maybe none), or None at end of file."""
        if self.stream is not None:
            chunk = self.stream.read(READ_CHUNK)
        else:
            chunk = os.pread(self.raw.fileno(), READ_CHUNK, self.read_offset)
        if not chunk:
            return None
        return self._split(chunk)

    def _split(self, chunk: bytes) -> list[bytes]:
        if self.discarding:
            nl = chunk.find(b"\n")
            if nl < 0:
                self.offset += len(chunk)
                return []
            self.offset += nl + 1
            self.discarding = False
            chunk = chunk[nl + 1:]
        self.pending += chunk
        last_nl = self.pending.rfind(b"\n")
        if last_nl < 0:
            if len(self.pending) > MAX_LINE:
                # never-ending line: hand out its head (the parser rejects it) and drop the rest
                line = bytes(self.pending[:MAX_LINE])
                self.offset += len(self.pending)
                self.pending.clear()
                self.discarding = True
                return [line]
            return []
        complete = bytes(self.pending[: last_nl + 1])
        del self.pending[: last_nl + 1]
        self.offset += last_nl + 1
        lines = complete.split(b"\n")[:-1]
        if len(complete) > MAX_LINE:  # cheap test first: the per-line cut is rarely needed
            lines = [x[:MAX_LINE] for x in lines]
        return lines

    def take_tail(self) -> list[bytes]:
        """The unterminated last line of a file that will not grow any more."""
        if not self.pending or self.discarding:
            return []
        line = bytes(self.pending)
        self.offset += len(self.pending)
        self.pending.clear()
        return [line]

    def restart_at_zero(self) -> None:
        """The file was truncated in place: read it again from its start."""
        self.offset = 0
        self.pending.clear()
        self.discarding = False
        self.refresh_fp()


class FileFollower:
    """Follow `path` (see the module docstring); iterate `batches()` in a worker thread.

    `since`: backfill rotated files whose last write is at or after this Unix time
    (None: no rotated files, the live file from its start). `resume`: continue exactly
    after a saved Position instead (falls back to `since` if that file is gone).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        resume: Position | None = None,
        since: float | None = None,
        stop_event: threading.Event | None = None,
        step_ms: int = 5,
        debounce_ms: int = 50,
        recheck_s: float = 1.0,
    ) -> None:
        self.path = Path(path).absolute()
        self.resume = resume
        self.since = since
        self.stop_event = stop_event or threading.Event()
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        self.recheck_s = recheck_s
        self.progress = Progress(0, 0, False)
        self.state = "backfilling"
        self.resume_lost = False  # the resume file was not found: backfilled from `since`
        self.recovered_lines = 0  # lines read from a copytruncate copy after truncation
        self.watch_error: str | None = None  # why we fell back to polling, if we did
        self.position: Position | None = None  # after the last line handed out
        self._cur: _Source | None = None
        self._lag = 0

    def stop(self) -> None:
        """Ask `batches()` to end; it returns within a few milliseconds."""
        self.stop_event.set()

    # ---- planning the backlog -------------------------------------------------------
    def _plan(self) -> list[_Source]:
        """Open every file to read before following live; the live file (if any) last."""
        siblings = rotated_siblings(self.path)
        plan: list[tuple[Path, int]] = []
        if self.resume is not None:
            plan = self._plan_resume(siblings)
            if not plan:
                self.resume_lost = True
        if not plan:
            if self.since is not None:
                for p in siblings:
                    try:
                        if os.stat(p).st_mtime >= self.since:
                            plan.append((p, 0))
                    except FileNotFoundError:
                        continue
            plan.append((self.path, 0))
        sources: list[_Source] = []
        for p, offset in plan:
            try:
                sources.append(_Source(p, offset))
            except (FileNotFoundError, EOFError, gzip.BadGzipFile, OSError):
                continue  # rotated away or unreadable since we listed it: skip it
        # the live file must be last and be the file at self.path; if it was missing, the
        # follow loop waits for it
        return sources

    def _plan_resume(self, siblings: list[Path]) -> list[tuple[Path, int]]:
        pos = self.resume
        assert pos is not None
        want_fp = bytes.fromhex(pos.fingerprint)
        candidates = [self.path, *reversed(siblings)]  # newest first: the likeliest match
        for p in candidates:
            try:
                st = os.stat(p)
                head = _head(p)
            except (FileNotFoundError, OSError, EOFError):
                continue
            same_inode = (st.st_dev, st.st_ino) == (pos.dev, pos.inode)
            # a compressed or copytruncate copy has a new inode but the same content head
            copy = p != self.path and len(want_fp) > 0 and same_head(head, want_fp)
            if (same_inode and same_head(head, want_fp)) or copy:
                if p == self.path:
                    return [(p, pos.offset)]
                newer = siblings[siblings.index(p) + 1:]
                return [(p, pos.offset), *((q, 0) for q in newer), (self.path, 0)]
        return []

    # ---- reading --------------------------------------------------------------------
    def _drain(self, src: _Source, backfill: bool, final: bool = False) -> Iterator[Batch]:
        """Read `src` to its current end, a batch per chunk."""
        while True:
            if self.stop_event.is_set():
                return  # stopped mid-file: keep the partial tail for nobody, it is not final
            before = src.read_offset
            lines = src.read_lines()
            if lines is None:
                break
            self._advance(src.read_offset - before if not src.gz else 0)
            if lines:
                yield self._batch(src, lines, backfill)
        if final:
            tail = src.take_tail()
            if tail:
                yield self._batch(src, tail, backfill)

    def _batch(self, src: _Source, lines: list[bytes], backfill: bool) -> Batch:
        self.position = src.position()
        return Batch(lines, self.position, backfill, self.state, self._lag)

    def _advance(self, nbytes: int) -> None:
        if not self.progress.finished and nbytes > 0:
            p = self.progress
            self.progress = Progress(min(p.done_bytes + nbytes, p.total_bytes), p.total_bytes, False)

    def batches(self) -> Iterator[Batch]:
        """Blocking generator of line batches: backlog first, then live, until stopped."""
        sources = self._plan()
        live: _Source | None = None
        if sources and sources[-1].path == self.path:
            live = sources.pop()
        total = sum(max(0, s.size() - (s.offset if not s.gz else 0)) for s in sources)
        if live is not None:
            total += max(0, live.size() - live.offset)
        self.progress = Progress(0, total, False)
        self.state = "backfilling"
        try:
            for src in sources:
                try:
                    yield from self._drain(src, backfill=True, final=True)
                    if src.gz:
                        self._advance(src.size())
                finally:
                    src.close()
                if self.stop_event.is_set():
                    return
            self._cur = live
            if live is not None:
                self.position = live.position()
                yield from self._drain(live, backfill=True)
            self.progress = Progress(total, total, True)
            self.state = "live" if self._cur is not None else "missing file"
            yield from self._follow()
        finally:
            for src in sources:
                if not src.raw.closed:
                    src.close()
            if self._cur is not None:
                self._cur.close()
                self._cur = None

    def _follow(self) -> Iterator[Batch]:
        """Live phase: wait for directory events (or the safety re-check), then look."""
        while not self.stop_event.is_set():
            if not self.path.parent.is_dir():
                self.state = "missing file"
                yield Batch([], self.position, False, self.state, 0)
                self.stop_event.wait(self.recheck_s)
                continue
            name = self.path.name
            watcher = watchfiles.watch(
                self.path.parent,
                watch_filter=lambda _change, p: os.path.basename(p).startswith(name),
                debounce=self.debounce_ms,
                step=self.step_ms,
                rust_timeout=int(self.recheck_s * 1000),
                yield_on_timeout=True,
                stop_event=self.stop_event,
                raise_interrupt=False,
                recursive=False,
            )
            try:
                yield from self._check()
                yield Batch([], self.position, False, self.state, self._lag)
                while not self.stop_event.is_set():
                    try:
                        next(watcher)
                    except StopIteration:
                        return  # stop_event was set
                    except FileNotFoundError:
                        break  # the directory went away under the watcher: wait for it again
                    except (OSError, RuntimeError) as exc:
                        # e.g. the inotify watch limit: polling is slower but never blind
                        self.watch_error = f"{type(exc).__name__}: {exc}"
                        yield from self._poll_forever()
                        return
                    yield from self._check()
                    yield Batch([], self.position, False, self.state, self._lag)
            finally:
                watcher.close()

    def _poll_forever(self) -> Iterator[Batch]:
        """Fallback when the directory cannot be watched: look every POLL_S."""
        last_beat = time.monotonic()
        while not self.stop_event.wait(POLL_S):
            before = self.position
            yield from self._check()
            if self.position != before or time.monotonic() - last_beat >= self.recheck_s:
                last_beat = time.monotonic()
                yield Batch([], self.position, False, self.state, self._lag)

    def _check(self) -> Iterator[Batch]:
        """Look at the path first (rotation, truncation, new file), then read what is new.

        Identity is checked before reading: reading first could take the rewritten head
        of a truncated file for a continuation of ours.
        """
        cur = self._cur
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            st = None
        if cur is None:
            if st is None:
                self.state = "missing file"
                self._lag = 0
                return
            try:
                cur = self._cur = _Source(self.path)
            except FileNotFoundError:
                return
            self.state = "live"
            self.position = cur.position()
            yield from self._drain(cur, backfill=False)
        elif st is None or (st.st_dev, st.st_ino) != (cur.dev, cur.ino):
            # renamed away: the writer may still append to our (open) file until it reopens
            yield from self._drain(cur, backfill=False)
            if st is not None and st.st_size > 0:
                # the new file has data, so the writer moved and the old file is final;
                # (an empty new file is logrotate's `create` before Asterisk reopens)
                yield from self._drain(cur, backfill=False, final=True)
                cur.close()
                self._cur = None
                try:
                    cur = self._cur = _Source(self.path)
                except FileNotFoundError:
                    return
                self.position = cur.position()
                yield from self._drain(cur, backfill=False)
        else:
            old_fp = cur.fp
            if st.st_size < cur.read_offset or cur.head_changed():
                yield from self._recover_truncated(cur, old_fp)
                cur.restart_at_zero()
                self.position = cur.position()
            yield from self._drain(cur, backfill=False)
        self._lag = self._measure_lag()

    def _recover_truncated(self, cur: _Source, old_fp: bytes) -> Iterator[Batch]:
        """After copytruncate, read what we had not read yet from the copy, if it exists."""
        for p in reversed(rotated_siblings(self.path)):
            if p.name.endswith(".gz"):
                continue
            try:
                if not same_head(_head(p), old_fp) or os.stat(p).st_size <= cur.offset:
                    continue
                copy = _Source(p, cur.offset)
            except (FileNotFoundError, OSError):
                continue
            try:
                # positions point into the copy, so a resume finds it and goes on from there
                for batch in self._drain(copy, backfill=False, final=True):
                    self.recovered_lines += len(batch.lines)
                    yield batch
            finally:
                copy.close()
            return

    def _measure_lag(self) -> int:
        cur = self._cur
        if cur is None:
            return 0
        lag = max(0, cur.size() - cur.offset)
        try:
            st = os.stat(self.path)
            if (st.st_dev, st.st_ino) != (cur.dev, cur.ino):
                lag += st.st_size
        except FileNotFoundError:
            pass
        return lag
