"""The leave rules, each refusal with its reason and message, the deadlines at their exact
boundaries (11:59:59 vs 12:00 for night leave; exactly 1 h, 1 day, 2 days ahead), in
Shanghai and across both of Berlin's DST changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from floorconsole.config import DEFAULT_SHIFTS, Holiday, Person
from floorconsole.roster.leave_rules import (
    LeaveAsk,
    LeaveCalendar,
    check_leave,
    check_leave_approval,
    leave_type,
    night_deadline,
    required_level,
)
from floorconsole.roster.model import ApprovedSwap
from floorconsole.roster.registers import Reason
from floorconsole.shifts import ShiftDef

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 24)  # a Tuesday; the day shift starts 08:00
CAL = LeaveCalendar(shifts=DEFAULT_SHIFTS, zone=SH)


def at(y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0, zone: ZoneInfo = SH) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=zone)


def ask(kind: str = "ordinary", asked_at: datetime | None = None, **kw) -> LeaveAsk:  # noqa: ANN003
    values = {
        "person": "Xu Jing",
        "kind": kind,
        "first_day": DAY,
        "last_day": DAY,
        "shift": "day",
        "asked_at": asked_at or at(2026, 11, 20, 9),
    }
    values.update(kw)
    return LeaveAsk(**values)  # type: ignore[arg-type]


def reason(a: LeaveAsk, cal: LeaveCalendar = CAL) -> Reason | None:
    refusal = check_leave(a, cal)
    return None if refusal is None else refusal.reason


# -- a day ahead, an hour before -----------------------------------------------------------
def test_ordinary_leave_is_asked_exactly_a_day_ahead_at_the_latest() -> None:
    assert reason(ask(asked_at=at(2026, 11, 23, 8, 0, 0))) is None
    refusal = check_leave(ask(asked_at=at(2026, 11, 23, 8, 0, 1)), CAL)
    assert refusal is not None and refusal.reason is Reason.ORDINARY_NOTICE
    assert str(refusal) == "Ordinary leave is asked a day ahead: by 2026-11-23 08:00 for the shift at 2026-11-24 08:00"


def test_urgent_leave_is_asked_exactly_an_hour_before_at_the_latest() -> None:
    assert reason(ask("urgent", at(2026, 11, 24, 7, 0, 0))) is None
    refusal = check_leave(ask("urgent", at(2026, 11, 24, 7, 0, 1)), CAL)
    assert refusal is not None and refusal.reason is Reason.URGENT_NOTICE
    assert "an hour before the shift: by 2026-11-24 07:00" in refusal.message


def test_no_leave_once_the_shift_has_started() -> None:
    refusal = check_leave(ask("sick", at(2026, 11, 24, 8, 0), doctor_note=True), CAL)
    assert refusal is not None and refusal.reason is Reason.SHIFT_STARTED
    assert "started at 2026-11-24 08:00" in refusal.message
    assert reason(ask("sick", at(2026, 11, 24, 7, 59, 59), doctor_note=True)) is None


# -- night shifts: before 12:00 ---------------------------------------------------------------
def test_night_leave_before_noon_of_the_evening_the_night_shift_starts() -> None:
    shifts = (ShiftDef("day", "08:00", "20:00"), ShiftDef("night", "20:00", "08:00"))
    cal = LeaveCalendar(shifts=shifts, zone=SH)
    a = ask("urgent", shift="night")
    assert reason(a.__class__(**{**a.__dict__, "asked_at": at(2026, 11, 24, 11, 59, 59)}), cal) is None
    refusal = check_leave(a.__class__(**{**a.__dict__, "asked_at": at(2026, 11, 24, 12, 0, 0)}), cal)
    assert refusal is not None and refusal.reason is Reason.NIGHT_NOTICE
    assert refusal.message == (
        "Night-shift leave is asked before 12:00: before 2026-11-24 12:00 for the night shift at 2026-11-24 20:00"
    )


def test_a_midnight_night_shift_is_asked_for_before_noon_the_day_before() -> None:
    # The default night shift runs 00:00-08:00: its 12:00 is the previous day's.
    start = at(2026, 11, 24, 0)
    assert night_deadline(start, SH) == at(2026, 11, 23, 12)
    ok = ask("urgent", at(2026, 11, 23, 11, 59, 59), shift="night")
    late = ask("urgent", at(2026, 11, 23, 12, 0, 0), shift="night")
    assert reason(ok) is None and reason(late) is Reason.NIGHT_NOTICE


def test_night_leave_must_also_keep_its_kind_s_notice() -> None:
    # ordinary night leave: a day ahead is the stricter of the two
    assert reason(ask("ordinary", at(2026, 11, 23, 0, 0, 1), shift="night", first_day=date(2026, 11, 24))) is (
        Reason.ORDINARY_NOTICE
    )


# -- holidays -----------------------------------------------------------------------------------
HOLIDAY = Holiday(date(2026, 10, 1), "National Day 国庆节", duty=("Ma Wei",))
HCAL = LeaveCalendar(shifts=DEFAULT_SHIFTS, holidays=(HOLIDAY,), zone=SH)


def test_holiday_leave_is_asked_exactly_two_days_ahead_at_the_latest() -> None:
    first = date(2026, 10, 1)
    assert reason(ask(asked_at=at(2026, 9, 29, 8, 0, 0), first_day=first, last_day=first), HCAL) is None
    refusal = check_leave(ask(asked_at=at(2026, 9, 29, 8, 0, 1), first_day=first, last_day=first), HCAL)
    assert refusal is not None and refusal.reason is Reason.HOLIDAY_NOTICE
    assert refusal.message == (
        "Leave on a holiday (2026-10-01 National Day 国庆节) is asked two days ahead: by 2026-09-29 08:00"
    )
    # a holiday in the middle of a longer leave counts too
    assert reason(ask("urgent", at(2026, 9, 29, 9), first_day=date(2026, 9, 30), last_day=first), HCAL) is (
        Reason.HOLIDAY_NOTICE
    )
    assert leave_type(ask(first_day=first, last_day=first), HCAL) == "holiday"


def test_no_leave_for_those_on_holiday_duty() -> None:
    first = date(2026, 10, 1)
    refusal = check_leave(ask(person="Ma Wei", asked_at=at(2026, 9, 1, 9), first_day=first, last_day=first), HCAL)
    assert refusal is not None and refusal.reason is Reason.HOLIDAY_DUTY
    assert refusal.message == (
        "Ma Wei is on holiday duty on 2026-10-01 National Day 国庆节: no leave for those on holiday duty (节假日当班)"
    )


# -- in person, sick leave, swap days -------------------------------------------------------------
def test_leave_is_asked_in_person_except_sick_leave() -> None:
    refusal = check_leave(ask(in_person=False), CAL)
    assert refusal is not None and refusal.reason is Reason.NOT_IN_PERSON
    assert refusal.message == "Ordinary leave is asked in person, not through someone else (only sick leave may be)"
    assert reason(ask("sick", in_person=False, doctor_note=True)) is None


def test_a_full_day_of_sick_leave_needs_a_doctors_note() -> None:
    refusal = check_leave(ask("sick"), CAL)
    assert refusal is not None and refusal.reason is Reason.DOCTOR_NOTE
    assert "doctor's note" in refusal.message
    assert reason(ask("sick", full_day=False)) is None
    assert reason(ask("sick", doctor_note=True)) is None


def test_sick_leave_is_not_held_to_the_night_or_holiday_deadlines() -> None:
    first = date(2026, 10, 1)
    late = at(2026, 10, 1, 7, 30)
    assert reason(ask("sick", late, first_day=first, last_day=first, doctor_note=True), HCAL) is None
    assert leave_type(ask("sick", late, first_day=first, last_day=first), HCAL) == "sick"


def test_no_leave_on_a_swap_or_pay_back_day() -> None:
    swap = ApprovedSwap("Ma Wei", date(2026, 11, 22), "day", "Xu Jing", DAY, "day")
    cal = LeaveCalendar(shifts=DEFAULT_SHIFTS, swaps=(swap,), zone=SH)
    refusal = check_leave(ask(), cal)
    assert refusal is not None and refusal.reason is Reason.SWAP_DAY
    assert refusal.message == (
        "2026-11-24 is a pay-back day of Xu Jing's swap with Ma Wei: no leave on a swap or pay-back day"
    )
    on_swap_day = check_leave(ask(person="Ma Wei", first_day=date(2026, 11, 22), last_day=date(2026, 11, 22)), cal)
    assert on_swap_day is not None and on_swap_day.reason is Reason.SWAP_DAY and "a swap day" in on_swap_day.message


def test_leave_is_not_entered_twice() -> None:
    from floorconsole.roster.model import ApprovedLeave

    cal = LeaveCalendar(shifts=DEFAULT_SHIFTS, zone=SH, leave=(ApprovedLeave("Xu Jing", DAY, "day", "ordinary"),))
    refusal = check_leave(ask(last_day=DAY + timedelta(days=1)), cal)
    assert refusal is not None and refusal.reason is Reason.LEAVE_DAY
    assert refusal.message == "Xu Jing already has leave on the day shift of 2026-11-24"
    assert reason(ask(shift="evening"), cal) is None


def test_bad_input_is_refused_with_the_reason() -> None:
    assert reason(ask(kind="holiday")) is Reason.BAD_INPUT
    assert reason(ask(last_day=DAY - timedelta(days=1))) is Reason.BAD_INPUT
    assert reason(ask(last_day=DAY + timedelta(days=40))) is Reason.BAD_INPUT
    refusal = check_leave(ask(shift="late"), CAL)
    assert refusal is not None and refusal.message == "No shift named late; configured: night, day, evening"


# -- approval by level --------------------------------------------------------------------------------
ZHOU = Person("zhou", "Zhou Min", "manager")  # department head
QIAN = Person("qian", "Qian Hua", "centre_head")
LI = Person("li", "Li Na", "supervisor")


def test_one_day_is_approved_by_the_department_head_more_by_the_centre_head() -> None:
    one, three = ask(), ask(last_day=DAY + timedelta(days=2))
    assert required_level(1) == "department_head" and required_level(3) == "centre_head"
    assert check_leave_approval(one, ZHOU, "zhou") is None
    assert check_leave_approval(one, QIAN, "qian") is None
    assert check_leave_approval(three, QIAN, "qian") is None
    refusal = check_leave_approval(three, ZHOU, "zhou")
    assert refusal is not None and refusal.reason is Reason.APPROVER_LEVEL
    assert refusal.message == "Leave of 3 day(s) is approved by the centre head (客服中心主任); Zhou Min is a manager"
    refusal = check_leave_approval(one, LI, "li")
    assert refusal is not None and refusal.reason is Reason.APPROVER_LEVEL
    unknown = check_leave_approval(one, None, "guest")
    assert unknown is not None and unknown.reason is Reason.APPROVER_UNKNOWN and "[people.guest]" in unknown.message
    viewer = check_leave_approval(one, Person("v", "Wall", "viewer"), "v")
    assert viewer is not None and viewer.reason is Reason.APPROVER_ROLE


# -- DST: a day ahead is the same clock time the day before -------------------------------------------
@pytest.mark.parametrize(
    ("day", "elapsed_hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],  # spring forward, fall back (Berlin)
)
def test_a_day_ahead_across_a_dst_change_is_the_same_clock_time(day: date, elapsed_hours: int) -> None:
    cal = LeaveCalendar(shifts=DEFAULT_SHIFTS, zone=BERLIN)
    start = datetime(day.year, day.month, day.day, 8, tzinfo=BERLIN)
    deadline = datetime(day.year, day.month, day.day - 1, 8, tzinfo=BERLIN)
    assert (start.timestamp() - deadline.timestamp()) / 3600 == elapsed_hours
    assert reason(ask(asked_at=deadline, first_day=day, last_day=day), cal) is None
    late = datetime.fromtimestamp(deadline.timestamp() + 1, BERLIN)
    assert reason(ask(asked_at=late, first_day=day, last_day=day), cal) is Reason.ORDINARY_NOTICE
    # an hour before is elapsed time: 07:00 local on either day
    assert reason(ask("urgent", start - timedelta(hours=1), first_day=day, last_day=day), cal) is None
    assert reason(ask("urgent", start - timedelta(minutes=59), first_day=day, last_day=day), cal) is (
        Reason.URGENT_NOTICE
    )


def test_night_leave_noon_on_the_day_the_clocks_go_forward() -> None:
    cal = LeaveCalendar(shifts=DEFAULT_SHIFTS, zone=BERLIN)
    night = date(2026, 3, 30)  # 00:00 on the 30th: its noon is the 29th's, CEST
    ok = ask("urgent", datetime(2026, 3, 29, 11, 59, 59, tzinfo=BERLIN), shift="night", first_day=night, last_day=night)
    late = ask("urgent", datetime(2026, 3, 29, 12, 0, 0, tzinfo=BERLIN), shift="night", first_day=night, last_day=night)
    assert reason(ok, cal) is None and reason(late, cal) is Reason.NIGHT_NOTICE
