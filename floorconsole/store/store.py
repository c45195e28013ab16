"""`Store`: the one object the console and the commands use for every record.

A Store owns one SQLite connection and must stay on the thread that made it (sqlite3
enforces this); use `StoreService` to reach it from a UI. Every write method runs in its own
BEGIN IMMEDIATE transaction, so each call is all-or-nothing.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from floorconsole.checklist import ChecklistItem, load_checklist
from floorconsole.clock import system_clock
from floorconsole.config import DEFAULT_SHIFTS, Config, ConfigError, Person, ShiftDef
from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.roster.expected import ExpectedFloor, expected_floor
from floorconsole.roster.model import ApprovedLeave, ApprovedSwap, AttendanceFlag, RosterEntry
from floorconsole.roster.roll_call import RollCallLine
from floorconsole.store import archive as _archive
from floorconsole.store import audit as _audit
from floorconsole.store import duty_log, escalations, handovers, open_items, patrol
from floorconsole.store import registers as _registers
from floorconsole.store import reports_sent as _reports_sent
from floorconsole.store import roster as _roster
from floorconsole.store import verify as _verify
from floorconsole.store.chain import last_link, log_head, read_key, seal
from floorconsole.store.context import Ctx
from floorconsole.store.db import connect, write_tx
from floorconsole.store.errors import IntegrityProblem, ReadOnlyStore, StoreError, ValidationError, translate
from floorconsole.store.migrations import apply_migrations
from floorconsole.store.models import (
    ArchiveResult,
    AuditRecord,
    ChainHead,
    Complaint,
    ComplaintDraft,
    ComplaintSummarySent,
    Escalation,
    FollowUp,
    Handover,
    HandoverItemDraft,
    Inspection,
    LogEntry,
    OpenItem,
    OpenItemCounts,
    PatrolNote,
    Praise,
    Shift,
    VerifyReport,
)
from floorconsole.store.reports_sent import ReportSent

F = TypeVar("F", bound=Callable[..., Any])


def _writes(method: F) -> F:
    """Run the method inside one BEGIN IMMEDIATE transaction."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kw: Any) -> Any:
        if self.read_only:
            raise ReadOnlyStore(
                f"the records database {self.path} is read-only: nothing was saved "
                "(check the file's permissions or the disk)"
            )
        with write_tx(self._ctx.conn, self.path):
            first_n, first_seq = last_link(self._ctx.conn)[0] + 1, log_head(self._ctx.conn)[0] + 1
            result = method(self, *args, **kw)
            seal(self._ctx.conn, self._ctx.hmac_key, first_n, first_seq)  # with a key: HMAC over this write
        self._writes_done += 1
        return result

    wrapper.store_writes = True  # type: ignore[attr-defined]  # tests enumerate write methods by this
    return wrapper  # type: ignore[return-value]


