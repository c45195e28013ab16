"""Typed results the store hands out. Frozen: a record read is a snapshot, not a handle."""

from __future__ import annotations

from dataclasses import dataclass, field

from floorconsole.log_kinds import ENTRY_KINDS  # noqa: F401 - the store validates kinds by it

# The five inspection dimensions (DOMAIN.md), as stored. The fifth is "adaptability in
# handling the customer" (接待客户应变能力); its column keeps the name `composure` it was
# first written under, because every sealed inspection row's hash covers its column names
# (renaming it would make `verify` fail on every inspection already recorded). Show it
# through SCORE_LABELS, never by its key.
SCORE_DIMENSIONS: tuple[str, ...] = ("service_language", "attitude", "tone", "needs", "composure")
SCORE_LABELS: dict[str, str] = {
    "service_language": "Service language 服务用语",
    "attitude": "Attitude 服务态度",
    "tone": "Tone 语气语调",
    "needs": "Grasp of need 把握客户需求",
    "composure": "Adaptability 接待客户应变能力",
}
OUTCOMES: tuple[str, ...] = ("resolved", "callback", "referred")


@dataclass(frozen=True)
class ChainHead:
    """A chain head: the duty log's (`Store.head()`, scope "log") or the one covering every
    record table (`Store.chain_head()`, scope "records": `links` record-chain links and log
    entry `seq`, `hash` = `chain.records_hash`)."""

    seq: int  # the log entry (0 for an empty log)
    hash: str
    hmac: str | None = None  # present when an HMAC key file is configured
    scope: str = "log"  # "log" | "records"
    links: int = 0  # scope "records": how many record-chain links it covers

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @property
    def text(self) -> str:
        """The printed form `verify --head` accepts: `SEQ:HASH[:HMAC]` for the log,
        `R<links>-<seq>:HASH[:HMAC]` for every table (what reports and handovers print)."""
        where = f"R{self.links}-{self.seq}" if self.scope == "records" else f"{self.seq}"
        return f"{where}:{self.hash}" + (f":{self.hmac}" if self.hmac else "")


@dataclass(frozen=True)
class LogEntry:
    seq: int
    time: float
    author: str
    kind: str
    body: str
    refers_to: int | None
    prev_hash: str
    hash: str
    shift: str
    os_user: str
    terminal: str


@dataclass(frozen=True)
class Shift:
    key: str
    name: str
    start: float
    end: float
    supervisor: str


@dataclass(frozen=True)
class Signature:
    name: str
    os_user: str
    terminal: str
    time: float


@dataclass(frozen=True)
class HandoverItemDraft:
    """One thing to hand over. Without entry_seq it is written as a new log entry."""

    kind: str
    body: str
    note: str = ""
    entry_seq: int | None = None
    source: str | None = None  # e.g. "escalation:12", "follow_up:3", "patrol:7"


@dataclass(frozen=True)
class HandoverEvent:
    id: int
    item_id: int | None
    action: str  # "ack" | "question" | "receive" | "answer" (the outgoing side's answer)
    text: str
    signature: Signature


@dataclass(frozen=True)
class HandoverItem:
    id: int
    position: int
    entry: LogEntry
    note: str
    source: str | None
    events: tuple[HandoverEvent, ...]

    @property
    def acknowledged(self) -> Signature | None:
        """The first acknowledgement of this item, if any."""
        for ev in self.events:
            if ev.action == "ack":
                return ev.signature
        return None

    @property
    def questions(self) -> tuple[HandoverEvent, ...]:
        return tuple(ev for ev in self.events if ev.action == "question")

    @property
    def answers(self) -> tuple[HandoverEvent, ...]:
        """The outgoing side's answers to questions on this item, in order."""
        return tuple(ev for ev in self.events if ev.action == "answer")

    @property
    def state(self) -> str:
        """'acknowledged', 'questioned' (asked and not acknowledged since) or 'pending'."""
        state = "pending"
        for ev in self.events:
            state = {"ack": "acknowledged", "question": "questioned"}.get(ev.action, state)
        return state


@dataclass(frozen=True)
class Handover:
    id: int
    from_shift: str
    to_shift: str
    note: str
    handed: Signature
    head: ChainHead  # the log's chain head when the outgoing side signed
    items: tuple[HandoverItem, ...]
    received: Signature | None
    chain: ChainHead | None = None  # the record chain's head at signing (None before m003)

    @property
    def is_open(self) -> bool:
        return self.received is None

    @property
    def acknowledged_count(self) -> int:
        """Items acknowledged now (a question after an acknowledgement reopens the item).

        The one count every view shows (`handover list`, `handover show`, the review)."""
        return sum(1 for i in self.items if i.state == "acknowledged")

    @property
    def questioned_count(self) -> int:
        """Items with at least one question."""
        return sum(1 for i in self.items if i.questions)


OPEN_ITEM_KINDS: tuple[str, ...] = ("follow-up", "callback", "question", "referral", "difficult-case")


@dataclass(frozen=True)
class OpenItemCarry:
    handover_id: int
    to_shift: str
    time: float


@dataclass(frozen=True)
class OpenItem:
    """Something left open (follow-up, promised callback, questioned item, referral, difficult
    case). Held by a shift, carried at every handover until someone closes it with a result."""

    id: int
    kind: str
    text: str
    due: float | None
    source: str  # "follow_up:3", "entry:12", "handover_item:7", "escalation:4"
    entry_seq: int | None
    escalation_id: int | None
    opened_shift: str
    opened: Signature
    carried: tuple[OpenItemCarry, ...] = ()
    closed: Signature | None = None
    result: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed is None

    @property
    def owner_shift(self) -> str:
        """The shift that holds it: the last one it was handed over to, else where it arose."""
        return self.carried[-1].to_shift if self.carried else self.opened_shift

    def overdue(self, now: float) -> bool:
        """Open and past its due time."""
        return self.is_open and self.due is not None and self.due < now


