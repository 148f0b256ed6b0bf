import { Router } from '@koa/router';
import { z } from 'zod';
import { ROUTING_RULE_KINDS } from '../../../domain/routing/routing-rule.entity.js';
import {
  createDutySchedule,
  createRoutingRule,
  deleteRoutingRule,
  listDutySchedules,
  listHolidays,
  listRoutingRules,
  updateRoutingRule,
  upsertHoliday,
} from '../../../domain/routing/routing-rules.service.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const id = z.object({ id: z.coerce.number().int().positive() });
const createBody = z.object({
  kind: z.enum(ROUTING_RULE_KINDS),
  name: z.string().trim().min(1).max(64),
  body: z.record(z.string(), z.unknown()),
  priority: z.number().int().min(-1000).max(1000).optional(),
  active: z.boolean().optional(),
});
const patchBody = createBody.omit({ kind: true }).partial();
const holidayBody = z.object({ date: z.string(), name: z.string().trim().min(1).max(64), workday: z.boolean().optional() });
const dutyBody = z.object({ staffId: z.number().int().positive(), days: z.array(z.string()).min(1).max(8), startTime: z.string(), endTime: z.string(), priority: z.number().int().min(-1000).max(1000).optional() });
const listQuery = z.object({ kind: z.enum(ROUTING_RULE_KINDS).optional() });

/** Routing configuration (seed 003's dictionaries as data): rules, holidays and the duty roster. */
export function routingRulesRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  const manage = requirePermission('telephony:rules:manage');
  const actor = (ctx: { state: AppState }) => ctx.state.actor!;
  router.get('/api/telephony/routing-rules', requirePermission('telephony:rules:manage', 'telephony:calls:view'), async (ctx) => {
    respond(ctx, await listRoutingRules(ctx.state.em, validate(listQuery, ctx.query).kind));
  });
  router.post('/api/telephony/routing-rules', manage, async (ctx) => {
    respond(ctx, await createRoutingRule(ctx.state.em, validate(createBody, ctx.request.body), actor(ctx)), 201);
  });
  router.patch('/api/telephony/routing-rules/:id', manage, async (ctx) => {
    respond(ctx, await updateRoutingRule(ctx.state.em, validate(id, ctx.params).id, validate(patchBody, ctx.request.body), actor(ctx)));
  });
  router.delete('/api/telephony/routing-rules/:id', manage, async (ctx) => {
    await deleteRoutingRule(ctx.state.em, validate(id, ctx.params).id, actor(ctx));
    respond(ctx, null);
  });
  router.get('/api/telephony/holidays', requirePermission('telephony:rules:manage', 'telephony:calls:view'), async (ctx) => {
    respond(ctx, await listHolidays(ctx.state.em));
  });
  router.put('/api/telephony/holidays', manage, async (ctx) => {
    respond(ctx, await upsertHoliday(ctx.state.em, validate(holidayBody, ctx.request.body), actor(ctx)));
  });
  router.get('/api/telephony/duty-schedules', requirePermission('telephony:rules:manage', 'telephony:calls:view'), async (ctx) => {
    respond(ctx, await listDutySchedules(ctx.state.em));
  });
  router.post('/api/telephony/duty-schedules', manage, async (ctx) => {
    respond(ctx, await createDutySchedule(ctx.state.em, validate(dutyBody, ctx.request.body), actor(ctx)), 201);
  });
  return router;
}
