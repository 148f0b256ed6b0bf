import OpenAI from 'openai';
import type { SpeechResult, SpeechSynthesizer } from '../../domain/ports/speech-synthesizer.port.js';
import { toFailure } from './openai-language-model.js';

export type OpenAiSpeechOptions = { baseUrl: string; apiKey: string; model: string; voice: string; timeoutMs: number };

/** SpeechSynthesizer over an OpenAI-compatible /audio/speech endpoint, asking for WAV. */
export function createOpenAiSpeech(options: OpenAiSpeechOptions): SpeechSynthesizer {
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs });
  return {
    voiceKey: `${options.model}|${options.voice}`,
    async synthesize(text, opts = {}): Promise<SpeechResult> {
      try {
        const res = await client.audio.speech.create({ model: options.model, voice: options.voice, input: text, response_format: 'wav' }, { timeout: opts.timeoutMs ?? options.timeoutMs });
        return { ok: true, audio: Buffer.from(await res.arrayBuffer()) };
      } catch (err) {
        return toFailure(err);
      }
    },
  };
}
