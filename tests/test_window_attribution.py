"""A call belongs to the window in which it entered the queue, and its outcome counts there
(issue 10: just after a shift boundary the report showed 10 offered / 11 answered)."""

from __future__ import annotations

import pytest

from floorconsole.config import Thresholds
from floorconsole.floor import Floor

B = 1_800_000_000  # a shift boundary
TH = Thresholds()


def lines(fast: bool) -> list[bytes]:
    """Calls across the boundary B; `fast` feeds them as one block (the hot path), else
    line by line through `apply`-like single lines (still the fold, one line a block)."""
    raw = [
        # entered before B, answered after it: the earlier window's call
        f"{B - 20}|x1|sales|NONE|ENTERQUEUE||13800138000|1",
        f"{B + 5}|x1|sales|SIP/1|CONNECT|25|u|2",
        f"{B + 65}|x1|sales|SIP/1|COMPLETECALLER|25|60|1",
        # entered before B, abandoned after it
        f"{B - 10}|x2|sales|NONE|ENTERQUEUE||13800138001|1",
        f"{B + 20}|x2|sales|NONE|ABANDON|1|1|30",
        # entered before B, left by timeout after it
        f"{B - 5}|x3|sales|NONE|ENTERQUEUE||13800138002|1",
        f"{B + 10}|x3|sales|NONE|EXITWITHTIMEOUT|1|1|15",
        # entered and answered after B
        f"{B + 30}|y1|sales|NONE|ENTERQUEUE||13800138003|1",
        f"{B + 32}|y1|sales|SIP/2|CONNECT|2|u|1",
        f"{B + 90}|y1|sales|SIP/2|COMPLETEAGENT|2|58|1",
    ]
    data = [(line + "\n").encode() for line in raw]
    return [b"".join(data)] if fast else data


@pytest.mark.parametrize("fast", [True, False])
def test_outcomes_count_in_the_window_the_call_entered(fast: bool) -> None:
    before = Floor(TH, window_start=B - 3600, window_end=B)
    before.feed(lines(fast))
    m = before.measures("sales", B + 100)
    assert (m.offered, m.answered, m.abandoned, m.exited, m.handled) == (3, 1, 1, 1, 1)
    assert before.seats["SIP/1"].answered == 1

    after = Floor(TH, window_start=B, window_end=B + 3600)
    after.feed(lines(fast))
    m = after.measures("sales", B + 100)
    assert (m.offered, m.answered, m.abandoned, m.exited, m.handled) == (1, 1, 0, 0, 1)
    assert m.answered <= m.offered
    assert after.seats["SIP/1"].answered == 0 and after.seats["SIP/2"].answered == 1


def test_whole_file_figures_do_not_change() -> None:
    whole = Floor(TH)
    whole.feed(lines(True))
    m = whole.measures("sales", B + 100)
    assert (m.offered, m.answered, m.abandoned, m.exited, m.handled) == (4, 2, 1, 1, 2)


def test_live_window_after_a_shift_change() -> None:
    """The live console: set_window at the boundary; the old window's call is not counted."""
    floor = Floor(TH, window_start=B - 3600)
    data = lines(False)
    entered_before = [data[0], data[3], data[5]]  # x1, x2, x3 enter before the boundary
    floor.feed(entered_before)
    floor.set_window(B)
    floor.feed([d for d in data if d not in entered_before])
    m = floor.measures("sales", B + 100)
    assert (m.offered, m.answered, m.abandoned, m.exited) == (1, 1, 0, 0)
