export type TranscriptionResult = { ok: true; text: string } | { ok: false; code: 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_AUDIO' | 'NOT_CONFIGURED'; message: string };

/** Speech to text for call recordings and voicemail (OpenAI-compatible audio.transcriptions). */
export interface Transcriber {
  transcribe(audio: { path: string; language?: string }, options?: { timeoutMs?: number }): Promise<TranscriptionResult>;
}
