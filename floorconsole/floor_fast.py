"""The hot loop of `Floor`: a block of queue_log lines folded at over a million lines/s.

A 5,000-seat floor's backfill is millions of lines, so this one function is shaped for
speed (see the comments inside) and kept apart from the readable handlers in
`floor.py`, which stay the one full definition of each verb: the loop writes out only
the usual case of the four commonest verbs and hands everything else to them. It reads
and writes the Floor's private state, as a method would; `tests/test_floor.py` and
`tests/test_fuzz_feeds.py` check, line by line, that it and the handlers agree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from floorconsole import queue_log
from floorconsole.floor_model import (
    _CALLER,
    _CONNECTED,
    _ENDED_GEN,
    _ENTERED,
    _Q,
    _SEAT,
    CallRecord,
    Fields,
    SeatState,
)

if TYPE_CHECKING:
    from floorconsole.floor import Floor

# Whole numbers as Asterisk writes them (holdtime, calltime): a dict hit costs half an int().
_INTS = {str(i).encode(): i for i in range(10_000)}


def _ring_ms(raw: bytes) -> int:
    """A RINGNOANSWER ring time in milliseconds by the same rule, or ValueError."""
    ms = queue_log.duration(raw, queue_log.MAX_RING_MS)
    if ms is None:
        raise ValueError("ring time is not plain digits, or over its bound")
    return ms


def _reclassify(p: Fields, t: float) -> None:
    """The hot loop's handler for a verb it does not know: the classifying slow path
    decides (it strips the line first, as `queue_log.split_fields` does for every path,
    so `PAUSE` with a stray CR after it is a PAUSE there too), and counts an unknown verb once."""
    raise ValueError("not a verb the floor knows as written")


def fold_queue_log(floor: Floor, lines: list[bytes]) -> None:
    """Fold complete queue_log lines (no newlines) into `floor`; never raises on bad input:
    a line the loop cannot take is re-read by `Floor._slow_line`, which classifies it."""
    # The hot loop: most of a backfill's time is spent here, so it is shaped for speed.
    # - Everything used per line is a local (attribute and global lookups cost).
    # - Lines come in time order and many share a second: the time field is parsed and
    #   checked (negative, out of order, in the window) only when its bytes change.
    #   A line earlier than the latest goes to `_late`; a time that is not plain digits
    #   or is out of range raises, so `_slow_line` reads (or rejects) it.
    # - The four verbs that make up ~85% of a real feed (ENTERQUEUE, CONNECT,
    #   RINGNOANSWER, COMPLETE*) are written out here; their usual case only. Anything
    #   unusual (duplicates, orphans, a seat still on another call, NONE agents...) is
    #   handed to the verb's handler method before anything is changed, so the methods
    #   stay the one full definition of each verb. Every other verb goes by the table.
    # - A line that raises is re-read by the classifying slow path, as before: the
    #   inline code, like the handlers, reads everything before it changes anything.
    handlers = floor._ql
    unknown = _reclassify
    ints = _INTS
    max_time = queue_log.MAX_TIME
    ring_ms = _ring_ms
    calls = floor._calls
    ended = floor._ended
    seats_raw = floor._seats_raw
    queues_raw = floor._queues_raw
    new_seat = floor._new_seat
    new_queue = floor._new_queue
    touched = floor._touched.append
    wrapping = floor._wrapping
    max_calls = floor._max_calls
    ws, we = floor._ws, floor._we
    bsz = floor.bucket_s
    sl, sl_f, rna, apology = floor._sl_int, floor._sl, floor._rna_int, floor._apology
    wrapup, explicit = floor._wrapup, floor._explicit_wrapup
    enter_h, connect_h, end_h, rna_h = floor._h_enterqueue, floor._h_connect, floor._end_call, floor._h_ringnoanswer
    ON_CALL, RINGING, OFF, WRAP, AVAIL, PAUSED = (
        SeatState.ON_CALL,
        SeatState.RINGING,
        SeatState.LOGGED_OFF,
        SeatState.WRAP_UP,
        SeatState.AVAILABLE,
        SeatState.PAUSED,
    )
    last = t = prev = floor._last_t
    ts = tline = None  # the raw time field of `last`, and the line it came from
    c: CallRecord | None
    inw = False  # ws <= t < we
    for line in lines:
        try:
            p = line.split(b"|")
            s = p[0]
            if s != ts:  # a new second: parse it (same bytes, same time: no int())
                # queue_log.parse_time's rule: plain digits (int() also takes a sign,
                # spaces and "_"), at most MAX_TIME. Anything else, a fraction
                # included, goes to the slow path, which rejects it or reads it.
                if not s.isdigit():
                    raise ValueError("not plain digits")
                tn = int(s)
                if tn > max_time:
                    raise ValueError("time out of range")  # -> slow path: bad_time
                if tn < last:
                    floor._late(p, tn, last)
                    continue
                prev, last, t, ts, tline = last, tn, tn, s, line
                inw = ws <= t < we
            v = p[4]
            if v == b"ENTERQUEUE":  # url|callerid[|position[|cidname]]
                callid = p[1]
                caller = p[6] if len(p) > 6 else b""
                q = queues_raw.get(p[2]) or new_queue(p[2])
                c = [q, t, caller, None, None]
                if calls.setdefault(callid, c) is not c:  # already open: duplicate or moved
                    enter_h(p, t)
                    continue
                if t >= q.hist_next:
                    q.roll(t)
                w = q.calls
                w[callid] = c
                if len(w) > q.hist_peak:
                    q.hist_peak = len(w)
                if len(calls) > max_calls:
                    floor._evict_calls()
                if inw:
                    q.tally.offered += 1
                    if bsz:
                        q.bucket(t, bsz).offered += 1
                q.dirty = True
            elif v == b"CONNECT":  # holdtime[|bridged_uniqueid[|ringtime_s]]
                hold = ints.get(p[5])
                callid = p[1]
                c = calls.get(callid)
                if c is None or hold is None or (len(p) > 7 and p[7] not in ints):
                    connect_h(p, t)  # orphan, duplicate, or numbers to check in full
                    continue
                wq = c[_Q]
                # Usually answered in the queue it waits in: no need to look that up.
                q = wq if wq.raw == p[2] else queues_raw.get(p[2]) or new_queue(p[2])
                seat = seats_raw.get(p[3]) or new_seat(p[3])
                if c[_CONNECTED] is not None or seat is None or seat.call_raw is not None:
                    connect_h(p, t)  # duplicate, no seat, or the seat's last call is open
                    continue
                if t >= wq.hist_next:
                    wq.roll(t)
                del wq.calls[callid]
                if wq is not q:
                    wq.dirty = True
                c[_CONNECTED] = t
                c[_SEAT] = seat
                e = c[_ENTERED]  # an outcome counts in the window the call entered in
                if ws <= e < we:
                    tl = q.tally
                    tl.answered += 1
                    tl.answer_wait_sum += hold
                    if hold <= sl:
                        tl.within_sl += 1
                    if hold > tl.max_wait:
                        tl.max_wait = hold
                    if hold > apology:
                        tl.past_apology += 1
                    if bsz:
                        q.bucket(e, bsz).answer(hold, sl_f, apology)
                    seat.answered += 1
                q.dirty = True
                seat.state = ON_CALL
                seat.since = seat.call_start = t
                seat.call_raw = callid
                seat.wrap_until = None
                if not seat.qbits & q.bit:  # not known to be a member: look
                    if q.name not in seat.queues:
                        seat.queues.add(q.name)
                    seat.qbits |= q.bit
                if not seat.dirty:
                    seat.dirty = True
                    touched(seat)
            elif v == b"RINGNOANSWER":  # ringtime_ms
                ms = ints.get(p[5])
                if ms is None:
                    ms = ring_ms(p[5])  # raises on a bad value -> slow path: bad_fields
                seat = seats_raw.get(p[3])
                if seat is None or seat.state is RINGING or seat.state is OFF:
                    rna_h(p, t)  # a new or no seat, or a ring that changes its state
                    continue
                q = queues_raw.get(p[2]) or new_queue(p[2])
                if not seat.qbits & q.bit:  # not known to be a member: look
                    if q.name not in seat.queues:  # static members never log ADDMEMBER
                        seat.queues.add(q.name)
                        if not seat.dirty:
                            seat.dirty = True
                            touched(seat)
                    seat.qbits |= q.bit
                # Ring-all queues log 0-2 s RINGNOANSWERs for every member: noise.
                if ms >= rna and inw:
                    seat.ring_no_answer += 1
                    if not seat.dirty:
                        seat.dirty = True
                        touched(seat)
            elif v == b"COMPLETECALLER" or v == b"COMPLETEAGENT":  # holdtime|calltime|origposition
                talk = ints.get(p[6])
                callid = p[1]
                c = calls.get(callid)
                if c is None or c[_CONNECTED] is None or talk is None or p[5] not in ints:
                    end_h(p, t)  # orphan, duplicate, or numbers to check in full
                    continue
                # The usual end: by the seat that answered, in the queue the call waited
                # in. The call record holds both, so no lookups are needed.
                q, seat = c[_Q], c[_SEAT]
                if seat is None or seat.raw != p[3] or q.raw != p[2] or seat.call_raw != callid:
                    end_h(p, t)  # another seat or queue, or not the seat's current call
                    continue
                del calls[callid]
                ended[callid] = (c[_CALLER], t)
                if len(ended) >= _ENDED_GEN:
                    floor._rotate_ended()
                e = c[_ENTERED]
                if ws <= e < we:
                    tl = q.tally
                    tl.handled += 1
                    tl.talk_sum += talk
                    if bsz:
                        q.bucket(e, bsz).ended(talk)
                    seat.talk_s += talk
                q.dirty = True
                seat.call_raw = seat.call_start = None
                seat.since = t
                if seat.pause_pending:
                    seat.state = PAUSED
                    seat.pause_pending = False
                elif explicit:
                    seat.state = WRAP
                    seat.wrap_until = None
                elif wrapup > 0:
                    seat.state = WRAP
                    seat.wrap_until = t + wrapup
                    wrapping[seat.agent] = seat
                else:
                    seat.state = AVAIL
                if not seat.dirty:
                    seat.dirty = True
                    touched(seat)
            else:
                handlers.get(v, unknown)(p, t)
        except Exception:  # noqa: BLE001 - any surprise goes to the classifying slow path
            if tline is line:  # this line had advanced the clock: undo that
                last = t = prev
            floor._last_t = last
            try:
                floor._slow_line(line)
            except Exception:  # noqa: BLE001 - feed() never raises: one bad line costs one line
                floor.rejects.add("bad_fields", line)
            last = t = prev = floor._last_t
            ts = None
    floor._last_t = last
    if last != -math.inf:
        floor.last_event_time = last
