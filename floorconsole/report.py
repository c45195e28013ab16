"""The shift report's data: queue KPIs from a feed fold plus the shift's records.

`build_report` gathers everything (it reads the store and folds the feed's files, so call it
off the UI thread) into a `ShiftReport`. Rendering lives apart: `report_cells` (the rows and
sections every format shares), `report_text` (Markdown, CSV), `report_html` (one
self-contained page) and `report_output` (`render` by format, the private file). The
measures come from the same `Floor` fold as `floorconsole stats` (DOMAIN.md's definitions in
`measures.py`), over the shift's window.

The feed is read once, in order, with hourly buckets; at every hour boundary the floor's
per-minute waiting history is sampled, which gives the hourly peak of waiting callers
without a second pass. Reading stops a few minutes after the window ends.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from floorconsole.config import Config, Thresholds
from floorconsole.floor import Floor
from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.layout import FloorLayout, label_agent
from floorconsole.measures import QueueMeasures
from floorconsole.replay import CHUNK, read_blocks
from floorconsole.shifts import ShiftWindow, parse_hhmm, previous_shift, shift_at, shift_at_epoch
from floorconsole.store import ChainHead, Complaint, Escalation, FollowUp, Handover, PatrolNote, Praise, Store
from floorconsole.store.models import ComplaintSummarySent, Inspection, LogEntry
from floorconsole.tail import rotated_siblings

FORMATS = ("md", "csv", "html")
CSV_BOM = "\ufeff"  # UTF-8 byte-order mark (see render_csv)
HOUR = 3600.0
READ_PAST_END_S = 600.0  # keep reading this long past the window: lines arrive slightly out of order
Progress = Callable[[int, int], None]  # (bytes done, bytes total)


# ----------------------------------------------------------------------------- shifts


def resolve_shift(config: Config, spec: str, now: float) -> ShiftWindow:
    """`current`, `previous`, or a shift key such as `2026-11-23 day`; ValueError if unknown."""
    spec = spec.strip()
    current = shift_at_epoch(config.shifts, now)
    if spec == "current":
        return current
    if spec == "previous":
        return previous_shift(config.shifts, current)
    date_text, _sep, name = spec.partition(" ")
    try:
        day = datetime.strptime(date_text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(
            _("--shift: expected current, previous or a key like '2026-11-23 day', got {spec}").format(spec=repr(spec))
        ) from None
    defs = {s.name: s for s in config.shifts}
    if name not in defs:
        raise ValueError(
            _("--shift: no shift named {name}; configured: {defs}").format(name=repr(name), defs=", ".join(defs))
        )
    start = datetime.combine(day, parse_hhmm(defs[name].start)).astimezone()
    window = shift_at(config.shifts, start)
    if window.key != spec:
        raise ValueError(_("--shift: {spec} is not a shift start").format(spec=repr(spec)))
    return window


def feed_files(feed: Path) -> list[Path]:
    """The feed's rotated files, oldest first, then the live file (if it exists)."""
    files = rotated_siblings(feed)
    if feed.exists():
        files.append(feed)
    return files


# ----------------------------------------------------------------------------- feed


@dataclass(frozen=True)
class HourRow:
    """One hour of the window, floor-wide."""

    start: float
    measures: QueueMeasures
    peak_waiting: int  # most callers waiting at once (all queues, per-minute peaks)


@dataclass(frozen=True)
class FeedSummary:
    """The feed's side of a report: measures over the window, per queue and per hour."""

    start: float
    end: float
    queues: tuple[QueueMeasures, ...]
    total: QueueMeasures
    hours: tuple[HourRow, ...]
    lines: int
    rejected: int
    files: tuple[str, ...]

    @property
    def has_data(self) -> bool:
        """True when any call finished or entered in the window."""
        t = self.total
        return bool(t.offered or t.answered or t.abandoned or t.exited or t.handled)


_JSON_TIME = re.compile(rb'"time"\s*:\s*"?([0-9]+(?:\.[0-9]*)?)')


def _line_time(line: bytes) -> float | None:
    """The time of one feed line, cheaply (queue_log first field, or JSON's "time")."""
    bar = line.find(b"|")
    if 0 < bar <= 12:
        try:
            return float(line[:bar])
        except ValueError:
            return None
    m = _JSON_TIME.search(line)
    return float(m.group(1)) if m else None


def first_time_in(block: bytes) -> float | None:
    """The time of the first line among a block's first eight that has one (None: none has)."""
    for line in block.split(b"\n", 8)[:8]:
        t = _line_time(line)
        if t is not None:
            return t
    return None


