"""FileFollower regressions from issue 9: rotations while the consumer stalls (item 5),
outages of the feed directory (item 6), a FIFO as the feed (item 13), and the state it
reports while catching up. Real files, real renames, real FIFOs; no mocks.

The follower is driven straight through its generator here: between two `next()` calls
it is suspended exactly as it is when the engine's worker is stuck on the Floor's lock.
"""

from __future__ import annotations

import gzip
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from floorconsole.tail import Batch, FileFollower


def line(i: int, tag: str = "L") -> bytes:
    return f"{1700000000 + i}|call-{tag}{i}|q1|SIP/1|ENTERQUEUE||555{i}|1".encode()


def lines(r: range, tag: str = "L") -> bytes:
    return b"".join(line(i, tag) + b"\n" for i in r)


class Driver:
    """Pulls batches from a follower's generator in the test's own thread."""

    def __init__(self, path: Path, **kwargs) -> None:
        kwargs.setdefault("recheck_s", 0.2)
        self.follower = FileFollower(path, **kwargs)
        self.gen: Iterator[Batch] = self.follower.batches()
        self.lines: list[bytes] = []
        self.batches: list[Batch] = []

    def pull(self) -> Batch:
        batch = next(self.gen)
        self.batches.append(batch)
        self.lines.extend(batch.lines)
        return batch

    def until(self, pred, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"not met in time; got {len(self.lines)} lines, "
                    f"last state {self.batches[-1].state if self.batches else None}"
                )
            self.pull()

    def lines_until(self, n: int, timeout: float = 5.0) -> list[bytes]:
        self.until(lambda: len(self.lines) >= n, timeout)
        return list(self.lines)

    def settle(self, seconds: float = 0.5) -> None:
        """Keep pulling for a while: nothing more may come out (no line twice)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pull()

    def live(self) -> None:
        self.until(lambda: self.follower.progress.finished and self.batches[-1].state == "live")

    def close(self) -> None:
        self.follower.stop()
        self.gen.close()


# ---- item 5: two rotations before the follower looks again --------------------------


def test_two_rename_rotations_while_stalled_lose_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "queue_log"
    w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
    w.write(lines(range(0, 10)))
    d = Driver(feed)
    try:
        assert d.lines_until(10) == [line(i) for i in range(10)]
        d.live()
        # the consumer is stalled (no next()): the writer goes on and logrotate runs twice
        w.write(lines(range(10, 20)))
        os.rename(feed, tmp_path / "queue_log.1")
        w.close()
        w = open(feed, "ab", buffering=0)  # the writer reopens: file B  # noqa: SIM115
        w.write(lines(range(20, 30)))
        os.rename(tmp_path / "queue_log.1", tmp_path / "queue_log.2")
        os.rename(feed, tmp_path / "queue_log.1")
        w.close()
        w = open(feed, "ab", buffering=0)  # file C  # noqa: SIM115
        w.write(lines(range(30, 40)))
        got = d.lines_until(40)
        assert got == [line(i) for i in range(40)]
        d.settle()
        assert len(d.lines) == 40, "no line twice"
        w.write(lines(range(40, 45)))
        assert d.lines_until(45)[40:] == [line(i) for i in range(40, 45)]
    finally:
        w.close()
        d.close()


def test_two_rotations_with_an_empty_new_file_read_the_middle_one_now(tmp_path: Path) -> None:
    """logrotate `create`: the newest file is still empty. The middle file's lines must not
    wait for the writer's next line (the position is not caught up until they are read)."""
    feed = tmp_path / "queue_log"
    w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
    w.write(lines(range(0, 5)))
    d = Driver(feed)
    try:
        d.lines_until(5)
        d.live()
        w.write(lines(range(5, 10)))
        os.rename(feed, tmp_path / "queue_log.1")
        w.close()
        w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
        w.write(lines(range(10, 20)))
        os.rename(tmp_path / "queue_log.1", tmp_path / "queue_log.2")
        os.rename(feed, tmp_path / "queue_log.1")
        feed.write_bytes(b"")  # `create`: the writer has not reopened yet, it is still on B
        w.write(lines(range(20, 25)))
        assert d.lines_until(25) == [line(i) for i in range(25)]
        w.close()
        w = open(feed, "ab", buffering=0)  # now it reopens  # noqa: SIM115
        w.write(lines(range(25, 30)))
        assert d.lines_until(30) == [line(i) for i in range(30)]
        d.settle(0.3)
        assert len(d.lines) == 30
    finally:
        w.close()
        d.close()