def _reads(method: F) -> F:
    """Turn sqlite3 errors on a read into the matching StoreError."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kw: Any) -> Any:
        try:
            return method(self, *args, **kw)
        except sqlite3.ProgrammingError:
            raise  # a bug in the caller (wrong thread, closed store), not a user-facing error
        except sqlite3.Error as exc:
            err = translate(exc, self.path)
            raise (
                err if isinstance(err, StoreError) else StoreError(_("records database: {error}").format(error=exc))
            ) from None

    return wrapper  # type: ignore[return-value]


class Store:
    """Facade over the records database. See docs/store.md for the full method list."""

    def __init__(
        self,
        path: Path | str,
        *,
        shifts: tuple[ShiftDef, ...] = DEFAULT_SHIFTS,
        checklist_path: Path | None = None,
        checklist: Sequence[ChecklistItem] | None = None,
        hmac_key_file: Path | None = None,
        mask_keep_digits: int = 4,
        clock: Callable[[], float] = system_clock,
        busy_timeout_ms: int = 15_000,
        read_only: bool = False,
        people: Sequence[Person] = (),
        config_file: str | None = None,
        registers: _registers.RegisterSettings | None = None,
    ) -> None:
        self.path = Path(path)
        # The leave and swap registers: agents, holidays, night shifts (config); the roster
        # they check swaps against comes from `roster_source` when set, else from the roster
        # import's reader `Store.roster_between` when this build has it.
        self.registers = registers or _registers.RegisterSettings()
        self.roster_source: _registers.RosterSource | None = None
        try:
            key = read_key(hmac_key_file)
        except (OSError, ValueError) as exc:
            raise StoreError(_("HMAC key file: {error}").format(error=exc)) from None
        try:
            items = tuple(checklist) if checklist is not None else load_checklist(checklist_path)
        except ConfigError as exc:
            raise StoreError(str(exc)) from None
        self.db, self.read_only = connect(self.path, busy_timeout_ms, read_only=read_only)
        try:
            apply_migrations(self.db, self.read_only, self.path, key)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise IntegrityProblem(f"{self.path} is not a usable floorconsole records database: {exc}") from None
        except BaseException:
            self.db.close()
            raise
        self._ctx = Ctx(
            self.db.conn,
            self.path,
            clock,
            tuple(shifts),
            mask_keep_digits,
            key,
            items,
            tuple(people),
            config_file or "the config file",
        )
        self._writes_done = 0

    @classmethod
    def from_config(cls, config: Config, path: Path | None = None, **kw: Any) -> Store:
        """A Store with the path, shifts, checklist, HMAC key and mask width from `config`."""
        return cls(path or config.db_path, **store_kwargs(config), **kw)

    @property
    def clock(self) -> Callable[[], float]:
        """The clock this store stamps records with (the one the composition root gave it)."""
        return self._ctx.clock

    @property
    def conn(self) -> sqlite3.Connection:
        """The raw connection (for tests and benchmarks; writes must use the methods)."""
        return self._ctx.conn

    def close(self) -> None:
        """Close the connection; the Store cannot be used afterwards."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- housekeeping -------------------------------------------------------------------
    @_reads
    def data_version(self) -> tuple[int, int]:
        """A cheap change marker: differs whenever any console (or this one) has committed.

        PRAGMA data_version moves on other connections' commits only, so this Store's own
        write count is paired with it. Compare with != ; do not interpret the numbers.
        """
        return (self._ctx.conn.execute("PRAGMA data_version").fetchone()[0], self._writes_done)

    @_reads
    def head(self) -> ChainHead:
        """The log's current chain head (seq, hash[, hmac])."""
        return duty_log.head(self._ctx)

    @_reads
    def chain_head(self) -> ChainHead:
        """The record chain's head, covering every record table (not only the log):
        `ChainHead(link, hash, hmac, scope="records")`; `.text` is the form reports print and
        `floorconsole verify --head` checks every table against."""
        return duty_log.chain_head(self._ctx)

    def current_shift_key(self, now: float | None = None) -> str:
        """The key of the shift `now` (default: the store's clock) falls in."""
        return self._ctx.shift_key(self._ctx.clock() if now is None else now)

    def checklist(self) -> tuple[ChecklistItem, ...]:
        """The patrol checklist items this store validates codes against."""
        return self._ctx.checklist

    # --- duty log -----------------------------------------------------------------------
    @_writes
    def add_entry(self, kind: str, body: str, actor: Actor, refers_to: int | None = None) -> LogEntry:
        """Append a duty-log entry; `refers_to` points at an earlier entry."""
        return duty_log.append_entry(self._ctx, kind, body, actor, refers_to)

    @_writes
    def correct_entry(self, seq: int, body: str, actor: Actor) -> LogEntry:
        """Append a correction of entry `seq` (the original stays as it was)."""
        duty_log.get_entry(self._ctx, seq)
        return duty_log.append_entry(self._ctx, "correction", body, actor, refers_to=seq)

    @_reads
    def get_entry(self, seq: int) -> LogEntry:
        """One entry; NotFound if missing."""
        return duty_log.get_entry(self._ctx, seq)

    @_reads
    def list_entries(
        self,
        shift: str | None = None,
        since: float | None = None,
        until: float | None = None,
        kinds: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[LogEntry]:
        """Entries in seq order, filtered."""
        return duty_log.list_entries(self._ctx, shift, since, until, kinds, limit)

    @_reads
    def corrections_of(self, seq: int) -> list[LogEntry]:
        """Entries that point at `seq` (corrections and follow-on notes)."""
        return duty_log.list_entries(self._ctx, refers_to=seq)

    # --- shifts and handovers -------------------------------------------------------------
    @_writes
    def ensure_shift(self, key: str, name: str, start: float, end: float, supervisor: str) -> Shift:
        """Record a shift once; returns the recorded one."""
        return handovers.ensure_shift(self._ctx, key, name, start, end, supervisor)

    @_reads
    def get_shift(self, key: str) -> Shift:
        """A recorded shift; NotFound if never recorded."""
        return handovers.get_shift(self._ctx, key)

    @_writes
    def create_handover(
        self, from_shift: str, to_shift: str, items: Sequence[HandoverItemDraft], actor: Actor, note: str = ""
    ) -> Handover:
        """Write the items as log entries and sign the handover, all in one transaction."""
        return handovers.create_handover(self._ctx, from_shift, to_shift, items, actor, note)

    @_writes
    def acknowledge_item(self, handover_id: int, item_id: int, actor: Actor) -> Handover:
        """Acknowledge one handed-over item."""
        return handovers.acknowledge_item(self._ctx, handover_id, item_id, actor)

    @_writes
    def question_item(self, handover_id: int, item_id: int, text: str, actor: Actor) -> Handover:
        """Question one handed-over item."""
        return handovers.question_item(self._ctx, handover_id, item_id, text, actor)

    @_writes
    def receive_handover(self, handover_id: int, actor: Actor) -> Handover:
        """Sign receipt of a handover (once)."""
        return handovers.receive_handover(self._ctx, handover_id, actor)

    @_writes
    def answer_item(self, handover_id: int, item_id: int, text: str, actor: Actor) -> Handover:
        """The outgoing side answers a question on one of its handed-over items."""
        return handovers.answer_item(self._ctx, handover_id, item_id, text, actor)

    @_reads
    def handovers_signed_not_received(self, actor: Actor) -> list[Handover]:
        """Handovers `actor` signed that nobody has received: they may not leave yet."""
        return handovers.signed_not_received(self._ctx, actor)

    @_reads
    def handovers_waiting_for(self, actor: Actor, now: float | None = None) -> list[Handover]:
        """Handovers waiting for `actor`'s shift (this one or the next), from signing on."""
        return handovers.waiting_for(self._ctx, actor, now)

    @_reads
    def carrier_entry_seqs(self, shift: str) -> set[int]:
        """Entries of `shift` a handover wrote to carry another record (an open item, an
        escalation, a patrol note, a checklist line): gathering them again would duplicate it."""
        rows = self._ctx.conn.execute(
            "SELECT i.entry_seq FROM handover_items i JOIN entries e ON e.seq = i.entry_seq "
            "WHERE e.shift = ? AND i.source IS NOT NULL AND i.source != 'free' AND i.source NOT LIKE 'entry:%'",
            (shift,),
        ).fetchall()
        return {r[0] for r in rows}

    # --- open items -------------------------------------------------------------------------
    @_reads
    def list_open_items(self, include_closed: bool = False) -> list[OpenItem]:
        """Open items by due time, then age (closed ones too with include_closed)."""
        return open_items.list_open_items(self._ctx, include_closed)

    @_reads
    def get_open_item(self, item_id: int) -> OpenItem:
        """One open item, open or closed."""
        return open_items.get_open_item(self._ctx, item_id)

    @_reads
    def open_item_drafts(self, now: float | None = None) -> list[tuple[OpenItem, HandoverItemDraft]]:
        """Every open item with the handover item that carries it (as of `now`)."""
        t = self._ctx.clock() if now is None else now
        return [(i, open_items.draft_for(self._ctx, i, t)) for i in open_items.list_open_items(self._ctx)]

    @_writes
    def close_open_item(self, item_id: int, result: str, actor: Actor) -> OpenItem:
        """Close an open item with its result (once); a follow-up is marked done with it."""
        return open_items.close_open_item(self._ctx, item_id, result, actor)

    @_reads
    def open_item_counts(self, now: float | None = None) -> OpenItemCounts:
        """Open, overdue and due-this-shift counts (and escalations without outcome)."""
        from floorconsole.shifts import shift_at_epoch

        t = self._ctx.clock() if now is None else now
        return open_items.counts(self._ctx, t, shift_at_epoch(self._ctx.shifts, t).end.timestamp())

    @_reads
    def get_handover(self, handover_id: int) -> Handover:
        """The full handover record."""
        return handovers.get_handover(self._ctx, handover_id)

    @_reads
    def open_handovers(self) -> list[Handover]:
        """Handovers not yet received, oldest first."""
        return handovers.open_handovers(self._ctx)

    @_reads
    def list_handovers(self, limit: int = 50) -> list[Handover]:
        """Latest handovers, newest first."""
        return handovers.list_handovers(self._ctx, limit)

    # --- patrol ---------------------------------------------------------------------------
    @_writes
    def add_patrol_note(
        self,
        agent: str,
        actor: Actor,
        *,
        seat: str | None = None,
        items: Sequence[str] = (),
        text: str = "",
        follow_up: bool = False,
    ) -> PatrolNote:
        """Append a patrol note with checklist findings and/or text."""
        return patrol.add_patrol_note(self._ctx, agent, actor, seat, items, text, follow_up)

    @_reads
    def list_patrol_notes(
        self,
        shift: str | None = None,
        since: float | None = None,
        agent: str | None = None,
        follow_up_only: bool = False,
    ) -> list[PatrolNote]:
        """Patrol notes oldest first."""
        return patrol.list_patrol_notes(self._ctx, shift, since, agent, follow_up_only)

    @_writes
    def add_praise(self, agent: str, what: str, why: str, actor: Actor, seat: str | None = None) -> Praise:
        """Append praise (who, what, why all required and specific)."""
        return patrol.add_praise(self._ctx, agent, what, why, actor, seat)

    @_reads
    def list_praise(
        self, shift: str | None = None, since: float | None = None, agent: str | None = None
    ) -> list[Praise]:
        """Praise oldest first."""
        return patrol.list_praise(self._ctx, shift, since, agent)

    @_writes
    def add_inspection(
        self, agent: str, call_id: str, scores: Mapping[str, int], comment: str, actor: Actor
    ) -> Inspection:
        """Append a quality inspection (five scores 1-5)."""
        return patrol.add_inspection(self._ctx, agent, call_id, scores, comment, actor)

    @_reads
    def list_inspections(self, agent: str | None = None, since: float | None = None) -> list[Inspection]:
        """Inspections oldest first."""
        return patrol.list_inspections(self._ctx, agent, since)

    # --- escalations ----------------------------------------------------------------------
    @_writes
    def raise_escalation(
        self,
        callid: str,
        agent: str,
        queue: str,
        reason: str,
        actor: Actor,
        *,
        caller: str = "",
        priority: int = 2,
        event_key: str | None = None,
        raised_at: float | None = None,
    ) -> Escalation:
        """Record an escalation; with event_key, created once however often it is seen."""
        return escalations.raise_escalation(
            self._ctx,
            callid,
            agent,
            queue,
            reason,
            actor,
            caller=caller,
            priority=priority,
            event_key=event_key,
            raised_at=raised_at,
        )

    @_reads
    def get_escalation(self, escalation_id: int) -> Escalation:
        """One escalation with derived state."""
        return escalations.get_escalation(self._ctx, escalation_id)

    @_reads
    def list_escalations(
        self, include_closed: bool = False, since: float | None = None, agent: str | None = None
    ) -> list[Escalation]:
        """Escalations oldest first (open ones only unless include_closed)."""
        return escalations.list_escalations(self._ctx, include_closed, since, agent)

    @_reads
    def pending_escalations(self, limit: int = 200) -> tuple[int, list[Escalation]]:
        """(count of escalations without an outcome, the newest `limit` of them, oldest first)."""
        return escalations.pending_escalations(self._ctx, limit)

    @_writes
    def claim_escalation(self, escalation_id: int, actor: Actor) -> Escalation:
        """Take over an escalation; AlreadyClaimed(by, at) if someone else has."""
        return escalations.claim_escalation(self._ctx, escalation_id, actor)

    @_writes
    def release_escalation(self, escalation_id: int, reason: str, actor: Actor) -> Escalation:
        """The holder gives a claimed escalation back, with a reason (audited)."""
        return escalations.release_escalation(self._ctx, escalation_id, reason, actor)

    @_writes
    def pass_escalation(self, escalation_id: int, to_user: str, reason: str, actor: Actor) -> Escalation:
        """The holder passes a claimed escalation to another supervisor (OS user), with a reason."""
        return escalations.pass_escalation(self._ctx, escalation_id, to_user, reason, actor)

    @_writes
    def resolve_escalation(
        self,
        escalation_id: int,
        outcome: str,
        actor: Actor,
        *,
        due: float | None = None,
        department: str | None = None,
        note: str = "",
        complaint: ComplaintDraft | None = None,
    ) -> Escalation:
        """Record the outcome: resolved / callback (due) / referred (department); with
        `complaint`, the complaint record too, in the same transaction."""
        return escalations.resolve_escalation(
            self._ctx, escalation_id, outcome, actor, due=due, department=department, note=note, complaint=complaint
        )

    @_writes
    def reveal_caller(self, escalation_id: int, reason: str, actor: Actor) -> str:
        """The full caller number; the reveal is audited with its reason."""
        return escalations.reveal_caller(self._ctx, escalation_id, reason, actor)

    @_writes
    def record_complaint(self, draft: ComplaintDraft, actor: Actor, escalation_id: int | None = None) -> Complaint:
        """Append a complaint register entry."""
        return escalations.record_complaint(self._ctx, draft, actor, escalation_id)

    @_reads
    def list_complaints(self, since: float | None = None, escalation_id: int | None = None) -> list[Complaint]:
        """Complaints oldest first."""
        return escalations.list_complaints(self._ctx, since, escalation_id)

    @_writes
    def record_summary_sent(
        self,
        shift: str,
        sent_to: str,
        complaints: int,
        escalations_count: int,
        fmt: str,
        destination: str,
        actor: Actor,
    ) -> ComplaintSummarySent:
        """Record that the daily complaint summary of `shift` was sent to `sent_to`."""
        return escalations.record_summary_sent(
            self._ctx, shift, sent_to, complaints, escalations_count, fmt, destination, actor
        )

    @_reads
    def list_summaries_sent(self, shift: str | None = None) -> list[ComplaintSummarySent]:
        """Daily complaint summaries sent, oldest first."""
        return escalations.list_summaries_sent(self._ctx, shift)

    @_writes
    def add_follow_up(
        self, text: str, due: float, actor: Actor, *, escalation_id: int | None = None, entry_seq: int | None = None
    ) -> FollowUp:
        """Append a follow-up with a due time."""
        return escalations.add_follow_up(self._ctx, text, due, actor, escalation_id=escalation_id, entry_seq=entry_seq)

    @_writes
    def complete_follow_up(self, follow_up_id: int, actor: Actor, note: str = "") -> FollowUp:
        """Mark a follow-up done (once)."""
        return escalations.complete_follow_up(self._ctx, follow_up_id, actor, note)

    @_reads
    def list_follow_ups(self, open_only: bool = True, due_before: float | None = None) -> list[FollowUp]:
        """Follow-ups by due time."""
        return escalations.list_follow_ups(self._ctx, open_only, due_before)

    @_reads
    def escalation_counts_by_agent(self, since: float | None = None) -> dict[str, int]:
        """Escalations per agent."""
        return escalations.escalation_counts_by_agent(self._ctx, since)

    # --- audit ----------------------------------------------------------------------------
    @_writes
    def record_audit(self, action: str, actor: Actor, target: str, detail: str = "") -> AuditRecord:
        """Append an audit row (e.g. a report export by another module)."""
        return _audit.record(self._ctx, action, actor, target, detail)

    @_reads
    def list_audit(
        self, since: float | None = None, action: str | None = None, limit: int | None = None
    ) -> list[AuditRecord]:
        """Audit rows oldest first."""
        return _audit.list_audit(self._ctx, since, action, limit)

    # --- roster, attendance flags, roll calls (issue 13) ----------------------------------
    @_writes
    def import_roster(self, entries: Sequence[RosterEntry], source: str, actor: Actor) -> _roster.RosterImport:
        """Import a checked roster (all rows or none); a day imported again is read from the newest import."""
        return _roster.import_roster(self._ctx, entries, source, actor)

    @_reads
    def roster_imports(self) -> list[_roster.RosterImport]:
        """Every roster import, oldest first."""
        return _roster.list_imports(self._ctx)

    @_reads
    def roster_between(self, start_day: date, end_day: date) -> list[RosterEntry]:
        """Roster entries of the days from `start_day` to `end_day`, both included."""
        return _roster.roster_between(self._ctx, start_day, end_day)

    @_reads
    def roster_months(self) -> set[tuple[int, int]]:
        """(year, month) of every month with an imported roster."""
        return _roster.roster_months(self._ctx)

    @_reads
    def expected_between(self, start_day: date, end_day: date) -> ExpectedFloor:
        """Who is expected on each shift of the days from `start_day` to `end_day`: the roster
        with approved leave and swaps applied (the leave and swap registers), and the swap
        warnings."""
        entries = _roster.roster_between(self._ctx, start_day, end_day)
        leave = _registers.approved_leave(self._ctx, start_day, end_day)
        swaps = _registers.approved_swaps(self._ctx, start_day, end_day)
        return expected_floor(entries, leave, swaps)

    @_writes
    def record_attendance_flag(self, flag: AttendanceFlag, actor: Actor) -> AttendanceFlag:
        """Record a flagged episode once (the same episode again returns the recorded one)."""
        return _roster.record_flag(self._ctx, flag, actor)

    @_writes
    def end_attendance_flag(
        self, person: str, kind: str, shift_key: str, started_at: float, minutes: int, actor: Actor
    ) -> AttendanceFlag | None:
        """Record how long a flagged episode lasted (once)."""
        return _roster.end_flag(self._ctx, person, kind, shift_key, started_at, minutes, actor)

    @_writes
    def allow_attendance_flag(self, flag_id: int, note: str, actor: Actor) -> AttendanceFlag:
        """Note a flag as allowed, with why (once); an allowed flag is not counted."""
        return _roster.allow_flag(self._ctx, flag_id, note, actor)

    @_reads
    def list_attendance_flags(self, since: float, until: float) -> list[AttendanceFlag]:
        """Flags whose episode started in [since, until), oldest first."""
        return _roster.list_flags(self._ctx, since, until)

    @_writes
    def record_roll_call(self, shift_key: str, lines: Sequence[RollCallLine], actor: Actor) -> _roster.RollCall:
        """Record a roll call (点名) in the duty log with its marks, in one transaction."""
        return _roster.record_roll_call(self._ctx, shift_key, lines, actor)

    @_reads
    def list_roll_calls(self, shift_key: str | None = None) -> list[_roster.RollCall]:
        """Roll calls oldest first (of one shift with `shift_key`)."""
        return _roster.list_roll_calls(self._ctx, shift_key)

    # --- integrity and retention -------------------------------------------------------------
    @_reads
    def verify(self, head: ChainHead | str | tuple[int, str] | tuple[int, str, str] | None = None) -> VerifyReport:
        """Check the log chain, row hashes, the record chain and its seals, triggers and every
        anchored head; `head` = a head printed earlier (`ChainHead`, its `.text`, or a
        (seq, hash[, hmac]) log head) the records must still extend."""
        return _verify.verify(self._ctx, head)

    @_writes
    def archive(self, before: float, out: Path, actor: Actor) -> ArchiveResult:
        """Export records older than `before` to `out` (export-only; nothing is deleted)."""
        if isinstance(before, bool) or not isinstance(before, (int, float)):
            raise ValidationError(_("before must be a Unix time"))
        return _archive.export(self._ctx, float(before), Path(out), actor)

    # --- reports the shift lead owes (issue 13) -------------------------------------------
    @_writes
    def mark_report_sent(
        self, kind: str, period: str, sent_to: str, actor: Actor, fmt: str = "", destination: str = ""
    ) -> ReportSent:
        """Record that report `kind` ("monthly") of `period` ("2026-10") went to `sent_to` (audited)."""
        return _reports_sent.mark_sent(self._ctx, kind, period, sent_to, fmt, destination, actor)

    @_reads
    def list_reports_sent(self, kind: str | None = None, period: str | None = None) -> list[ReportSent]:
        """Reports marked as sent, oldest first."""
        return _reports_sent.list_sent(self._ctx, kind, period)

    # --- leave and swap registers (issue 13; floorconsole/store/registers.py) ------------
    @_writes
    def request_leave(
        self,
        person: str,
        kind: str,
        first_day: date,
        shift: str,
        actor: Actor,
        *,
        last_day: date | None = None,
        in_person: bool = True,
        doctor_note: bool = False,
        full_day: bool = True,
        reason: str = "",
    ) -> _registers.LeaveRecord:
        """Enter leave (ordinary, urgent or sick) for `person`'s `shift` from `first_day` to
        `last_day`; the leave rules are checked as of the store's clock (RegisterRefused)."""
        return _registers.request_leave(
            self._ctx,
            self.registers,
            actor,
            person=person,
            kind=kind,
            first_day=first_day,
            last_day=last_day,
            shift=shift,
            in_person=in_person,
            doctor_note=doctor_note,
            full_day=full_day,
            reason=reason,
        )

    @_writes
    def approve_leave(self, leave_id: int, actor: Actor, note: str = "") -> _registers.LeaveRecord:
        """Approve leave as the acting OS user's person, at the level its length needs."""
        return _registers.approve_leave(self._ctx, self.registers, leave_id, actor, note)

    @_writes
    def withdraw_leave(self, leave_id: int, note: str, actor: Actor) -> _registers.LeaveRecord:
        """Withdraw a leave request (the rows stay; the reason is recorded)."""
        out = _registers.withdraw(self._ctx, "leave", leave_id, note, actor)
        assert isinstance(out, _registers.LeaveRecord)
        return out

    @_reads
    def list_leave(self, start_day: date | None = None, end_day: date | None = None) -> list[_registers.LeaveRecord]:
        """The leave register: requests overlapping the days, any status, oldest first."""
        return _registers.list_leave(self._ctx, start_day, end_day)

    @_reads
    def approved_leave(self, start_day: date, end_day: date) -> list[ApprovedLeave]:
        """Approved leave, one per person, day and shift from `start_day` to `end_day`."""
        return _registers.approved_leave(self._ctx, start_day, end_day)

    @_writes
    def request_swap(
        self,
        person: str,
        day: date,
        shift: str,
        cover: str,
        payback_day: date,
        payback_shift: str,
        actor: Actor,
        *,
        reason: str = "",
    ) -> _registers.SwapRecord:
        """Enter a swap in the swap register (换班登记表); the swap rules are checked against
        the records and the roster as of the store's clock (RegisterRefused)."""
        return _registers.request_swap(
            self._ctx,
            self.registers,
            self._registers_roster(),
            actor,
            person=person,
            day=day,
            shift=shift,
            cover=cover,
            payback_day=payback_day,
            payback_shift=payback_shift,
            reason=reason,
        )

    @_writes
    def approve_swap(self, swap_id: int, actor: Actor, note: str = "") -> _registers.SwapRecord:
        """Add the acting OS user's approval to a swap (it needs both shift leads')."""
        return _registers.approve_swap(self._ctx, self.registers, self._registers_roster(), swap_id, actor, note)

    @_writes
    def withdraw_swap(self, swap_id: int, note: str, actor: Actor) -> _registers.SwapRecord:
        """Withdraw a swap (the rows stay; the reason is recorded)."""
        out = _registers.withdraw(self._ctx, "swap", swap_id, note, actor)
        assert isinstance(out, _registers.SwapRecord)
        return out

    @_reads
    def list_swaps(self, start_day: date | None = None, end_day: date | None = None) -> list[_registers.SwapRecord]:
        """The swap register: swaps whose swap or pay-back day is in the days, oldest first."""
        return _registers.list_swaps(self._ctx, start_day, end_day)

    def _registers_roster(self) -> _registers.RosterSource | None:
        """Where the swap rules read the roster: `roster_source` (tests), else the imported roster."""
        return self.roster_source or self.roster_between

    @_reads
    def approved_swaps(self, start_day: date, end_day: date) -> list[ApprovedSwap]:
        """Approved swaps whose swap or pay-back day falls from `start_day` to `end_day`."""
        return _registers.approved_swaps(self._ctx, start_day, end_day)


def store_kwargs(config: Config) -> dict[str, Any]:
    """The Store keyword arguments a Config implies (for Store and StoreService)."""
    return {
        "shifts": config.shifts,
        "checklist_path": config.checklist_path,
        "hmac_key_file": config.hmac_key_file,
        "mask_keep_digits": config.mask_keep_digits,
        "people": config.people,
        "config_file": config.config_file_name(),
        "registers": _registers.RegisterSettings.from_config(config),
    }
