import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { redactText } from '../../src/logging/log-redaction.js';
import { bootApp, type TestApp } from '../support/app.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('JSON logs', () => {
  it('masks mobile numbers in messages, fields, nested objects and errors', () => {
    const { logger, lines } = capture();
    logger.info({ phone: '13812348888', nested: { list: ['+86 139 1234 5678'] } }, 'calling 15900001111 now');
    logger.error({ err: new Error('send to 8613700002222 failed') }, 'failed');
    const text = lines.join('');
    expect(text).toContain('138****8888');
    expect(text).toContain('139****5678');
    expect(text).toContain('159****1111');
    expect(text).toContain('137****2222');
    expect(text).not.toMatch(/1381234|1591234|15900001111|13700002222/);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'info', msg: 'calling 159****1111 now' });
  });

  it('leaves ids, amounts and timestamps that are not mobile numbers alone', () => {
    const { logger, lines } = capture();
    logger.info({ orderId: '202611221234567', amountFen: 58000000, landline: '057487654321' }, 'ok');
    const line = JSON.parse(lines[0]!);
    expect(line.orderId).toBe('202611221234567');
    expect(line.amountFen).toBe(58000000);
    expect(line.landline).toBe('057487654321');
  });
});

describe('log redaction (one place: the finished line)', () => {
  it('masks numbers percent-encoded once or twice, and with an encoded +86', () => {
    expect(redactText('/api/customers/%31%33%39%31%32%33%34%39%38%37%36')).toBe('/api/customers/139****9876');
    expect(redactText('/api/c/%2531%2533%2539%2531%2532%2533%2534%2539%2538%2537%2536')).toBe('/api/c/139****9876');
    expect(redactText('q=%2B86%20139%201234%209876')).toBe('q=139****9876');
    expect(redactText('/api/customers/%E5%BC%A0%E4%B8%89')).toBe('/api/customers/%E5%BC%A0%E4%B8%89');
  });

  it('redacts the SMS callback token in any path, encoded or not', () => {
    expect(redactText('/callbacks/tencent/sms/abcdefabcdefabcdefabcdef01/reply')).toBe('/callbacks/tencent/sms/[REDACTED]/reply');
    expect(redactText('POST /callbacks/tencent/sms/%61bcdefabcdefabcdefabcdef01/receipt?x=1')).toBe('POST /callbacks/tencent/sms/[REDACTED]/receipt?x=1');
  });

  it('covers the bindings of child loggers, at any depth', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'req-13912349876-abc' }).child({ path: '/x/%31%33%39%31%32%33%34%39%38%37%36' }).info({ n: 13912349876 }, 'child');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ requestId: 'req-139****9876-abc', path: '/x/139****9876', msg: 'child' });
    // A number-typed field is a number, not personal data in text: left as the caller wrote it.
    expect(line.n).toBe(13912349876);
  });
});

describe('what the running app writes to its log', () => {
  const TOKEN = 'cb-token-logging-0123456789abcdef';
  const raw: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, cb) {
        raw.push(String(chunk));
        cb();
      },
    });
    t = await bootApp('sqlite', { JOBS_ENABLED: 'false', TENCENT_SMS_CALLBACK_TOKEN: TOKEN }, { logger: createLogger('info', stream) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never writes the callback token, a client-supplied number in X-Request-Id, or a percent-encoded number in a path', async () => {
    const reply = await t.call('POST', `/callbacks/tencent/sms/${TOKEN}/reply`, { json: { mobile: '13912349876', text: 'R', time: 1795310000 } });
    expect(reply.body).toEqual({ result: 0, errmsg: 'OK' });
    await t.call('POST', '/callbacks/tencent/sms/wrong-token-but-still-a-secret-0000/receipt', { json: [] });
    const traced = await t.call('GET', '/api/customers/%31%33%39%31%32%33%34%39%38%37%36', { headers: { 'x-request-id': 'req-13912349876-abc' } });
    expect(traced.headers.get('x-request-id')).toBe('req-13912349876-abc');
    const text = raw.join('');
    const access = raw.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(access.map((l) => l.path)).toEqual(
      expect.arrayContaining(['/callbacks/tencent/sms/[REDACTED]/reply', '/callbacks/tencent/sms/[REDACTED]/receipt', '/api/customers/139****9876']),
    );
    expect(access.find((l) => l.path === '/api/customers/139****9876')).toMatchObject({ requestId: 'req-139****9876-abc', status: 401 });
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-token-but-still-a-secret');
    expect(text).not.toMatch(/13912349876|%31%33%39%31/);
  });
});