def test_two_rotations_with_compression_read_the_gz_in_order(tmp_path: Path) -> None:
    """`compress` without `delaycompress`: both rotated files exist only as .gz when the
    follower looks again. Ours is still open; the middle one is read from its .gz."""
    feed = tmp_path / "queue_log"
    w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
    w.write(lines(range(0, 10)))
    d = Driver(feed)

    def rotate_compressed() -> None:
        one, two = tmp_path / "queue_log.1.gz", tmp_path / "queue_log.2.gz"
        if one.exists():
            os.rename(one, two)
        os.rename(feed, tmp_path / "queue_log.1")
        with open(tmp_path / "queue_log.1", "rb") as src, gzip.open(one, "wb") as z:
            shutil.copyfileobj(src, z)
        os.unlink(tmp_path / "queue_log.1")

    try:
        d.lines_until(10)
        d.live()
        w.write(lines(range(10, 15)))
        rotate_compressed()
        w.close()
        w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
        w.write(lines(range(15, 30)))
        rotate_compressed()
        w.close()
        w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
        w.write(lines(range(30, 35)))
        assert d.lines_until(35) == [line(i) for i in range(35)]
        d.settle(0.3)
        assert len(d.lines) == 35
    finally:
        w.close()
        d.close()


def test_a_plain_and_a_gz_copy_of_the_middle_file_are_read_once(tmp_path: Path) -> None:
    """While logrotate compresses, queue_log.1 and queue_log.1.gz both exist: one is read."""
    feed = tmp_path / "queue_log"
    w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
    w.write(lines(range(0, 5)))
    d = Driver(feed)
    try:
        d.lines_until(5)
        d.live()
        os.rename(feed, tmp_path / "queue_log.1")
        w.close()
        w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
        w.write(lines(range(5, 15)))
        os.rename(tmp_path / "queue_log.1", tmp_path / "queue_log.2")
        os.rename(feed, tmp_path / "queue_log.1")
        with gzip.open(tmp_path / "queue_log.1.gz", "wb") as z:
            z.write((tmp_path / "queue_log.1").read_bytes())
        w.close()
        w = open(feed, "ab", buffering=0)  # noqa: SIM115 - the writer's handle outlives renames, as Asterisk's does
        w.write(lines(range(15, 20)))
        assert d.lines_until(20) == [line(i) for i in range(20)]
        d.settle(0.3)
        assert len(d.lines) == 20
    finally:
        w.close()
        d.close()


# ---- item 6: outages --------------------------------------------------------------


def _make_unreadable(directory: Path, away: Path) -> None:
    """Make `directory` impossible to look into. chmod 000 does not stop root, so as root
    the directory is moved away and a plain file takes its name (stat of the feed then
    fails with ENOTDIR instead of EACCES: the same "cannot look" path in the follower)."""
    if os.geteuid() != 0:
        directory.chmod(0)
    else:
        os.rename(directory, away)
        directory.write_bytes(b"not a directory\n")


def _undo_unreadable(directory: Path, away: Path) -> None:
    if os.geteuid() != 0:
        directory.chmod(0o755)
    else:
        directory.unlink()
        os.rename(away, directory)


@pytest.mark.parametrize("back_as", ["same inode", "restored copy"])
def test_outage_then_the_same_file_back_is_not_read_again(tmp_path: Path, back_as: str) -> None:
    d_dir = tmp_path / "asterisk"
    d_dir.mkdir()
    feed = d_dir / "queue_log"
    feed.write_bytes(lines(range(0, 20)))
    d = Driver(feed)
    away = tmp_path / "asterisk.away"
    try:
        d.lines_until(20)
        d.live()
        # unreadable
        _make_unreadable(d_dir, away)
        d.settle(0.5)
        assert d.batches[-1].state == "unreadable"
        _undo_unreadable(d_dir, away)
        # gone
        os.rename(d_dir, away)
        d.settle(0.5)
        assert d.batches[-1].state == "missing file"
        # back
        if back_as == "same inode":
            os.rename(away, d_dir)
        else:
            shutil.copytree(away, d_dir)
            shutil.rmtree(away)
        d.settle(0.5)
        assert len(d.lines) == 20, "nothing read twice"
        with open(feed, "ab") as f:
            f.write(lines(range(20, 25)))
        assert d.lines_until(25) == [line(i) for i in range(25)]
        d.settle(0.3)
        assert len(d.lines) == 25
        assert d.batches[-1].state == "live"
    finally:
        if os.geteuid() != 0 and d_dir.exists():
            d_dir.chmod(0o755)
        d.close()


