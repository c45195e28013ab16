"""Praise in public, correct in private (DOMAIN.md): what a person may be shown of the
findings recorded against an agent (patrol findings, signs of strain).

Supervisors, managers and quality inspectors read them (`Config.sees_findings`); a viewer
(a guest account, a wall) sees that there is a finding, never what it says. The shared shift
report leaves them out unless a person allowed to read them asks (`report --findings`).
"""

from __future__ import annotations

# Duty-log kinds whose text is a finding against a person.
FINDING_KINDS = frozenset({"patrol"})
WITHHELD = "patrol finding (shown to supervisors, managers and quality inspectors only)"


def shown_body(kind: str, body: str, sees_findings: bool) -> str:
    """The entry's text as this person may see it."""
    if kind in FINDING_KINDS and not sees_findings:
        return WITHHELD
    return body
