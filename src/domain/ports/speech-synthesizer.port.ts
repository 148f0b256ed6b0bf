export type SpeechResult = { ok: true; audio: Buffer } | { ok: false; code: 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_RESPONSE'; message: string };

/** Text to speech (OpenAI-compatible `audio.speech`) for call-task prompts; WAV audio. Failures are values. */
export interface SpeechSynthesizer {
  /** What identifies the voice (model and voice): a prompt is prepared again when it changes. */
  readonly voiceKey: string;
  synthesize(text: string, options?: { timeoutMs?: number }): Promise<SpeechResult>;
}