@pytest.mark.parametrize("back_as", ["same inode", "restored copy"])
def test_resume_while_the_directory_is_gone_waits_for_it(tmp_path: Path, back_as: str) -> None:
    """A follower started with a position while the feed is away (the engine restarts its
    follower after an error) must wait for the file, not give the position up and read the
    file again from its start when it comes back."""
    d_dir = tmp_path / "asterisk"
    d_dir.mkdir()
    feed = d_dir / "queue_log"
    feed.write_bytes(lines(range(0, 20)))
    first = Driver(feed)
    first.lines_until(20)
    pos = first.batches[-1].position
    first.close()
    away = tmp_path / "asterisk.away"
    os.rename(d_dir, away)
    d = Driver(feed, resume=pos)
    try:
        d.settle(0.4)
        assert d.batches[-1].state == "missing file"
        if back_as == "same inode":
            os.rename(away, d_dir)
        else:
            shutil.copytree(away, d_dir)
        with open(feed, "ab") as f:
            f.write(lines(range(20, 23)))
        assert d.lines_until(3) == [line(i) for i in range(20, 23)]
        d.settle(0.3)
        assert len(d.lines) == 3
        assert not d.follower.resume_lost
    finally:
        d.close()


# ---- item 13: a FIFO ------------------------------------------------------------------


def test_a_fifo_is_refused_and_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "queue_log"
    os.mkfifo(fifo)
    seen: list[Batch] = []
    follower = FileFollower(fifo, recheck_s=0.1)

    def run() -> None:
        for batch in follower.batches():
            seen.append(batch)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen, "the follower blocked on the FIFO"
        assert seen[-1].state == "not a regular file"
        assert follower.problem and "not a regular file" in follower.problem
        assert not seen[-1].lines
    finally:
        follower.stop()
        t.join(3)
        if t.is_alive():  # unblock a follower stuck in open() so the test run can end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            t.join(3)
    assert not t.is_alive()


# ---- the state while catching up ------------------------------------------------------


def test_not_live_until_caught_up_after_backfill(tmp_path: Path) -> None:
    """What was written while the backfill ran is read in the live phase: until it is all
    read the batches say "catching up" and carry the real lag, never "live" with lag 0."""
    from floorconsole import tail

    feed = tmp_path / "queue_log"
    feed.write_bytes(lines(range(0, 100)))
    d = Driver(feed)
    try:
        d.until(lambda: len(d.lines) == 100)
        assert all(b.state == "backfilling" for b in d.batches)
        # written after the last backfill batch, before the follower looks again
        k = len(d.batches)
        many = lines(range(100, 100 + 3 * tail.READ_CHUNK // 40))
        with open(feed, "ab") as f:
            f.write(many)
        total = feed.stat().st_size
        n = 100 + many.count(b"\n")
        d.lines_until(n)
        for b in d.batches[k:]:
            if b.position is not None and b.lines and b.position.offset < total:
                assert b.state in ("backfilling", "catching up"), b.state
                assert b.lag_bytes == total - b.position.offset
            if b.state == "live":
                assert b.position.offset == total and b.lag_bytes == 0
        d.live()
        assert d.batches[-1].lag_bytes == 0
        # the same in the live phase: a burst written while the consumer was stalled
        k = len(d.batches)
        with open(feed, "ab") as f:
            f.write(lines(range(n, n + 2 * tail.READ_CHUNK // 40), "b"))
        total = feed.stat().st_size
        d.until(lambda: d.batches[-1].position.offset == total)
        states = [b.state for b in d.batches[k:] if b.lines]
        assert states[0] == "catching up" and states[-1] == "live", states
        assert all(s == "catching up" for s in states[:-1]), states
    finally:
        d.close()
