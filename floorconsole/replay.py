"""Fold whole feed files into a `Floor`, reading in big chunks (stats, shift report)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from floorconsole.config import Thresholds
from floorconsole.floor import MAX_LINE, Floor
from floorconsole.layout import FloorLayout

CHUNK = 1 << 20  # 1 MiB: large enough that per-block costs vanish, small enough for RAM


def read_blocks(path: str | os.PathLike[str], chunk: int = CHUNK) -> Iterator[bytes]:
    """Yield blocks of complete lines from `path`; a last line without newline comes last.

    A run longer than `MAX_LINE` with no newline is not buffered: its first `MAX_LINE`
    bytes are yielded as one (too long, so rejected) line and the rest is skipped up to
    the next newline, so memory stays bounded whatever the file holds.
    """
    carry = b""
    skipping = False
    with open(path, "rb") as f:
        while True:
            data = f.read(chunk)
            if not data:
                break
            if skipping:
                nl = data.find(b"\n")
                if nl < 0:
                    continue
                data, skipping = data[nl + 1 :], False
            block = carry + data if carry else data
            cut = block.rfind(b"\n")
            if cut < 0:
                if len(block) > MAX_LINE:
                    yield block[: MAX_LINE + 1] + b"\n"
                    carry, skipping = b"", True
                else:
                    carry = block
                continue
            carry = block[cut + 1 :]
            yield block[: cut + 1]
            if len(carry) > MAX_LINE:
                yield carry[: MAX_LINE + 1] + b"\n"
                carry, skipping = b"", True
    if carry:
        yield carry


def fold_files(
    paths: Iterable[str | os.PathLike[str]],
    thresholds: Thresholds,
    layout: FloorLayout | None = None,
    window_start: float | None = None,
    window_end: float | None = None,
    bucket_s: float | None = None,
    feed_format: str = "auto",
) -> Floor:
    """Fold the files, in the given order, into a new Floor and return it.

    Raises FileNotFoundError / PermissionError for a file that cannot be opened.
    """
    floor = Floor(thresholds, layout, window_start, window_end, feed_format=feed_format, bucket_s=bucket_s)
    for path in paths:
        floor.feed(read_blocks(Path(path)))
    return floor
