"""Who may sign: the store checks the acting person itself, not only the screens.

A person is their OS account (`Actor.os_user`). With `[people]` configured, only a listed
account with a signing role may sign, acknowledge, receive, answer or close, and the name
recorded is the configured one, whatever name the caller passed.
"""

from __future__ import annotations

from floorconsole.i18n import _
from floorconsole.identity import Actor
from floorconsole.store.context import Ctx
from floorconsole.store.errors import NotAllowed
from floorconsole.store.models import Signature


def require_signer(ctx: Ctx, actor: Actor, what: str) -> Actor:
    """The actor as the store records them; NotAllowed if this account may not `what`."""
    if not ctx.people:
        return actor
    person = next((p for p in ctx.people if p.os_user == actor.os_user), None)
    if person is None:
        raise NotAllowed(
            _(
                "OS user {user} is not a configured person: they can watch but not {what}; "
                'add [people.{os_user}] with name = "..." and role = "supervisor" to {path}'
            ).format(user=repr(actor.os_user), what=what, os_user=actor.os_user, path=ctx.config_file)
        )
    if not person.can_sign:
        raise NotAllowed(
            _("{name} ({user}) is a {role}: they can watch but not {what}").format(
                name=person.name, user=actor.os_user, role=person.role, what=what
            )
        )
    return Actor(person.name, actor.os_user, actor.terminal)


def same_person(actor: Actor, sig: Signature) -> bool:
    """True when `actor` is the person who made `sig` (same OS account, or same name)."""
    return actor.os_user == sig.os_user or actor.name == sig.name


def person_name(ctx: Ctx, os_user: str) -> str | None:
    """The configured name of an OS account (None when not configured or no [people])."""
    person = next((p for p in ctx.people if p.os_user == os_user), None)
    return person.name if person else None
