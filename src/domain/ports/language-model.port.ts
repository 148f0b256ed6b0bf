export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type CompletionResult = { ok: true; text: string; model: string } | { ok: false; code: 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_RESPONSE' | 'NOT_CONFIGURED'; message: string };

/** An OpenAI-compatible chat model. Failures (timeout, 5xx, refusal) come back as values. */
export interface LanguageModel {
  complete(messages: ChatMessage[], options?: { timeoutMs?: number; json?: boolean; maxTokens?: number }): Promise<CompletionResult>;
}
