import { z } from 'zod';
import { openSignedRecording, recordingLink } from '../../../domain/calls/recording-link.js';
import { idParams } from '../../http/response.schemas.js';
import { route, routes } from '../../http/route.js';

export type RecordingsOptions = { secret: string; recordingsDir: string };

const signedQuery = z.object({
  expires: z.string().max(32).optional().meta({ description: '过期时间（Unix 秒）' }),
  sig: z.string().max(128).optional().meta({ description: 'HMAC-SHA256 签名' }),
});
const link = z.object({ url: z.string().meta({ description: '/recordings/<id>?expires=…&sig=…' }), expiresAt: z.iso.datetime() });

/** GET /api/calls/:id/recording → a link signed for 10 minutes (permission lead:call:record:download). */
export function recordingLinkRoutes(options: RecordingsOptions) {
  return routes(
    route({
      method: 'get',
      path: '/api/calls/:id/recording',
      summary: '通话录音的下载链接（10 分钟有效）',
      tags: ['telephony'],
      permissions: ['lead:call:record:download'],
      params: idParams,
      responses: { 200: { description: '签名链接', schema: link } },
      errors: ['CALL_NOT_FOUND', 'RECORDING_NOT_FOUND'],
      handler: async (ctx, { params }) => {
        const signed = await recordingLink(ctx.state.em, { callId: params.id, secret: options.secret });
        return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
      },
    }),
  );
}

/** GET /recordings/:id?expires&sig: the download itself; no token, the signature is the permission. */
export function recordingDownloadRoutes(options: RecordingsOptions) {
  return routes(
    route({
      method: 'get',
      path: '/recordings/:id',
      summary: '下载录音（签名即权限）',
      tags: ['telephony'],
      access: 'signed-url',
      params: idParams,
      query: signedQuery,
      responses: { 200: { description: 'WAV 文件', contentType: 'audio/wav' } },
      errors: ['RECORDING_LINK_FORBIDDEN', 'CALL_NOT_FOUND', 'RECORDING_NOT_FOUND', 'RECORDING_UNREADABLE'],
      handler: async (ctx, { params, query }) => {
        const expires = Number(query.expires);
        const file = await openSignedRecording(ctx.state.em, {
          callId: params.id,
          expires: Number.isSafeInteger(expires) && expires > 0 ? expires : 0,
          sig: query.sig || '-',
          ...options,
        });
        ctx.type = 'audio/wav';
        ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
        ctx.set('Cache-Control', 'private, no-store');
        ctx.body = file.file.createReadStream();
        return undefined;
      },
    }),
  );
}
