"""The queue_log lines AMI leaves behind are known to the floor: the console's own
FLOORTAKEOVER (QueueLog action after a take-over) and the ESCALATE of the `*9` dialplan
snippet in docs/asterisk.md. Neither is counted as an unknown verb or rejected."""

from __future__ import annotations

from floorconsole.config import Thresholds
from floorconsole.floor import Floor
from floorconsole.queue_log import parse_line

T = 1_700_000_000


def lines() -> list[bytes]:
    return [
        f"{T}|1700000000.16|sales|NONE|ENTERQUEUE||13800138000|1".encode(),
        f"{T + 5}|1700000000.16|sales|PJSIP/101|CONNECT|5|1700000000.17|2".encode(),
        # *9 on the agent's phone: QueueLog(${QUEUENAME},${CHANNEL(linkedid)},PJSIP/101,ESCALATE,agent-request|2)
        f"{T + 30}|1700000000.16|sales|PJSIP/101|ESCALATE|agent-request|2".encode(),
        # the take-over: app_queue's BLINDTRANSFER, then the console's FLOORTAKEOVER
        f"{T + 60}|1700000000.16|sales|PJSIP/101|BLINDTRANSFER|2001|floor-takeover|5|55|1".encode(),
        f"{T + 62}|1700000000.16|sales|PJSIP/101|FLOORTAKEOVER|alice|bridged".encode(),
    ]


def test_floortakeover_and_escalate_are_known_verbs() -> None:
    ev = parse_line(lines()[-1])
    assert not isinstance(ev, str) and ev.verb == "FLOORTAKEOVER" and ev.data == ("alice", "bridged")
    for fast in (True, False):
        floor = Floor(Thresholds(), window_start=T - 10)
        if fast:
            floor.feed(lines())
        else:
            for line in lines():
                floor.feed([line])
        assert floor.lines_unknown == 0 and not floor.rejects.counts
        changes = floor.take_changes(T + 70)
        assert [e.event.data for e in changes.escalations] == [("agent-request", "2")]
        m = floor.measures("sales", T + 70)
        assert m.answered == 1


def test_escalate_from_the_agents_channel_with_no_queue_name() -> None:
    """On the agent's channel QUEUENAME may be empty: the snippet writes queue NONE and the
    agent as `${CUT(CHANNEL,-,1)}`; the escalation is still raised, on the call's callid."""
    floor = Floor(Thresholds(), window_start=T - 10)
    floor.feed(
        [
            *lines()[:2],
            f"{T + 30}|1700000000.16|NONE|PJSIP/101|ESCALATE|agent-request|1".encode(),
        ]
    )
    (esc,) = floor.take_changes(T + 40).escalations
    assert esc.event.callid == "1700000000.16" and esc.event.agent == "PJSIP/101"
    assert esc.event.data == ("agent-request", "1") and floor.lines_unknown == 0
