"""Export-only archiving: records older than a date go to a verifiable JSON file.

Nothing is deleted. The triggers forbid DELETE on every record table, records must be kept
at least three years, and keeping them longer is always allowed; removing old rows would
need a checkpoint recorded on the chain, which is deliberately not built. The file carries
every row's hash, the chain links of the exported prefix (whose last entry must be the head
the file records, HMAC'd when a key is configured), and a digest over the whole file (also
HMAC'd with the key, so a re-chained and re-digested copy is caught).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.safe_write import write_private
from floorconsole.store import audit
from floorconsole.store.chain import (
    ENTRY_COLUMNS,
    GENESIS,
    _dumps_sorted,
    check_head_hmac,
    entry_hash,
    entry_hash_v1,
    head_hmac,
    row_hash,
)
from floorconsole.store.context import Ctx
from floorconsole.store.errors import StoreError, ValidationError
from floorconsole.store.migrations import RECORD_TABLES
from floorconsole.store.models import ArchiveResult, ChainHead, Problem
from floorconsole.store.rows import dict_rows

FORMAT = "floorconsole-archive/2"  # /2: entries hashed over every column, digest_hmac
FORMAT_V1 = "floorconsole-archive/1"
_TIME_COLUMN = {"shifts": "created_at"}


def _digest(doc: dict[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k not in ("digest", "digest_hmac")}
    return hashlib.sha256(_dumps_sorted(body).encode("utf-8")).hexdigest()


def digest_hmac(key: bytes, digest: str) -> str:
    """HMAC-SHA256 over an archive's digest: only a key holder can re-digest an edited file."""
    return hmac.new(key, f"floorconsole-archive:{digest}".encode(), hashlib.sha256).hexdigest()


def export(ctx: Ctx, before: float, out: Path, actor: Actor) -> ArchiveResult:
    """Write every record older than `before` to `out` (inside write_tx, for a consistent
    snapshot and the audit row). Refuses to overwrite an existing file."""
    out = Path(out)
    if out.exists():
        raise ValidationError(
            _("{path} already exists; choose a new file name (archives are never overwritten)").format(path=out)
        )
    if not out.parent.is_dir():
        raise ValidationError(_("the folder {path} does not exist").format(path=out.parent))
    # Entry times never go backwards along the chain, so "older than" is a prefix of it.
    entries = dict_rows(ctx.conn, "SELECT * FROM entries WHERE time < ? ORDER BY seq", (before,))
    tables: dict[str, list[dict]] = {}
    for table in RECORD_TABLES:
        if table == "handover_items":
            continue
        col = _TIME_COLUMN.get(table, "time")
        tables[table] = dict_rows(ctx.conn, f'SELECT * FROM {table} WHERE "{col}" < ? ORDER BY id', (before,))
    ho_ids = [r["id"] for r in tables["handovers"]]
    tables["handover_items"] = [
        r for r in dict_rows(ctx.conn, "SELECT * FROM handover_items ORDER BY id") if r["handover_id"] in set(ho_ids)
    ]
    last = entries[-1] if entries else None
    head = ChainHead(last["seq"], last["hash"]) if last else ChainHead(0, GENESIS)
    if ctx.hmac_key and last:
        head = ChainHead(head.seq, head.hash, head_hmac(ctx.hmac_key, head.seq, head.hash))
    doc: dict[str, Any] = {
        "format": FORMAT,
        "before": float(before),
        "created_at": float(ctx.clock()),
        "created_by": actor.name,
        "head": {"seq": head.seq, "hash": head.hash, "hmac": head.hmac},
        "entries": entries,
        "tables": tables,
    }
    doc["digest"] = _digest(doc)
    if ctx.hmac_key:
        doc["digest_hmac"] = digest_hmac(ctx.hmac_key, doc["digest"])
    counts = {"entries": len(entries), **{t: len(rows) for t, rows in tables.items()}}
    _write_private(out, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True))
    try:  # audited once the file is really there; no audit row, no file
        audit.record(ctx, "archive.export", actor, str(out), json.dumps(counts, sort_keys=True))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return ArchiveResult(str(out), float(before), counts, head, doc["digest"])


