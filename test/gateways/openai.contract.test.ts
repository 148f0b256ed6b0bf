import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiLanguageModel } from '../../src/gateways/openai/openai-language-model.js';
import { createOpenAiTranscriber } from '../../src/gateways/openai/openai-transcriber.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { gate } from '../support/wait-for.js';

describe('OpenAI-compatible adapters against a local server speaking the OpenAI wire format', () => {
  const fake = new FakeOpenAi();
  const dir = mkdtempSync(join(tmpdir(), 'audio-'));
  beforeAll(async () => fake.start());
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const model = () => createOpenAiLanguageModel({ baseUrl: fake.baseUrl, apiKey: 'sk-test', model: 'qwen-plus', timeoutMs: 500 });

  it('sends the messages, model and key, and returns the completion text', async () => {
    fake.onChat = () => '  张先生您好，感谢光临！  ';
    const res = await model().complete([{ role: 'user', content: '写一句问候' }]);
    expect(res).toEqual({ ok: true, text: '张先生您好，感谢光临！', model: 'qwen-plus' });
    const sent = fake.chats.at(-1)!;
    expect(sent.model).toBe('qwen-plus');
    expect(sent.messages).toEqual([{ role: 'user', content: '写一句问候' }]);
    expect(sent.authorization).toBe('Bearer sk-test');
  });

  it('asks for a JSON object when told to', async () => {
    fake.onChat = () => '{"intent":"询价"}';
    const res = await model().complete([{ role: 'user', content: 'x' }], { json: true });
    expect(res.ok && JSON.parse(res.text)).toEqual({ intent: '询价' });
    expect(fake.chats.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('turns a slow model into TIMEOUT within the explicit timeout', async () => {
    // The answer is held until the result is in: only the client's own timeout can end the call.
    const answer = gate();
    fake.onChat = () => ({ hold: answer.passed, content: 'late' });
    const res = await model().complete([{ role: 'user', content: 'x' }]);
    answer.open();
    expect(res).toMatchObject({ ok: false, code: 'TIMEOUT' });
  });

  it('turns a server error into UNAVAILABLE and an empty answer into BAD_RESPONSE', async () => {
    fake.onChat = () => ({ status: 503, body: { error: { message: 'overloaded' } } });
    expect(await model().complete([{ role: 'user', content: 'x' }])).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    fake.onChat = () => '   ';
    expect(await model().complete([{ role: 'user', content: 'x' }])).toMatchObject({ ok: false, code: 'BAD_RESPONSE' });
  });

  it('uploads the recording as multipart and returns the transcript', async () => {
    const file = join(dir, 'call.wav');
    writeFileSync(file, Buffer.alloc(4096, 1));
    fake.onTranscribe = () => '客户：你好，我想问一下ABS的价格。';
    const transcriber = createOpenAiTranscriber({ baseUrl: fake.baseUrl, apiKey: 'sk-t', model: 'whisper-large-v3', timeoutMs: 2000 });
    const res = await transcriber.transcribe({ path: file });
    expect(res).toEqual({ ok: true, text: '客户：你好，我想问一下ABS的价格。' });
    expect(fake.transcriptions.at(-1)).toMatchObject({ model: 'whisper-large-v3', language: 'zh', fileName: 'call.wav', fileBytes: 4096 });
    expect(await transcriber.transcribe({ path: join(dir, 'missing.wav') })).toMatchObject({ ok: false, code: 'BAD_AUDIO' });
  });
});
