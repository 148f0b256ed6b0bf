import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTencentSmsGateway } from '../../src/gateways/tencent/tencent-sms-gateway.js';
import { FakeTencentCloud, readFakeTencentLog, sentPhonesOf } from '../support/fake-tencent-cloud.js';

type SignInput = { host: string; service: string; action: string; version: string; timestamp: number; body: string; secretId: string; secretKey: string };

/** TC3-HMAC-SHA256 as Tencent's "签名方法 v3" page describes it, written independently of the SDK. */
function authorization(s: SignInput): string {
  const hash = (d: string) => createHash('sha256').update(d).digest('hex');
  const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest();
  const date = new Date(s.timestamp * 1000).toISOString().slice(0, 10);
  const canonical = ['POST', '/', '', `content-type:application/json\nhost:${s.host}\n`, 'content-type;host', hash(s.body)].join('\n');
  const toSign = ['TC3-HMAC-SHA256', String(s.timestamp), `${date}/${s.service}/tc3_request`, hash(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${s.secretKey}`, date), s.service), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${s.secretId}/${date}/${s.service}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
}

describe('the fake Tencent Cloud API checks what Tencent checks', () => {
  const fake = new FakeTencentCloud();
  beforeAll(async () => fake.start());
  afterAll(async () => fake.stop());

  const body = JSON.stringify({ PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: '1400000001', TemplateId: '1', SessionContext: 'probe' });
  const post = async (opts: { sign?: Partial<SignInput>; sentBody?: string; headers?: Record<string, string> } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const sign: SignInput = {
      host: '127.0.0.1',
      service: '127',
      action: 'SendSms',
      version: '2021-01-11',
      timestamp: now,
      body,
      secretId: fake.secretId,
      secretKey: fake.secretKey,
      ...opts.sign,
    };
    const res = await fetch(fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: authorization(sign),
        'x-tc-action': sign.action,
        'x-tc-version': sign.version,
        'x-tc-timestamp': String(sign.timestamp),
        'x-tc-region': 'ap-guangzhou',
        ...opts.headers,
      },
      body: opts.sentBody ?? body,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { Response: { Error?: { Code: string; Message: string }; RequestId: string; SendStatusSet?: unknown[] } };
  };

  it('accepts a correctly signed request and answers in the SendSms shape', async () => {
    const { Response } = await post();
    expect(Response.Error).toBeUndefined();
    expect(Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Response.SendStatusSet).toEqual([
      { SerialNo: expect.any(String), PhoneNumber: '+8613800138000', Fee: 1, SessionContext: 'probe', Code: 'Ok', Message: 'send success', IsoCode: 'CN' },
    ]);
  });

  it('refuses a body changed after signing, a wrong service or host in the scope, and a stale timestamp', async () => {
    const tampered = body.replace('+8613800138000', '+8613900139000');
    expect((await post({ sentBody: tampered })).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect((await post({ sign: { service: 'sms' } })).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    const { port } = new URL(fake.endpoint);
    expect((await post({ sign: { host: `127.0.0.1:${port}` } })).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await post({ sign: { timestamp: stale } })).Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    expect((await post({ headers: { 'x-tc-timestamp': String(Math.floor(Date.now() / 1000) + 1) } })).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect((await post({ headers: { authorization: 'Bearer x' } })).Response.Error).toEqual({ Code: 'AuthFailure.InvalidAuthorization', Message: expect.any(String) });
  });

  it('checks the action and its version', async () => {
    expect((await post({ sign: { action: 'SendSmsNow' } })).Response.Error?.Code).toBe('InvalidAction');
    expect((await post({ sign: { version: '2019-07-11' } })).Response.Error?.Code).toBe('NoSuchVersion');
    expect((await post({ sign: { action: 'SendTtsVoice' } })).Response.Error?.Code).toBe('NoSuchVersion');
  });
});

describe('the fake as a standalone process writing its log file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-tencent-'));
  const logFile = join(dir, 'requests.jsonl');
  let child: ChildProcess;
  let endpoint: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-tencent-cloud.main.ts', '--port', '0', '--log', logFile], {
      env: { ...process.env, FAKE_TENCENT_SECRET_ID: 'AKIDstandalone', FAKE_TENCENT_SECRET_KEY: 'standalone-key' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
    });
    endpoint = (JSON.parse(firstLine) as { endpoint: string }).endpoint;
  });
  afterAll(() => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs each accepted request before answering and takes programs over HTTP', async () => {
    const sms = createTencentSmsGateway({ secretId: 'AKIDstandalone', secretKey: 'standalone-key', sdkAppId: '1400000001', signName: '门店', region: 'ap-guangzhou', endpoint, timeoutMs: 2000 });
    await fetch(`${endpoint}/__fake/phones`, { method: 'POST', body: JSON.stringify({ '+8613800000002': { code: 'FailedOperation.PhoneNumberInBlacklist' } }) });
    const res = await sms.send({ requestId: 'standalone-1', phones: ['+8613800000001', '+8613800000002'], templateId: '9', params: ['x'] });
    expect(res.ok && res.outcomes.map((o) => o.status)).toEqual(['sent', 'opted_out']);
    await sms.send({ requestId: 'standalone-2', phones: ['+8613800000001'], templateId: '9', params: ['x'] });

    const logged = readFakeTencentLog(logFile);
    expect(logged.map((r) => r.sessionContext)).toEqual(['standalone-1', 'standalone-2']);
    // The duplicate check the batch kill test relies on: the same number sent twice shows up twice.
    expect(sentPhonesOf(logged)).toEqual(['+8613800000001', '+8613800000001']);
    const overHttp = (await (await fetch(`${endpoint}/__fake/requests`)).json()) as unknown[];
    expect(overHttp).toHaveLength(2);
  });
});
