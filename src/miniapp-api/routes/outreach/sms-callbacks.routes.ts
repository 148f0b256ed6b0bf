import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { applyDeliveryReports, applySmsReply } from '../../../domain/outreach/sms-receipts.service.js';
import { HttpError } from '../../http/http-error.js';
import type { AppState } from '../../http/request-context.js';
import { route, routes } from '../../http/route.js';
import { disabledDoorRouter } from '../../../http/disabled-door.js';
import { routeSpecsOf } from '../../../http/route-spec.js';

/** Tencent Cloud SMS delivery receipts: a JSON array; `sid` is the SerialNo SendSms returned. */
export const receiptsBody = z
  .array(
    z.object({
      sid: z.string().min(1).max(128),
      mobile: z.string().min(1).max(40),
      nationcode: z.string().max(8).optional(),
      report_status: z.enum(['SUCCESS', 'FAIL']),
      errmsg: z.string().max(500).optional(),
      description: z.string().max(500).optional(),
      user_receive_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/).optional(),
    }),
  )
  .max(1000);

/** A customer's reply to an SMS. */
export const replyBody = z.object({ mobile: z.string().min(1).max(40), text: z.string().max(1000), nationcode: z.string().max(8).optional(), time: z.number().int().min(0).max(32_503_680_000).optional() });

const tokenParams = z.object({ token: z.string().max(256) });
const carrierOk = z.object({ result: z.literal(0), errmsg: z.literal('OK') });
const OK = { result: 0, errmsg: 'OK' };

/** The path token (compared in constant time) is the callbacks' only credential; unset → every callback refused. */
function callbackToken(expected: string | undefined): Middleware<AppState> {
  return async (ctx, next) => {
    const given = Buffer.from(String((ctx as { params?: Record<string, string> }).params?.token ?? ''));
    const wanted = Buffer.from(expected ?? '');
    if (!expected || given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new HttpError('CALLBACK_FORBIDDEN');
    return next();
  };
}

/**
 * Carrier callbacks (no staff token; the unguessable token in the path, TENCENT_SMS_CALLBACK_TOKEN, is the
 * credential): POST /callbacks/tencent/sms/:token/receipt and …/reply. Answered `{ result: 0, errmsg: 'OK' }`.
 */
export function smsCallbackRoutes(token: string | undefined) {
  const guard = callbackToken(token);
  const responses = { 200: { description: '腾讯云要求的应答', schema: carrierOk, envelope: false } };
  const served = routes(
    route({
      method: 'post',
      path: '/callbacks/tencent/sms/:token/receipt',
      summary: '腾讯云短信回执（幂等）',
      tags: ['callbacks'],
      access: 'callback-token',
      guard,
      params: tokenParams,
      body: receiptsBody,
      responses,
      errors: [],
      handler: async (ctx, { body }) => {
        const result = await applyDeliveryReports(
          ctx.state.em,
          body.map((r) => ({
            serialNo: r.sid,
            phone: r.mobile,
            status: r.report_status === 'SUCCESS' ? ('delivered' as const) : ('failed' as const),
            description: r.description ?? r.errmsg,
            receivedAt: receiveTime(r.user_receive_time),
          })),
        );
        ctx.state.log.info({ ...result, receipts: body.length }, 'sms receipts applied');
        ctx.body = OK;
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/callbacks/tencent/sms/:token/reply',
      summary: '客户回复短信（R/TD/退订 即退订）',
      tags: ['callbacks'],
      access: 'callback-token',
      guard,
      params: tokenParams,
      body: replyBody,
      responses,
      errors: [],
      handler: async (ctx, { body }) => {
        const result = await applySmsReply(ctx.state.em, { mobile: body.mobile, text: body.text, time: body.time, requestId: ctx.state.requestId });
        ctx.state.log.info({ optedOut: result.optedOut }, 'sms reply received');
        ctx.body = OK;
        return undefined;
      },
    }),
  );
  return token ? served : disabledDoorRouter(SMS_CALLBACKS_OFF, routeSpecsOf(served));
}

const SMS_CALLBACKS_OFF = { door: 'sms-callbacks', label: '短信回执与回复回调', settings: ['TENCENT_SMS_CALLBACK_TOKEN'] };

/** Tencent's local "YYYY-MM-DD HH:mm:ss" (China time); an impossible date is dropped, not stored. */
function receiveTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const at = new Date(`${text.replace(' ', 'T')}+08:00`);
  if (Number.isNaN(at.getTime())) return undefined;
  const roundTrip = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  return roundTrip === text ? at : undefined;
}
