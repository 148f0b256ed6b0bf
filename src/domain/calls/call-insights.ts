import { z } from 'zod';
import type { LanguageModel } from '../ports/language-model.port.js';
import { CALL_INTENTIONS, CALL_SENTIMENTS } from './call-analysis.entity.js';
import { INTENT_CATEGORIES } from './deadlines.js';

/**
 * What the language model must return for any call's transcript (a 400 call, its voicemail, an outreach
 * call, a task call): seed 004 §2.5's analysis (sentiment, intention with a 0–1 score, keywords, summary)
 * and seed 003's insights (intent, follow-ups, products, price, quantity) that the 400 follow-up writes to
 * the customer's communication record. Strict: an unknown field is a wrong answer.
 */
export const CallInsightsSchema = z
  .object({
    sentiment: z.enum(CALL_SENTIMENTS),
    intention: z.enum(CALL_INTENTIONS),
    intentionScore: z.number().min(0).max(1),
    keywords: z.array(z.string().min(1).max(50)).max(20),
    summary: z.string().min(1).max(2000),
    intent: z.enum(INTENT_CATEGORIES),
    intentDetail: z.string().max(128).default(''),
    keyPoints: z.array(z.string().max(500)).max(20).default([]),
    followUps: z.array(z.string().max(500)).max(20).default([]),
    products: z.array(z.string().max(100)).max(20).default([]),
    /** Yuan as the customer said it; stored in fen. */
    price: z.number().nonnegative().nullable().default(null),
    quantity: z.number().int().nonnegative().nullable().default(null),
    nextContact: z.string().max(200).nullable().default(null),
  })
  .strict();
export type CallInsights = z.infer<typeof CallInsightsSchema>;

/** What the transcript is, told to the model (it judges an outbound pitch differently from a customer's call). */
export type TranscriptKind = 'inbound' | 'voicemail' | 'outbound';

const KIND: Record<TranscriptKind, string> = {
  inbound: '下面是一通客户打进 400 热线的电话的转录文本。',
  voicemail: '下面是一条客户在 400 热线留下的语音留言的转录文本。',
  outbound: '下面是一通外呼电话的转录文本（我方主动致电客户）。',
};

const FIELDS = [
  '只输出一个 JSON 对象，不要输出其他文字。字段:',
  'sentiment (客户情绪: POSITIVE / NEUTRAL / NEGATIVE 之一), intention (客户购买意向: 高意向 / 中意向 / 低意向 / 无意向 之一),',
  'intentionScore (意向分数, 0 到 1 之间的小数), keywords (关键词数组, 最多 20 个), summary (通话摘要, 一两句话),',
  'intent (询价 / 投诉 / 技术支持 / 合作洽谈 / 其他 之一), intentDetail (一句话), keyPoints (关键需求点数组), followUps (需要跟进的事项数组),',
  'products (提到的产品型号数组), price (提到的价格, 单位元, 没有则 null), quantity (提到的数量, 整数, 没有则 null), nextContact (下次联系建议, 没有则 null)。',
].join('\n');

export type InsightsResult = { ok: true; insights: CallInsights } | { ok: false; reason: string; transient: boolean };

/**
 * Asks the model for strict JSON and validates it with zod; a reply that is not valid is asked for once
 * more (saying what was wrong), then given up as a value with the reason. A model that timed out or is
 * down is `transient` (worth another job run); one not configured is not.
 */
export async function readTranscript(model: LanguageModel, transcript: string, kind: TranscriptKind): Promise<InsightsResult> {
  const messages = [
    { role: 'system' as const, content: `你是销售团队的通话分析助手。${KIND[kind]}\n${FIELDS}` },
    { role: 'user' as const, content: `通话内容:\n${transcript.slice(0, 12_000)}` },
  ];
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await model.complete(attempt === 0 ? messages : [...messages, { role: 'user', content: `上次的输出不合格 (${problem})。请只输出符合字段要求的 JSON。` }], { json: true, maxTokens: 1200 });
    if (!reply.ok) {
      if (reply.code === 'NOT_CONFIGURED') return { ok: false, reason: 'language model not configured', transient: false };
      if (reply.code === 'TIMEOUT' || reply.code === 'UNAVAILABLE') return { ok: false, reason: `model ${reply.code}: ${reply.message}`.slice(0, 255), transient: true };
      problem = `${reply.code}: ${reply.message}`;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, ''));
    } catch {
      problem = 'not JSON';
      continue;
    }
    const checked = CallInsightsSchema.safeParse(parsed);
    if (checked.success) return { ok: true, insights: checked.data };
    problem = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 200);
  }
  return { ok: false, reason: `invalid model JSON after one retry: ${problem}`.slice(0, 255), transient: false };
}
