"""StoreService takes the Store method itself: checked by mypy, and the same at run time."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from test_store_helpers import LI, FakeClock

from floorconsole.store import Store, StoreService, ValidationError

ROOT = Path(__file__).resolve().parents[1]


def test_submit_and_call_take_the_store_method(tmp_path: Path) -> None:
    with StoreService(tmp_path / "svc.db", clock=FakeClock()) as svc:
        entry = svc.submit(Store.add_entry, "notice", "by method", LI).result(10)
        assert entry.seq == 1 and entry.body == "by method"
        again = svc.call(Store.add_entry, "notice", "refers back", LI, refers_to=entry.seq)
        assert again.refers_to == 1
        assert svc.call_with_timeout(10, Store.data_version) == svc.call(Store.data_version)
        with pytest.raises(ValidationError):
            svc.call(Store.add_entry, "bogus", "x", LI)  # the Store's own error, through the Future
        # A method name is refused: the seam is typed, not a string.
        with pytest.raises(TypeError, match=r"Store\.add_entry"):
            svc.submit("add_entry", "notice", "by name", LI)  # type: ignore[arg-type]


def _mypy(tmp_path: Path, body: str) -> list[str]:
    api = pytest.importorskip("mypy.api", reason="mypy is a lint tool, not a test dependency")
    src = tmp_path / "snippet.py"
    src.write_text(textwrap.dedent(body))
    out, _err, _rc = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--follow-imports",
            "silent",
            str(src),
        ]
    )
    lines = src.read_text().splitlines()
    # each error as the source line it is on
    return [
        lines[int(e.split(":")[1]) - 1].strip() for e in out.splitlines() if e.startswith(f"{src}:") and ": error:" in e
    ]


HEADER = """
    from concurrent.futures import Future

    from floorconsole.identity import Actor
    from floorconsole.store import StoreService
    from floorconsole.store.models import LogEntry
    from floorconsole.store.store import Store
"""


def test_mypy_accepts_the_method_and_infers_its_result(tmp_path: Path) -> None:
    errors = _mypy(
        tmp_path,
        HEADER
        + """
    def use(svc: StoreService, actor: Actor) -> None:
        fut: Future[LogEntry] = svc.submit(Store.add_entry, "notice", "typed", actor)
        entry: LogEntry = svc.call(Store.add_entry, "notice", "typed", actor, refers_to=fut.result().seq)
        version: tuple[int, int] = svc.call_with_timeout(5.0, Store.data_version)
    """,
    )
    assert errors == []


def test_mypy_rejects_wrong_arguments_and_result_types(tmp_path: Path) -> None:
    errors = _mypy(
        tmp_path,
        HEADER
        + """
    def use(svc: StoreService, actor: Actor) -> None:
        svc.submit(Store.add_entry, "notice", 42, actor)
        svc.call(Store.add_entry, "notice", "x", actor, refers=3)
        wrong: str = svc.call(Store.add_entry, "notice", "x", actor)
    """,
    )
    assert errors == [
        'svc.submit(Store.add_entry, "notice", 42, actor)',
        'svc.call(Store.add_entry, "notice", "x", actor, refers=3)',
        'wrong: str = svc.call(Store.add_entry, "notice", "x", actor)',
    ]
