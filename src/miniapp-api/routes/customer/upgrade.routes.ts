import { z } from 'zod';
import { evaluateMemberUpgrade, executeMemberUpgrade, type TierDeps } from '../../../domain/tiers/tier-upgrade.service.js';
import { instant } from '../../http/response.schemas.js';
import { route, routes } from '../../http/route.js';

export const memberBody = z.object({ memberId: z.string().trim().min(1).max(50).regex(/^[\w.-]+$/, '会员编号格式不正确') });

const tierRef = z.object({ code: z.string(), name: z.string() });
const evaluation = z.object({
  memberId: z.string(),
  currentTier: tierRef,
  nextTier: tierRef.nullable().meta({ description: '提档将到达的等级（符合时为可达到的最高等级），已是最高等级时为 null' }),
  progress: z.number().int().min(0).max(100).meta({ description: '百分比：消费与到店次数各自完成度（封顶 100%）的平均' }),
  eligible: z.boolean(),
  missing: z.array(z.string()).meta({ description: '尚缺什么，例如“还需消费 ¥1200.00”“还需到店 3 次”' }),
  requirement: z.object({ minSpendFen: z.number().int(), minVisits: z.number().int(), maxChurnRisk: z.number() }).nullable(),
  qualifying: z.object({ windowDays: z.number().int(), spendFen: z.number().int(), visits: z.number().int(), churnRisk: z.number().nullable() }),
});
const reward = z.object({ kind: z.enum(['points', 'coupon', 'gift', 'discount']), value: z.union([z.number(), z.string()]), note: z.string().optional(), key: z.string().optional() });
const executed = z.object({
  memberId: z.string(),
  fromTier: z.string().nullable(),
  fromTierName: z.string().nullable(),
  toTier: z.string(),
  toTierName: z.string(),
  rewards: z.array(reward),
  upgradeId: z.number().int(),
  upgradedAt: instant,
  replayed: z.boolean().meta({ description: 'true：此前已执行过的同一次提档，本次未再发放任何奖励' }),
});

/** Seed 001 §3.2: evaluate and execute a member's tier upgrade (rules in member_tiers). */
export function upgradeRoutes(deps: TierDeps) {
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/customer/upgrade/evaluate',
      summary: '提档评估：当前等级、下一等级、完成进度、是否符合、尚缺条件',
      tags: ['customer'],
      permissions: ['customer:upgrade:evaluate', 'customer:upgrade:execute'],
      body: memberBody,
      responses: { 200: { description: '评估结果', schema: evaluation } },
      errors: ['MEMBER_NOT_FOUND'],
      handler: (ctx, { body }) => evaluateMemberUpgrade(ctx.state.em, ctx.state.actor!, body.memberId, deps),
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/customer/upgrade/execute',
      summary: '执行提档：只执行一次，重复或并发调用返回同一结果且不重复发放奖励',
      tags: ['customer'],
      permissions: ['customer:upgrade:execute'],
      body: memberBody,
      responses: { 200: { description: '提档结果', schema: executed } },
      errors: ['MEMBER_NOT_FOUND', 'UPGRADE_NOT_ELIGIBLE'],
      handler: (ctx, { body }) => executeMemberUpgrade(ctx.state.em, ctx.state.actor!, body.memberId, deps),
    }),
  );
}
