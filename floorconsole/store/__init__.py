"""The floor records store: duty log on a hash chain, handovers, patrol, escalations, audit.

`Store` is the facade (one thread); `StoreService` runs it on a dedicated thread and
returns Futures. Method list: docs/store.md.
"""

from floorconsole.store.archive import verify_archive
from floorconsole.store.errors import (
    AlreadyClaimed,
    IntegrityProblem,
    NotAllowed,
    NotFound,
    ReadOnlyStore,
    StoreBusy,
    StoreError,
    StoreFull,
    ValidationError,
)
from floorconsole.store.models import (
    ENTRY_KINDS,
    OUTCOMES,
    SCORE_DIMENSIONS,
    ArchiveResult,
    AuditRecord,
    ChainHead,
    Complaint,
    ComplaintDraft,
    ComplaintSummarySent,
    Escalation,
    FollowUp,
    Handover,
    HandoverEvent,
    HandoverItem,
    HandoverItemDraft,
    Inspection,
    LogEntry,
    OpenItem,
    OpenItemCounts,
    PatrolFinding,
    PatrolNote,
    Praise,
    Problem,
    Shift,
    Signature,
    VerifyReport,
)
from floorconsole.store.service import StoreService
from floorconsole.store.store import Store, store_kwargs

__all__ = [
    "AlreadyClaimed", "ArchiveResult", "AuditRecord", "ChainHead", "Complaint", "ComplaintDraft", "ComplaintSummarySent",
    "ENTRY_KINDS", "Escalation", "FollowUp", "Handover", "HandoverEvent", "HandoverItem",
    "HandoverItemDraft", "Inspection", "IntegrityProblem", "LogEntry", "NotAllowed", "NotFound", "OUTCOMES", "OpenItem", "OpenItemCounts",
    "PatrolFinding", "PatrolNote", "Praise", "Problem", "ReadOnlyStore", "SCORE_DIMENSIONS",
    "Shift", "Signature", "Store", "StoreBusy", "StoreError", "StoreFull", "StoreService",
    "ValidationError", "VerifyReport", "store_kwargs", "verify_archive",
]
