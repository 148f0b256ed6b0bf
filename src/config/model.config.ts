import { z } from 'zod';
import { defineSection } from './config-section.js';

const url = z.string().url();
const ms = z.coerce.number().int().positive();

/**
 * The OpenAI-compatible language model and speech-to-text service. Off (template fallbacks are used)
 * unless OPENAI_BASE_URL or OPENAI_API_KEY is set; a local or domestic model works by base URL.
 */
export const modelSection = defineSection({
  shape: {
    OPENAI_BASE_URL: url.optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    OPENAI_TIMEOUT_MS: ms.max(120_000).default(8000),
    TRANSCRIBE_BASE_URL: url.optional(),
    TRANSCRIBE_API_KEY: z.string().min(1).optional(),
    TRANSCRIBE_MODEL: z.string().min(1).default('whisper-1'),
    TRANSCRIBE_TIMEOUT_MS: ms.max(600_000).default(60_000),
    /** Text to speech for call-task prompts (OpenAI-compatible audio.speech); off unless TTS_BASE_URL is set. */
    TTS_BASE_URL: url.optional(),
    TTS_API_KEY: z.string().min(1).optional(),
    TTS_MODEL: z.string().trim().min(1).max(100).default('tts-1'),
    TTS_VOICE: z.string().trim().min(1).max(100).default('alloy'),
    TTS_TIMEOUT_MS: ms.max(120_000).default(30_000),
  },
  build(e) {
    const configured = Boolean(e.OPENAI_BASE_URL || e.OPENAI_API_KEY);
    const baseUrl = e.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
    const apiKey = e.OPENAI_API_KEY ?? 'not-needed';
    return {
      chat: configured ? { baseUrl, apiKey, model: e.OPENAI_MODEL, timeoutMs: e.OPENAI_TIMEOUT_MS } : undefined,
      transcription:
        configured || e.TRANSCRIBE_BASE_URL
          ? {
              baseUrl: e.TRANSCRIBE_BASE_URL ?? baseUrl,
              apiKey: e.TRANSCRIBE_API_KEY ?? apiKey,
              model: e.TRANSCRIBE_MODEL,
              timeoutMs: e.TRANSCRIBE_TIMEOUT_MS,
            }
          : undefined,
      speech: e.TTS_BASE_URL
        ? { baseUrl: e.TTS_BASE_URL, apiKey: e.TTS_API_KEY ?? e.OPENAI_API_KEY ?? 'not-needed', model: e.TTS_MODEL, voice: e.TTS_VOICE, timeoutMs: e.TTS_TIMEOUT_MS }
        : undefined,
    };
  },
});
