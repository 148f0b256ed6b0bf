import type { Middleware } from 'koa';
import { z } from 'zod';
import { bindMiniappIdentity } from '../../../domain/chat/binding.service.js';
import { loginWithCode, miniappSession, type MiniappSession } from '../../../domain/chat/miniapp-login.service.js';
import { answerInvitation, customerInvitations, leaveFeedback, myConsents, optOut, setMyConsent, tierAndRewards } from '../../../domain/chat/miniapp-customer.service.js';
import { FEEDBACK_TYPES } from '../../../domain/outreach/customer-feedback.entity.js';
import type { FeedbackDeps } from '../../../domain/outreach/feedback.service.js';
import { INVITATION_RESPONSES, INVITATION_STATUSES } from '../../../domain/outreach/invitation.entity.js';
import { CONTACT_CHANNELS } from '../../../domain/shared/vocabulary.js';
import { CONSENT_STATES } from '../../../domain/compliance/consent.entity.js';
import type { WechatLogin } from '../../../domain/ports/wechat-login.port.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { StaffSchema } from '../../../domain/staff/staff.entity.js';
import type { StaffTokens } from '../../auth/staff-token.js';
import type { AppState } from '../../http/request-context.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { disabledDoorRouter } from '../../../http/disabled-door.js';
import { routeSpecsOf } from '../../../http/route-spec.js';
import type { MiniappTokens } from './miniapp-token.js';

type State = AppState & { miniapp?: MiniappSession };

export const loginBody = z.object({ code: z.string().trim().min(1).max(128).regex(/^[\w-]+$/, '不是 wx.login 返回的 code') });
export const bindBody = z.object({ code: z.string().trim().min(6).max(12).regex(/^[A-Za-z0-9]+$/, '绑定码只含字母和数字') });
export const answerBody = z.object({ answer: z.enum(INVITATION_RESPONSES) });
export const miniappFeedbackBody = z.object({
  type: z.enum(FEEDBACK_TYPES),
  rating: z.number().int().min(1).max(5).optional(),
  content: z.string().trim().min(1).max(2000),
  invitationId: z.string().trim().min(1).max(50).optional(),
});
export const optOutBody = z.object({ channel: z.enum(CONTACT_CHANNELS), reason: z.string().trim().max(255).optional() });
export const consentChoiceBody = z.object({
  channel: z.enum(CONTACT_CHANNELS),
  choice: z.enum(['grant', 'withdraw']).meta({ description: 'grant 同意接收营销信息 · withdraw 撤回' }),
  textVersion: z.string().trim().min(1).max(32).meta({ description: '客户看到的授权文本的版本号', example: '2026-11-v1' }),
});
const myConsentStates = z.object({
  channels: z.array(z.object({ channel: z.enum(CONTACT_CHANNELS), state: z.enum([...CONSENT_STATES, 'none']), since: instant.nullable() })),
});
const invitationParams = z.object({ id: z.string().trim().min(1).max(50).regex(/^[\w.-]+$/, '邀约编号格式不正确') });

const boundAs = z.enum(['staff', 'customer']).nullable();
const loggedIn = z.object({ token: z.string(), expiresAt: instant, boundAs, staffToken: z.string().nullable().meta({ description: '已绑定员工时的员工令牌' }) });
const session = z.object({ boundAs, customerId: z.string().nullable(), staffId: z.number().int().nullable() });
const bound = z.object({ boundAs: z.enum(['staff', 'customer']), staffToken: z.string().nullable(), customerId: z.string().optional(), staffId: z.number().int().optional() });
const myInvitation = z.object({
  id: z.string(),
  eventName: z.string(),
  eventDate: instant,
  content: z.string(),
  incentive: z.string().nullable(),
  status: z.enum(INVITATION_STATUSES),
  response: z.enum(INVITATION_RESPONSES).nullable(),
  respondedAt: instant.nullable(),
});
const answered = z.object({ id: z.string(), status: z.enum(INVITATION_STATUSES), response: z.enum(INVITATION_RESPONSES), respondedAt: instant });
const feedbackLeft = z.object({ id: z.number().int(), type: z.enum(FEEDBACK_TYPES), followUpRequired: z.boolean() });
const optedOut = z.object({ channel: z.enum(CONTACT_CHANNELS), state: z.literal('opted_out') });
const membership = z.object({
  memberships: z.array(z.object({ memberId: z.string(), tier: z.string(), points: z.number().int(), status: z.string(), joinedAt: instant })),
  rewards: z.array(z.looseObject({ fromTier: z.string().nullable(), toTier: z.string(), grantedAt: instant })),
});

