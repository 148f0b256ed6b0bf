import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatMessage, CompletionResult, LanguageModel } from '../../domain/ports/language-model.port.js';

export type OpenAiChatOptions = { baseUrl: string; apiKey: string; model: string; timeoutMs: number };

/** LanguageModel over any OpenAI-compatible /chat/completions endpoint; one attempt, explicit timeout. */
export function createOpenAiLanguageModel(options: OpenAiChatOptions): LanguageModel {
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey, maxRetries: 0, timeout: options.timeoutMs });
  return {
    async complete(messages: ChatMessage[], opts = {}): Promise<CompletionResult> {
      try {
        const res = await client.chat.completions.create(
          {
            model: options.model,
            messages,
            temperature: 0.7,
            ...(opts.maxTokens ? { max_tokens: opts.maxTokens } : {}),
            ...(opts.json ? { response_format: { type: 'json_object' as const } } : {}),
          },
          { timeout: opts.timeoutMs ?? options.timeoutMs },
        );
        const text = res.choices[0]?.message?.content;
        if (typeof text !== 'string' || text.trim() === '') return { ok: false, code: 'BAD_RESPONSE', message: 'empty completion' };
        return { ok: true, text: text.trim(), model: res.model ?? options.model };
      } catch (err) {
        return toFailure(err);
      }
    },
  };
}

export function toFailure(err: unknown): { ok: false; code: 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_RESPONSE'; message: string } {
  if (err instanceof APIConnectionTimeoutError) return { ok: false, code: 'TIMEOUT', message: 'model timed out' };
  if (err instanceof APIError) return { ok: false, code: 'UNAVAILABLE', message: `model answered ${err.status ?? 'no status'}: ${err.message}` };
  return { ok: false, code: 'BAD_RESPONSE', message: (err as Error).message };
}
