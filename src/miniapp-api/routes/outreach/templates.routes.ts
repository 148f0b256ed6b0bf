import { z } from 'zod';
import { SMS_CATEGORIES } from '../../../domain/shared/vocabulary.js';
import { createTemplate, deactivateTemplate, listTemplates, templateByCode, updateTemplate } from '../../../domain/outreach/sms-template.service.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';

const code = z.string().trim().regex(/^[A-Za-z0-9_-]{1,50}$/, '模板编码为 1-50 位字母、数字、下划线或短横线');
const fields = {
  name: z.string().trim().min(1).max(100),
  category: z.enum(SMS_CATEGORIES),
  vendorTemplateId: z.string().trim().min(1).max(64).nullable().optional().meta({ description: '运营商（腾讯云）审核通过的模板 ID' }),
  content: z.string().trim().min(1).max(500).meta({ description: '模板内容，参数写作 {1}{2}…（从 1 起连续）' }),
  paramNames: z.array(z.string().trim().min(1).max(32)).max(10),
  active: z.boolean().optional(),
};
export const createTemplateBody = z.object({ code, ...fields });
export const patchTemplateBody = z.object(fields).partial().refine((v) => Object.keys(v).length > 0, '至少修改一个字段');
export const templateListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  category: z.enum(SMS_CATEGORIES).optional(),
  active: z.enum(['true', 'false']).optional(),
});
const codeParams = z.object({ code });
export const template = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  category: z.enum(SMS_CATEGORIES),
  vendorTemplateId: z.string().nullable(),
  content: z.string(),
  paramNames: z.array(z.string()),
  active: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
});

const tags = ['outreach'];
const read = ['outreach:sms:send', 'outreach:template:manage'] as const;
const write = ['outreach:template:manage'] as const;

/** SMS templates: /api/ai-ops/outreach/templates[/:code] (read: senders; write: outreach:template:manage). */
export function templateRoutes() {
  return routes(
    listRoute({
      path: '/api/ai-ops/outreach/templates',
      summary: '短信模板列表',
      tags,
      permissions: read,
      query: templateListQuery,
      page: { description: '一页模板', item: template },
      errors: [],
      list: (ctx, { query }) => listTemplates(ctx.state.em, { ...query, activeOnly: query.active === 'true' }),
    }),
    route({
      method: 'get',
      path: '/api/ai-ops/outreach/templates/:code',
      summary: '一个短信模板',
      tags,
      permissions: read,
      params: codeParams,
      responses: { 200: { description: '模板', schema: template } },
      errors: ['TEMPLATE_NOT_FOUND'],
      handler: (ctx, { params }) => templateByCode(ctx.state.em, params.code),
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/templates',
      summary: '新建短信模板（营销模板自动加“拒收请回复R”）',
      tags,
      permissions: write,
      body: createTemplateBody,
      responses: { 201: { description: '新建的模板', schema: template } },
      errors: ['TEMPLATE_CODE_EXISTS', 'INVALID_TEMPLATE_CONTENT', 'INVALID_TEMPLATE_PARAMS'],
      handler: async (ctx, { body }) => reply(201, await createTemplate(ctx.state.em, body, ctx.state.actor!)),
    }),
    route({
      method: 'put',
      path: '/api/ai-ops/outreach/templates/:code',
      summary: '修改短信模板',
      tags,
      permissions: write,
      params: codeParams,
      body: patchTemplateBody,
      responses: { 200: { description: '修改后的模板', schema: template } },
      errors: ['TEMPLATE_NOT_FOUND', 'INVALID_TEMPLATE_CONTENT', 'INVALID_TEMPLATE_PARAMS'],
      handler: (ctx, { params, body }) => updateTemplate(ctx.state.em, params.code, body, ctx.state.actor!),
    }),
    route({
      method: 'delete',
      path: '/api/ai-ops/outreach/templates/:code',
      summary: '停用短信模板（已发记录保留引用）',
      tags,
      permissions: write,
      params: codeParams,
      responses: { 200: { description: '停用后的模板', schema: template } },
      errors: ['TEMPLATE_NOT_FOUND'],
      handler: (ctx, { params }) => deactivateTemplate(ctx.state.em, params.code, ctx.state.actor!),
    }),
  );
}
