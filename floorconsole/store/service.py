"""`StoreService`: one dedicated thread owns the Store; callers get Futures.

sqlite3 connections belong to the thread that opened them, and the UI thread must never wait
on the disk, so every call is queued to this thread and answered through a Future
(screens: `await asyncio.wrap_future(service.submit(...))`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from floorconsole.config import Config
from floorconsole.store.store import Store, store_kwargs

_STOP = object()


class StoreService:
    """Runs a Store on its own thread. Construction raises what opening the Store raises."""

    def __init__(self, path: Path | str, **store_kw: Any) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(Path(path), store_kw, ready), name="floorconsole-store", daemon=True
        )
        self._thread.start()
        ready.result()  # re-raises ReadOnlyStore, IntegrityProblem, ... from the thread

    @classmethod
    def from_config(cls, config: Config, path: Path | None = None, **kw: Any) -> StoreService:
        """A service over the Store the config describes."""
        return cls(path or config.db_path, **store_kwargs(config), **kw)

    def _run(self, path: Path, store_kw: dict[str, Any], ready: Future[None]) -> None:
        try:
            store = Store(path, **store_kw)
        except BaseException as exc:  # noqa: BLE001 - handed to the constructor's caller
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            while True:
                job = self._queue.get()
                if job is _STOP:
                    break
                fut, fn, args, kw = job
                if not fut.set_running_or_notify_cancel():
                    continue
                try:
                    target = getattr(store, fn) if isinstance(fn, str) else (lambda *a, **k: fn(store, *a, **k))
                    fut.set_result(target(*args, **kw))
                except BaseException as exc:  # noqa: BLE001 - delivered through the Future
                    fut.set_exception(exc)
        finally:
            store.close()

    def submit(self, method: str | Callable[..., Any], *args: Any, **kw: Any) -> Future[Any]:
        """Queue `store.<method>(*args, **kw)` (or `method(store, *args, **kw)`); a Future."""
        if isinstance(method, str) and (method.startswith("_") or not callable(getattr(Store, method, None))):
            raise AttributeError(f"Store has no public method {method!r}")
        fut: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the store service is closed")
            self._queue.put((fut, method, args, kw))
        return fut

    def call(self, method: str | Callable[..., Any], *args: Any, timeout: float | None = None, **kw: Any) -> Any:
        """submit() and wait for the result (for scripts and tests, not the UI thread)."""
        return self.submit(method, *args, **kw).result(timeout)

    def close(self, timeout: float | None = 10.0) -> None:
        """Finish queued work, close the database and stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)

    def __enter__(self) -> StoreService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
