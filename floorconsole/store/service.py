"""`StoreService`: one dedicated thread owns the Store; callers get Futures.

sqlite3 connections belong to the thread that opened them, and the UI thread must never wait
on the disk, so every call is queued to this thread and answered through a Future
(screens: `await asyncio.wrap_future(service.submit(Store.add_entry, ...))`).

Pass the Store method itself (`Store.add_entry`) or any function whose first parameter is
the Store: a type checker then checks the arguments and knows the Future's result type, and
a reader can follow a screen to the database. A method *name* is refused (TypeError).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from floorconsole.config import Config
from floorconsole.store.store import Store, store_kwargs

P = ParamSpec("P")
T = TypeVar("T")

# One queued call: its Future, the function taking the Store first (a Store method), its
# arguments. None on the queue stops the thread.
_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class StoreService:
    """Runs a Store on its own thread. Construction raises what opening the Store raises."""

    def __init__(self, path: Path | str, **store_kw: Any) -> None:
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
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
                if job is None:
                    break
                fut, fn, args, kw = job
                if not fut.set_running_or_notify_cancel():
                    continue
                try:
                    fut.set_result(fn(store, *args, **kw))
                except BaseException as exc:  # noqa: BLE001 - delivered through the Future
                    fut.set_exception(exc)
        finally:
            store.close()

    def submit(self, method: Callable[Concatenate[Store, P], T], *args: P.args, **kw: P.kwargs) -> Future[T]:
        """Queue `method(store, *args, **kw)` (e.g. `submit(Store.add_entry, kind, body, actor)`);
        a Future of its result."""
        if not callable(method):
            raise TypeError(
                f"pass the Store method itself (Store.{method}), not its name"
                if isinstance(method, str)
                else f"not a store call: {method!r}"
            )
        fut: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the store service is closed")
            self._queue.put((fut, method, args, kw))
        return fut

    def call(self, method: Callable[Concatenate[Store, P], T], *args: P.args, **kw: P.kwargs) -> T:
        """submit() and wait for the result (for scripts and tests, not the UI thread).
        Every keyword goes to the method; to bound the wait use `call_with_timeout`."""
        return self.submit(method, *args, **kw).result()

    def call_with_timeout(
        self, timeout: float | None, method: Callable[Concatenate[Store, P], T], *args: P.args, **kw: P.kwargs
    ) -> T:
        """call(), waiting at most `timeout` seconds (None: for ever); TimeoutError after
        that (the call itself still runs on the store's thread)."""
        return self.submit(method, *args, **kw).result(timeout)

    def close(self, timeout: float | None = 10.0) -> None:
        """Finish queued work, close the database and stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout)

    def __enter__(self) -> StoreService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