def _write_private(out: Path, text: str) -> None:
    # An unpredictable 0600 temporary name, synced, then linked into place: a crash never
    # leaves half a file under the archive's name, and an existing file is never replaced.
    try:
        write_private(out, text, exclusive=True)
    except FileExistsError:
        raise ValidationError(
            _("{path} already exists; choose a new file name (archives are never overwritten)").format(path=out)
        ) from None
    except OSError as exc:
        raise StoreError(
            _("could not write the archive {path}: {error}").format(path=out, error=exc.strerror or exc)
        ) from None


def _entry_ok(e: dict[str, Any], fmt: str, legacy_allowed: bool) -> tuple[bool, bool]:
    """(its hash checks, it is a pre-m003 seven-column entry). Such entries only come first."""
    try:
        if fmt == FORMAT and entry_hash(*[e[c] for c in ENTRY_COLUMNS]) == e["hash"]:
            return True, False
        if legacy_allowed and entry_hash_v1(*[e[c] for c in ENTRY_COLUMNS[:7]]) == e["hash"]:
            return True, True
    except (KeyError, TypeError, ValueError):
        pass
    return False, False


def verify_archive(path: Path, key: bytes | None = None) -> list[Problem]:
    """Re-check an archive file: digest (and its HMAC with the key), the chain links and
    hashes from seq 1, that they end exactly at the recorded head (and its HMAC with the
    key), every row hash."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem("archive", None, f"cannot read {path}: {exc}")]
    problems: list[Problem] = []
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if fmt not in (FORMAT, FORMAT_V1):
        return [Problem("archive", None, f"not a {FORMAT} file")]
    if _digest(doc) != doc.get("digest"):
        problems.append(Problem("archive", None, "the file's digest does not match its content (edited)"))
    if key and fmt == FORMAT:
        mac = doc.get("digest_hmac")
        if not isinstance(mac, str) or not hmac.compare_digest(digest_hmac(key, str(doc.get("digest"))), mac):
            what = "carries no HMAC" if mac is None else "HMAC does not match"
            problems.append(
                Problem(
                    "archive",
                    None,
                    f"the file's digest {what}: it was edited and re-digested without the key, or written without it",
                )
            )
    prev, legacy_allowed = None, True
    for e in doc.get("entries", []):
        if prev is None and (e.get("seq") != 1 or e.get("prev_hash") != GENESIS):
            problems.append(Problem("entries", e.get("seq"), "first entry does not start the chain"))
        if prev is not None and (e.get("seq") != prev.get("seq", 0) + 1 or e.get("prev_hash") != prev.get("hash")):
            problems.append(Problem("entries", e.get("seq"), "does not link to the entry before it"))
        ok, legacy = _entry_ok(e, fmt, legacy_allowed)
        legacy_allowed = legacy_allowed and (legacy or not ok)
        if not ok:
            problems.append(Problem("entries", e.get("seq"), "content does not match its hash"))
        prev = e
    for table, rows in doc.get("tables", {}).items():
        for r in rows:
            if row_hash(table, r) != r.get("hash"):
                problems.append(Problem(table, r.get("id"), "content does not match its hash"))
    h = doc.get("head") or {}
    end = (prev["seq"], prev["hash"]) if prev else (0, GENESIS)
    if (h.get("seq"), h.get("hash")) != end:
        problems.append(
            Problem(
                "archive",
                None,
                f"the entries end at seq {end[0]} ({end[1][:12]}…), not at the head "
                f"the file records (seq {h.get('seq')}): the chain was rewritten",
            )
        )
    if key and end[0] > 0:
        if h.get("hmac") is None:
            problems.append(Problem("archive", None, "the head carries no HMAC (written without the key, or removed)"))
        elif not check_head_hmac(key, h.get("seq", 0), str(h.get("hash")), h["hmac"]):
            problems.append(Problem("archive", None, "the head's HMAC does not match"))
    return problems
