"""How long the attendance detector's once-a-second tick and a floor update take on a big floor.

5,000 seats, a roster of 4,000 people on the day shift, 1,000 seat changes per update.
Prints the median and p95 of `tick(now)` and of `observe(1,000 seats)`.

    .venv/bin/python benchmarks/attendance_tick.py
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime

from floorconsole.config import DEFAULT_SHIFTS
from floorconsole.roster.attendance import AttendanceDetector
from floorconsole.roster.expected import expected_floor
from floorconsole.roster.model import RosterEntry
from floorconsole.views import SeatView

SEATS, ROSTERED, CHANGES, ROUNDS = 5000, 4000, 1000, 200


def main() -> None:
    day = date(2026, 12, 1)
    t0 = datetime(2026, 12, 1, 9, 0).astimezone().timestamp()
    roster = [RosterEntry(day, f"agent{i}", "day", f"g{i % 20}") for i in range(ROSTERED)]
    d = AttendanceDetector(DEFAULT_SHIFTS)
    d.set_expected(expected_floor(roster))
    states = ("AVAILABLE", "ON_CALL", "PAUSED", "WRAP_UP", "LOGGED_OFF")

    def seat(i: int, k: int, now: float) -> SeatView:
        return SeatView(f"agent{i}", f"agent{i}", "", ("q",), states[(i + k) % 5], now, None, "break", 0, 0)

    d.observe([seat(i, 0, t0 - 600) for i in range(SEATS)], t0)
    ticks, observes = [], []
    for k in range(ROUNDS):
        now = t0 + k
        batch = [seat((k * CHANGES + j) % SEATS, k, now) for j in range(CHANGES)]
        start = time.perf_counter()
        d.observe(batch, now)
        observes.append(time.perf_counter() - start)
        start = time.perf_counter()
        d.tick(now)
        ticks.append(time.perf_counter() - start)

    def fig(xs: list[float]) -> str:
        xs = sorted(xs)
        return f"p50 {statistics.median(xs) * 1000:.2f} ms, p95 {xs[int(len(xs) * 0.95)] * 1000:.2f} ms"

    print(f"{SEATS} seats, {ROSTERED} rostered, {CHANGES} changes per update, {ROUNDS} rounds")
    print(f"tick(now):           {fig(ticks)}")
    print(f"observe({CHANGES} seats): {fig(observes)}")


if __name__ == "__main__":
    main()
