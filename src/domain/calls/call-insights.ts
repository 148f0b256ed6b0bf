import { z } from 'zod';
import type { LanguageModel } from '../ports/language-model.port.js';
import { INTENT_CATEGORIES } from './deadlines.js';

/** What the language model must return for a call or voicemail transcript (seed extract_call_insights). */
export const CallInsightsSchema = z.object({
  intent: z.enum(INTENT_CATEGORIES),
  intentDetail: z.string().max(128).default(''),
  summary: z.string().min(1).max(2000),
  keyPoints: z.array(z.string().max(500)).max(20).default([]),
  sentiment: z.enum(['positive', 'neutral', 'negative']),
  followUps: z.array(z.string().max(500)).max(20).default([]),
  products: z.array(z.string().max(100)).max(20).default([]),
  /** Yuan as the customer said it; stored in fen. */
  price: z.number().nonnegative().nullable().default(null),
  quantity: z.number().int().nonnegative().nullable().default(null),
  nextContact: z.string().max(200).nullable().default(null),
});
export type CallInsights = z.infer<typeof CallInsightsSchema>;

const SYSTEM = [
  '你是销售团队的通话分析助手。分析电话通话或语音留言的文字记录，只输出一个 JSON 对象，不要输出其他文字。',
  '字段: intent (询价/投诉/技术支持/合作洽谈/其他 之一), intentDetail (一句话), summary (摘要), keyPoints (关键需求点数组),',
  'sentiment (positive/neutral/negative), followUps (需要跟进的事项数组), products (提到的产品型号数组),',
  'price (提到的价格, 单位元, 没有则 null), quantity (提到的数量, 整数, 没有则 null), nextContact (下次联系建议, 没有则 null)。',
].join('\n');

export type InsightsResult = { ok: true; insights: CallInsights } | { ok: false; reason: string };

/**
 * Asks the model for strict JSON and validates it; a reply that is not valid JSON for the schema is asked
 * for once more (with what was wrong), then given up as a value.
 */
export async function extractInsights(model: LanguageModel, transcript: string): Promise<InsightsResult> {
  const messages = [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: `通话内容:\n${transcript.slice(0, 12_000)}` },
  ];
  let lastProblem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await model.complete(
      attempt === 0 ? messages : [...messages, { role: 'user', content: `上次的输出不合格 (${lastProblem})。请只输出符合字段要求的 JSON。` }],
      { json: true, maxTokens: 800 },
    );
    if (!reply.ok) {
      if (reply.code === 'NOT_CONFIGURED') return { ok: false, reason: 'language model not configured' };
      lastProblem = `${reply.code}: ${reply.message}`;
      continue;
    }
    const parsed = parseJson(reply.text);
    if (parsed === undefined) {
      lastProblem = 'not JSON';
      continue;
    }
    const checked = CallInsightsSchema.safeParse(parsed);
    if (checked.success) return { ok: true, insights: checked.data };
    lastProblem = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 200);
  }
  return { ok: false, reason: `insights invalid after retry: ${lastProblem}`.slice(0, 255) };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, '');
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

const URGENT_WORDS = ['紧急', '投诉', '马上', '尽快', '急'];

/** Voicemail urgency (seed calculate_urgency): VIP, negative sentiment or urgent words → high. */
export function voicemailUrgency(input: { vip: boolean; sentiment: CallInsights['sentiment'] | null; transcript: string }): 'high' | 'medium' | 'low' {
  if (input.vip || input.sentiment === 'negative' || URGENT_WORDS.some((w) => input.transcript.includes(w))) return 'high';
  return input.sentiment === 'positive' ? 'low' : 'medium';
}
