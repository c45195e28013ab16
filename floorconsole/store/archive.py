"""Export-only archiving: records older than a date go to a verifiable JSON file.

Nothing is deleted. The triggers forbid DELETE on every record table, records must be kept
at least three years, and keeping them longer is always allowed; removing old rows would
need a checkpoint recorded on the chain, which is deliberately not built. The file carries
every row's hash, the chain links of the exported prefix, and a digest over the whole file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from floorconsole.identity import Actor
from floorconsole.safe_write import write_private
from floorconsole.store import audit
from floorconsole.store.chain import GENESIS, _dumps_sorted, entry_hash, head_hmac, row_hash
from floorconsole.store.context import Ctx
from floorconsole.store.errors import StoreError, ValidationError
from floorconsole.store.migrations import RECORD_TABLES
from floorconsole.store.models import ArchiveResult, ChainHead, Problem
from floorconsole.store.rows import dict_rows

FORMAT = "floorconsole-archive/1"
_TIME_COLUMN = {"shifts": "created_at"}


def _digest(doc: dict[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k != "digest"}
    return hashlib.sha256(_dumps_sorted(body).encode("utf-8")).hexdigest()


def export(ctx: Ctx, before: float, out: Path, actor: Actor) -> ArchiveResult:
    """Write every record older than `before` to `out` (inside write_tx, for a consistent
    snapshot and the audit row). Refuses to overwrite an existing file."""
    out = Path(out)
    if out.exists():
        raise ValidationError(f"{out} already exists; choose a new file name (archives are never overwritten)")
    if not out.parent.is_dir():
        raise ValidationError(f"the folder {out.parent} does not exist")
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
        "format": FORMAT, "before": float(before), "created_at": float(ctx.clock()), "created_by": actor.name,
        "head": {"seq": head.seq, "hash": head.hash, "hmac": head.hmac},
        "entries": entries, "tables": tables,
    }
    doc["digest"] = _digest(doc)
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
        raise ValidationError(f"{out} already exists; choose a new file name (archives are never overwritten)") from None
    except OSError as exc:
        raise StoreError(f"could not write the archive {out}: {exc.strerror or exc}") from None


def verify_archive(path: Path, key: bytes | None = None) -> list[Problem]:
    """Re-check an archive file: digest, chain links and hashes, every row hash."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem("archive", None, f"cannot read {path}: {exc}")]
    problems: list[Problem] = []
    if doc.get("format") != FORMAT:
        return [Problem("archive", None, f"not a {FORMAT} file")]
    if _digest(doc) != doc.get("digest"):
        problems.append(Problem("archive", None, "the file's digest does not match its content (edited)"))
    prev = None
    for e in doc["entries"]:
        if prev is not None and (e["seq"] != prev["seq"] + 1 or e["prev_hash"] != prev["hash"]):
            problems.append(Problem("entries", e["seq"], "does not link to the entry before it"))
        if prev is None and e["seq"] == 1 and e["prev_hash"] != GENESIS:
            problems.append(Problem("entries", 1, "first entry does not start the chain"))
        calc = entry_hash(e["seq"], e["time"], e["author"], e["kind"], e["body"], e["refers_to"], e["prev_hash"])
        if calc != e["hash"]:
            problems.append(Problem("entries", e["seq"], "content does not match its hash"))
        prev = e
    for table, rows in doc["tables"].items():
        for r in rows:
            if row_hash(table, r) != r["hash"]:
                problems.append(Problem(table, r["id"], "content does not match its hash"))
    h = doc["head"]
    if key and h.get("hmac") and head_hmac(key, h["seq"], h["hash"]) != h["hmac"]:
        problems.append(Problem("archive", None, "the head's HMAC does not match"))
    return problems
