import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';

/** With the mini-program, WeCom and SMS callbacks unconfigured, their routes say so and name the settings. */
describe('doors that are off say so (503 DOOR_DISABLED)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('mini-program login names MINIAPP_APPID and MINIAPP_SECRET instead of asking for a staff token', async () => {
    const res = await t.call('POST', '/api/miniapp/login', { json: { code: 'abc123' } });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 503, error: 'DOOR_DISABLED', details: { door: 'miniapp', settings: ['MINIAPP_APPID', 'MINIAPP_SECRET'] } });
    expect(res.body.message).toContain('MINIAPP_APPID');
    expect((await t.call('GET', '/api/miniapp/invitations')).body.error).toBe('DOOR_DISABLED');
  });

  it('the WeCom callback names the five WECOM_* settings, whatever the body (never INVALID_JSON)', async () => {
    for (const body of ['<xml><Encrypt>x</Encrypt></xml>', '{not json']) {
      const res = await t.call('POST', '/wecom/callback?msg_signature=a&timestamp=1&nonce=n', { body, headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('DOOR_DISABLED');
      expect(res.body.details.settings).toEqual(['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY']);
    }
    expect((await t.call('GET', '/wecom/callback?echostr=x')).body.error).toBe('DOOR_DISABLED');
  });

  it('SMS callbacks name TENCENT_SMS_CALLBACK_TOKEN', async () => {
    const res = await t.call('POST', '/callbacks/tencent/sms/anything/receipt', { json: [] });
    expect(res.status).toBe(503);
    expect(res.body.details).toEqual({ door: 'sms-callbacks', settings: ['TENCENT_SMS_CALLBACK_TOKEN'] });
  });

  it('the staff API and the staff side of the mini-program stay as they are', async () => {
    expect((await t.call('GET', '/api/miniapp/staff/status')).status).toBe(401);
    expect((await t.call('GET', '/api/staff')).status).toBe(401);
  });

  it('documents the switched-off routes with their 503', async () => {
    const doc = (await t.call('GET', '/openapi.json')).body;
    expect(doc.paths['/api/miniapp/login'].post['x-error-codes']).toContain('DOOR_DISABLED');
    expect(doc.paths['/wecom/callback'].post.responses['503']).toBeTruthy();
  });
});
