"""Alerts fire once per episode and re-arm when the condition clears."""

from dataclasses import dataclass

from floorconsole.alerts import AlertTracker, patrol_status
from floorconsole.config import Thresholds


@dataclass
class Q:
    name: str
    waiting_now: int = 0
    oldest_entered: float | None = None
    service_level: float | None = None


@dataclass
class S:
    agent: str
    name: str
    state: str = "AVAILABLE"
    call_start: float | None = None


T = Thresholds()


def test_apology_wait_alerts_once_then_rearms_after_it_clears() -> None:
    tracker = AlertTracker()
    waiting = [Q("sales", 1, oldest_entered=1000.0)]
    assert tracker.floor(waiting, [], 1031, T) == ["Queue sales: a caller has waited past 30 s"]
    assert tracker.floor(waiting, [], 1032, T) == []  # same episode: no repeat every tick
    assert tracker.floor([Q("sales")], [], 1040, T) == []  # cleared
    assert len(tracker.floor([Q("sales", 1, oldest_entered=1040.0)], [], 1075, T)) == 1


def test_low_service_level_and_long_calls() -> None:
    tracker = AlertTracker()
    seats = [S("SIP/1", "Wang Fang", "ON_CALL", call_start=0.0), S("SIP/2", "Li Wei", "ON_CALL", call_start=500.0)]
    out = tracker.floor([Q("vip", service_level=70.0)], seats, 950, T)
    assert out == ["Queue vip: service level below 80%", "Long call (≥ 15 min): Wang Fang"]
    assert tracker.floor([Q("vip", service_level=70.0)], seats, 951, T) == []


def test_escalations_alert_only_for_new_ones_after_the_first_load() -> None:
    @dataclass
    class E:
        id: int

    tracker = AlertTracker()
    assert tracker.escalations([E(1), E(2)]) == []  # already there when the console opened
    assert [e.id for e in tracker.escalations([E(1), E(2), E(3)])] == [3]
    assert tracker.escalations([E(3)]) == []


def test_patrol_due_counts_from_shift_start_then_from_the_last_patrol() -> None:
    seats = [S("SIP/1", "a"), S("SIP/2", "b"), S("SIP/3", "c", state="LOGGED_OFF")]
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=3599, thresholds=T) == (0, 2, False)
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=3600, thresholds=T) == (0, 2, True)
    assert patrol_status(seats, frozenset({"SIP/1"}), 3500, shift_start=0, now=3600, thresholds=T) == (1, 2, False)
