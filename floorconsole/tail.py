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
- several rotations before we look again (a stalled consumer, a burst): after our old
  file, every rotated file written after it is read, oldest first, before the live one
  (found by identity, else by content, else by write time; empty files and copies of
  ours skipped; of `queue_log.1` and `queue_log.1.gz` only the plain one is read, since
  the .gz may still be half written);
- files are told apart by (st_dev, st_ino, fingerprint of the first bytes), so a reused
  inode is not mistaken for the file we were reading, and our content back under a new
  inode (a restore from backup) is continued at our offset, not read again;
- outages (directory unreadable, gone, back): the open file is kept and the position
  with it; a resume position whose file cannot be seen is kept until it can be matched;
- only regular files are read: a FIFO or device at the path is refused (state "not a
  regular file") without ever blocking in open();
- every batch carries the `Position` after its last line: a consumer that stores it and
  passes it back as `resume=` continues with the next line, with no loss or duplicate.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import watchfiles

FP_LEN = 256  # head bytes that identify a file (fewer for short files)
READ_CHUNK = 512 * 1024  # bytes per read: bounds one batch, so a consumer's lock stays short
MAX_LINE = 2 * 1024 * 1024  # a longer "line" is cut here so memory stays bounded
POLL_S = 0.05  # re-check interval when watchfiles cannot watch the directory
WATCH_RETRY_S = 30.0  # after a failed watch, poll this long, then try watching again

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
    def from_dict(cls, raw: dict[str, Any]) -> Position:
        """Inverse of `to_dict`; raises ValueError on a malformed dict. `raw` is decoded
        JSON whose values are not checked yet (hence Any): int() and str() check them."""
        try:
            return cls(
                str(raw["path"]), int(raw["dev"]), int(raw["inode"]), str(raw["fingerprint"]), int(raw["offset"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a saved feed position: {exc}") from None

    def to_json(self) -> str:
        """Serialise for storage."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Position:
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
    # "backfilling", "catching up" (live phase, more is already waiting), "live",
    # "missing file", "unreadable" (the path cannot be looked at) or "not a regular file"
    state: str
    lag_bytes: int  # bytes in the feed after this batch's position (the backlog while backfilling)


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
        rest = name[len(base) :]
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


class NotRegularFile(OSError):
    """The feed path is a FIFO, device, socket or directory: it is refused, never read."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def not_regular_reason(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be a feed if it exists but is not a regular file, else None.

    Reading a FIFO blocks until a writer shows up (and its bytes are gone once read), so
    the follower and the CLI refuse it up front instead of hanging.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISREG(st.st_mode):
        return None
    return f"{os.fspath(path)} is a {_kind(st.st_mode)}, not a regular file"


def _open_regular(path: Path) -> BinaryIO:
    """Open for reading without ever blocking: O_NONBLOCK makes open() of a FIFO return at
    once (a plain file ignores it), and anything but a regular file is refused."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"{path} is a {_kind(st.st_mode)}, not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb", buffering=0)


def _head(path: Path) -> bytes:
    """First FP_LEN bytes of a file's content (decompressed for .gz)."""
    with _open_regular(path) as raw:
        if path.name.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw) as z:
                return z.read(FP_LEN)
        return raw.read(FP_LEN)


def has_head(head: bytes, fp: bytes) -> bool:
    """True when a file whose first bytes are `head` holds the content `fp` was taken of.

    Stricter than `same_head`: the whole (non-empty) fingerprint must be there, so a new
    file whose first few bytes happen to match (every line starts with a similar epoch)
    is not taken for a copy of ours.
    """
    return len(fp) > 0 and head.startswith(fp)


class _Source:
    """One open file being read: its identity, delivered offset and buffered partial line."""

    def __init__(self, path: Path, offset: int = 0) -> None:
        self.path = path
        self.gz = path.name.endswith(".gz")
        self.raw: BinaryIO = _open_regular(path)  # kept open on purpose: rotation renames it
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
            chunk = chunk[nl + 1 :]
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


class _Unavailable(Exception):
    """The feed's directory cannot be looked into right now (permissions, not a directory)."""


class FileFollower:
    """Follow `path` (see the module docstring); iterate `batches()` in a worker thread.

    `since`: backfill rotated files whose last write is at or after this Unix time
    (None: no rotated files, the live file from its start). `resume`: continue exactly
    after a saved Position instead. When the feed cannot be found at all (its directory is
    gone or unreadable) the position is kept and matched again when the file is back;
    only a file that is there and is not ours (by identity or content) gives it up
    (`resume_lost`), and then the live file is read from its start.
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
        self.problem: str | None = None  # one line for a person when the feed cannot be read
        self.resume_lost = False  # the resume file was not found: backfilled from `since`
        self.recovered_lines = 0  # lines read from a copytruncate copy after truncation
        self.watch_error: str | None = None  # why we fell back to polling, if we did
        # after the last line handed out; starts at `resume` so that heartbeats sent while
        # the feed is away still carry it (a consumer storing it must not lose it)
        self.position: Position | None = resume
        self._pending_resume: Position | None = None  # to match once the feed is back
        self._cur: _Source | None = None
        self._lag = 0

    def stop(self) -> None:
        """Ask `batches()` to end; it returns within a few milliseconds."""
        self.stop_event.set()

    # ---- planning the backlog -------------------------------------------------------
    def _siblings(self) -> list[Path]:
        """Rotated files of the feed; raises _Unavailable when the directory cannot be read."""
        try:
            return rotated_siblings(self.path)
        except OSError as exc:  # EACCES, ENOTDIR (a missing directory gives [])
            raise _Unavailable(f"cannot read {self.path.parent}: {exc.strerror or exc}") from None

    def _plan(self) -> list[_Source]:
        """Open every file to read before following live; the live file (if any) last."""
        siblings = self._siblings()
        plan: list[tuple[Path, int]] = []
        if self.resume is not None:
            plan = self._plan_resume(self.resume, siblings)
            if not plan:
                if self._resume_undecided(self.resume):
                    # the feed is away (outage): wait for it rather than read it all again
                    self._pending_resume = self.resume
                    return []
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
        # the live file must be last and be the file at self.path; if it was missing (or is
        # not a regular file), the follow loop waits for it and says why
        return sources

    @property
    def resume_pending(self) -> bool:
        """The resume position could be neither found nor ruled out yet (the feed is out of
        sight): it will be matched when the feed is back."""
        return self._pending_resume is not None

    def _resume_undecided(self, pos: Position) -> bool:
        """True when the resume position can be neither found nor ruled out yet: the path
        is missing, or holds the beginning of our content (a restore still copying)."""
        try:
            head = _head(self.path)
        except FileNotFoundError:
            return True
        except NotRegularFile:
            return True  # the follow loop reports it; a regular file may come back
        except OSError as exc:
            raise _Unavailable(f"cannot read {self.path}: {exc.strerror or exc}") from None
        want = bytes.fromhex(pos.fingerprint)
        return len(head) < len(want) and want.startswith(head)

    def _plan_resume(self, pos: Position, siblings: list[Path]) -> list[tuple[Path, int]]:
        """Where `pos` is now, as (file, offset) pairs to read in order; [] if not found."""
        want_fp = bytes.fromhex(pos.fingerprint)
        candidates = [self.path, *reversed(siblings)]  # newest first: the likeliest match
        for p in candidates:
            try:
                st = os.stat(p)
                head = _head(p)
            except (OSError, EOFError):
                continue
            offset = pos.offset
            if (st.st_dev, st.st_ino) == (pos.dev, pos.inode) and same_head(head, want_fp):
                pass
            elif has_head(head, want_fp):
                # a copy with a new inode and our content: compressed, copytruncate's, or
                # the feed restored from a backup (which may be shorter than our position:
                # everything in it was read, so go on from its end)
                if p == self.path:
                    offset = min(offset, st.st_size)
            else:
                continue
            if p == self.path:
                return [(p, offset)]
            newer = self._distinct(siblings[siblings.index(p) + 1 :], head)
            return [(p, offset), *((q, 0) for q in newer), (self.path, 0)]
        return []

    def _distinct(self, candidates: list[Path], ours: bytes) -> list[Path]:
        """Rotated files to read after ours, in order: not empty, not a copy of ours, and one
        file once (while logrotate compresses, `queue_log.1` and `queue_log.1.gz` both exist:
        the plain one is read, a .gz may still be half written)."""
        chosen: list[tuple[Path, bytes]] = []
        for p in candidates:
            try:
                head = _head(p)
            except (OSError, EOFError):
                continue  # gone, refused, or a .gz still being written
            if not head or (ours and same_head(head, ours)):
                continue
            for i, (q, h) in enumerate(chosen):
                if same_head(h, head):
                    if q.name.endswith(".gz") and not p.name.endswith(".gz"):
                        chosen[i] = (p, head)
                    break
            else:
                chosen.append((p, head))
        return [p for p, _ in chosen]

    def _rotations_after(self, cur: _Source) -> list[Path]:
        """Rotated files written after `cur` (oldest first): the files a second rotation
        moved past us while we were not looking, which must be read before the live one."""
        try:
            siblings = rotated_siblings(self.path)
        except OSError:
            return []
        idx: int | None = None
        for i, p in enumerate(siblings):  # ours by identity ...
            try:
                st = os.stat(p)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (cur.dev, cur.ino):
                idx = i
        if idx is None:  # ... or by content (compressed: the plain file is gone)
            for i, p in enumerate(siblings):
                try:
                    if has_head(_head(p), cur.fp):
                        idx = i
                except (OSError, EOFError):
                    continue
        if idx is not None:
            later = siblings[idx + 1 :]
        else:  # ours was deleted: whatever was written since our last write
            mtime = os.fstat(cur.raw.fileno()).st_mtime_ns
            later = []
            for p in siblings:
                try:
                    if os.stat(p).st_mtime_ns >= mtime:
                        later.append(p)
                except OSError:
                    continue
        return self._distinct(later, cur.fp)

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

    def _drain_rotated(self, path: Path, offset: int = 0) -> Iterator[Batch]:
        """Read a rotated file whole (it will not grow any more), then close it."""
        try:
            src = _Source(path, offset)
        except (OSError, EOFError):
            return  # gone since we listed it, or refused
        try:
            yield from self._drain(src, backfill=False, final=True)
        except (EOFError, OSError) as exc:  # a damaged .gz: what it held up to there was read
            self.problem = f"could not read all of {path.name}: {exc}"
        finally:
            src.close()

    def _batch(self, src: _Source, lines: list[bytes], backfill: bool) -> Batch:
        self.position = src.position()
        lag, behind = self._lag_of(src)
        state = self.state
        if state == "live" and behind:
            state = "catching up"  # more is already waiting: not caught up yet
        if backfill:
            p = self.progress
            lag = max(lag, p.total_bytes - p.done_bytes)
        self._lag = lag
        return Batch(lines, self.position, backfill, state, lag)

    def _lag_of(self, src: _Source) -> tuple[int, bool]:
        """Bytes of the feed after `src`'s position, and whether any are readable now."""
        if src.gz:
            own, more = 0, True  # a compressed file is always an old one: we are behind
        else:
            size = src.size()
            own, more = max(0, size - src.offset), size > src.read_offset
        try:
            st = os.stat(self.path)
            if (st.st_dev, st.st_ino) != (src.dev, src.ino):
                own += st.st_size  # a newer file waits at the path
                more = more or st.st_size > 0
        except OSError:
            pass
        return own, more

    def _advance(self, nbytes: int) -> None:
        if not self.progress.finished and nbytes > 0:
            p = self.progress
            self.progress = Progress(min(p.done_bytes + nbytes, p.total_bytes), p.total_bytes, False)

    def batches(self) -> Iterator[Batch]:
        """Blocking generator of line batches: backlog first, then live, until stopped."""
        while True:
            try:
                sources = self._plan()
                break
            except _Unavailable as exc:
                # nothing can be planned until the directory is readable: wait, keep resume
                self.state, self.problem = "unreadable", str(exc)
                yield Batch([], self.position, True, self.state, 0)
                if self.stop_event.wait(self.recheck_s):
                    return
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
                # gone or not a directory: an open file is still read to its end meanwhile
                yield from self._check()
                yield Batch([], self.position, False, self.state, self._lag)
                self.stop_event.wait(self.recheck_s)
                continue
            # No filter: any event in the directory leads to a look (a stat and a read, cheap).
            # With a filter, other files written more often than the safety re-check (Asterisk's
            # `full` log, our own position file) kept watchfiles from ever timing out while it
            # dropped their events, so an append made before the watch was in place (or any
            # missed event) was not read until the feed's next write: minutes on a quiet night.
            watcher = watchfiles.watch(
                self.path.parent,
                watch_filter=None,
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
                        # e.g. the inotify watch limit, or an unreadable directory: polling
                        # is slower but never blind; watching is tried again after a while
                        self.watch_error = f"{type(exc).__name__}: {exc}"
                        yield from self._poll(WATCH_RETRY_S)
                        break
                    yield from self._check()
                    yield Batch([], self.position, False, self.state, self._lag)
            finally:
                watcher.close()

    def _poll(self, seconds: float) -> Iterator[Batch]:
        """Fallback when the directory cannot be watched: look every POLL_S for `seconds`."""
        last_beat = start = time.monotonic()
        while not self.stop_event.wait(POLL_S):
            before = self.position
            yield from self._check()
            now = time.monotonic()
            if self.position != before or now - last_beat >= self.recheck_s:
                last_beat = now
                yield Batch([], self.position, False, self.state, self._lag)
            if now - start >= seconds:
                return

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
        except OSError as exc:  # EACCES on the directory, ENOTDIR: cannot look, may come back
            self.state = "unreadable"
            self.problem = f"cannot look at {self.path}: {exc.strerror or exc}"
            if cur is not None:
                yield from self._drain(cur, backfill=False)  # an open file still reads
            self._lag = self._measure_lag()
            return
        if st is not None and not stat.S_ISREG(st.st_mode):
            self.state = "not a regular file"
            self.problem = f"{self.path} is a {_kind(st.st_mode)}, not a regular file: not read"
            if cur is not None:
                yield from self._drain(cur, backfill=False)
            self._lag = self._measure_lag()
            return
        if st is None:
            self.state, self.problem = "missing file", None
            if cur is not None:
                # renamed away, or the directory is gone: keep the open file (it may come
                # back as it was, or as a copy) and read what its writer still appends
                yield from self._drain(cur, backfill=False)
            self._lag = self._measure_lag()
            return
        self.state, self.problem = "live", None
        if cur is None:
            try:
                yield from self._open_live()
            except FileNotFoundError:
                self.state = "missing file"
                return
        elif (st.st_dev, st.st_ino) != (cur.dev, cur.ino):
            # renamed away: the writer may still append to our (open) file until it reopens
            yield from self._drain(cur, backfill=False)
            yield from self._moved(cur, st)
        else:
            old_fp = cur.fp
            if st.st_size < cur.read_offset or cur.head_changed():
                yield from self._recover_truncated(cur, old_fp)
                cur.restart_at_zero()
                self.position = cur.position()
            yield from self._drain(cur, backfill=False)
        self._lag = self._measure_lag()

    def _open_live(self) -> Iterator[Batch]:
        """No file open: open the one at the path, at a kept position if it is ours."""
        plan: list[tuple[Path, int]] = [(self.path, 0)]
        pending = self._pending_resume
        if pending is not None:
            try:
                found = self._plan_resume(pending, self._siblings())
                if not found and self._resume_undecided(pending):
                    self.state = "missing file"
                    return  # a restore still copying: look again
            except _Unavailable as exc:
                self.state, self.problem = "unreadable", str(exc)
                return
            self._pending_resume = None
            if found:
                plan = found
            else:
                self.resume_lost = True  # another file: ours is gone for good
        for p, offset in plan[:-1]:  # rotated files the position is in, and newer ones
            yield from self._drain_rotated(p, offset)
        p, offset = plan[-1]
        cur = self._cur = _Source(p, offset)
        self.position = cur.position()
        yield from self._drain(cur, backfill=False)

    def _moved(self, cur: _Source, st: os.stat_result) -> Iterator[Batch]:
        """Another file is at the path than the one we are reading: a rotation (maybe
        several since we last looked), or our own content back under a new inode."""
        try:
            head = _head(self.path)
        except (OSError, EOFError):
            return  # changed again while we looked: next time
        if has_head(head, cur.fp):
            # our content under a new inode (restored from a backup, directory copied
            # back): go on at our offset, not from its start
            new = _Source(self.path, min(cur.offset, st.st_size))
            cur.close()
            cur = self._cur = new
            self.position = cur.position()
            yield from self._drain(cur, backfill=False)
            return
        if head and len(head) < len(cur.fp) and cur.fp.startswith(head):
            return  # maybe our content still being copied back: too early to tell
        later = self._rotations_after(cur)
        if st.st_size == 0 and not later:
            # an empty new file is logrotate's `create` before Asterisk reopens: the old
            # file may still grow
            return
        # the writer moved on (the new file or a newer rotated one has data): ours is final
        yield from self._drain(cur, backfill=False, final=True)
        cur.close()
        self._cur = None
        if st.st_size == 0:
            # the newest rotated file may still be the writer's (the path is an empty
            # `create`): follow it as the current file instead of closing it as final
            for p in later[:-1]:
                yield from self._drain_rotated(p)
            try:
                cur = self._cur = _Source(later[-1])
            except (OSError, EOFError):
                return
            self.position = cur.position()
            yield from self._drain(cur, backfill=False)
            return
        for p in later:
            yield from self._drain_rotated(p)
        try:
            cur = self._cur = _Source(self.path)
        except FileNotFoundError:
            return
        self.position = cur.position()
        yield from self._drain(cur, backfill=False)

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
        except OSError:  # missing or unreadable: only the open file counts
            pass
        return lag
