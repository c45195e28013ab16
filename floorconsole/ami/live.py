"""What the console shows from AMI, as plain values, and who may act (no Textual here).

- `LiveFloor` turns the tracker's state into one short cell per agent for the seat table
  (ringing, device unreachable, who they talk to with the caller's number masked, time in
  pause with the reason) and the escalation's `live for 3:12` / `ended 10:41`.
- `refusal()` says why a person may not do an AMI action (a viewer acts on nothing; only
  the roles in `[ami] hangup_roles` hang up), or None when they may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from floorconsole.ami.tracker import AmiTracker
from floorconsole.config import CALL_ROLES, Config
from floorconsole.i18n import N_, _
from floorconsole.masking import mask_caller

# Actions the keys start; the names are ActionResult.action's.
SPY_ACTIONS = ("listen", "whisper", "barge")
ALL_ACTIONS = (*SPY_ACTIONS, "take-over", "pause", "unpause", "queue-remove", "hangup")


@dataclass(frozen=True, slots=True)
class LiveCell:
    """One agent's live cell: `text`, with `m:ss` since `since` appended when it ticks."""

    text: str
    level: str = ""  # "" | "ok" | "warn" | "alert" | "dim"
    since: float | None = None
    suffix: str = ""

    def render(self, now: float) -> str:
        if self.since is None:
            return self.text
        return f"{self.text} {clock_text(now - self.since)}{self.suffix}"


def clock_text(seconds: float) -> str:
    """`3:12`, or `1:03:12` past the hour."""
    s = max(0, int(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class LiveFloor:
    """Live cells from the tracker; remembers when each agent's pause began (AMI's
    QueueMemberPause says paused, not since when)."""

    def __init__(self, tracker: AmiTracker, mask_keep_digits: int = 4) -> None:
        self.tracker = tracker
        self.keep = mask_keep_digits
        self.pause_since: dict[str, float] = {}
        # when the floor (queue_log) says the pause began, if it knows: (agent) -> time | None
        self.paused_since_hint: Callable[[str], float | None] | None = None

    def cells(self, agents: Iterable[str], now: float) -> dict[str, LiveCell | None]:
        """The cells of `agents` (None: AMI knows nothing about that agent)."""
        return {a: self.cell(a, now) for a in agents}

    def cell(self, agent: str, now: float) -> LiveCell | None:
        t = self.tracker
        if agent not in t.member_queues and t.agent_channel(agent) is None and agent not in t.agent_calls:
            self.pause_since.pop(agent, None)
            return None
        live = t.agent(agent)
        if live.paused:
            if agent not in self.pause_since:
                hint = self.paused_since_hint(agent) if self.paused_since_hint is not None else None
                self.pause_since[agent] = hint if hint is not None and hint <= now else now
        else:
            self.pause_since.pop(agent, None)
        if live.unreachable:
            return LiveCell(_("⚠ phone unreachable"), "alert")
        if live.ringing:
            return LiveCell(_("ringing"), "warn")
        if live.caller_channel is not None:
            caller = t.channel_by_name(live.caller_channel)
            who = mask_caller(caller.caller_num, self.keep) if caller is not None else ""
            if not who or who.startswith("<"):
                who = _("caller")
            return LiveCell(_("talking to {who}").format(who=who), "ok")  # the Call column has its length
        if live.paused:
            reason = f" {live.paused_reason}" if live.paused_reason else ""
            return LiveCell(_("paused"), "warn", self.pause_since[agent], reason)
        if live.agent_channel is not None:
            return LiveCell(_("on a call (not from a queue)"), "dim")
        return LiveCell(_("idle"), "dim")

    def call_text(self, callid: str, now: float) -> tuple[str, bool]:
        """(`live for 3:12` / `ended 10:41` / "" when AMI never saw the call, whether the call
        is live): the flag, not the words, decides the style, whatever the language."""
        if not callid or callid.upper() in ("NONE", "MANAGER"):
            return "", False
        state = self.tracker.call(callid)
        if not state.known:
            # AMI listed every live channel at connect: a call it has not seen is not live
            return (_("not live") if self.tracker.synced else ""), False
        if state.live and state.started is not None:
            return _("live for {t}").format(t=clock_text(now - state.started)), True
        return state.describe(now), False


# What each action is called in a message ("... may not hang up", "listen on Xu Jing is still going on").
_VERBS = {
    "listen": N_("listen"),
    "whisper": N_("whisper"),
    "barge": N_("barge"),
    "take-over": N_("take a call over"),
    "pause": N_("pause"),
    "unpause": N_("unpause"),
    "queue-remove": N_("remove from a queue"),
    "hangup": N_("hang up"),
}


def action_text(action: str) -> str:
    """An AMI action's name as a message says it, in the console's language."""
    return _(_VERBS[action]) if action in _VERBS else action


def refusal(config: Config, os_user: str, action: str) -> str | None:
    """Why `os_user` may not do `action` (None: they may). Without `[people]` (one
    supervisor's own setup) every action is theirs; with it, a viewer or an account that is
    not listed acts on nothing, and only `[ami] hangup_roles` may hang up."""
    if not config.people:
        return None
    person = config.person(os_user)
    if person is None:
        return _("OS user {user} is not a configured person and may not act on calls").format(user=os_user)
    allowed: Iterable[str] = CALL_ROLES
    if action == "hangup" and config.ami is not None:
        allowed = config.ami.hangup_roles
    if person.role not in allowed:
        return _("{name} has the role {role!r}, which may not {action}").format(
            name=person.name, role=person.role, action=action_text(action)
        )
    return None
