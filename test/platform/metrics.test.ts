import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { channelEvent, FakeEventSocket, jsonEvent, switchEnv } from '../telephony/support/fake-switch.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import type { JobDefinition } from '../../src/jobs/job-registry.js';
import { READY_MS, waitFor } from '../support/wait-for.js';

const METRICS_TOKEN = 'scrape-token-0123456789';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

/** One sample's value from Prometheus text, e.g. value(text, 'salesops_sms_sends_total', { outcome: 'sent' }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const m = /^[a-zA-Z_:][\w:]*(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[2]);
  }
  return undefined;
}

const until = <T>(probe: () => Promise<T>) => waitFor(probe, 'the metric to appear', 60_000);

const okJob: JobDefinition<Record<string, unknown>> = { name: 'metrics.probe-ok', parse: (d) => d as Record<string, unknown>, run: async () => undefined };
const failingJob: JobDefinition<Record<string, unknown>> = {
  name: 'metrics.probe-fails',
  parse: () => {
    throw new Error('bad data (permanent)');
  },
  run: async () => undefined,
};

describe.each(DIALECTS)('GET /metrics after real traffic (%s)', (dialect) => {
  const tencent = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let fs: FakeEventSocket;
  let wecom: FakeWecom;
  let t: TestApp;
  let sales: { id: number; token: string };
  const scrape = async (url = `${t.app.url}/metrics`, token: string | null = METRICS_TOKEN) => {
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  beforeAll(async () => {
    await tencent.start();
    fs = await new FakeEventSocket().start();
    wecom = await startFakeWecom();
    t = await bootApp(
      dialect,
      {
        METRICS_TOKEN,
        METRICS_PORT: '0',
        ...switchEnv(fs),
        TENCENTCLOUD_SECRET_ID: tencent.secretId,
        TENCENTCLOUD_SECRET_KEY: tencent.secretKey,
        TENCENT_SMS_SDK_APP_ID: '1400000001',
        TENCENT_SMS_SIGN_NAME: '测试KTV',
        TENCENT_API_ENDPOINT: tencent.endpoint,
        MARKETING_HOURS: '00:00-24:00',
        WECOM_CORP_ID: wecom.corpId,
        WECOM_AGENT_ID: '1000002',
        WECOM_SECRET: wecom.secret,
        WECOM_TOKEN: 'metricsToken1',
        WECOM_ENCODING_AES_KEY: AES_KEY,
        WECOM_API_BASE: wecom.url,
      },
      { extraJobs: [okJob, failingJob] },
    );
    await t.app.telephony!.events.ready(READY_MS);
    sales = await t.staffWithToken('sales');
    const manager = await t.staffWithToken('manager');
    const tpl = await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_PROMO', name: '周末活动', category: 'marketing', vendorTemplateId: '100002', content: '{1}本周末特惠：{2}', paramNames: ['name', 'offer'] } });
    expect(tpl.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await fs?.stop();
    await wecom?.close();
    await tencent.stop();
  });

  it('asks for the scrape token on the API port and on the separate listener, and serves process metrics', async () => {
    expect((await scrape(undefined, null)).status).toBe(401);
    expect((await scrape(undefined, 'wrong-token-0123456789')).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain/);
    const separate = await scrape(t.app.metricsUrl!, METRICS_TOKEN);
    expect(separate.status).toBe(200);
    expect(value(separate.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(separate.text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect((await scrape(t.app.metricsUrl!, null)).status).toBe(401);
  });

  it('times HTTP requests by route template and status, never by raw URL', async () => {
    for (let i = 0; i < 3; i++) expect((await t.call('GET', `/api/ai-ops/outreach/templates/NOPE${i}`, { token: sales.token })).status).toBe(404);
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    expect((await t.call('GET', '/api/me')).status).toBe(401);
    await fetch(`${t.app.url}/no/such/path`);
    const { text } = await scrape();
    expect(value(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/ai-ops/outreach/templates/:code', status: '404' })).toBe(3);
    expect(value(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
    // Refused before any router ran (no token): no template to name, so it shares the unmatched label.
    expect(value(text, 'http_request_duration_seconds_count', { route: 'unmatched', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(value(text, 'http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('NOPE1');
  });

  it('counts jobs started, completed and failed by name, with durations and the waiting queue', async () => {
    await t.app.jobQueue.enqueue(okJob.name, {});
    await t.app.jobQueue.enqueue(failingJob.name, {});
    // Due now, but of a kind no process defines: it waits for ever, and its wait grows.
    await t.app.jobQueue.enqueue('metrics.nobody-runs-this', {});
    const text = await until(async () => {
      const s = (await scrape()).text;
      return (value(s, 'salesops_jobs_completed_total', { name: okJob.name }) ?? 0) >= 1 && (value(s, 'salesops_jobs_failed_total', { name: failingJob.name }) ?? 0) >= 1 && s;
    });
    expect(value(text, 'salesops_jobs_started_total', { name: okJob.name })).toBe(1);
    expect(value(text, 'salesops_job_duration_seconds_count', { name: okJob.name, outcome: 'success' })).toBe(1);
    expect(value(text, 'salesops_job_duration_seconds_count', { name: failingJob.name, outcome: 'failure' })).toBeGreaterThanOrEqual(1);
    const waiting = await until(async () => {
      const s = (await scrape()).text;
      return (value(s, 'salesops_job_oldest_waiting_seconds') ?? 0) > 0.2 && s;
    });
    expect(value(waiting, 'salesops_job_queue_depth', { name: 'metrics.nobody-runs-this' })).toBe(1);
  });

  it('reports the event socket up, down and reconnected, and calls in flight by source', async () => {
    let text = (await scrape()).text;
    expect(value(text, 'salesops_esl_connected')).toBe(1);
    expect(value(text, 'salesops_esl_reconnects_total')).toBe(0);
    const uuid = randomUUID();
    await fs.write(jsonEvent(channelEvent('CHANNEL_ANSWER', uuid, { variable_salesops_call: 'inbound' })));
    text = await until(async () => {
      const s = (await scrape()).text;
      return value(s, 'salesops_calls_in_flight', { source: 'inbound' }) === 1 && s;
    });
    await fs.write(jsonEvent(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'NORMAL_CLEARING' })));
    await until(async () => value((await scrape()).text, 'salesops_calls_in_flight', { source: 'inbound' }) === undefined);

    const port = fs.port;
    await fs.stop();
    await until(async () => value((await scrape()).text, 'salesops_esl_connected') === 0);
    const back = fs.nextSubscription();
    await fs.start(port);
    await back;
    await t.app.telephony!.events.ready(READY_MS);
    text = (await scrape()).text;
    expect(value(text, 'salesops_esl_connected')).toBe(1);
    expect(value(text, 'salesops_esl_reconnects_total')).toBe(1);
  });

  it('counts SMS per recipient by outcome and carrier errors by code', async () => {
    const em = t.app.orm.em.fork();
    for (const phone of ['13900000031', '13900000032', '13900000033']) recordConsent(em, { phone, channel: 'sms', state: 'granted', source: 'test' });
    await em.flush();
    tencent.setPhone('+8613900000032', { code: 'FailedOperation.PhoneNumberInBlacklist' });
    const send = (phoneNumber: string) => t.call('POST', '/api/ai-ops/outreach/sms', { token: sales.token, json: { phoneNumber, templateId: 'TPL_PROMO', params: ['赵', '8折'] } });
    expect((await send('13900000031')).body.data.status).toBe('sent');
    expect((await send('13900000032')).body.data.status).toBe('failed');
    tencent.program({ action: 'SendSms', error: { code: 'AuthFailure.SignatureFailure' }, times: 1 });
    expect((await send('13900000033')).body.data.error).toMatch(/AuthFailure/);
    const { text } = await scrape();
    expect(value(text, 'salesops_sms_sends_total', { outcome: 'sent' })).toBe(1);
    expect(value(text, 'salesops_sms_sends_total', { outcome: 'opted_out' })).toBe(1);
    expect(value(text, 'salesops_sms_sends_total', { outcome: 'request_failed' })).toBe(1);
    expect(value(text, 'salesops_carrier_api_errors_total', { carrier: 'tencent-sms', code: 'FailedOperation.PhoneNumberInBlacklist' })).toBe(1);
    expect(value(text, 'salesops_carrier_api_errors_total', { carrier: 'tencent-sms', code: 'AuthFailure.SignatureFailure' })).toBe(1);
  });

  it('counts WeCom API errors by errcode', async () => {
    wecom.failNextWith(40035);
    const result = await t.app.chatOps.wecomClient!.sendText('zhangsan', '测试');
    expect(result.ok).toBe(false);
    const { text } = await scrape();
    expect(value(text, 'salesops_wecom_api_errors_total', { code: '40035' })).toBe(1);
  });
});
