"""Counts rejected and anomalous feed lines by reason and keeps the last few for display.

Two kinds of reason (docs/feeds.md lists them all):
- *malformed*: the line was thrown away (`MALFORMED_REASONS`);
- *anomalies*: the line was well-formed and still applied, or was well-formed but not
  used (duplicates, unknown verbs); they are shown so a supervisor can trust the numbers.
"""

from __future__ import annotations

from collections import deque

from floorconsole.masking import mask_digit_runs
from floorconsole.printable import printable

MALFORMED_REASONS = frozenset({"too_few_fields", "bad_time", "bad_fields", "too_long", "nul_bytes", "bad_json"})
UNKNOWN_EVENT = "unknown_event"
# Every line is either applied or counted under exactly one of these (and then under no
# other line-level reason): thrown away as malformed, or well-formed but knowingly unused.
NOT_APPLIED = MALFORMED_REASONS | {UNKNOWN_EVENT, "duplicate", "outcome_after_connect"}

KEEP_LAST = 20
TEXT_MAX = 160  # characters of a rejected line kept for display


class Rejects:
    """Bounded record of bad lines: counts by reason plus the last `keep` examples."""

    __slots__ = ("_text_max", "changed", "counts", "last")

    def __init__(self, keep: int = KEEP_LAST, text_max: int = TEXT_MAX) -> None:
        self.counts: dict[str, int] = {}
        self.last: deque[tuple[str, str]] = deque(maxlen=keep)
        self.changed = False
        self._text_max = text_max

    def add(self, reason: str, line: bytes | str, n: int = 1) -> None:
        """Count `n` lines under `reason` and keep `line` (truncated, printable, every run of
        5+ digits masked: a rejected ENTERQUEUE holds the caller's number) as the example."""
        self.counts[reason] = self.counts.get(reason, 0) + n
        if isinstance(line, bytes):
            # Truncate before decoding: a 1 MB line must not cost a 1 MB decode.
            line = line[: self._text_max * 4].decode("utf-8", "replace")
        self.last.append((reason, printable(mask_digit_runs(line), self._text_max)))
        self.changed = True

    @property
    def malformed(self) -> int:
        """Lines thrown away as malformed (blank lines are not malformed)."""
        return sum(n for r, n in self.counts.items() if r in MALFORMED_REASONS)

    @property
    def anomalies(self) -> dict[str, int]:
        """Counts of reasons that are not malformed (orphans, duplicates, unknown verbs, ...)."""
        return {r: n for r, n in self.counts.items() if r not in MALFORMED_REASONS}
