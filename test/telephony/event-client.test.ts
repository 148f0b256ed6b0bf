import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { createEventClient, SUBSCRIBED_EVENTS, type EventClient, type SwitchEvent } from '../../src/telephony/event-client.js';
import { createFreeSwitchVoiceGateway } from '../../src/telephony/freeswitch-voice-gateway.js';
import { channelEvent, FakeEventSocket, jsonEvent } from './support/fake-switch.js';

const logger = createLogger('silent');

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ESL event client against a fake FreeSWITCH event socket', () => {
  let fs: FakeEventSocket;
  let client: EventClient;
  let received: SwitchEvent[];

  beforeEach(async () => {
    fs = await new FakeEventSocket().start();
    received = [];
    client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: (e) => void received.push(e), maxBackoffMs: 500 });
  });
  afterEach(async () => {
    await client.stop();
    await fs.stop();
  });

  it('authenticates and subscribes to the named events only, as JSON', async () => {
    client.start();
    await client.ready();
    expect(fs.commands).toEqual([`auth ${fs.password}`, `event json ${SUBSCRIBED_EVENTS.join(' ')}`]);
    expect(fs.commands.some((c) => /event (json|plain) ALL/.test(c))).toBe(false);
  });

  it('reassembles events split across TCP reads and splits several events in one read', async () => {
    client.start();
    await client.ready();
    const frames = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE'].map((n) => jsonEvent(channelEvent(n, 'u-1', { 'Caller-Caller-ID-Name': '张经理' })));
    await fs.write(frames[0]!, { chunk: 7, delayMs: 1 });
    await fs.write(frames.slice(1).join(''));
    await until(() => received.length === 4);
    expect(received.map((e) => e.name)).toEqual(['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE']);
    expect(received[0]!.body['Caller-Caller-ID-Name']).toBe('张经理');
  });

  it('cuts a multi-byte UTF-8 body in the middle of a character without corrupting it', async () => {
    client.start();
    await client.ready();
    const frame = Buffer.from(jsonEvent(channelEvent('RECORD_STOP', 'u-2', { note: '宁波奥克斯空调有限公司' })));
    await fs.write(frame, { chunk: 5, delayMs: 0 });
    await until(() => received.length === 1);
    expect(received[0]!.body['note']).toBe('宁波奥克斯空调有限公司');
  });

  it('logs and skips malformed frames, then keeps delivering', async () => {
    client.start();
    await client.ready();
    const bad = '{"Event-Name": "CHANNEL_CREATE", broken';
    await fs.write(`Content-Length: ${bad.length}\nContent-Type: text/event-json\n\n${bad}`);
    await fs.write('Content-Length: 2\nContent-Type: text/weird\n\nxx');
    await fs.write('X-Nothing: here\n\n');
    await fs.write(jsonEvent({ 'Unique-ID': 'no-name' }));
    await fs.write(jsonEvent(channelEvent('CHANNEL_ANSWER', 'u-3')));
    await until(() => received.length === 1);
    expect(received[0]!.name).toBe('CHANNEL_ANSWER');
    expect(client.stats.malformed).toBeGreaterThanOrEqual(4);
  });

  it('survives a handler that throws or rejects', async () => {
    let calls = 0;
    const throwing = createEventClient({
      host: '127.0.0.1', port: fs.port, password: fs.password, logger,
      onEvent: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.reject(new Error('async boom'));
      },
    });
    throwing.start();
    await throwing.ready();
    await fs.write(jsonEvent(channelEvent('CHANNEL_CREATE', 'a')) + jsonEvent(channelEvent('CHANNEL_CREATE', 'b')));
    await until(() => throwing.stats.handlerErrors === 2);
    expect(throwing.connected()).toBe(true);
    await throwing.stop();
  });

  it('reconnects and resubscribes within 3 s after the switch drops the connection', async () => {
    client.start();
    await client.ready();
    const resubscribed = fs.nextSubscription();
    const dropped = Date.now();
    fs.dropAll();
    await resubscribed;
    expect(Date.now() - dropped).toBeLessThan(3000);
    await until(() => client.connected());
    await fs.write(jsonEvent(channelEvent('CHANNEL_CREATE', 'after')));
    await until(() => received.some((e) => e.body['Unique-ID'] === 'after'));
  });

  it('keeps retrying while the switch is down and connects when it is back, within 3 s', async () => {
    const port = fs.port;
    await fs.stop();
    client = createEventClient({ host: '127.0.0.1', port, password: 'S3cret-pw', logger, onEvent: () => undefined });
    client.start();
    await new Promise((r) => setTimeout(r, 1500));
    fs = await new FakeEventSocket().start(port);
    const back = Date.now();
    await client.ready(3000);
    expect(Date.now() - back).toBeLessThan(3000);
  });

  it('a wrong password never counts as connected', async () => {
    fs.password = 'other';
    client.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(client.connected()).toBe(false);
    expect(fs.commands.filter((c) => c.startsWith('auth')).length).toBeGreaterThanOrEqual(1);
  });
});

describe('FreeSWITCH voice gateway (originate over bgapi)', () => {
  let fs: FakeEventSocket;
  let client: EventClient;
  beforeEach(async () => {
    fs = await new FakeEventSocket().start();
    client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: () => undefined });
  });
  afterEach(async () => {
    await client.stop();
    await fs.stop();
  });

  it('originates through the gateway with our call id and reads the script', async () => {
    client.start();
    await client.ready();
    const gateway = createFreeSwitchVoiceGateway({ events: client, gateway: 'dag1000', callerId: '4008320160', tts: 'tts_commandline|default' });
    const result = await gateway.placeCall({ callId: 'inv-42', to: '+86 138-0013-8000', script: '您好，邀请您参加(周六)展会', timeoutMs: 30_000 });
    expect(result.ok).toBe(true);
    const sent = fs.commands.find((c) => c.startsWith('bgapi originate'))!;
    expect(sent).toMatch(/^bgapi originate \{origination_uuid=[0-9a-f-]{36},salesops_call=outbound,salesops_call_id=inv-42,originate_timeout=30,ignore_early_media=true,origination_caller_id_number=4008320160\}sofia\/gateway\/dag1000\/13800138000 &speak\(tts_commandline\|default\|您好，邀请您参加 周六 展会\)$/);
  });

  it('maps hangup causes to domain codes', async () => {
    client.start();
    await client.ready();
    const gateway = createFreeSwitchVoiceGateway({ events: client, gateway: 'dag1000', tts: 'x|y' });
    fs.onBgapi = () => '-ERR USER_BUSY\n';
    expect(await gateway.placeCall({ callId: '1', to: '13800138000', script: 'hi' })).toMatchObject({ ok: false, code: 'CALLEE_BUSY' });
    fs.onBgapi = () => '-ERR NO_ANSWER\n';
    expect(await gateway.placeCall({ callId: '2', to: '13800138000', script: 'hi' })).toMatchObject({ ok: false, code: 'NO_ANSWER' });
    expect(await gateway.placeCall({ callId: '3', to: 'abc', script: 'hi' })).toMatchObject({ ok: false, code: 'INVALID_NUMBER' });
  });

  it('is UNAVAILABLE when the event socket is down', async () => {
    const gateway = createFreeSwitchVoiceGateway({ events: client, gateway: 'dag1000', tts: 'x|y' });
    expect(await gateway.placeCall({ callId: '1', to: '13800138000', script: 'hi' })).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
  });
});
