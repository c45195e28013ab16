"""One fold of the feed over a report period, kept as hourly tallies per queue.

Every report of issue 13 wants the queue measures summed over some range of the period (a
week, a day, an hour, an hour of the day over a week) and per queue; the `Floor` keeps a
`Tally` per queue per hour by the call's entry time when asked (`bucket_s`), so one pass
gives them all and `measures` adds the hours up with DOMAIN.md's formulas (`measures.compute`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from floorconsole.config import Config, Thresholds
from floorconsole.floor import Floor
from floorconsole.i18n import _
from floorconsole.layout import FloorLayout
from floorconsole.measures import QueueMeasures, Tally, compute, total
from floorconsole.report import HOUR, READ_PAST_END_S, feed_blocks, files_since, first_time_in

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FeedBuckets:
    """Hourly tallies per queue over [start, end), and what was read."""

    start: float
    end: float
    buckets: dict[str, dict[float, Tally]]  # queue -> hour start (Unix, multiple of 3600) -> tally
    lines: int = 0
    rejected: int = 0
    files: tuple[str, ...] = ()
    answered_by_agent: dict[str, int] = field(default_factory=dict)

    @property
    def queues(self) -> list[str]:
        return sorted(self.buckets)

    def tally(self, start: float, end: float, queue: str | None = None) -> Tally:
        """The calls that entered in [start, end), one queue or all of them."""
        qs = [self.buckets.get(queue, {})] if queue is not None else list(self.buckets.values())
        return total(t for b in qs for s, t in b.items() if start <= s < end)

    def measures(self, start: float, end: float, queue: str | None = None) -> QueueMeasures:
        """DOMAIN.md's measures of the calls that entered in [start, end)."""
        return compute(queue or "*", self.tally(start, end, queue))

    def hours(self, queue: str | None = None) -> list[float]:
        """Every hour start with a call, in order."""
        qs = [self.buckets.get(queue, {})] if queue is not None else list(self.buckets.values())
        return sorted({s for b in qs for s in b})


def fold_period(
    paths: Iterable[Path],
    thresholds: Thresholds,
    start: float,
    end: float,
    *,
    layout: FloorLayout | None = None,
    feed_format: str = "auto",
    progress: Progress | None = None,
) -> FeedBuckets:
    """Fold `paths` (oldest first) over [start, end) with hourly buckets.

    Rotated files last written before `start` are skipped; reading stops a little past `end`
    (lines arrive slightly out of order). Raises OSError for a file that cannot be read."""
    kept = files_since(paths, start)
    total_bytes = sum(p.stat().st_size for p in kept if p.exists()) or 1
    floor = Floor(thresholds, layout, start, end, feed_format=feed_format, bucket_s=HOUR)
    done = 0
    stop_at = end + READ_PAST_END_S
    for path in kept:
        stopped = False
        for block in feed_blocks(path):
            first = first_time_in(block)
            if first is not None and first >= stop_at:
                stopped = True
                break
            floor.feed([block])
            done += len(block)
            if progress is not None:
                progress(min(done, total_bytes), total_bytes)
        if stopped:
            break
    buckets = {
        name: {s: t for s, t in q.buckets.items() if start - HOUR < s < end}
        for name, q in floor.queues.items()
        if name != "NONE"
    }
    return FeedBuckets(
        start=start,
        end=end,
        buckets={q: b for q, b in buckets.items() if b},
        lines=floor.lines_total,
        rejected=sum(floor.rejects.counts.values()),
        files=tuple(str(p) for p in kept),
        answered_by_agent={a: s.answered for a, s in floor.seats.items() if s.answered},
    )


def fold_or_problem(
    paths: Iterable[Path] | None,
    config: Config,
    start: float,
    end: float,
    *,
    layout: FloorLayout | None = None,
    progress: Progress | None = None,
) -> tuple[FeedBuckets | None, str]:
    """`fold_period` for a report: the buckets, or None and why the feed figures are missing
    (no feed configured, or it could not be read); the rest of the report still comes out."""
    if not paths:
        return None, _("no feed file given or configured")
    try:
        return (
            fold_period(
                paths,
                config.thresholds,
                start,
                end,
                layout=layout,
                feed_format=config.feed_format,
                progress=progress,
            ),
            "",
        )
    except OSError as exc:
        return None, _("feed could not be read: {error}").format(error=exc)
