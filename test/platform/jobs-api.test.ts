import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

describe.each(DIALECTS)('GET /api/jobs on %s', (dialect) => {
  let t: TestApp;
  let manager: { token: string };
  let sales: { token: string };

  beforeAll(async () => {
    t = await bootApp(dialect, {}, {
      extraJobs: [
        {
          name: 'always-fails',
          parse: (d) => d as { n: number },
          run: async () => {
            throw new Error('短信网关不可用');
          },
          backoff: null,
          removeOnComplete: false,
        },
      ],
    });
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
  });
  afterAll(async () => t?.close());

  it('lists queued, scheduled and failed jobs with their state and last failure', async () => {
    await t.app.jobQueue.enqueue('always-fails', { n: 1 });
    await t.app.jobQueue.enqueue('noop', { seq: 1 }, { runAt: new Date(Date.now() + 3600_000) });
    const jobs = async () => (await t.call('GET', '/api/jobs?size=50', { token: manager.token })).body.data;
    await waitFor(async () => (await jobs()).records.some((j: { state: string }) => j.state === 'failed'), 'the failed job in the list');
    const page = await jobs();
    expect(page).toMatchObject({ current: 1, size: 50 });
    const failed = page.records.find((j: { name: string }) => j.name === 'always-fails');
    expect(failed).toMatchObject({ state: 'failed', failCount: 1, failReason: '短信网关不可用' });
    const later = page.records.find((j: { name: string }) => j.name === 'noop');
    expect(later.state).toBe('scheduled');
    const onlyFailed = (await t.call('GET', '/api/jobs?state=failed', { token: manager.token })).body.data;
    expect(onlyFailed.records.every((j: { state: string }) => j.state === 'failed')).toBe(true);
    expect(onlyFailed.total).toBe(1);
  });

  it('enqueues a job with a unique key only once', async () => {
    const a = await t.app.jobQueue.enqueue('noop', { seq: 2 }, { uniqueKey: 'batch-7', runAt: new Date(Date.now() + 3600_000) });
    const b = await t.app.jobQueue.enqueue('noop', { seq: 3 }, { uniqueKey: 'batch-7', runAt: new Date(Date.now() + 3600_000) });
    expect(b).toBe(a);
    expect(await t.app.jobQueue.cancel('noop', { uniqueKey: 'batch-7' })).toBe(1);
  });

  it('schedules the morning digest daily at 08:30 business time', async () => {
    const res = await t.call('GET', '/api/jobs?name=chat.morning-digest', { token: manager.token });
    expect(res.body.data.total).toBe(1);
    const next = new Date(res.body.data.records[0].nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(next.toISOString().slice(11, 16)).toBe('00:30');
  });

  it('refuses staff without jobs:view and bad filters', async () => {
    expect((await t.call('GET', '/api/jobs', { token: sales.token })).status).toBe(403);
    const bad = await t.call('GET', '/api/jobs?state=exploded', { token: manager.token });
    expect(bad.status).toBe(422);
  });
});
