import { z } from 'zod';
import type { OutreachDeps } from '../../../domain/outreach/outreach-deps.js';
import { sendSms } from '../../../domain/outreach/sms-send.service.js';
import { createSmsBatch, smsBatchReport } from '../../../domain/outreach/sms-batch.service.js';
import { SMS_BATCH_STATUSES } from '../../../domain/outreach/sms-batch.entity.js';
import { audienceFilter, toAudience } from '../../../domain/customers/audience.js';
import { mobileNumber } from '../../../domain/shared/phone.schema.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { idParams, instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';

const params = z.array(z.string().max(200)).max(10).default([]).meta({ description: '模板参数，按 {1}{2}… 的顺序' });
const templateId = z.string().trim().min(1).max(50).meta({ description: '模板编码（templates 的 code）' });

export const sendSmsBody = z.object({
  phoneNumber: mobileNumber,
  templateId,
  params,
  message: z.string().max(500).optional().meta({ description: '给出时必须与模板渲染后的内容一致' }),
  customerId: z.string().trim().min(1).max(64).optional(),
});
export const sendSmsAnswer = z.object({
  messageId: z.string(),
  status: z.enum(['sent', 'deferred', 'failed', 'unknown', 'retrying']),
  content: z.string(),
  serialNo: z.string().nullable().optional(),
  deferredUntil: instant.optional(),
  error: z.string().optional(),
  dryRun: z.boolean().meta({ description: '演练模式（OUTREACH_DRY_RUN 或未配置运营商）：未真正发出' }),
});

export const batchBody = z
  .object({
    templateId,
    params,
    phoneNumbers: z.array(z.string().max(40)).min(1).max(50_000).optional().meta({ description: '号码列表；不合格的号码逐个列在 rejected 中，其余照发' }),
    filter: audienceFilter.optional(),
    scheduledAt: isoDateTime.optional(),
  })
  .refine((b) => Boolean(b.phoneNumbers) !== Boolean(b.filter), { message: '请给出 phoneNumbers 或 filter 之一', path: ['phoneNumbers'] });

export const batchCreated = z.object({
  batchId: z.number().int(),
  status: z.literal('sending'),
  total: z.number().int(),
  content: z.string(),
  rejected: z.array(z.object({ phoneNumber: z.string(), reason: z.literal('INVALID_NUMBER') })),
  dryRun: z.boolean().meta({ description: '演练模式（OUTREACH_DRY_RUN 或未配置运营商）：未真正发出' }),
});
const countsByReason = z.record(z.string(), z.number().int());
export const batchReport = z.object({
  batchId: z.number().int(),
  status: z.enum(SMS_BATCH_STATUSES),
  template: z.string().nullable(),
  content: z.string(),
  total: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int(),
  pending: z.number().int(),
  skipped: z.number().int(),
  skippedByReason: countsByReason,
  failedByReason: countsByReason,
  progress: z.number().int().min(0).max(100),
  startedAt: instant.nullable(),
  completedAt: instant.nullable(),
  dryRun: z.boolean().meta({ description: '演练模式（OUTREACH_DRY_RUN 或未配置运营商）：未真正发出' }),
});

/** Single SMS (seed 000 §5.2) and batch SMS with its progress report. */
export function smsRoutes(deps: OutreachDeps) {
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/sms',
      summary: '发送单条短信（先过合规）',
      tags: ['outreach'],
      permissions: ['outreach:sms:send'],
      body: sendSmsBody,
      responses: {
        200: { description: '已发送、失败或结果未知', schema: sendSmsAnswer },
        202: { description: '营销时段外或运营商限流：已排队（deferredUntil）', schema: sendSmsAnswer },
      },
      errors: ['TEMPLATE_NOT_FOUND', 'TEMPLATE_NOT_APPROVED', 'TEMPLATE_PARAMS_MISMATCH', 'CONTENT_NOT_TEMPLATE', 'INVALID_PHONE_NUMBER', 'RECIPIENT_OPTED_OUT', 'RECIPIENT_BLACKLISTED', 'RECIPIENT_NO_CONSENT', 'FREQUENCY_CAP_EXCEEDED', 'CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const result = await sendSms(ctx.state.em, deps, {
          phoneNumber: body.phoneNumber,
          templateCode: body.templateId,
          params: body.params,
          message: body.message,
          customerId: body.customerId,
          staffId: ctx.state.actor!.staffId,
        });
        return reply(result.status === 'deferred' || result.status === 'retrying' ? 202 : 200, result);
      },
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/sms/batch',
      summary: '批量短信：号码列表或受众筛选',
      tags: ['outreach'],
      permissions: ['outreach:sms:batch'],
      body: batchBody,
      responses: { 201: { description: '批次已创建，发送任务已排队', schema: batchCreated } },
      errors: ['TEMPLATE_NOT_FOUND', 'TEMPLATE_NOT_APPROVED', 'TEMPLATE_PARAMS_MISMATCH', 'BATCH_AUDIENCE_EMPTY'],
      handler: async (ctx, { body }) => {
        return reply(
          201,
          await createSmsBatch(ctx.state.em, deps, {
            templateCode: body.templateId,
            params: body.params,
            audience: body.phoneNumbers ? { kind: 'phones', phones: body.phoneNumbers } : { kind: 'filter', ...toAudience(body.filter!) },
            scheduledAt: body.scheduledAt,
            createdBy: ctx.state.actor!.staffId,
            requestId: ctx.state.requestId,
          }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/ai-ops/outreach/sms/batch/:id',
      summary: '批量短信进度',
      tags: ['outreach'],
      permissions: ['outreach:sms:batch', 'outreach:history:view'],
      params: idParams,
      responses: { 200: { description: '各状态计数、跳过与失败原因、进度', schema: batchReport } },
      errors: ['SMS_BATCH_NOT_FOUND'],
      handler: (ctx, { params }) => smsBatchReport(ctx.state.em, params.id),
    }),
  );
}
