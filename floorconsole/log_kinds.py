"""The duty log's kinds of entry, in one table: the stored key, the label supervisors read
(English and the Chinese term the rulebook uses), whether a handover carries it, and
whether a supervisor writes it by hand (`h`). Everything else derives from this table."""

from __future__ import annotations

from dataclasses import dataclass

from floorconsole.i18n import N_, _, is_chinese


@dataclass(frozen=True)
class LogKind:
    key: str  # stored in entries.kind
    label: str  # English, one entry: "Follow-up"
    group: str  # English, a group of them: "Follow-ups"
    zh: str  # the rulebook's term
    carried: bool  # DOMAIN.md's handover list: carried from the outgoing shift's log
    by_hand: bool  # offered in the log-entry form

    @property
    def name(self) -> str:
        """`Follow-up 待跟进`: how a form names one entry's kind (in Chinese: `待跟进`)."""
        if is_chinese():
            return self.zh or _(self.label)
        return f"{self.label} {self.zh}".strip()

    @property
    def title(self) -> str:
        """`Follow-ups 待跟进`: how screens and reports head a group of these (`待跟进`)."""
        if is_chinese():
            return self.zh or _(self.group)
        return f"{self.group} {self.zh}".strip()


# In the order the review screen and `handover show` group them.
LOG_KINDS: tuple[LogKind, ...] = (
    LogKind("escalation", "Escalation", "Escalations", "投诉升级", carried=False, by_hand=False),
    LogKind("follow-up", "Follow-up", "Follow-ups", "待跟进", carried=True, by_hand=True),
    LogKind("difficult-case", "Difficult case", "Difficult cases", "疑难问题", carried=True, by_hand=True),
    LogKind("customer-info", "Customer info", "Customer info", "客户信息", carried=True, by_hand=True),
    LogKind("equipment", "Equipment", "Equipment", "设备情况", carried=True, by_hand=True),
    LogKind("staffing", "Staffing", "Staffing", "人员调班", carried=True, by_hand=True),
    LogKind("notice", "Notice", "Notices", "最新通告", carried=True, by_hand=True),
    LogKind("patrol", "Patrol finding", "Patrol findings", "巡台", carried=False, by_hand=False),
    LogKind("roll-call", N_("Roll call"), N_("Roll calls"), "点名", carried=False, by_hand=False),
    LogKind("general", N_("General"), N_("Other"), "", carried=False, by_hand=True),
    LogKind("correction", N_("Correction"), N_("Corrections"), "", carried=False, by_hand=False),
)
BY_KEY: dict[str, LogKind] = {k.key: k for k in LOG_KINDS}


def kind_label(key: str) -> str:
    """An entry's kind as the panels show it: the stored key in English (`follow-up`), the
    rulebook's term in Chinese (`待跟进`); an unknown key as it is."""
    kind = BY_KEY.get(key)
    if kind is None or not is_chinese():
        return key
    return kind.zh or _(kind.label)


ENTRY_KINDS: tuple[str, ...] = tuple(k.key for k in LOG_KINDS)
CARRIED_ENTRY_KINDS: tuple[str, ...] = tuple(k.key for k in LOG_KINDS if k.carried)
HAND_WRITTEN_KINDS: tuple[str, ...] = tuple(k.key for k in LOG_KINDS if k.by_hand)
