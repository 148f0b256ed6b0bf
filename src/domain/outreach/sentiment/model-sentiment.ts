import { z } from 'zod';
import type { LanguageModel } from '../../ports/language-model.port.js';
import type { SentimentScores } from '../customer-feedback.entity.js';
import { normaliseScores } from './sentiment-scores.js';

const answerSchema = z.object({
  positive: z.number().min(0).max(1),
  negative: z.number().min(0).max(1),
  neutral: z.number().min(0).max(1),
});

const SYSTEM = [
  '你是KTV门店的客户反馈情感分析器。',
  '只输出一个JSON对象: {"positive": 数字, "negative": 数字, "neutral": 数字}，三个0到1之间的数，和为1。',
  '注意否定(不/没/没有)、程度副词(很/非常/有点)与转折(但是/不过，后半句更重要)。不要输出其它内容。',
].join('\n');

export type ModelSentiment = { ok: true; scores: SentimentScores } | { ok: false; reason: string };

/** Asks the model for strict JSON scores; anything that is not three numbers summing to ~1 is a failure. */
export async function modelSentiment(model: LanguageModel, content: string, timeoutMs?: number): Promise<ModelSentiment> {
  const res = await model.complete(
    [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: `客户反馈：${content}` },
    ],
    { json: true, maxTokens: 100, ...(timeoutMs ? { timeoutMs } : {}) },
  );
  if (!res.ok) return { ok: false, reason: res.code };
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFence(res.text));
  } catch {
    return { ok: false, reason: 'BAD_JSON' };
  }
  const checked = answerSchema.safeParse(parsed);
  if (!checked.success) return { ok: false, reason: 'BAD_JSON' };
  const sum = checked.data.positive + checked.data.negative + checked.data.neutral;
  if (Math.abs(sum - 1) > 0.05) return { ok: false, reason: 'SCORES_DO_NOT_SUM_TO_1' };
  return { ok: true, scores: normaliseScores(checked.data) };
}

/** Some compatible models wrap JSON in a ```json fence even when asked not to. */
function stripFence(text: string): string {
  return text.replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '').trim();
}
