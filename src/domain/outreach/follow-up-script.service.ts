import type { MarketingWindow } from '../compliance/compliance.policy.js';
import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../ports/clock.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import { channelOrder, recommendTiming, type FollowUpChannel, type FollowUpReason } from './follow-up-schedule.policy.js';
import { MAX_SCRIPT_CHARS, addressOf, scriptLength, templateScript, type ScriptAudience } from './follow-up-script.fallback.js';
import { dateOnly, isVipCustomer, requireCustomer } from './outreach-customer.js';

export type FollowUpScriptDeps = {
  /** Undefined when no model is configured: every script is a template. */
  model: LanguageModel | undefined;
  clock: Clock;
  timeZone: string;
  /** MARKETING_HOURS; recommended times fall inside it. */
  window?: MarketingWindow;
};

export type FollowUpScriptRequest = {
  customerId: string;
  reason: FollowUpReason;
  lastVisitDays?: number;
  /** Integer fen (the seed's body says yuan; the door converts). */
  lastOrderAmountFen?: number;
  customerSegment?: string;
};

/** Why a template was used instead of the model's answer. */
export type ScriptFallbackReason = 'NOT_CONFIGURED' | 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_RESPONSE' | 'TOO_LONG';

export type FollowUpScript = {
  customerId: string;
  customerName: string;
  reason: FollowUpReason;
  script: string;
  length: number;
  source: 'model' | 'template';
  fallbackReason: ScriptFallbackReason | null;
  model: string | null;
  recommendedChannel: FollowUpChannel;
  channelOrder: FollowUpChannel[];
  recommendedAt: string;
  dueBy: string | null;
  timingRule: string;
  timeZone: string;
};

const REASON_TEXT: Record<FollowUpReason, string> = {
  post_visit: '消费后回访，感谢光临并了解体验',
  dormant: '长期未到店，关怀问候并邀请回店',
  birthday: '生日前3天送上祝福和生日优惠',
  complaint: '投诉后跟进，致歉并了解处理意见',
  event_invitation: '邀请参加门店活动',
};

/**
 * Seed §2.1.3 / §5.1: a personal follow-up script of at most 100 characters from the language model,
 * or a deterministic template when the model is not configured, fails, times out or runs long; with
 * the channel (§8.3) and the time (§8.1) to use.
 */
export async function generateFollowUpScript(em: EntityManager, deps: FollowUpScriptDeps, req: FollowUpScriptRequest): Promise<FollowUpScript> {
  const customer = await requireCustomer(em, req.customerId);
  const now = deps.clock.now();
  const isVip = isVipCustomer(customer, req.customerSegment);
  const audience: ScriptAudience = { name: customer.name, isVip, segment: req.customerSegment ?? customer.segment ?? null };
  const lastVisitAt = customer.lastVisitAt ?? (req.lastVisitDays === undefined ? null : new Date(now.getTime() - req.lastVisitDays * 86_400_000));
  const timing = recommendTiming({ reason: req.reason, now, timeZone: deps.timeZone, window: deps.window, lastVisitAt, lastContactAt: customer.lastContactAt, birthday: dateOnly(customer.birthday) });
  const channels = channelOrder(req.reason, isVip);

  const fromModel = deps.model ? await askModel(deps.model, req, audience) : ({ ok: false, reason: 'NOT_CONFIGURED' } as const);
  const script = fromModel.ok ? fromModel.text : templateScript(req.reason, audience);
  return {
    customerId: customer.id,
    customerName: customer.name,
    reason: req.reason,
    script,
    length: scriptLength(script),
    source: fromModel.ok ? 'model' : 'template',
    fallbackReason: fromModel.ok ? null : fromModel.reason,
    model: fromModel.ok ? fromModel.model : null,
    recommendedChannel: channels[0]!,
    channelOrder: channels,
    recommendedAt: timing.recommendedAt.toISOString(),
    dueBy: timing.dueBy?.toISOString() ?? null,
    timingRule: timing.rule,
    timeZone: deps.timeZone,
  };
}

type ModelScript = { ok: true; text: string; model: string } | { ok: false; reason: ScriptFallbackReason };

async function askModel(model: LanguageModel, req: FollowUpScriptRequest, audience: ScriptAudience): Promise<ModelScript> {
  const facts = [
    `称呼：${addressOf(audience)}`,
    `回访原因：${REASON_TEXT[req.reason]}`,
    `客户分层：${audience.isVip ? 'VIP' : (audience.segment ?? '普通')}`,
    req.lastVisitDays === undefined ? null : `距上次到店：${req.lastVisitDays}天`,
    req.lastOrderAmountFen === undefined ? null : `上次消费：${(req.lastOrderAmountFen / 100).toFixed(2)}元`,
  ].filter(Boolean);
  const res = await model.complete(
    [
      {
        role: 'system',
        content: `你是KTV门店客户经理，为回访写一段话术。要求：不超过${MAX_SCRIPT_CHARS}个字，用客户称呼开头，语气亲切，目的明确，提供价值而不只是推销。只输出话术正文，不要引号、标题或解释。`,
      },
      { role: 'user', content: facts.join('\n') },
    ],
    { maxTokens: 300 },
  );
  if (!res.ok) return { ok: false, reason: res.code === 'NOT_CONFIGURED' ? 'NOT_CONFIGURED' : res.code };
  const text = res.text.trim().replace(/^["“「『]+|["”」』]+$/g, '').trim();
  if (text === '') return { ok: false, reason: 'BAD_RESPONSE' };
  if (scriptLength(text) > MAX_SCRIPT_CHARS) return { ok: false, reason: 'TOO_LONG' };
  return { ok: true, text, model: res.model };
}
