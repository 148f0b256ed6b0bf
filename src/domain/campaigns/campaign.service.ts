import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../approvals/approval.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { toAudience, type AudienceFilter } from '../customers/audience.js';
import { audienceMemberCounts } from '../customers/audience.query.js';
import { EventSchema } from '../events/event.entity.js';
import { templateByCode } from '../outreach/sms-template.service.js';
import { smsContent } from '../outreach/sms-send.service.js';
import type { Clock } from '../ports/clock.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { DomainError } from '../shared/domain-error.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { offerText } from './campaign-content.js';
import { campaignPlan, estimateCostFen, holdoutSize, ROI_PRIOR_PERCENT, roiPercent } from './campaign-plan.policy.js';
import { CampaignSchema, type CampaignChannel, type CampaignType } from './campaign.entity.js';
import { channelMix, checkChannels } from './campaign-channels.policy.js';
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

export type CreateCampaignInput = {
  segment: CustomerSegment;
  /** Narrow the segment's members (issue 10 §3: tags and segments are audiences). */
  tags?: string[];
  lastVisitDays?: number;
  type?: CampaignType;
  /** The channel mix; default SMS only. */
  channels?: CampaignChannel[];
  /** The event of the invitation channel. */
  eventId?: string;
  budgetFen?: number;
  startAt?: Date;
};

/**
 * Seed §4.2 generatePersonalizedCampaign: the segment's campaign (type, offer via the model or the
 * template, SMS content within the template rules), its audience (active members of the segment, narrowed
 * by tags or a recent visit when given; those with a mobile number are reachable), the channel mix
 * (checked: CAMPAIGN_CHANNELS_INVALID lists every problem at once), the estimated cost and the expected
 * ROI; saved as pending_approval, and the approvers get the approval card.
 */
export async function createCampaign(em: EntityManager, actor: Actor, input: CreateCampaignInput, deps: CampaignDeps) {
  authorize(actor, 'customer:campaign:create', '创建营销活动');
  const now = deps.clock.now();
  const { settings } = deps;
  const plan = campaignPlan(input.segment, input.type);
  const channels = [...new Set<CampaignChannel>(input.channels ?? ['sms'])];
  const event = input.eventId ? await em.findOne(EventSchema, { id: input.eventId }, { disableIdentityMap: true }) : null;
  checkChannels({ channels, type: plan.type, eventId: input.eventId, event, startAt: input.startAt ?? now });
  const audienceFilter: AudienceFilter = toAudience({ segment: input.segment, tags: input.tags, lastVisitDays: input.lastVisitDays });
  const template = await templateByCode(em, settings.smsTemplateCode, { activeOnly: true });
  if (template.category !== 'marketing') throw new DomainError('CAMPAIGN_TEMPLATE_INVALID', `短信模板 ${template.code} 不是营销类模板`);
  const offer = await offerText(deps.model, input.segment, plan);
  // The content as a member will read it; rendering checks the template takes exactly name, offer and link.
  const content = smsContent(template, ['尊敬的会员', offer.offer, `${settings.linkBase}xxxxxxxx`]);

  const counts = await audienceMemberCounts(em, audienceFilter, now);
  const { members, reachable } = counts;
  const holdout = holdoutSize(reachable, settings.holdoutPercent);
  const treated = reachable - holdout;
  const mix = channelMix(channels, counts, treated);
  const messages = mix.filter((c) => c.channel !== 'wecom').reduce((n, c) => n + c.members, 0);
  const estimatedCostFen = estimateCostFen({ treated, messages, smsCostFen: settings.smsCostFen, incentiveFen: plan.incentiveFen, type: plan.type });
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
      channels,
      audience: input.tags || input.lastVisitDays ? audienceFilter : null,
      event: event?.id ?? null,
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
    recordAudit(tx, { ...auditedBy(actor), action: 'campaign.create', targetType: 'campaign', targetId: id, details: { segment: input.segment, type: plan.type, audience: reachable, filter: audienceFilter, channels } });
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
    filter: { segments: audienceFilter.segments!, tags: audienceFilter.tags ?? [], lastVisitDays: audienceFilter.lastVisitDays ?? null },
    channelMix: mix,
    eventId: event?.id ?? null,
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
