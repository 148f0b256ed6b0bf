import type { LanguageModel } from '../ports/language-model.port.js';
import { SEGMENT_NAMES } from '../customers/segment-names.js';
import type { CampaignPlan } from './campaign-plan.policy.js';
import type { CustomerSegment } from '../shared/vocabulary.js';

/** The offer is one SMS template parameter: short, no links or numbers to call (the template carries the link). */
export const MAX_OFFER_CHARS = 30;

export type OfferText = { offer: string; source: 'model' | 'template'; fallbackReason: string | null };

/** Why a model's offer cannot go into the SMS, or null when it can. */
export function offerProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return 'EMPTY';
  if ([...t].length > MAX_OFFER_CHARS) return 'TOO_LONG';
  if (/https?:|www\.|\d{7,}|[{}【】]/i.test(t)) return 'FORBIDDEN_CONTENT';
  return null;
}

/**
 * The campaign's offer line from the language model (strict JSON `{"offer": "…"}`), or the plan's template
 * text when no model is configured, it fails, or its answer breaks the SMS rules above.
 */
export async function offerText(model: LanguageModel | undefined, segment: CustomerSegment, plan: CampaignPlan): Promise<OfferText> {
  if (!model) return { offer: plan.offer, source: 'template', fallbackReason: 'NOT_CONFIGURED' };
  const answer = await model.complete(
    [
      { role: 'system', content: `你是门店营销文案助手。只输出 JSON：{"offer": "…"}。offer 是一句不超过 ${MAX_OFFER_CHARS} 个字的中文优惠文案，不含链接、电话号码和括号。` },
      { role: 'user', content: `目标人群：${SEGMENT_NAMES[segment]}；活动：${plan.name}；优惠内容：${plan.offer}。请改写成吸引人的一句话。` },
    ],
    { json: true, maxTokens: 120 }, // OPENAI_TIMEOUT_MS applies
  );
  if (!answer.ok) return { offer: plan.offer, source: 'template', fallbackReason: answer.code };
  let offer: unknown;
  try {
    offer = (JSON.parse(answer.text) as { offer?: unknown }).offer;
  } catch {
    return { offer: plan.offer, source: 'template', fallbackReason: 'BAD_RESPONSE' };
  }
  const problem = typeof offer === 'string' ? offerProblem(offer) : 'BAD_RESPONSE';
  return problem ? { offer: plan.offer, source: 'template', fallbackReason: problem } : { offer: (offer as string).trim(), source: 'model', fallbackReason: null };
}
