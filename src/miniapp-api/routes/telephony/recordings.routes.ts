import { createReadStream } from 'node:fs';
import { Router } from '@koa/router';
import { z } from 'zod';
import { openSignedRecording, recordingLink } from '../../../domain/calls/recording-link.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

export type RecordingsOptions = { secret: string; recordingsDir: string };

const id = z.object({ id: z.coerce.number().int().positive() });
const signed = z.object({ expires: z.coerce.number().int().positive(), sig: z.string().min(1).max(128) });

/** GET /api/calls/:id/recording → a link signed for 10 minutes (permission lead:call:record:download). */
export function recordingLinkRoutes(options: RecordingsOptions): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/calls/:id/recording', requirePermission('lead:call:record:download'), async (ctx) => {
    const link = await recordingLink(ctx.state.em, { callId: validate(id, ctx.params).id, secret: options.secret });
    respond(ctx, { url: link.url, expiresAt: link.expiresAt.toISOString() });
  });
  return router;
}

/** GET /recordings/:id?expires&sig: the download itself; no token, the signature is the permission. */
export function recordingDownloadRoutes(options: RecordingsOptions): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/recordings/:id', async (ctx) => {
    const q = signed.safeParse(ctx.query);
    const callId = validate(id, ctx.params).id;
    const file = await openSignedRecording(ctx.state.em, { callId, expires: q.success ? q.data.expires : 0, sig: q.success ? q.data.sig : '-', ...options });
    ctx.type = 'audio/wav';
    ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = createReadStream(file.path);
  });
  return router;
}
