import { Router } from '@koa/router';
import { z } from 'zod';
import { describeRouter, type RouteSpec } from '../../http/route-spec.js';
import { disabledDoorRouter } from '../../http/disabled-door.js';
import type { CallbackRequest, CallbackResponse } from './callback-handler.js';

const signed = {
  msg_signature: z.string().max(64).meta({ description: 'SHA-1 签名（token、timestamp、nonce、密文）' }),
  timestamp: z.string().regex(/^\d{1,12}$/).meta({ description: 'Unix 秒，±300 秒内' }),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).meta({ description: '随机串，2 小时内只能用一次' }),
};
const CHECKS = ['WECOM_PARAM_MISSING', 'WECOM_PARAM_INVALID', 'WECOM_TIMESTAMP_STALE', 'WECOM_SIGNATURE_INVALID', 'WECOM_CIPHERTEXT_INVALID', 'WECOM_PADDING_INVALID', 'WECOM_LENGTH_INVALID', 'WECOM_RECEIVER_MISMATCH', 'WECOM_NONCE_REPLAYED'] as const;

function specs(path: string): RouteSpec[] {
  const common = { path, tags: ['wecom'], access: { kind: 'wecom-signature' } } as const;
  return [
    {
      ...common,
      method: 'get',
      summary: '企业微信回调 URL 验证：返回解密后的 echostr',
      query: z.object({ ...signed, echostr: z.string().max(4096).meta({ description: '加密的随机串' }) }),
      responses: { 200: { description: '解密后的 echostr', contentType: 'text/plain', schema: z.string() } },
      errors: CHECKS,
    },
    {
      ...common,
      method: 'post',
      summary: '企业微信消息与事件（加密 XML）：先应答，再处理',
      description: '签名、时间戳、信封、nonce 与消息去重都通过后立即返回 200（空正文）；重复投递返回 200 且不再处理。',
      query: z.object(signed),
      body: z.string().max(65_536).meta({ description: '<xml><ToUserName/><Encrypt/><AgentID/></xml>' }),
      bodyContentType: 'application/xml',
      responses: { 200: { description: '已接收（空正文）', contentType: 'text/plain', schema: z.string() } },
      errors: [...CHECKS, 'WECOM_BODY_INVALID', 'WECOM_BODY_TOO_LARGE', 'WECOM_BUSY'],
    },
  ];
}

/** GET/POST /wecom/callback on Koa: hands method, query and the raw body to the framework-free handler. */
export function wecomCallbackRouter(handle: (req: CallbackRequest) => Promise<CallbackResponse>, path = '/wecom/callback'): Router<any> {
  const router = new Router<any>();
  const serve = async (ctx: any) => {
    const res = await handle({ method: ctx.method, query: ctx.query, rawBody: ctx.request.rawBody });
    ctx.status = res.status;
    ctx.type = res.contentType;
    ctx.body = res.body;
  };
  router.get(path, serve);
  router.post(path, serve);
  return describeRouter(router, specs(path));
}

/** With WeCom off: /wecom/callback answers 503 DOOR_DISABLED naming the five settings that enable it. */
export function wecomCallbackOffRouter(path = '/wecom/callback'): Router<any> {
  return disabledDoorRouter(
    { door: 'wecom', label: '企业微信回调', settings: ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] },
    specs(path),
  );
}
