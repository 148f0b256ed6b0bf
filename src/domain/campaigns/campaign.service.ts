import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../approvals/approval.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { segmentAudienceCounts } from '../customers/segments.service.js';
import { templateByCode } from '../outreach/sms-template.service.js';
import { smsContent } from '../outreach/sms-send.service.js';
import type { Clock } from '../ports/clock.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { DomainError } from '../shared/domain-error.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { offerText } from './campaign-content.js';
import { campaignPlan, estimateCostFen, holdoutSize, ROI_PRIOR_PERCENT, roiPercent } from './campaign-plan.policy.js';
import { CampaignSchema, type CampaignType } from './campaign.entity.js';
import { pastSegmentTotals } from './campaign-performance.query.js';

export type CampaignSettings = {
  smsTemplateCode: string;
  /** Prefix of the signed short link (the mini-program's offer page), e.g. https://s.example.cn/o/ */
  linkBase: string;
  smsCostFen: number;
  holdoutPercent: number;
  attributionDays: number;
};

export type CampaignDeps = { clock: Clock; model: LanguageModel | undefined; approvals: ApprovalService; notifier: () => Notifier; settings: CampaignSettings };

export type CreateCampaignInput = { segment: CustomerSegment; type?: CampaignType; channel?: 'sms'; budgetFen?: number; startAt?: Date };

/**
 * Seed §4.2 generatePersonalizedCampaign: the segment's campaign (type, offer via the model or the
 * template, SMS content within the template rules), its audience (active members of the segment; those
 * with a mobile number are reachable), the channel mix, the estimated cost and the expected ROI; saved
 * as pending_approval, and the approvers get the approval card.
 */
export async function createCampaign(em: EntityManager, actor: Actor, input: CreateCampaignInput, deps: CampaignDeps) {
  authorize(actor, 'customer:campaign:create', '创建营销活动');
  const now = deps.clock.now();
  const { settings } = deps;
  const plan = campaignPlan(input.segment, input.type);
  const template = await templateByCode(em, settings.smsTemplateCode, { activeOnly: true });
  if (template.category !== 'marketing') throw new DomainError('CAMPAIGN_TEMPLATE_INVALID', `短信模板 ${template.code} 不是营销类模板`);
  const offer = await offerText(deps.model, input.segment, plan);
  // The content as a member will read it; rendering checks the template takes exactly name, offer and link.
  const content = smsContent(template, ['尊敬的会员', offer.offer, `${settings.linkBase}xxxxxxxx`]);

  const { members, reachable } = await segmentAudienceCounts(em, input.segment);
  const holdout = holdoutSize(reachable, settings.holdoutPercent);
  const treated = reachable - holdout;
  const estimatedCostFen = estimateCostFen({ treated, smsCostFen: settings.smsCostFen, incentiveFen: plan.incentiveFen, type: plan.type });
  if (input.budgetFen !== undefined && estimatedCostFen > input.budgetFen) {
    throw new DomainError('CAMPAIGN_OVER_BUDGET', `预计成本 ¥${(estimatedCostFen / 100).toFixed(2)} 超出预算 ¥${(input.budgetFen / 100).toFixed(2)}`, { estimatedCostFen, budgetFen: input.budgetFen });
  }
  const past = await pastSegmentTotals(em, input.segment);
  const historic = roiPercent(past.revenueFen, past.costFen);
  const expectedRoi = historic ?? ROI_PRIOR_PERCENT[plan.type];

  const id = `CAMP_${now.toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(4).toString('hex')}`;
  const campaign = await em.transactional(async (tx) => {
    const row = tx.create(CampaignSchema, {
      id,
      name: plan.name,
      segment: input.segment,
      type: plan.type,
      channel: 'sms',
      status: 'pending_approval',
      content,
      offer: offer.offer,
      contentSource: offer.source,
      smsTemplateCode: template.code,
      incentiveFen: plan.incentiveFen,
      budgetFen: input.budgetFen ?? null,
      startAt: input.startAt ?? null,
      holdoutPercent: settings.holdoutPercent,
      attributionDays: settings.attributionDays,
      audienceSize: reachable,
      estimatedCostFen,
      expectedRoi,
      roiBasis: historic === null ? 'prior' : 'history',
      createdBy: actor.staffId,
      submittedAt: now,
    });
    recordAudit(tx, { ...auditedBy(actor), action: 'campaign.create', targetType: 'campaign', targetId: id, details: { segment: input.segment, type: plan.type, audience: reachable } });
    return row;
  });
  const notified = await deps.approvals.notifyApprovers(em, deps.notifier(), 'campaign', id);
  return {
    id: campaign.id,
    name: campaign.name,
    segment: campaign.segment,
    type: campaign.type,
    status: campaign.status,
    content,
    offer: offer.offer,
    contentSource: offer.source,
    fallbackReason: offer.fallbackReason,
    audience: { members, reachable, unreachable: members - reachable, holdout, treated, holdoutPercent: settings.holdoutPercent },
    channelMix: [{ channel: 'sms' as const, members: treated, share: treated > 0 ? 100 : 0 }],
    incentiveFen: plan.incentiveFen,
    estimatedCostFen,
    budgetFen: input.budgetFen ?? null,
    expectedRoi,
    roiBasis: historic === null ? ('prior' as const) : ('history' as const),
    startAt: campaign.startAt ?? null,
    attributionDays: settings.attributionDays,
    approvers: notified,
    createdAt: campaign.createdAt,
  };
}