/** Requires a mini-program session token (`Authorization: Bearer …`, audience miniapp). */
function miniappAuth(tokens: MiniappTokens): Middleware<State> {
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', '缺少小程序登录凭证 (Authorization: Bearer …)');
    const found = await miniappSession(ctx.state.em, await tokens.verify(match[1]));
    if (!found) throw new DomainError('UNAUTHENTICATED', '小程序登录已失效，请重新登录');
    ctx.state.miniapp = found;
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
export function miniappRoutes(on: { login: WechatLogin; miniappTokens: MiniappTokens; staffTokens: StaffTokens; feedback: FeedbackDeps } | undefined) {
  // Off (MINIAPP_APPID/MINIAPP_SECRET unset): the same routes, each answering 503 DOOR_DISABLED.
  const deps = on ?? (undefined as never);
  const guard = on ? miniappAuth(on.miniappTokens) : undefined;
  const tags = ['miniapp'];
  const customer = { tags, access: 'miniapp' as const, guard };

  const staffToken = async (em: State['em'], staffId: number | null) => {
    if (!staffId) return null;
    // A bound staff member deactivated since gets no staff token (the session itself still works).
    const staff = await em.findOne(StaffSchema, { id: staffId, active: true });
    return staff ? deps.staffTokens.issue({ staffId, role: staff.role }) : null;
  };

  const served = routes<State>(
    route({
      method: 'post',
      path: '/api/miniapp/login',
      summary: '小程序登录：wx.login 的 code 换我们的会话令牌',
      tags,
      access: 'public',
      body: loginBody,
      responses: { 200: { description: '会话令牌（已绑定员工时另给员工令牌）', schema: loggedIn } },
      errors: ['WECHAT_CODE_INVALID', 'WECHAT_RATE_LIMITED', 'WECHAT_USER_BLOCKED', 'WECHAT_UNAVAILABLE'],
      handler: async (ctx, { body }) => {
        const found = await loginWithCode(ctx.state.em, deps.login, body.code);
        const { token, expiresAt } = await deps.miniappTokens.issue(found.identityId);
        const staff = await staffToken(ctx.state.em, found.staffId);
        return { token, expiresAt, boundAs: found.staffId ? 'staff' : found.customerId ? 'customer' : null, staffToken: staff?.token ?? null };
      },
    }),
    route({
      ...customer,
      method: 'get',
      path: '/api/miniapp/session',
      summary: '当前会话绑定的身份',
      responses: { 200: { description: '员工、客户或未绑定', schema: session } },
      errors: [],
      handler: (ctx) => {
        const s = ctx.state.miniapp!;
        return { boundAs: s.staffId ? 'staff' : s.customerId ? 'customer' : null, customerId: s.customerId, staffId: s.staffId };
      },
    }),
    route({
      ...customer,
      method: 'post',
      path: '/api/miniapp/bind',
      summary: '用一次性绑定码绑定员工或客户',
      body: bindBody,
      responses: { 200: { description: '绑定结果（员工另给员工令牌）', schema: bound } },
      errors: ['BINDING_CODE_INVALID', 'BINDING_FORBIDDEN', 'BINDING_IDENTITY_TAKEN_CONFLICT', 'CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const done = await bindMiniappIdentity(ctx.state.em, { code: body.code, identityId: ctx.state.miniapp!.identityId });
        const staff = done.kind === 'staff' ? await staffToken(ctx.state.em, done.staffId) : null;
        return { boundAs: done.kind, staffToken: staff?.token ?? null, ...(done.kind === 'customer' ? { customerId: done.customerId } : { staffId: done.staffId }) };
      },
    }),
    route({
      ...customer,
      method: 'get',
      path: '/api/miniapp/invitations',
      summary: '我的活动邀约',
      responses: { 200: { description: '最近 50 条', schema: z.array(myInvitation) } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND'],
      handler: (ctx) => customerInvitations(ctx.state.em, customerOf(ctx.state)),
    }),
    route({
      ...customer,
      method: 'post',
      path: '/api/miniapp/invitations/:id/answer',
      summary: '回复邀约：有兴趣 / 再看看 / 不感兴趣',
      params: invitationParams,
      body: answerBody,
      responses: { 200: { description: '回复已记录', schema: answered } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND', 'INVITATION_NOT_FOUND', 'INVITATION_CLOSED_CONFLICT'],
      handler: (ctx, { params, body }) => answerInvitation(ctx.state.em, { customerId: customerOf(ctx.state), invitationId: params.id, answer: body.answer, requestId: ctx.state.requestId }),
    }),
    route({
      ...customer,
      method: 'post',
      path: '/api/miniapp/feedback',
      summary: '留下反馈（投诉与员工录入的反馈同样处理：紧急跟进任务、通知客户经理）',
      body: miniappFeedbackBody,
      responses: { 201: { description: '反馈已记录', schema: feedbackLeft } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND', 'CUSTOMER_NOT_FOUND', 'INVITATION_NOT_FOUND'],
      handler: async (ctx, { body }) => reply(201, await leaveFeedback(ctx.state.em, deps.feedback, { customerId: customerOf(ctx.state), ...body, requestId: ctx.state.requestId })),
    }),
    route({
      ...customer,
      method: 'post',
      path: '/api/miniapp/opt-out',
      summary: '退订某个渠道的营销信息（写入授权台账）',
      body: optOutBody,
      responses: { 200: { description: '已退订', schema: optedOut } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND', 'CUSTOMER_NOT_FOUND', 'CUSTOMER_PHONE_MISSING_CONFLICT', 'INVALID_PHONE_NUMBER'],
      handler: (ctx, { body }) => optOut(ctx.state.em, { customerId: customerOf(ctx.state), ...body, requestId: ctx.state.requestId }),
    }),
    route({
      ...customer,
      method: 'get',
      path: '/api/miniapp/consents',
      summary: '我的营销授权（各渠道）',
      responses: { 200: { description: '各渠道现状（none：从未授权）', schema: myConsentStates } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND', 'CUSTOMER_PHONE_MISSING_CONFLICT'],
      handler: (ctx) => myConsents(ctx.state.em, customerOf(ctx.state)),
    }),
    route({
      ...customer,
      method: 'post',
      path: '/api/miniapp/consents',
      summary: '同意或撤回某个渠道的营销授权（记入授权台账，附授权文本版本）',
      body: consentChoiceBody,
      responses: { 200: { description: '各渠道现状', schema: myConsentStates } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND', 'CUSTOMER_PHONE_MISSING_CONFLICT', 'CONSENT_BLACKLISTED_CONFLICT', 'INVALID_PHONE_NUMBER'],
      handler: (ctx, { body }) => setMyConsent(ctx.state.em, { customerId: customerOf(ctx.state), identityId: ctx.state.miniapp!.identityId, ...body, requestId: ctx.state.requestId }),
    }),
    route({
      ...customer,
      method: 'get',
      path: '/api/miniapp/membership',
      summary: '会员等级、积分与升级奖励',
      responses: { 200: { description: '会员信息', schema: membership } },
      errors: ['MINIAPP_CUSTOMER_NOT_BOUND'],
      handler: (ctx) => tierAndRewards(ctx.state.em, customerOf(ctx.state)),
    }),
  );
  return on ? served : disabledDoorRouter(MINIAPP_OFF, routeSpecsOf(served));
}

const MINIAPP_OFF = { door: 'miniapp', label: '小程序', settings: ['MINIAPP_APPID', 'MINIAPP_SECRET'] };