@dataclass(frozen=True)
class OpenItemCounts:
    """What the header shows: open items, how many are overdue, how many fall due this shift."""

    open: int
    overdue: int
    due_this_shift: int
    escalations: int  # escalations with no outcome (open items too, closed by resolving them)


@dataclass(frozen=True)
class PatrolFinding:
    code: str
    label: str
    deduction: int
    sensitive: bool = False


@dataclass(frozen=True)
class PatrolNote:
    id: int
    time: float
    shift: str
    agent: str
    seat: str | None
    items: tuple[PatrolFinding, ...]
    deduction_total: int
    text: str
    follow_up: bool
    author: str
    os_user: str
    terminal: str

    @property
    def sensitive(self) -> bool:
        return any(i.sensitive for i in self.items)


@dataclass(frozen=True)
class Praise:
    id: int
    time: float
    shift: str
    agent: str
    seat: str | None
    what: str
    why: str
    author: str


@dataclass(frozen=True)
class Inspection:
    id: int
    time: float
    shift: str
    agent: str
    call_id: str
    scores: dict[str, int]
    comment: str
    author: str

    @property
    def total(self) -> int:
        return sum(self.scores.values())


@dataclass(frozen=True)
class Escalation:
    id: int
    event_key: str | None
    source: str  # "feed" | "manual"
    callid: str
    agent: str
    queue: str
    caller_masked: str  # the full number only through Store.reveal_caller (audited)
    reason: str
    priority: int
    raised_at: float
    raised_by: str
    shift: str
    claimed_by: str | None = None
    claimed_at: float | None = None
    outcome: str | None = None  # resolved | callback | referred
    outcome_at: float | None = None
    outcome_by: str | None = None
    due: float | None = None
    department: str | None = None
    note: str = ""
    claimed_by_os_user: str | None = None  # the holder's OS account (after a pass: the receiver's)

    def held_by(self, actor: object) -> bool:
        """True when `actor` (an identity.Actor) holds the claim now: by name, or, when it was
        passed to an OS account whose name was not known (no [people]), by that account."""
        if self.claimed_by is None:
            return False
        if getattr(actor, "name", None) == self.claimed_by:
            return True
        return self.claimed_by == self.claimed_by_os_user and getattr(actor, "os_user", None) == self.claimed_by_os_user

    @property
    def status(self) -> str:
        """'open', 'claimed', or the outcome."""
        if self.outcome:
            return self.outcome
        return "claimed" if self.claimed_by else "open"


@dataclass(frozen=True)
class ComplaintDraft:
    """The complaint register's fields (DOMAIN.md 投诉登记表)."""

    problem: str  # what went wrong
    wants: str  # what the customer wants
    customer_name: str = ""
    phone: str = ""
    address: str = ""
    product: str = ""
    batch_number: str = ""
    used_when: str = ""
    agent: str = ""
    complaint_time: float | None = None
    # DOMAIN.md: apologise for the company only when it is at fault, then decide whether to
    # report upwards. Both yes/no answers are required; `reported_to` when at fault.
    company_at_fault: bool | None = None
    apology_given: bool | None = None
    reported_to: str = ""  # to whom it was reported upwards ("not reported" is an answer)


@dataclass(frozen=True)
class Complaint:
    id: int
    escalation_id: int | None
    customer_name: str
    phone_masked: str
    address: str
    product: str
    batch_number: str
    used_when: str
    problem: str
    wants: str
    agent: str
    complaint_time: float | None
    recorded_by: str
    time: float
    company_at_fault: bool | None = None  # None: recorded before these were asked (m005)
    apology_given: bool | None = None
    reported_to: str = ""


@dataclass(frozen=True)
class ComplaintSummarySent:
    """One daily complaint summary sent to management (DOMAIN.md: before the shift ends)."""

    id: int
    shift: str
    sent_to: str
    complaints: int
    escalations: int
    format: str
    destination: str
    sent_by: str
    time: float


@dataclass(frozen=True)
class FollowUp:
    id: int
    escalation_id: int | None
    entry_seq: int | None
    text: str
    due: float
    created_by: str
    time: float
    done: Signature | None = None
    done_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.done is None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    time: float
    action: str
    actor: str
    os_user: str
    terminal: str
    target: str
    detail: str


@dataclass(frozen=True)
class Problem:
    table: str
    key: int | None  # seq for entries, id for other tables, None for schema problems
    message: str

    def __str__(self) -> str:
        label = {"entries": "seq", "chain": "link"}.get(self.table, "id")
        where = f"{self.table} {label} {self.key}" if self.key else self.table
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    rows: int
    head: ChainHead  # the duty log's head
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    chain: ChainHead | None = None  # the record chain's head (covers every table)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        """The lowest log seq with a problem (None when the log chain itself is fine)."""
        seqs = [p.key for p in self.problems if p.table == "entries" and p.key is not None]
        return min(seqs) if seqs else None


@dataclass(frozen=True)
class ArchiveResult:
    path: str
    before: float
    counts: dict[str, int]
    head: ChainHead  # last archived entry's chain position
    digest: str
