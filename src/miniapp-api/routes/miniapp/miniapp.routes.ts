import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { bindMiniappIdentity } from '../../../domain/chat/binding.service.js';
import { loginWithCode, miniappSession, type MiniappSession } from '../../../domain/chat/miniapp-login.service.js';
import { answerInvitation, customerInvitations, leaveFeedback, optOut, tierAndRewards } from '../../../domain/chat/miniapp-customer.service.js';
import { FEEDBACK_TYPES } from '../../../domain/outreach/customer-feedback.entity.js';
import { INVITATION_RESPONSES } from '../../../domain/outreach/invitation.entity.js';
import { CONTACT_CHANNELS } from '../../../domain/shared/vocabulary.js';
import type { WechatLogin } from '../../../domain/ports/wechat-login.port.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { StaffSchema } from '../../../domain/staff/staff.entity.js';
import type { StaffTokens } from '../../auth/staff-token.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';
import type { MiniappTokens } from './miniapp-token.js';

type State = AppState & { miniapp?: MiniappSession };

const loginBody = z.object({ code: z.string().trim().min(1).max(128).regex(/^[\w-]+$/, 'not a wx.login code') });
const bindBody = z.object({ code: z.string().trim().min(6).max(12).regex(/^[A-Za-z0-9]+$/) });
const answerBody = z.object({ answer: z.enum(INVITATION_RESPONSES) });
const feedbackBody = z.object({
  type: z.enum(FEEDBACK_TYPES),
  rating: z.number().int().min(1).max(5).optional(),
  content: z.string().trim().min(1).max(2000),
  invitationId: z.string().trim().min(1).max(50).optional(),
});
const optOutBody = z.object({ channel: z.enum(CONTACT_CHANNELS), reason: z.string().trim().max(255).optional() });
const invitationId = z.string().trim().min(1).max(50).regex(/^[\w.-]+$/);

/** Requires a mini-program session token (`Authorization: Bearer …`, audience miniapp). */
function miniappAuth(tokens: MiniappTokens): Middleware<State> {
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', '缺少小程序登录凭证 (Authorization: Bearer …)');
    const session = await miniappSession(ctx.state.em, await tokens.verify(match[1]));
    if (!session) throw new DomainError('UNAUTHENTICATED', '小程序登录已失效，请重新登录');
    ctx.state.miniapp = session;
    return next();
  };
}

const customerOf = (state: State): string => {
  const id = state.miniapp?.customerId;
  if (!id) throw new DomainError('MINIAPP_CUSTOMER_NOT_BOUND', '请先输入销售顾问提供的绑定码');
  return id;
};

/**
 * The mini-program's public side: login (wx.login code → our session token; WeChat's session_key stays
 * in the database), binding with a one-time code, and the customer's own invitations, feedback,
 * opt-outs and membership. A bound staff member also receives a staff token for the staff API.
 */
export function miniappRoutes(deps: { login: WechatLogin; miniappTokens: MiniappTokens; staffTokens: StaffTokens }): Router<AppState> {
  const router = new Router<State>({ prefix: '/api/miniapp' });
  const auth = miniappAuth(deps.miniappTokens);

  const staffToken = async (em: State['em'], staffId: number | null) => {
    if (!staffId) return null;
    // A bound staff member deactivated since gets no staff token (the session itself still works).
    const staff = await em.findOne(StaffSchema, { id: staffId, active: true });
    return staff ? deps.staffTokens.issue({ staffId, role: staff.role }) : null;
  };

  router.post('/login', async (ctx) => {
    const { code } = validate(loginBody, ctx.request.body);
    const session = await loginWithCode(ctx.state.em, deps.login, code);
    const { token, expiresAt } = await deps.miniappTokens.issue(session.identityId);
    const staff = await staffToken(ctx.state.em, session.staffId);
    respond(ctx, { token, expiresAt, boundAs: session.staffId ? 'staff' : session.customerId ? 'customer' : null, staffToken: staff?.token ?? null });
  });
  router.get('/session', auth, (ctx) => {
    const s = ctx.state.miniapp!;
    respond(ctx, { boundAs: s.staffId ? 'staff' : s.customerId ? 'customer' : null, customerId: s.customerId, staffId: s.staffId });
  });
  router.post('/bind', auth, async (ctx) => {
    const { code } = validate(bindBody, ctx.request.body);
    const bound = await bindMiniappIdentity(ctx.state.em, { code, identityId: ctx.state.miniapp!.identityId });
    const staff = bound.kind === 'staff' ? await staffToken(ctx.state.em, bound.staffId) : null;
    respond(ctx, { boundAs: bound.kind, staffToken: staff?.token ?? null, ...(bound.kind === 'customer' ? { customerId: bound.customerId } : { staffId: bound.staffId }) });
  });
  router.get('/invitations', auth, async (ctx) => {
    respond(ctx, await customerInvitations(ctx.state.em, customerOf(ctx.state)));
  });
  router.post('/invitations/:id/answer', auth, async (ctx) => {
    const id = validate(invitationId, ctx.params.id);
    const { answer } = validate(answerBody, ctx.request.body);
    respond(ctx, await answerInvitation(ctx.state.em, { customerId: customerOf(ctx.state), invitationId: id, answer, requestId: ctx.state.requestId }));
  });
  router.post('/feedback', auth, async (ctx) => {
    const body = validate(feedbackBody, ctx.request.body);
    respond(ctx, await leaveFeedback(ctx.state.em, { customerId: customerOf(ctx.state), ...body }), 201);
  });
  router.post('/opt-out', auth, async (ctx) => {
    const body = validate(optOutBody, ctx.request.body);
    respond(ctx, await optOut(ctx.state.em, { customerId: customerOf(ctx.state), ...body, requestId: ctx.state.requestId }));
  });
  router.get('/membership', auth, async (ctx) => {
    respond(ctx, await tierAndRewards(ctx.state.em, customerOf(ctx.state)));
  });
  return router as unknown as Router<AppState>;
}
