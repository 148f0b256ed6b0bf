import { chmodSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { recordingLink } from '../../src/domain/calls/recording-link.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

describe.each(DIALECTS)('telephony HTTP routes (%s), telephony off', (dialect) => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rec-'));
    t = await bootApp(dialect, { RECORDINGS_DIR: join(dataDir, 'recordings') });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs without FreeSWITCH settings: the door is off, the rest works', () => {
    expect(t.app.telephony).toBeUndefined();
  });

  it('POST /api/sales/status sets my status; GET lists the team; bad status → 422', async () => {
    const me = await t.staffWithToken('sales');
    const set = await t.call('POST', '/api/sales/status', { token: me.token, json: { status: 'in_field', location: '宁波' } });
    expect(set.status).toBe(200);
    expect(set.body.data).toMatchObject({ status: 'in_field', location: '宁波', label: '外出' });
    const team = await t.call('GET', '/api/sales/status', { token: me.token });
    expect(team.body.data.find((s: any) => s.staffId === me.id)).toMatchObject({ status: 'in_field', label: '外出' });
    const bad = await t.call('POST', '/api/sales/status', { token: me.token, json: { status: 'sleeping' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
  });

  it('routing rules CRUD with validated bodies; sales may not manage them', async () => {
    const admin = await t.staffWithToken('admin');
    const sales = await t.staffWithToken('sales');
    const body = { days: 'weekday', start: '12:00', end: '13:30', primary: 'mobile_phone', backup: 'voicemail', strategy: 'direct' };
    const created = await t.call('POST', '/api/telephony/routing-rules', { token: admin.token, json: { kind: 'time_slot', name: '午休', body } });
    expect(created.status).toBe(201);
    const bad = await t.call('POST', '/api/telephony/routing-rules', { token: admin.token, json: { kind: 'time_slot', name: 'x', body: { ...body, start: '25:00' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('INVALID_ROUTING_RULE');
    const patched = await t.call('PATCH', `/api/telephony/routing-rules/${created.body.data.id}`, { token: admin.token, json: { body: { ...body, end: '14:00' } } });
    expect(patched.body.data.body.end).toBe('14:00');
    expect((await t.call('POST', '/api/telephony/routing-rules', { token: sales.token, json: { kind: 'time_slot', name: 'x', body } })).status).toBe(403);
    expect((await t.call('DELETE', `/api/telephony/routing-rules/${created.body.data.id}`, { token: admin.token })).status).toBe(200);
    const gone = await t.call('DELETE', `/api/telephony/routing-rules/${created.body.data.id}`, { token: admin.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('ROUTING_RULE_NOT_FOUND');
    expect((await t.call('PUT', '/api/telephony/holidays', { token: admin.token, json: { date: '2026-10-01', name: '国庆节' } })).status).toBe(200);
    expect((await t.call('PUT', '/api/telephony/holidays', { token: admin.token, json: { date: '2026-13-01', name: 'x' } })).status).toBe(422);
    expect((await t.call('PUT', '/api/telephony/holidays', { token: admin.token, json: { date: '2026-02-30', name: 'x' } })).status).toBe(422);
    expect((await t.call('POST', '/api/telephony/duty-schedules', { token: admin.token, json: { staffId: sales.id, days: ['sat'], startTime: '09:00', endTime: '18:00', priority: 1e12 } })).status).toBe(422);
    const duty = await t.call('POST', '/api/telephony/duty-schedules', { token: admin.token, json: { staffId: sales.id, days: ['sat', 'holiday'], startTime: '09:00', endTime: '18:00' } });
    expect(duty.status).toBe(201);
    expect((await t.call('POST', '/api/telephony/duty-schedules', { token: admin.token, json: { staffId: sales.id, days: ['someday'], startTime: '09:00', endTime: '18:00' } })).status).toBe(422);
  });

  it('recording links: signed for 10 minutes; tampered or expired → 403; no recording → 404', async () => {
    const sales = await t.staffWithToken('sales');
    const em = t.app.orm.em.fork();
    const path = join(dataDir, 'recordings', 'calls', '2026-06-15', 'abc.wav');
    mkdirSync(join(dataDir, 'recordings', 'calls', '2026-06-15'), { recursive: true });
    writeFileSync(path, Buffer.from('RIFF-fake-wav'));
    const call = em.create(CallSchema, { uuid: 'abc', caller: '+8613800138000', callerLast8: '00138000', callee: '+864008320160', calleeLast8: '08320160', startedAt: new Date(), recordingPath: path });
    const none = em.create(CallSchema, { uuid: 'def', caller: '+8613800138000', callerLast8: '00138000', callee: '+864008320160', calleeLast8: '08320160', startedAt: new Date() });
    await em.flush();
    const link = await t.call('GET', `/api/calls/${call.id}/recording`, { token: sales.token });
    expect(link.status).toBe(200);
    const url: string = link.body.data.url;
    expect(Date.parse(link.body.data.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const ok = await t.call('GET', url);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('RIFF-fake-wav');
    // Tampered: the signature's first character changed (to A, or to B when it already is A: 1 link in 64).
    expect((await t.call('GET', url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`))).status).toBe(403);
    expect((await t.call('GET', url.replace(`/recordings/${call.id}`, `/recordings/${none.id}`))).status).toBe(403);
    const old = await recordingLink(em, { callId: call.id, secret: t.app.config.auth.appSecret, now: new Date(Date.now() - 11 * 60_000) });
    const expired = await t.call('GET', old.url);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toBe('RECORDING_LINK_FORBIDDEN');
    expect((await t.call('GET', `/recordings/${call.id}`)).status).toBe(403);
    expect((await t.call('GET', `/api/calls/${none.id}/recording`, { token: sales.token })).status).toBe(404);
    expect((await t.call('GET', `/api/calls/${call.id}/recording`)).status).toBe(401);
  });

  it('a recording that exists but cannot be read → 503 RECORDING_UNREADABLE (never 500 or 404)', async () => {
    const sales = await t.staffWithToken('sales');
    const em = t.app.orm.em.fork();
    const day = join(dataDir, 'recordings', 'calls', '2026-06-16');
    mkdirSync(day, { recursive: true });
    // Tests often run as root, where chmod 000 stops nothing: a folder where the file should be fails to read for everyone.
    const folder = join(day, 'folder.wav');
    mkdirSync(folder);
    const locked = join(day, 'locked.wav');
    writeFileSync(locked, Buffer.from('RIFF-locked'));
    chmodSync(locked, 0o000);
    const gone = join(day, 'gone.wav');
    const row = (uuid: string, recordingPath: string) =>
      em.create(CallSchema, { uuid, caller: '+8613800138000', callerLast8: '00138000', callee: '+864008320160', calleeLast8: '08320160', startedAt: new Date(), recordingPath });
    const calls = { folder: row('unread-dir', folder), locked: row('unread-mode', locked), gone: row('unread-gone', gone) };
    await em.flush();
    const download = async (id: number) => {
      const link = await t.call('GET', `/api/calls/${id}/recording`, { token: sales.token });
      return t.call('GET', link.body.data.url);
    };

    const unreadable = await download(calls.folder.id);
    expect(unreadable.status).toBe(503);
    expect(unreadable.body.error).toBe('RECORDING_UNREADABLE');
    expect(unreadable.body.message).toMatch(/录音/);

    // chmod 000 really refuses reads only to an unprivileged process; check what this process can do first.
    let modeStopsUs = false;
    try {
      closeSync(openSync(locked, 'r'));
    } catch {
      modeStopsUs = true;
    }
    const mode = await download(calls.locked.id);
    if (modeStopsUs) expect(mode.body.error).toBe('RECORDING_UNREADABLE');
    else expect(mode.body).toBe('RIFF-locked');

    const missing = await download(calls.gone.id);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('RECORDING_NOT_FOUND');
  });
});

describe('telephony settings', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) };
  it('refuses the default password ClueCon for a non-loopback switch', () => {
    expect(() => loadConfig({ ...base, FREESWITCH_ESL_HOST: '10.0.0.5', FREESWITCH_ESL_PASSWORD: 'ClueCon' })).toThrow(ConfigError);
    expect(loadConfig({ ...base, FREESWITCH_ESL_HOST: '127.0.0.1', FREESWITCH_ESL_PASSWORD: 'ClueCon' }).telephony?.esl.host).toBe('127.0.0.1');
  });
  it('needs a password with a host; is off without a host; socket port defaults to 8084', () => {
    expect(() => loadConfig({ ...base, FREESWITCH_ESL_HOST: 'fs.local' })).toThrow(/FREESWITCH_ESL_PASSWORD/);
    expect(loadConfig(base).telephony).toBeUndefined();
    expect(loadConfig({ ...base, FREESWITCH_ESL_HOST: 'fs.local', FREESWITCH_ESL_PASSWORD: 'pw' }).telephony).toMatchObject({ socket: { port: 8084 }, gateway: 'dag1000' });
  });
});
