"""Alerts fire once per episode and re-arm when the condition clears."""

from dataclasses import dataclass
from datetime import datetime

from floorconsole.alerts import AlertTracker, morning_check_by, patrol_due, patrol_status
from floorconsole.config import Thresholds
from floorconsole.shifts import ShiftWindow


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


def test_patrol_due_at_each_shift_change_until_one_is_recorded() -> None:
    """DOMAIN.md: the fixed checks are at each shift change (and before 9:30); no rulebook
    gives an interval, so by default nothing is due once the check is done or past."""
    seats = [S("SIP/1", "a"), S("SIP/2", "b"), S("SIP/3", "c", state="LOGGED_OFF")]
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=0, thresholds=T) == (0, 2, True)
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=1799, thresholds=T) == (0, 2, True)
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=1800, thresholds=T) == (0, 2, False)
    assert patrol_status(seats, frozenset(), None, shift_start=0, now=3600 * 5, thresholds=T) == (0, 2, False)
    assert patrol_status(seats, frozenset({"SIP/1"}), 300, shift_start=0, now=600, thresholds=T) == (1, 2, False)
    # a patrol of the last shift does not count for this one
    assert patrol_due(-100, 0, 600, T) is True


def test_patrol_due_before_930_on_the_shift_that_covers_it() -> None:
    day = ShiftWindow("day", datetime(2026, 11, 23, 8, 0).astimezone(), datetime(2026, 11, 23, 16, 0).astimezone())
    night = ShiftWindow("night", datetime(2026, 11, 23, 0, 0).astimezone(), datetime(2026, 11, 23, 8, 0).astimezone())
    by = morning_check_by(day)
    assert by == datetime(2026, 11, 23, 9, 30).astimezone().timestamp()
    assert morning_check_by(night) is None
    start = day.start.timestamp()
    assert patrol_due(None, start, by - 60, T, by) is True  # 9:29, nothing yet
    assert patrol_due(None, start, by + 60, T, by) is False  # 9:31: the fixed check is past
    assert patrol_due(start + 600, start, by - 60, T, by) is False  # done at 8:10


def test_an_extra_patrol_rhythm_is_a_setting() -> None:
    hourly = Thresholds(patrol_interval_min=60)
    assert Thresholds().patrol_interval_min == 0
    assert patrol_due(None, 0, 3599, hourly) is False
    assert patrol_due(None, 0, 3600, hourly) is True
    assert patrol_due(3500, 0, 3600, hourly) is False
    assert patrol_due(3500, 0, 3500 + 3600, hourly) is True


def test_apology_rule_in_force_is_a_named_setting(tmp_path) -> None:  # noqa: ANN001
    """DOMAIN.md: both apology rules exist; the config says which is in force."""
    from floorconsole.config import ConfigError, load_config

    assert (T.apology_rule, T.apology_wait_s) == ("6-rings", 30.0)
    assert T.apology_text() == "apology after 6 rings (30 s, hotline rule)"
    f = tmp_path / "c.toml"
    f.write_text('[thresholds]\napology_rule = "3-rings"\n')
    th = load_config(f).thresholds
    assert (th.apology_rule, th.apology_wait_s) == ("3-rings", 15.0)
    assert th.apology_text() == "apology after 3 rings (15 s, complaint manual)"
    f.write_text('[thresholds]\napology_rule = "5-rings"\n')
    try:
        load_config(f)
    except ConfigError as exc:
        assert "apology_rule" in str(exc)
    else:
        raise AssertionError("a rule nobody wrote was accepted")


def test_calls_answered_past_the_apology_wait_are_counted() -> None:
    from floorconsole.floor import Floor

    feed = b"".join(
        f"{100 * i}|c{i}|sales|NONE|ENTERQUEUE||1|1\n{100 * i + w}|c{i}|sales|SIP/1|CONNECT|{w}|u|1\n"
        f"{100 * i + w + 5}|c{i}|sales|SIP/1|COMPLETEAGENT|{w}|5|1\n".encode()
        for i, w in enumerate((10, 16, 30, 31, 45))
    )
    six = Floor(T, bucket_s=3600)
    six.feed([feed])
    assert six.measures("sales", 1000).answered_past_apology == 2  # 31 and 45 s
    assert six.bucket_measures("sales")[0].answered_past_apology == 2
    three = Floor(Thresholds(apology_rule="3-rings", apology_wait_s=15), bucket_s=3600)
    three.feed([feed])
    assert three.measures("sales", 1000).answered_past_apology == 4
