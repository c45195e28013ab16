"""Issue 9 item 16 (store parts): one handover per pair of shifts even when two consoles race,
a readable HMAC key file refused, a foreign SQLite file refused."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from test_store_helpers import LI, WANG, open_store

from floorconsole.store import HandoverItemDraft, IntegrityProblem, Store, StoreError, ValidationError

KEY = b"0123456789abcdef0123456789abcdef"


def test_second_handover_for_the_same_shifts_is_refused_naming_the_first(tmp_path) -> None:
    store = open_store(tmp_path)
    first = store.create_handover("2026-11-23 day", "2026-11-23 evening", [HandoverItemDraft("notice", "a")], LI)
    with pytest.raises(ValidationError, match=rf"handover {first.id} .*already signed by {LI.name}"):
        store.create_handover("2026-11-23 day", "2026-11-23 evening", [HandoverItemDraft("notice", "b")], WANG)
    assert [h.id for h in store.list_handovers()] == [first.id]
    assert [e.body for e in store.list_entries()] == ["a"]  # the refused one left nothing behind
    store.create_handover("2026-11-23 evening", "2026-11-23 night", [], WANG)  # the next pair is fine
    assert store.verify().ok


def _sign(path: str, name: str, start, results) -> None:
    from floorconsole.identity import Actor

    store = Store(path)
    start.wait()
    try:
        ho = store.create_handover(
            "2026-11-23 day",
            "2026-11-23 evening",
            [HandoverItemDraft("notice", f"from {name}")],
            Actor(name, name, "pts/9"),
        )
        results.put(("ok", ho.id))
    except ValidationError as exc:
        results.put(("refused", str(exc)))
    finally:
        store.close()


def test_two_processes_racing_to_sign_get_exactly_one_handover(tmp_path) -> None:
    path = str(tmp_path / "floor.db")
    Store(path).close()  # schema in place, so the race is about the signing only
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_sign, args=(path, name, start, results)) for name in ("Li Na", "Wang Wei")]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(30)
    assert [o[0] for o in outcomes] == ["ok", "refused"], outcomes
    assert f"handover {outcomes[0][1]} " in outcomes[1][1]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM handovers").fetchone()[0] == 1


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_key_file_readable_by_others_is_refused(tmp_path, mode) -> None:
    key = tmp_path / "hmac.key"
    key.write_bytes(KEY)
    key.chmod(mode)
    with pytest.raises(StoreError, match=rf"{key}.*mode {mode:04o}.*0600 or 0400"):
        open_store(tmp_path, hmac_key_file=key)
    assert not (tmp_path / "floor.db").exists() or (tmp_path / "floor.db").stat().st_size == 0


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_key_file_is_accepted(tmp_path, mode) -> None:
    key = tmp_path / "hmac.key"
    key.write_bytes(KEY)
    key.chmod(mode)
    store = open_store(tmp_path, hmac_key_file=key)
    store.add_entry("general", "signed", LI)
    assert store.head().hmac and store.chain_head().hmac and store.verify().ok


def test_foreign_sqlite_file_is_refused_and_left_alone(tmp_path) -> None:
    path = tmp_path / "floor.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Zhang')")
    conn.commit()
    conn.close()
    with pytest.raises(IntegrityProblem, match=rf"{path} is not a floorconsole records database.*customers"):
        Store(path)
    conn = sqlite3.connect(path)
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {"customers"}


def test_empty_file_and_our_own_file_open(tmp_path) -> None:
    path = tmp_path / "floor.db"
    path.touch(mode=0o600)
    Store(path).close()  # an empty file becomes ours
    store = Store(path)  # and ours opens again
    store.add_entry("general", "hello", LI)
    assert store.verify().ok
