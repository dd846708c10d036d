"""Setting up and watching an installation: the schema and roles, and the operators' health check."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy import text

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.roles import ROLES
from engine.store.audit_trail import seal_unsealed
from engine.store.context import EngineContext
from engine.store.models import Role
from engine.store.schema import upgrade_database


def init_database(ctx: EngineContext, actor: Actor) -> int:
    """Create or upgrade the schema (Alembic) and add SPEC's roles that are missing; return how many."""
    require(actor, Permission.INSTALL)
    upgrade_database(ctx.config.database_url)
    with ctx.uow(write=True) as uow:
        known = set(uow.session.scalars(select(Role.id)))
        added = [Role(id=r.id, name_zh=r.name_zh, name_en=r.name_en) for r in ROLES if r.id not in known]
        uow.session.add_all(added)
        if ctx.audit_keys is not None:
            seal_unsealed(uow.session, ctx.audit_keys)
        uow.commit()
    ctx.forget_reference_data()
    return len(added)


def healthy(ctx: EngineContext) -> bool:
    """Whether the database answers: for load balancers and supervisors, so it needs no actor."""
    with ctx.uow() as uow:
        uow.connection.execute(text("SELECT 1"))
    return True
