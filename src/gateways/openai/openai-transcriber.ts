import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import OpenAI from 'openai';
import type { Transcriber, TranscriptionResult } from '../../domain/ports/transcriber.port.js';
import { toFailure } from './openai-language-model.js';

export type OpenAiTranscriberOptions = { baseUrl: string; apiKey: string; model: string; timeoutMs: number };

/** Transcriber over an OpenAI-compatible /audio/transcriptions endpoint (Whisper and its kin). */
export function createOpenAiTranscriber(options: OpenAiTranscriberOptions): Transcriber {
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs });
  return {
    async transcribe(audio, opts = {}): Promise<TranscriptionResult> {
      try {
        await access(audio.path);
      } catch {
        return { ok: false, code: 'BAD_AUDIO', message: `recording not found: ${audio.path}` };
      }
      try {
        const res = await client.audio.transcriptions.create(
          { file: createReadStream(audio.path), model: options.model, language: audio.language ?? 'zh' },
          { timeout: opts.timeoutMs ?? options.timeoutMs },
        );
        return { ok: true, text: res.text.trim() };
      } catch (err) {
        const failure = toFailure(err);
        return { ok: false, code: failure.code === 'BAD_RESPONSE' ? 'UNAVAILABLE' : failure.code, message: failure.message };
      }
    },
  };
}