def _last_time(block: bytes) -> float | None:
    for line in reversed(block.rstrip(b"\n").rsplit(b"\n", 8)):
        t = _line_time(line)
        if t is not None:
            return t
    return None


def feed_blocks(path: Path) -> Iterator[bytes]:
    """A feed file's bytes in blocks of whole lines, plain or gzip-rotated."""
    if path.name.endswith(".gz"):
        carry = b""
        with gzip.open(path, "rb") as f:
            while data := f.read(CHUNK):
                block = carry + data
                cut = block.rfind(b"\n")
                if cut < 0:
                    carry = block
                    continue
                carry = block[cut + 1 :]
                yield block[: cut + 1]
        if carry:
            yield carry
    else:
        yield from read_blocks(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def files_since(paths: Iterable[Path], start: float) -> list[Path]:
    """The feed files (oldest first) that can hold lines from `start` on: the live (last)
    file always; a rotated one only if it was written since (an hour's slack)."""
    paths = [Path(p) for p in paths]
    kept = []
    for i, p in enumerate(paths):
        try:
            if i == len(paths) - 1 or p.stat().st_mtime >= start - HOUR:
                kept.append(p)
        except FileNotFoundError:
            continue
    return kept


def summarize_feed(
    paths: Iterable[Path],
    thresholds: Thresholds,
    start: float,
    end: float,
    *,
    layout: FloorLayout | None = None,
    feed_format: str = "auto",
    progress: Progress | None = None,
) -> FeedSummary:
    """Fold `paths` (in order) over [start, end) and summarise per queue and per hour.

    Rotated files last written before `start` are skipped: they hold nothing inside it.
    Raises OSError for a file that cannot be read.
    """
    kept = files_since(paths, start)
    total_bytes = sum(_size(p) for p in kept) or 1
    floor = Floor(thresholds, layout, start, end, feed_format=feed_format, bucket_s=HOUR)
    boundaries = [b for b in _hour_ends(start, end)]
    peaks: dict[float, int] = {}
    done = 0
    stop_at = end + READ_PAST_END_S
    stopped = False
    for path in kept:
        if stopped:
            break
        for block in feed_blocks(path):
            done += len(block)
            first = first_time_in(block)
            if first is not None and first >= stop_at:
                stopped = True
                break
            last = _last_time(block)
            if boundaries and last is not None and last >= boundaries[0]:
                for piece, boundary in _split_at(block, boundaries):
                    floor.feed([piece])
                    if boundary is not None:
                        peaks[boundary - HOUR] = _peak_waiting(floor, boundary - 1)
                        boundaries.pop(0)
            else:
                floor.feed([block])
            if progress is not None:
                progress(min(done, total_bytes), total_bytes)
    # Hours the feed reached but did not finish (the shift still running).
    last_seen = floor.last_event_time
    for boundary in boundaries:
        if last_seen is not None and boundary - HOUR <= last_seen:
            peaks[boundary - HOUR] = _peak_waiting(floor, min(boundary - 1, last_seen))
    if progress is not None:
        progress(total_bytes, total_bytes)
    now = min(end, last_seen) if last_seen is not None else end
    queues = tuple(floor.measures(q, now) for q in sorted(floor.queues) if q != "NONE")
    hours_m = floor.bucket_measures()
    hours = tuple(HourRow(b, m, peaks.get(b, 0)) for b, m in sorted(hours_m.items()) if start - HOUR < b < end)
    # Hours with callers waiting but no finished call still belong in the table.
    seen = {h.start for h in hours}
    extra = [HourRow(b, _empty("*"), p) for b, p in peaks.items() if b not in seen and p]
    hours = tuple(sorted(hours + tuple(extra), key=lambda h: h.start))
    return FeedSummary(
        start=start,
        end=end,
        queues=queues,
        total=floor.measures_total(now),
        hours=hours,
        lines=floor.lines_total,
        rejected=sum(floor.rejects.counts.values()),
        files=tuple(str(p) for p in kept),
    )


def _empty(name: str) -> QueueMeasures:
    from floorconsole.measures import Tally, compute

    return compute(name, Tally())


def _hour_ends(start: float, end: float) -> list[float]:
    """Every bucket end (a multiple of an hour) after `start`, up to the one covering `end`."""
    first = math.floor(start / HOUR) * HOUR + HOUR
    out = []
    b = first
    while b - HOUR < end:
        out.append(b)
        b += HOUR
    return out


def _split_at(block: bytes, boundaries: list[float]) -> Iterator[tuple[bytes, float | None]]:
    """Cut a block before the first line at or past each boundary (a copy of the list is used)."""
    pending = list(boundaries)
    lines = block.split(b"\n")
    tail_nl = block.endswith(b"\n")
    if tail_nl:
        lines.pop()
    cut = 0
    for i, line in enumerate(lines):
        if not pending:
            break
        t = _line_time(line)
        while pending and t is not None and t >= pending[0]:
            piece = lines[cut:i]
            yield (b"\n".join(piece) + b"\n") if piece else b"", pending.pop(0)
            cut = i
    rest = lines[cut:]
    if rest:
        yield b"\n".join(rest) + (b"\n" if tail_nl else b""), None


def _peak_waiting(floor: Floor, at: float) -> int:
    """Most callers waiting at once in the hour ending after `at` (sum over queues per minute)."""
    series = [floor.waiting_history(q, at) for q in floor.queues]
    width = min(60, max((len(s) for s in series), default=0))
    peak = 0
    for i in range(1, width + 1):
        peak = max(peak, sum(s[-i] for s in series if len(s) >= i))
    return peak


# ----------------------------------------------------------------------------- report


def fmt_time(t: float | None) -> str:
    """`2026-11-23 17:30` in local time; `-` for none."""
    return "-" if t is None else datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    escalation: Escalation | None
    follow_ups: tuple[FollowUp, ...]

    @property
    def outcome(self) -> str:
        """What became of it, in words: outcome, callback state."""
        e = self.escalation
        if e is None:
            return "recorded (no escalation)"
        parts = [e.status]
        if e.department:
            parts.append(f"to {e.department}")
        for f in self.follow_ups:
            parts.append(f"callback done {fmt_time(f.done.time)}" if f.done else f"callback due {fmt_time(f.due)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ShiftReport:
    """Everything one shift's report shows (times are Unix seconds)."""

    shift_key: str
    shift_name: str
    start: float
    end: float
    generated_at: float
    supervisor: str
    feed: FeedSummary | None
    feed_problem: str  # why there is no feed section ("" when there is one)
    escalations: tuple[Escalation, ...]
    complaints: tuple[ComplaintRow, ...]
    complaints_start: float
    complaints_end: float
    # the daily summary also lists every escalation resolved that day (console or CLI), and
    # to whom earlier summaries of this shift were sent
    resolved: tuple[Escalation, ...] = ()
    summaries_sent: tuple[ComplaintSummarySent, ...] = ()
    patrol: dict[str, tuple[PatrolNote, ...]] = field(default_factory=dict)
    # Findings against a person are kept out of the shared report unless asked for (`findings`,
    # by a role that may read them): only their count is shown then.
    findings_included: bool = False
    findings_count: int = 0
    praise: dict[str, tuple[Praise, ...]] = field(default_factory=dict)
    handovers: tuple[Handover, ...] = ()
    log_entries: tuple[LogEntry, ...] = ()  # this shift's duty log, in seq order
    inspections: tuple[Inspection, ...] = ()  # quality inspections written in the window
    head: ChainHead | None = None
    chain: ChainHead | None = None  # Store.chain_head(): covers every record table
    sl_threshold_s: float = 15.0
    apology_text: str = ""  # the apology rule in force, in words (Thresholds.apology_text)
    agent_names: dict[str, str] = field(default_factory=dict)  # agent -> name, from the layout

    def agent(self, agent: str) -> str:
        """An agent as supervisors write it: `Liu Bo (SIP/1038)` when the layout names them."""
        return label_agent(agent, self.agent_names.get(agent))


def complaints_window(shift: ShiftWindow) -> tuple[float, float]:
    """The daily complaint summary's window: the shift's calendar day up to the shift's end."""
    day = datetime.combine(shift.start.date(), datetime.min.time(), shift.start.tzinfo)
    end = min(shift.end, day + timedelta(days=1))
    return day.timestamp(), end.timestamp()


def gather_complaints(store: Store, start: float, end: float) -> tuple[ComplaintRow, ...]:
    """Complaints recorded in [start, end), each with its escalation and callbacks."""
    rows = []
    follow_ups = store.list_follow_ups(open_only=False)
    for c in store.list_complaints(since=start):
        if c.time >= end:
            continue
        esc = store.get_escalation(c.escalation_id) if c.escalation_id else None
        fus = tuple(f for f in follow_ups if esc is not None and f.escalation_id == esc.id)
        rows.append(ComplaintRow(c, esc, fus))
    return tuple(rows)


def gather_resolved(store: Store, start: float, end: float) -> tuple[Escalation, ...]:
    """Escalations given an outcome in [start, end): resolved on the call, callback promised,
    referred — whether from the console or `floorconsole escalations resolve`."""
    since = start - 31 * 86400  # raised up to a month before, resolved today
    return tuple(
        e
        for e in store.list_escalations(include_closed=True, since=since)
        if e.outcome_at is not None and start <= e.outcome_at < end
    )


def build_report(
    store: Store,
    config: Config,
    shift: ShiftWindow,
    now: float,
    *,
    feed_paths: list[Path] | None = None,
    layout: FloorLayout | None = None,
    complaints_only: bool = False,
    progress: Progress | None = None,
    findings: bool = False,
) -> ShiftReport:
    """Read the store (and fold the feed unless `complaints_only`) for `shift`.

    Patrol findings against a person are in the report only with `findings` (the caller checks
    that the person exporting may read them: `Config.sees_findings`); otherwise their count."""
    start, end = shift.start.timestamp(), shift.end.timestamp()
    c_start, c_end = complaints_window(shift)
    complaints = gather_complaints(store, c_start, c_end)
    resolved = gather_resolved(store, c_start, c_end)
    sent = tuple(store.list_summaries_sent(shift.key))
    try:
        supervisor = store.get_shift(shift.key).supervisor
    except Exception:  # noqa: BLE001 - a shift nobody recorded: no name to show
        supervisor = ""
    make = functools.partial(
        ShiftReport,
        shift_key=shift.key,
        shift_name=shift.name,
        start=start,
        end=end,
        generated_at=now,
        supervisor=supervisor,
        complaints=complaints,
        complaints_start=c_start,
        complaints_end=c_end,
        resolved=resolved,
        summaries_sent=sent,
        head=store.head(),
        chain=store.chain_head(),
        sl_threshold_s=config.thresholds.sl_threshold_s,
        apology_text=config.thresholds.apology_text(),
        agent_names={p.agent: p.name for p in layout.seats if p.name != p.agent} if layout else {},
    )
    if complaints_only:
        return make(feed=None, feed_problem="", escalations=())
    feed: FeedSummary | None = None
    problem = ""
    if not feed_paths:
        problem = "no feed file given or configured"
    else:
        try:
            feed = summarize_feed(
                feed_paths,
                config.thresholds,
                start,
                end,
                layout=layout,
                feed_format=config.feed_format,
                progress=progress,
            )
        except OSError as exc:
            problem = f"feed could not be read: {exc}"
    escalations = tuple(e for e in store.list_escalations(include_closed=True, since=start) if e.raised_at < end)
    patrol: dict[str, list[PatrolNote]] = {}
    for n in store.list_patrol_notes(shift=shift.key):
        patrol.setdefault(n.agent, []).append(n)
    praise: dict[str, list[Praise]] = {}
    for p in store.list_praise(shift=shift.key):
        praise.setdefault(p.agent, []).append(p)
    handovers = tuple(h for h in reversed(store.list_handovers(limit=500)) if shift.key in (h.from_shift, h.to_shift))
    log_entries = tuple(store.list_entries(shift=shift.key))
    inspections = tuple(i for i in store.list_inspections(since=start) if i.time < end)
    return make(
        feed=feed,
        feed_problem=problem,
        escalations=escalations,
        patrol={a: tuple(v) for a, v in sorted(patrol.items())} if findings else {},
        findings_included=findings,
        findings_count=sum(len(v) for v in patrol.values()),
        praise={a: tuple(v) for a, v in sorted(praise.items())},
        handovers=handovers,
        log_entries=log_entries,
        inspections=inspections,
    )


def record_sent(
    store: Store, actor: Actor, report: ShiftReport, sent_to: str, fmt: str, out: str
) -> ComplaintSummarySent:
    """Record that this daily complaint summary went to `sent_to` (DOMAIN.md: the day's
    complaints are sent to management before the shift ends)."""
    return store.record_summary_sent(
        report.shift_key, sent_to, len(report.complaints), len(report.resolved), fmt, out, actor
    )


def audit_export(store: Store, actor: Actor, report: ShiftReport, fmt: str, out: str, complaints_only: bool) -> None:
    """Record that a report left the system (confidential records: who, what, where)."""
    what = "complaint summary" if complaints_only else "shift report"
    if report.findings_included:
        what += " with patrol findings"
    store.record_audit("report.export", actor, f"shift:{report.shift_key}", f"{what} as {fmt} to {out}")


def kpi_summary(m: QueueMeasures) -> dict[str, float | int | None]:
    """The review screen's KPIs of one window (numbers, None where undefined)."""
    return {
        "offered": m.offered,
        "answered": m.answered,
        "service_level": m.service_level,
        "abandon_rate": m.abandon_rate,
        "asa_s": m.asa_s,
        "aht_s": m.aht_s,
        "max_wait_s": m.max_wait_s,
    }
