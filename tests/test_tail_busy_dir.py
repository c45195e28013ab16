"""The follower keeps looking at the feed while other files in its folder keep changing.

Asterisk's folder holds busy logs (`full`, `messages`), and `watch` keeps its position file
there. When the follower's directory watch dropped other files' events, a neighbour written
more often than the safety re-check stopped the re-check altogether, so an append the watch
had missed (one made before the watch was in place) stayed unread until the feed's next
write. Found by `tests/test_watch.py`, 1 run in 12 under load.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from floorconsole.tail import FileFollower


def test_a_busy_neighbour_does_not_stop_the_safety_recheck(tmp_path: Path) -> None:
    feed = tmp_path / "queue_log"
    feed.write_bytes(b"1|c1|q|NONE|ENTERQUEUE||1|1\n")
    stop = threading.Event()
    follower = FileFollower(feed, stop_event=stop, since=0, recheck_s=0.5)
    seen: list[float] = []

    def follow() -> None:
        for batch in follower.batches():
            if batch.state == "live":
                seen.append(time.monotonic())

    def neighbour() -> None:
        n = 0
        while not stop.is_set():
            (tmp_path / "full").write_text(f"busy {n}\n")
            n += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=follow), threading.Thread(target=neighbour)]
    for t in threads:
        t.start()
    try:
        time.sleep(3.0)
        recent = [t for t in seen if t > time.monotonic() - 2.0]
        assert len(recent) >= 3, f"the follower looked {len(recent)} times in 2 s with a busy neighbour"
    finally:
        stop.set()
        for t in threads:
            t.join(5)
