import { Router } from '@koa/router';
import { z } from 'zod';
import { SMS_CATEGORIES } from '../../../domain/shared/vocabulary.js';
import { createTemplate, deactivateTemplate, listTemplates, templateByCode, updateTemplate } from '../../../domain/outreach/sms-template.service.js';
import { requirePermission } from '../../auth/authenticate.js';
import { pageOf, respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const fields = {
  name: z.string().trim().min(1).max(100),
  category: z.enum(SMS_CATEGORIES),
  vendorTemplateId: z.string().trim().min(1).max(64).nullable().optional(),
  content: z.string().trim().min(1).max(500),
  paramNames: z.array(z.string().trim().min(1).max(32)).max(10),
  active: z.boolean().optional(),
};
const createBody = z.object({ code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,50}$/), ...fields });
const patchBody = z.object(fields).partial().refine((v) => Object.keys(v).length > 0, '至少修改一个字段');
const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  category: z.enum(SMS_CATEGORIES).optional(),
  active: z.enum(['true', 'false']).optional(),
});

/** SMS templates: /api/ai-ops/outreach/templates[/:code] (read: senders; write: outreach:template:manage). */
export function templateRoutes(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/ai-ops/outreach/templates' });
  const read = requirePermission('outreach:sms:send', 'outreach:template:manage');
  const write = requirePermission('outreach:template:manage');
  router.get('/', read, async (ctx) => {
    const q = validate(listQuery, ctx.query);
    const { rows, total } = await listTemplates(ctx.state.em, { ...q, activeOnly: q.active === 'true' });
    respond(ctx, pageOf(rows, total, q.page, q.size));
  });
  router.get('/:code', read, async (ctx) => respond(ctx, await templateByCode(ctx.state.em, ctx.params.code!)));
  router.post('/', write, async (ctx) => {
    respond(ctx, await createTemplate(ctx.state.em, validate(createBody, ctx.request.body), ctx.state.actor!), 201);
  });
  router.put('/:code', write, async (ctx) => {
    respond(ctx, await updateTemplate(ctx.state.em, ctx.params.code!, validate(patchBody, ctx.request.body), ctx.state.actor!));
  });
  router.delete('/:code', write, async (ctx) => respond(ctx, await deactivateTemplate(ctx.state.em, ctx.params.code!, ctx.state.actor!)));
  return router;
}
