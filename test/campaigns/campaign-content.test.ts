import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerText } from '../../src/domain/campaigns/campaign-content.js';
import { campaignPlan } from '../../src/domain/campaigns/campaign-plan.policy.js';
import { createOpenAiLanguageModel } from '../../src/gateways/openai/openai-language-model.js';
import { FakeOpenAi } from '../support/fake-openai.js';

/**
 * The campaign's offer line: the language model's (through the real OpenAI adapter against the local
 * fake) when it answers with valid content, else the plan's template text with the reason.
 */
describe('campaign content: the model with a template fallback', () => {
  const fake = new FakeOpenAi();
  const plan = campaignPlan('regular');
  // A timeout no loaded machine reaches for answers the fake gives at once; a short one for the slow answer.
  const model = (timeoutMs = 15_000) => createOpenAiLanguageModel({ baseUrl: fake.baseUrl, apiKey: 'sk-test', model: 'qwen-plus', timeoutMs });

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => fake.stop());

  it('takes the model offer when it answers valid JSON within the SMS rules', async () => {
    fake.onChat = () => JSON.stringify({ offer: '  本周到店尊享全场8.8折  ' });
    const got = await offerText(model(), 'regular', plan);
    expect(got).toEqual({ offer: '本周到店尊享全场8.8折', source: 'model', fallbackReason: null });
    const asked = fake.chats.at(-1)!;
    expect(asked.response_format).toEqual({ type: 'json_object' });
    expect(asked.messages.at(-1)!.content).toContain('普通客户');
    expect(asked.messages.at(-1)!.content).toContain(plan.offer);
  });

  it('falls back to the template when the model fails (HTTP error, timeout)', async () => {
    fake.onChat = () => ({ status: 500, body: { error: { message: 'upstream down', type: 'server_error' } } });
    const failed = await offerText(model(), 'regular', plan);
    expect(failed).toEqual({ offer: plan.offer, source: 'template', fallbackReason: 'UNAVAILABLE' });

    // The reply is held 20 s; the configured timeout (OPENAI_TIMEOUT_MS, 200 ms here) fires first.
    fake.onChat = () => ({ delayMs: 20_000, content: JSON.stringify({ offer: '太迟了' }) });
    const slow = await offerText(model(200), 'regular', plan);
    expect(slow).toEqual({ offer: plan.offer, source: 'template', fallbackReason: 'TIMEOUT' });
  });

  it('falls back to the template when the model answers invalid content', async () => {
    const cases: Array<[string, string]> = [
      ['这不是 JSON', 'BAD_RESPONSE'],
      [JSON.stringify({ text: '缺少 offer 字段' }), 'BAD_RESPONSE'],
      [JSON.stringify({ offer: 42 }), 'BAD_RESPONSE'],
      [JSON.stringify({ offer: '  ' }), 'EMPTY'],
      [JSON.stringify({ offer: '超'.repeat(31) }), 'TOO_LONG'],
      [JSON.stringify({ offer: '点击 https://evil.example 领取' }), 'FORBIDDEN_CONTENT'],
      [JSON.stringify({ offer: '致电13800138000领取' }), 'FORBIDDEN_CONTENT'],
    ];
    for (const [reply, reason] of cases) {
      fake.onChat = () => reply;
      expect([reply, await offerText(model(), 'regular', plan)]).toEqual([reply, { offer: plan.offer, source: 'template', fallbackReason: reason }]);
    }
  });

  it('uses the template without asking when no model is configured', async () => {
    const before = fake.chats.length;
    expect(await offerText(undefined, 'VIP', campaignPlan('VIP'))).toEqual({ offer: campaignPlan('VIP').offer, source: 'template', fallbackReason: 'NOT_CONFIGURED' });
    expect(fake.chats.length).toBe(before);
  });
});
