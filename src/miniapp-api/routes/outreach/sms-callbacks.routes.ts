import { timingSafeEqual } from 'node:crypto';
import { Router } from '@koa/router';
import { z } from 'zod';
import { applyDeliveryReports, applySmsReply } from '../../../domain/outreach/sms-receipts.service.js';
import { HttpError } from '../../http/http-error.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

/** Tencent Cloud SMS delivery receipts: a JSON array; `sid` is the SerialNo SendSms returned. */
const receipts = z.array(
  z.object({
    sid: z.string().min(1),
    mobile: z.string().min(1),
    nationcode: z.string().optional(),
    report_status: z.enum(['SUCCESS', 'FAIL']),
    errmsg: z.string().optional(),
    description: z.string().optional(),
    user_receive_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/).optional(),
  }),
).max(1000);

/** A customer's reply to an SMS. */
const reply = z.object({ mobile: z.string().min(1), text: z.string(), nationcode: z.string().optional(), time: z.number().optional() });

const OK = { result: 0, errmsg: 'OK' };

/**
 * Carrier callbacks (no staff token; the unguessable token in the path, TENCENT_SMS_CALLBACK_TOKEN, is the
 * credential): POST /callbacks/tencent/sms/:token/receipt and …/reply. Answered `{ result: 0, errmsg: 'OK' }`.
 */
export function smsCallbackRoutes(callbackToken: string | undefined): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/callbacks/tencent/sms/:token' });
  router.use(async (ctx, next) => {
    const given = Buffer.from(String(ctx.params.token ?? ''));
    const expected = Buffer.from(callbackToken ?? '');
    if (!callbackToken || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError('CALLBACK_FORBIDDEN');
    }
    return next();
  });
  router.post('/receipt', async (ctx) => {
    const body = validate(receipts, ctx.request.body);
    const result = await applyDeliveryReports(
      ctx.state.em,
      body.map((r) => ({
        serialNo: r.sid,
        phone: r.mobile,
        status: r.report_status === 'SUCCESS' ? 'delivered' : 'failed',
        description: r.description ?? r.errmsg,
        receivedAt: receiveTime(r.user_receive_time),
      })),
    );
    ctx.state.log.info({ ...result, receipts: body.length }, 'sms receipts applied');
    ctx.body = OK;
  });
  router.post('/reply', async (ctx) => {
    const body = validate(reply, ctx.request.body);
    const result = await applySmsReply(ctx.state.em, { mobile: body.mobile, text: body.text });
    ctx.state.log.info({ optedOut: result.optedOut }, 'sms reply received');
    ctx.body = OK;
  });
  return router;
}

/** Tencent's local "YYYY-MM-DD HH:mm:ss" (China time); an impossible date is dropped, not stored. */
function receiveTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const at = new Date(`${text.replace(' ', 'T')}+08:00`);
  if (Number.isNaN(at.getTime())) return undefined;
  const roundTrip = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  return roundTrip === text ? at : undefined;
}
