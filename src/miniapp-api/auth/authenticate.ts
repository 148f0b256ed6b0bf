import type { Middleware, ParameterizedContext } from 'koa';
import { DomainError } from '../../domain/shared/domain-error.js';
import { StaffSchema } from '../../domain/staff/staff.entity.js';
import type { PermissionService } from '../../domain/auth/permission.service.js';
import { authorize } from '../../domain/auth/actor.js';
import { actorForStaff } from '../../domain/auth/staff-actor.js';
import type { AppState } from '../http/request-context.js';
import type { StaffTokens } from './staff-token.js';

/**
 * Requires `Authorization: Bearer <token>` for a staff member who still exists and is active.
 * The role is read from the staff row, not the token, so a demotion takes effect at once. Sets
 * `ctx.state.actor` (what domain services take, with the request id their audit rows carry).
 */
export function authenticate(tokens: StaffTokens, permissions: PermissionService): Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', '缺少身份令牌 (Authorization: Bearer …)');
    const claims = await tokens.verify(match[1]);
    await actAsStaff(ctx, permissions, claims.staffId);
    return next();
  };
}

/**
 * Sets `ctx.state.actor` and `ctx.state.staff` for a staff member who still exists and is active (the
 * role read from the staff row, not from any token); UNAUTHENTICATED otherwise. Every staff credential
 * (bearer token, board session cookie) ends here.
 */
export async function actAsStaff(ctx: ParameterizedContext<AppState>, permissions: PermissionService, staffId: number): Promise<void> {
  const staff = await ctx.state.em.findOne(StaffSchema, { id: staffId, active: true });
  if (!staff) throw new DomainError('UNAUTHENTICATED', '身份令牌对应的员工不存在或已停用');
  const channel = ctx.path.startsWith('/api/miniapp/') ? 'miniapp' : 'api';
  const actor = await actorForStaff(ctx.state.em, permissions, staff, channel, ctx.state.requestId);
  ctx.state.actor = actor;
  ctx.state.staff = { id: staff.id, name: staff.name, role: staff.role, permissions: actor.permissions };
  ctx.state.log = ctx.state.log.child({ staffId: staff.id });
}

/** 403 FORBIDDEN unless the caller holds at least one of the permissions (checked by the domain's authorize). */
export function requirePermission(...anyOf: string[]): Middleware<AppState> {
  return async (ctx, next) => {
    const actor = ctx.state.actor;
    if (!actor) throw new DomainError('UNAUTHENTICATED', '需要登录');
    authorize(actor, anyOf);
    return next();
  };
}
