import { z } from 'zod';
import { BEHAVIOR_JOB } from '../../../domain/customers/behavior-run.service.js';
import { MAX_TAG_MEMBERS, tagCounts, tagMembers } from '../../../domain/customers/member-tags.service.js';
import { segmentMembers, segmentOverview } from '../../../domain/customers/segments.service.js';
import { TAG_KINDS } from '../../../domain/customers/tag-rules.js';
import { authorize } from '../../../domain/auth/actor.js';
import { BEHAVIOR_RUN_MODES } from '../../../domain/members/behavior-run.entity.js';
import type { Clock } from '../../../domain/ports/clock.port.js';
import type { JobQueue } from '../../../domain/ports/job-queue.port.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { pageOf } from '../../http/envelope.js';
import { instant, pageOf as pageSchema } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';

const memberId = z.string().trim().min(1).max(50);
const range = z.tuple([z.number().int(), z.number().int()]);
const cuts = z.object({ p20: z.number(), p40: z.number(), p60: z.number(), p80: z.number() }).nullable();

export const segmentQuery = z.object({
  segment: z.enum(CUSTOMER_SEGMENTS).optional().meta({ description: '给出时列出该分层的会员' }),
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
});
const segmentView = z.object({
  id: z.enum(CUSTOMER_SEGMENTS),
  name: z.string(),
  count: z.number().int(),
  share: z.number().meta({ description: '占已分层会员的比例 0–1' }),
  avgSpendingFen: z.number().int().meta({ description: '每次到店平均消费（分）' }),
  avgSpending365dFen: z.number().int().meta({ description: '近一年人均消费（分）' }),
  rule: z.object({ priority: z.number().int(), r: range, f: range, m: range, firstVisitWithinDays: z.number().int().nullable(), text: z.string() }),
});
const overview = z.object({
  computedAt: instant.nullable(),
  total: z.number().int(),
  thresholds: z.object({ population: z.number().int(), computedAt: instant.nullable(), recencyDays: cuts, visits365d: cuts, spending365dFen: cuts }),
  segments: z.array(segmentView),
});
const memberView = z.object({
  memberId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable().meta({ description: '打码的号码' }),
  tier: z.string(),
  customerId: z.string().nullable(),
  rfm: z.object({ r: z.number().int(), f: z.number().int(), m: z.number().int() }),
  visitFrequency: z.number().int(),
  totalSpendingFen: z.number().int(),
  spending365dFen: z.number().int(),
  lastVisitDate: z.string().nullable(),
  churnRisk: z.number(),
});

export const tagsBody = z
  .strictObject({
    memberId: memberId.optional(),
    memberIds: z.array(memberId).min(1).max(MAX_TAG_MEMBERS).optional(),
    all: z.literal(true).optional().meta({ description: '为全部会员重算（排队后台任务）' }),
  })
  .refine((b) => [b.memberId, b.memberIds, b.all].filter((x) => x !== undefined).length === 1, { message: '请给出 memberId、memberIds 或 all 之一', path: ['memberId'] });
const tagView = z.object({ tag: z.string(), kind: z.enum(TAG_KINDS), rule: z.string() });
const tagsAnswer = z.object({ members: z.array(z.object({ memberId: z.string(), tags: z.array(tagView) })) });
const tagsQueued = z.object({ jobId: z.string(), tags: z.array(tagView.extend({ members: z.number().int().meta({ description: '上次计算时带此标签的会员数' }) })) });

export const runBody = z.strictObject({ mode: z.enum(BEHAVIOR_RUN_MODES).default('incremental') });

/** GET …/customer/segment, POST …/customer/tags and POST …/customer/behavior/run (seed 001 §3.2). */
export function customerIntelligenceRoutes(deps: { jobs: JobQueue; clock: Clock; timeZone: string; chunkSize: number }) {
  return routes(
    route({
      method: 'get',
      path: '/api/ai-ops/customer/segment',
      summary: '客户分层：六个分层的人数、占比、平均消费和规则；给出 segment 时分页列出会员',
      tags: ['customer-intelligence'],
      permissions: ['customer:segment:view'],
      query: segmentQuery,
      responses: { 200: { description: '分层概览或某分层的一页会员', schema: z.union([overview, pageSchema(memberView)]) } },
      errors: [],
      handler: async (ctx, { query }) => {
        if (!query.segment) return segmentOverview(ctx.state.em, ctx.state.actor!);
        const { records, total } = await segmentMembers(ctx.state.em, ctx.state.actor!, { segment: query.segment, page: query.page, size: query.size });
        return pageOf(records, total, query.page, query.size);
      },
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/customer/tags',
      summary: '客户标签：按会员重算并返回标签及其规则；all=true 时为全部会员排队重算',
      tags: ['customer-intelligence'],
      permissions: ['customer:tags:write'],
      body: tagsBody,
      responses: {
        200: { description: '每个会员的标签和给出它的规则', schema: tagsAnswer },
        202: { description: '已排队全量重算；附上次计算的各标签人数', schema: tagsQueued },
      },
      errors: ['MEMBER_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const { em, actor } = ctx.state;
        if (body.all) {
          const tags = await tagCounts(em, actor!);
          const jobId = await deps.jobs.enqueue(BEHAVIOR_JOB, { mode: 'full' }, { uniqueKey: 'customers.behavior.full' });
          return reply(202, { jobId, tags: tags.map(({ tag, kind, rule, members }) => ({ tag, kind, rule, members })) });
        }
        const ids = body.memberIds ?? [body.memberId!];
        return tagMembers(em, actor!, ids, { now: deps.clock.now(), timeZone: deps.timeZone, chunkSize: deps.chunkSize });
      },
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/customer/behavior/run',
      summary: '立即重算会员行为、RFM 分层和标签（后台任务，进度见 /api/jobs）',
      tags: ['customer-intelligence'],
      permissions: ['customer:tags:write'],
      body: runBody,
      responses: { 202: { description: '已排队', schema: z.object({ jobId: z.string(), mode: z.enum(BEHAVIOR_RUN_MODES) }) } },
      errors: [],
      handler: async (ctx, { body }) => {
        authorize(ctx.state.actor!, 'customer:tags:write', '重算客户分层');
        const jobId = await deps.jobs.enqueue(BEHAVIOR_JOB, { mode: body.mode }, { uniqueKey: `customers.behavior.${body.mode}` });
        return reply(202, { jobId, mode: body.mode });
      },
    }),
  );
}
