import { Writable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../../src/domain/customers/customer.entity.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { OutreachDeps } from '../../src/domain/outreach/outreach-deps.js';
import type { JobQueue } from '../../src/domain/ports/job-queue.port.js';
import { systemClock } from '../../src/domain/ports/clock.port.js';
import { createTencentSmsGateway } from '../../src/gateways/tencent/tencent-sms-gateway.js';

let seq = 0;

/** Adds a customer (phone +8613800138xxx unless given) and flushes. */
export async function addCustomer(em: EntityManager, fields: Partial<Customer> & { name?: string } = {}): Promise<Customer> {
  seq += 1;
  const n = String(1000 + seq).slice(-4);
  const customer = em.create(CustomerSchema, {
    id: fields.id ?? `CUST_T${Date.now().toString(36)}${seq}`,
    name: fields.name ?? `客户${seq}`,
    phone: `+8613800${n.padStart(6, '0')}`,
    phoneLast8: `00${n.padStart(6, '0')}`,
    level: 'normal',
    tags: [],
    ...fields,
  } as any);
  await em.flush();
  return customer;
}

/** A logger that keeps its JSON lines, to see what the log notifier and the routes wrote. */
export function capturingLogger(): { logger: Logger; lines: () => any[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines: () => raw.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l)) };
}

/** Wall-clock HH:MM of an instant in Asia/Shanghai. */
export function shanghaiMinutes(iso: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const m = Number(parts.find((p) => p.type === 'minute')!.value);
  return h * 60 + m;
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** The settings that point the app's SMS at the local Tencent Cloud fake, marketing open all day. */
export function smsSettings(fake: { secretId: string; secretKey: string; endpoint: string }, callbackToken: string): Record<string, string> {
  return {
    TENCENTCLOUD_SECRET_ID: fake.secretId,
    TENCENTCLOUD_SECRET_KEY: fake.secretKey,
    TENCENT_SMS_SDK_APP_ID: '1400000001',
    TENCENT_SMS_SIGN_NAME: '测试KTV',
    TENCENT_API_ENDPOINT: fake.endpoint,
    TENCENT_SMS_CALLBACK_TOKEN: callbackToken,
    MARKETING_HOURS: '00:00-24:00',
  };
}

/** The outreach dependencies as the app builds them against the Tencent fake, for calling a send's job half directly. */
export function tencentOutreachDeps(fake: { secretId: string; secretKey: string; endpoint: string }, jobs: JobQueue): OutreachDeps {
  return {
    sms: createTencentSmsGateway({ secretId: fake.secretId, secretKey: fake.secretKey, sdkAppId: '1400000001', signName: '测试KTV', region: 'ap-guangzhou', endpoint: fake.endpoint, timeoutMs: 2000 }),
    voice: { name: 'unused', placeCall: async () => ({ ok: false, code: 'UNAVAILABLE', message: 'unused' }) },
    jobs,
    clock: systemClock,
    compliance: { timeZone: 'Asia/Shanghai', window: { start: '00:00', end: '24:00' } },
    batch: { chunkSize: 200, settleAfterMs: 1000 },
  };
}
