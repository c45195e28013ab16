"""The audit trail: who did what, when, from which user and terminal. Append-only."""

from __future__ import annotations

from floorconsole.identity import Actor
from floorconsole.store import validate
from floorconsole.store.context import Ctx
from floorconsole.store.models import AuditRecord
from floorconsole.store.rows import SqlValue, append_row, dict_rows, who


def record(ctx: Ctx, action: str, actor: Actor, target: str, detail: str = "") -> AuditRecord:
    """Append an audit row (inside write_tx)."""
    action = validate.text("action", action, max_len=60)
    detail = validate.text("detail", detail, required=False)
    t = float(ctx.clock())
    fields = {"time": t, "action": action, **who(actor), "target": str(target), "detail": detail}
    rid = append_row(ctx.conn, "audit", fields)
    return AuditRecord(rid, t, action, actor.name, actor.os_user, actor.terminal, str(target), detail)


def list_audit(
    ctx: Ctx, since: float | None = None, action: str | None = None, limit: int | None = None
) -> list[AuditRecord]:
    """Audit rows oldest first, optionally filtered; with `limit`, the newest `limit`."""
    where: list[str] = ["1=1"]
    params: list[SqlValue] = []
    if since is not None:
        where.append("time >= ?")
        params.append(since)
    if action is not None:
        where.append("action = ?")
        params.append(action)
    sql = f"SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = dict_rows(ctx.conn, sql, params)
    return [
        AuditRecord(r["id"], r["time"], r["action"], r["actor"], r["os_user"], r["terminal"], r["target"], r["detail"])
        for r in reversed(rows)
    ]
