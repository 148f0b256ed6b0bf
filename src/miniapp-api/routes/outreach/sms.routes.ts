import { Router } from '@koa/router';
import { z } from 'zod';
import type { OutreachDeps } from '../../../domain/outreach/outreach-deps.js';
import { sendSms } from '../../../domain/outreach/sms-send.service.js';
import { createSmsBatch, smsBatchReport } from '../../../domain/outreach/sms-batch.service.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const params = z.array(z.string().max(200)).max(10).default([]);
const singleBody = z.object({
  phoneNumber: z.string().trim().min(1).max(40),
  templateId: z.string().trim().min(1).max(50),
  params,
  message: z.string().max(500).optional(),
  customerId: z.string().trim().min(1).max(64).optional(),
});
const batchBody = z
  .object({
    templateId: z.string().trim().min(1).max(50),
    params,
    phoneNumbers: z.array(z.string().max(40)).min(1).max(50_000).optional(),
    filter: z
      .object({
        segment: z.union([z.enum(CUSTOMER_SEGMENTS), z.array(z.enum(CUSTOMER_SEGMENTS)).min(1)]).optional(),
        lastVisitDays: z.coerce.number().int().min(1).max(3650).optional(),
      })
      .optional(),
    scheduledAt: z.coerce.date().optional(),
  })
  .refine((b) => Boolean(b.phoneNumbers) !== Boolean(b.filter), { message: '请给出 phoneNumbers 或 filter 之一', path: ['phoneNumbers'] });

/** Single SMS (seed 000 §5.2) and batch SMS with its progress report. */
export function smsRoutes(deps: OutreachDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/ai-ops/outreach/sms' });
  router.post('/', requirePermission('outreach:sms:send'), async (ctx) => {
    const body = validate(singleBody, ctx.request.body);
    const result = await sendSms(ctx.state.em, deps, {
      phoneNumber: body.phoneNumber,
      templateCode: body.templateId,
      params: body.params,
      message: body.message,
      customerId: body.customerId,
      staffId: ctx.state.staff!.id,
    });
    respond(ctx, result, result.status === 'deferred' || result.status === 'retrying' ? 202 : 200);
  });
  router.post('/batch', requirePermission('outreach:sms:batch'), async (ctx) => {
    const body = validate(batchBody, ctx.request.body);
    const segments = body.filter?.segment === undefined ? undefined : [body.filter.segment].flat();
    const created = await createSmsBatch(ctx.state.em, deps, {
      templateCode: body.templateId,
      params: body.params,
      audience: body.phoneNumbers ? { kind: 'phones', phones: body.phoneNumbers } : { kind: 'filter', segments, lastVisitDays: body.filter?.lastVisitDays },
      scheduledAt: body.scheduledAt,
      createdBy: ctx.state.actor!.staffId,
      requestId: ctx.state.requestId,
    });
    respond(ctx, created, 201);
  });
  router.get('/batch/:id', requirePermission('outreach:sms:batch', 'outreach:history:view'), async (ctx) => {
    const id = validate(z.coerce.number().int().positive(), ctx.params.id);
    respond(ctx, await smsBatchReport(ctx.state.em, id));
  });
  return router;
}
