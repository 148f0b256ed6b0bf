import type { Middleware } from 'koa';
import { HttpError } from './http-error.js';

const ONE_MB = 1024 * 1024;

/**
 * Reads a JSON (or form/text) body (multipart uploads are left to their route, which streams them) up to `limit` bytes into ctx.request.body.
 * Too large → 413 PAYLOAD_TOO_LARGE (the stream is not buffered past the limit); bad JSON → 400 INVALID_JSON.
 */
export function bodyParser(limit = ONE_MB): Middleware {
  return async (ctx, next) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method)) return next();
    // File uploads are streamed by the one route declaring multipart (POST /api/imports), never buffered
    // here; every other route answers a multipart body with 415 UNSUPPORTED_MEDIA_TYPE (see route.ts).
    if (ctx.is('multipart')) return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) throw tooLarge(limit);
    const raw = await readLimited(ctx.req, limit);
    (ctx.request as { rawBody?: string }).rawBody = raw;
    if (raw.length === 0) {
      ctx.request.body = undefined;
    } else if (ctx.is('json') || (!ctx.is('xml', 'text/*', 'urlencoded') && /^\s*[[{]/.test(raw))) {
      try {
        ctx.request.body = JSON.parse(raw);
      } catch {
        throw new HttpError('INVALID_JSON');
      }
    } else if (ctx.is('urlencoded')) {
      ctx.request.body = Object.fromEntries(new URLSearchParams(raw));
    } else {
      ctx.request.body = raw;
    }
    return next();
  };
}

function tooLarge(limit: number): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `请求体超过 ${Math.round(limit / 1024)} KB 上限`);
}

async function readLimited(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

declare module 'koa' {
  interface Request {
    body?: unknown;
    rawBody?: string;
  }
}
