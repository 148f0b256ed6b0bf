import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrm } from '../../src/db/orm.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { SmsTemplateSchema } from '../../src/domain/outreach/sms-template.entity.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';
import { createMigratedDatabase, type TestDatabase } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { PROCESS_START_MS, startServer } from '../support/server-process.js';
import { gate, waitFor } from '../support/wait-for.js';

const SECRET = 'crash-test-secret-0123456789abcdefghijklmnop';
const RECIPIENTS = 1500;

describe('batch SMS survives kill -9 of its worker (MariaDB)', () => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];
  const phones = Array.from({ length: RECIPIENTS }, (_, i) => `+86136${String(i).padStart(8, '0')}`);

  beforeAll(async () => {
    await fake.start();
    db = await createMigratedDatabase('mysql');
    dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
    const orm = await connectOrm(db.target);
    const em = orm.em.fork();
    em.create(SmsTemplateSchema, { code: 'TPL_PROMO', name: '活动', category: 'marketing', vendorTemplateId: '100002', content: '{1}周末特惠拒收请回复R', paramNames: ['name'] });
    for (const phone of phones) recordConsent(em, { phone, channel: 'sms', state: 'granted', source: 'test' });
    await em.flush();
    const manager = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    await orm.close(true);
    env = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      APP_SECRET: SECRET,
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      JOBS_PROCESS_EVERY_MS: '100',
      SMS_SETTLE_AFTER_MS: '1000',
      SMS_BATCH_CHUNK_SIZE: '100',
      MARKETING_HOURS: '00:00-24:00',
      TENCENTCLOUD_SECRET_ID: fake.secretId,
      TENCENTCLOUD_SECRET_KEY: fake.secretKey,
      TENCENT_SMS_SDK_APP_ID: '1400000001',
      TENCENT_SMS_SIGN_NAME: '测试KTV',
      TENCENT_API_ENDPOINT: fake.endpoint,
      MANAGER_ID: String(manager.id),
    };
  }, PROCESS_START_MS);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await fake.stop();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends every number exactly once across the crash and settles the in-flight chunk', async () => {
    const token = (await new StaffTokens(SECRET, 3600).issue({ staffId: Number(env.MANAGER_ID), role: 'manager' })).token;
    // The carrier answers the first three requests and holds the fourth (and any after it) until the
    // test opens the gate: when the worker dies, that chunk is claimed and committed, its outcome unknown.
    const carrierHeld = gate();
    fake.program({ action: 'SendSms', times: 3 }).program({ action: 'SendSms', hold: carrierHeld.passed, times: Infinity });
    // The held request must still be in flight when the worker dies, however slow the machine: no
    // client timeout, and a batch lock that does not expire meanwhile (Agenda cancels a run whose lock
    // outlives its lifetime without a touch, and the carrier is holding this one's answer).
    const first = startServer({ ...env, TENCENT_TIMEOUT_MS: '60000', SMS_BATCH_LOCK_MS: '600000' });
    workers.push(first.child);
    const base = await first.listening;
    const created = await fetch(`${base}/api/ai-ops/outreach/sms/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ templateId: 'TPL_PROMO', params: ['会员'], phoneNumbers: phones }),
    });
    expect(created.status).toBe(201);
    const { batchId } = ((await created.json()) as { data: { batchId: number } }).data;

    await waitFor(() => fake.requests.length >= 4, 'four requests at the carrier', PROCESS_START_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    carrierHeld.open();
    const beforeRestart = fake.requests.length;
    expect(beforeRestart).toBe(4);
    // The crash left exactly the in-flight chunk claimed with no outcome, and the rest untouched.
    const orm = await connectOrm(db.target);
    const states = await orm.em.getConnection().execute<Array<{ status: string; n: number }>>(
      'select status, count(*) as n from sms_batch_recipients where batch_id = ? group by status order by status',
      [batchId],
    );
    await orm.close(true);
    const byStatus = Object.fromEntries(states.map((r) => [r.status, Number(r.n)]));
    expect(byStatus.unknown).toBe(100);
    expect(byStatus.pending).toBe(RECIPIENTS - beforeRestart * 100);

    // The second worker takes the dead one's batch once its lock is older than this worker's lock
    // lifetime: a few seconds, which its own start-up takes anyway.
    const second = startServer({ ...env, SMS_BATCH_LOCK_MS: '5000' });
    workers.push(second.child);
    const base2 = await second.listening;
    const report = await waitFor(async () => {
      const res = await fetch(`${base2}/api/ai-ops/outreach/sms/batch/${batchId}`, { headers: { authorization: `Bearer ${token}` } });
      const data = ((await res.json()) as { data: Record<string, any> }).data;
      return data.status === 'completed' && data.unknown === 0 && data;
    }, 'the batch to complete and settle', PROCESS_START_MS);

    const sent = fake.sentPhones();
    expect(sent.length).toBe(RECIPIENTS);
    expect(new Set(sent).size).toBe(RECIPIENTS);
    expect(new Set(sent)).toEqual(new Set(phones));
    expect(report).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, failed: 0, pending: 0, unknown: 0, progress: 100 });
    expect(report.delivered).toBeGreaterThanOrEqual(100);
  }, 3 * PROCESS_START_MS);
});
