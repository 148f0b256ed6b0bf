import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wavBytes } from './wav.js';

/** An answer: content, an error, content after a delay, or content held until `hold` settles (the test's gate). */
export type ChatReply = string | { status: number; body: unknown } | { delayMs: number; content: string } | { hold: Promise<unknown>; content: string };
export type ChatRequest = { model: string; messages: Array<{ role: string; content: string }>; response_format?: { type: string }; authorization?: string };
export type TranscriptionRequest = { model: string; language?: string; fileName: string; fileBytes: number; authorization?: string };
export type SpeechRequest = { model: string; voice: string; input: string; response_format: string; authorization?: string };

/** OpenAI's speech models and built-in voices (what /v1/audio/speech accepts). */
const SPEECH_MODELS = new Set(['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts']);
const SPEECH_VOICES = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar']);
const SPEECH_FORMATS = new Set(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']);

/**
 * A local server speaking OpenAI's wire format: POST /v1/chat/completions (JSON) and
 * POST /v1/audio/transcriptions (multipart/form-data). Answers come from the handlers a test sets.
 */
export class FakeOpenAi {
  readonly chats: ChatRequest[] = [];
  readonly transcriptions: TranscriptionRequest[] = [];
  readonly speeches: SpeechRequest[] = [];
  /** A test may make the speech endpoint fail (status and OpenAI error body). */
  onSpeech: (req: SpeechRequest) => { status: number; body: unknown } | undefined = () => undefined;
  onChat: (req: ChatRequest) => ChatReply = () => '好的';
  onTranscribe: (req: TranscriptionRequest) => string | { status: number; body: unknown } = () => '您好，我想咨询一下价格。';
  #server: Server | undefined;

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(({ status, body, delayMs, hold }) => {
        const send = () => {
          if (res.destroyed) return;
          if (Buffer.isBuffer(body)) {
            res.writeHead(status, { 'content-type': 'audio/wav', 'content-length': body.length });
            res.end(body);
            return;
          }
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (hold) void hold.then(send);
        else if (delayMs) setTimeout(send, delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown; delayMs?: number; hold?: Promise<unknown> }> {
    const raw = await readBody(req);
    const authorization = req.headers.authorization;
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      const body = JSON.parse(raw.toString('utf8')) as ChatRequest;
      if (!body.model || !Array.isArray(body.messages)) return error(400, 'model and messages are required');
      const request = { ...body, authorization };
      this.chats.push(request);
      const reply = this.onChat(request);
      if (typeof reply !== 'string' && 'status' in reply) return reply;
      const content = typeof reply === 'string' ? reply : reply.content;
      if (typeof reply !== 'string' && 'hold' in reply) return { status: 200, body: completion(body.model, content), hold: reply.hold };
      return { status: 200, body: completion(body.model, content), delayMs: typeof reply === 'string' ? 0 : reply.delayMs };
    }
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const parts = parseMultipart(raw, req.headers['content-type'] ?? '');
      const file = parts.get('file');
      const model = parts.get('model')?.data.toString('utf8');
      if (!file || !model) return error(400, 'file and model are required');
      const request = { model, language: parts.get('language')?.data.toString('utf8'), fileName: file.filename ?? '', fileBytes: file.data.length, authorization };
      this.transcriptions.push(request);
      const reply = this.onTranscribe(request);
      return typeof reply === 'string' ? { status: 200, body: { text: reply } } : reply;
    }
    if (req.method === 'POST' && req.url === '/v1/audio/speech') {
      // As strict as the real endpoint: JSON body, a known model and voice, 1–4096 characters of input.
      let body: Partial<SpeechRequest>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Partial<SpeechRequest>;
      } catch {
        return error(400, 'We could not parse the JSON body of your request.');
      }
      if (typeof body.model !== 'string' || !SPEECH_MODELS.has(body.model)) return error(400, `Invalid value for 'model': ${String(body.model)}`);
      if (typeof body.voice !== 'string' || !SPEECH_VOICES.has(body.voice)) return error(400, `Invalid value for 'voice': ${String(body.voice)}`);
      if (typeof body.input !== 'string' || body.input.length === 0) return error(400, "Missing required parameter: 'input'.");
      if (body.input.length > 4096) return error(400, "'input' is too long: at most 4096 characters.");
      const format = body.response_format ?? 'mp3';
      if (!SPEECH_FORMATS.has(format)) return error(400, `Invalid value for 'response_format': ${format}`);
      const request = { model: body.model, voice: body.voice, input: body.input, response_format: format, authorization };
      this.speeches.push(request);
      const failure = this.onSpeech(request);
      if (failure) return failure;
      if (format !== 'wav') return error(400, 'the fake answers wav only');
      // About 0.2 s of 24 kHz mono 16-bit audio per character, as a real RIFF/WAVE file.
      return { status: 200, body: wavBytes(Math.min(24_000 * 60, body.input.length * 4800), 24_000) };
    }
    return error(404, `no route ${req.method} ${req.url}`);
  }
}


function completion(model: string, content: string) {
  return {
    id: `chatcmpl-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function error(status: number, message: string) {
  return { status, body: { error: { message, type: 'invalid_request_error', code: null } } };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseMultipart(raw: Buffer, contentType: string): Map<string, { filename?: string; data: Buffer }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const parts = new Map<string, { filename?: string; data: Buffer }>();
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (name) parts.set(name, { filename, data: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}
