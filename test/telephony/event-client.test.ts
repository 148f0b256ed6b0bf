import { createServer, Socket, type AddressInfo } from 'node:net';
import { FreeSwitchResponse } from 'esl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { eslLogger } from '../../src/telephony/esl-logger.js';
import { createEventClient, SUBSCRIBED_EVENTS, type EventClient, type SwitchEvent } from '../../src/telephony/event-client.js';
import { createFreeSwitchVoiceGateway } from '../../src/telephony/freeswitch-voice-gateway.js';
import { READY_MS, waitFor } from '../support/wait-for.js';
import { channelEvent, FakeEventSocket, jsonEvent } from './support/fake-switch.js';

const logger = createLogger('silent');
const until = (check: () => boolean) => waitFor(check, 'the expected events');
/** These tests count every event a connection gets: no periodic HEARTBEAT (a loaded run can outlast 20 s). */
const exactSwitch = () => Object.assign(new FakeEventSocket(), { heartbeatMs: 0 });

/** A logger whose lines the test can read (e.g. the backoff the client chose). */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe('ESL event client against a fake FreeSWITCH event socket', () => {
  let fs: FakeEventSocket;
  let client: EventClient;
  let received: SwitchEvent[];

  beforeEach(async () => {
    fs = await exactSwitch().start();
    received = [];
    client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: (e) => void received.push(e), maxBackoffMs: 500 });
  });
  afterEach(async () => {
    await client.stop();
    await fs.stop();
  });

  it('authenticates and subscribes to the named events only, as JSON', async () => {
    client.start();
    await client.ready(READY_MS);
    expect(fs.commands).toEqual([`auth ${fs.password}`, `event json ${SUBSCRIBED_EVENTS.join(' ')}`]);
    expect(fs.commands.some((c) => /event (json|plain) ALL/.test(c))).toBe(false);
    expect(fs.subscribers('BACKGROUND_JOB')).toBe(1);
  });

  it('always subscribes to BACKGROUND_JOB, even with a narrower event list', async () => {
    const narrow = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: () => undefined, events: ['HEARTBEAT'] });
    narrow.start();
    await narrow.ready(READY_MS);
    expect(fs.commands.at(-1)).toBe('event json HEARTBEAT BACKGROUND_JOB');
    await narrow.stop();
  });

  it('reassembles events split across TCP reads and splits several events in one read', async () => {
    client.start();
    await client.ready(READY_MS);
    const frames = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE'].map((n) => jsonEvent(channelEvent(n, 'u-1', { 'Caller-Caller-ID-Name': '张经理' })));
    await fs.write(frames[0]!, { chunk: 7, delayMs: 1 });
    await fs.write(frames.slice(1).join(''));
    await until(() => received.length === 4);
    expect(received.map((e) => e.name)).toEqual(['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE']);
    expect(received[0]!.body['Caller-Caller-ID-Name']).toBe('张经理');
  });

  it('cuts a multi-byte UTF-8 body in the middle of a character without corrupting it', async () => {
    client.start();
    await client.ready(READY_MS);
    const frame = Buffer.from(jsonEvent(channelEvent('RECORD_STOP', 'u-2', { note: '宁波奥克斯空调有限公司' })));
    await fs.write(frame, { chunk: 5, delayMs: 0 });
    await until(() => received.length === 1);
    expect(received[0]!.body['note']).toBe('宁波奥克斯空调有限公司');
  });

  it('logs and skips malformed frames, then keeps delivering', async () => {
    client.start();
    await client.ready(READY_MS);
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
    await throwing.ready(READY_MS);
    await fs.write(jsonEvent(channelEvent('CHANNEL_CREATE', 'a')) + jsonEvent(channelEvent('CHANNEL_CREATE', 'b')));
    await until(() => throwing.stats.handlerErrors === 2);
    expect(throwing.connected()).toBe(true);
    await throwing.stop();
  });

  it('reconnects and resubscribes after the switch drops the connection, with a backoff below 3 s', async () => {
    const cap = capturingLogger();
    await client.stop();
    client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger: cap.logger, onEvent: (e) => void received.push(e), maxBackoffMs: 500 });
    client.start();
    await client.ready(READY_MS);
    const resubscribed = fs.nextSubscription();
    fs.dropAll();
    await resubscribed;
    await until(() => client.connected());
    await fs.write(jsonEvent(channelEvent('CHANNEL_CREATE', 'after')));
    await until(() => received.some((e) => e.body['Unique-ID'] === 'after'));
    const delays = cap.lines.filter((l) => l['msg'] === 'event socket down, reconnecting').map((l) => l['retryInMs'] as number);
    expect(delays.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delays)).toBeLessThan(3000);
  });

  it('stays connected to a quiet switch: its heartbeats (every 20 s on FreeSWITCH) keep the idle watchdog from dropping the connection', async () => {
    const quiet = new FakeEventSocket();
    quiet.heartbeatMs = 40;
    await quiet.start();
    const beats: SwitchEvent[] = [];
    const watched = createEventClient({ host: '127.0.0.1', port: quiet.port, password: quiet.password, logger, onEvent: (e) => void (e.name === 'HEARTBEAT' && beats.push(e)), idleTimeoutMs: 200 });
    watched.start();
    await watched.ready(READY_MS);
    // Twelve heartbeats span more than twice the idle timeout, with nothing else on the wire.
    await until(() => beats.length >= 12);
    expect(quiet.commands.filter((c) => c.startsWith('auth ')).length).toBe(1);
    expect(watched.connected()).toBe(true);
    await watched.stop();
    await quiet.stop();
  });

  it('keeps retrying while the switch is down (backoff capped below 3 s) and connects when it is back', async () => {
    const cap = capturingLogger();
    const port = fs.port;
    await fs.stop();
    await client.stop();
    client = createEventClient({ host: '127.0.0.1', port, password: 'S3cret-pw', logger: cap.logger, onEvent: () => undefined, maxBackoffMs: 10_000 });
    client.start();
    // Several failed attempts: enough for the doubling backoff to reach its cap.
    await waitFor(() => cap.lines.filter((l) => l['reason'] === 'connect failed').length >= 6, 'six failed connection attempts', 60_000);
    fs = await exactSwitch().start(port);
    await client.ready(READY_MS);
    const delays = cap.lines.filter((l) => l['reason'] === 'connect failed').map((l) => l['retryInMs'] as number);
    expect(Math.max(...delays)).toBeLessThan(3000);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
  });

  it('a wrong password never counts as connected', async () => {
    fs.password = 'other';
    client.start();
    await waitFor(() => fs.commands.filter((c) => c.startsWith('auth')).length >= 2, 'a second auth attempt');
    expect(client.connected()).toBe(false);
  });
});

describe('FreeSWITCH voice gateway (originate over bgapi)', () => {
  let fs: FakeEventSocket;
  let client: EventClient;
  let received: SwitchEvent[];
  const place = (to = '13800138000', timeoutMs = 30_000, resultGraceMs = 5000) =>
    createFreeSwitchVoiceGateway({ events: client, gateway: 'dag1000', tts: 'x|y', resultGraceMs }).placeCall({ callId: `c-${to}`, to, script: 'hi', timeoutMs });
  beforeEach(async () => {
    fs = await exactSwitch().start();
    received = [];
    client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: (e) => void received.push(e) });
  });
  afterEach(async () => {
    await client.stop();
    await fs.stop();
  });

  it('originates through the gateway with our call id and reads the script; the channel events carry our variables', async () => {
    client.start();
    await client.ready(READY_MS);
    fs.outcome('13800138000', { kind: 'answer', afterMs: 5, talkMs: 30 });
    const gateway = createFreeSwitchVoiceGateway({ events: client, gateway: 'dag1000', callerId: '4008320160', tts: 'tts_commandline|default' });
    const result = await gateway.placeCall({ callId: 'inv-42', to: '+86 138-0013-8000', script: '您好，邀请您参加(周六)展会', timeoutMs: 30_000 });
    const call = fs.calls[0]!;
    expect(result).toEqual({ ok: true, carrierCallId: call.uuid });
    const sent = fs.commands.find((c) => c.startsWith('bgapi originate'))!;
    expect(sent).toMatch(/^bgapi originate \{origination_uuid=[0-9a-f-]{36},salesops_call=outbound,salesops_call_id=inv-42,originate_timeout=30,ignore_early_media=true,origination_caller_id_number=4008320160\}sofia\/gateway\/dag1000\/13800138000 '&speak\(tts_commandline\|default\|您好，邀请您参加 周六 展会\)'$/);
    // The switch splits originate's line on spaces outside quotes: the whole script reaches `speak`.
    expect(call).toMatchObject({ destination: '13800138000', app: 'speak', appArg: 'tts_commandline|default|您好，邀请您参加 周六 展会', vars: expect.objectContaining({ salesops_call_id: 'inv-42' }) });
    await call.ended;
    await until(() => received.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'));
    const answer = received.find((e) => e.name === 'CHANNEL_ANSWER')!;
    expect(answer.body).toMatchObject({ 'Unique-ID': call.uuid, variable_salesops_call: 'outbound', variable_salesops_call_id: 'inv-42' });
  });

  it('maps each scripted far end to its domain code', async () => {
    client.start();
    await client.ready(READY_MS);
    fs.outcome('13800000001', { kind: 'busy' })
      .outcome('13800000002', { kind: 'no_answer', ringMs: 10 })
      .outcome('13800000003', { kind: 'invalid' })
      .outcome('13800000004', { kind: 'gateway_down' })
      .outcome('13800000005', { kind: 'gateway_down', cause: 'NORMAL_TEMPORARY_FAILURE' })
      .outcome('13800000006', { kind: 'answer', afterMs: 5_000 });
    expect(await place('13800000001')).toMatchObject({ ok: false, code: 'CALLEE_BUSY' });
    expect(await place('13800000002')).toMatchObject({ ok: false, code: 'NO_ANSWER' });
    expect(await place('13800000003')).toMatchObject({ ok: false, code: 'INVALID_NUMBER' });
    expect(await place('13800000004')).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('GATEWAY_DOWN') });
    expect(await place('13800000005')).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('NORMAL_TEMPORARY_FAILURE') });
    // Answering later than originate_timeout is no answer.
    expect(await place('13800000006', 1000)).toMatchObject({ ok: false, code: 'NO_ANSWER' });
    expect(await place('abc')).toMatchObject({ ok: false, code: 'INVALID_NUMBER' });
    expect(fs.calls.map((c) => c.hangupCause)).toEqual(['USER_BUSY', 'NO_ANSWER', 'UNALLOCATED_NUMBER', 'GATEWAY_DOWN', 'NORMAL_TEMPORARY_FAILURE', 'NO_ANSWER']);
  });

  it('a lost result is OUTCOME_UNKNOWN with the channel uuid (never a failure), and the channel events still tell what happened', async () => {
    client.start();
    await client.ready(READY_MS);
    fs.outcome('13800138000', { kind: 'lost', then: { kind: 'answer', afterMs: 5, talkMs: 10 } });
    const result = await place('13800138000', 1000, 0);
    const call = fs.calls[0]!;
    expect(result).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', carrierCallId: call.uuid });
    await call.ended;
    await until(() => received.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'));
    expect(received.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE')!.body).toMatchObject({ variable_salesops_call_id: 'c-13800138000', 'Hangup-Cause': 'NORMAL_CLEARING' });
  });

  it('a connection dropped while waiting for the result is OUTCOME_UNKNOWN, not UNAVAILABLE', async () => {
    client.start();
    await client.ready(READY_MS);
    fs.outcome('13800138000', { kind: 'answer', afterMs: 60_000 });
    const pending = place('13800138000', 120_000);
    await fs.waitForOriginate(1);
    fs.dropAll();
    expect(await pending).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
  });

  it('is UNAVAILABLE when the event socket is down', async () => {
    expect(await place()).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
  });
});

describe('the fake switch is as strict as FreeSWITCH 1.10', () => {
  let fs: FakeEventSocket;
  const open: FreeSwitchResponse[] = [];
  beforeEach(async () => {
    fs = await exactSwitch().start();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.end();
    await fs.stop();
  });

  /** A bare esl connection, authenticated, subscribed to exactly `events` in `format`. */
  async function connection(format: 'json' | 'plain', events: string[]) {
    const socket = new Socket();
    const call = new FreeSwitchResponse(socket, eslLogger(logger));
    open.push(call);
    const seen: Array<{ name: string; body: Record<string, unknown> }> = [];
    for (const n of ['BACKGROUND_JOB', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'HEARTBEAT'] as const) call.on(n, (e) => void seen.push({ name: n, body: e.body as Record<string, unknown> }));
    const authRequest = call.onceAsync('freeswitch_auth_request', 20_000, 'auth');
    socket.connect({ host: '127.0.0.1', port: fs.port });
    await authRequest;
    await call.auth(fs.password);
    await call.send(`event ${format} ${events.join(' ')}`);
    return { call, seen };
  }

  it('sends each event only to connections subscribed to it, BACKGROUND_JOB included, in their format', async () => {
    const listener = await connection('json', ['BACKGROUND_JOB', 'CHANNEL_HANGUP_COMPLETE']);
    const caller = await connection('plain', ['CHANNEL_ANSWER', 'HEARTBEAT']);
    fs.outcome('13900000001', { kind: 'answer', afterMs: 1, talkMs: 1 });
    // A value with a space travels quoted: the switch splits the line on spaces outside single quotes.
    await caller.call.send("bgapi originate {origination_uuid=u-1,salesops_call_id='c 1'}sofia/gateway/dag1000/13900000001 &park()");
    await waitFor(() => listener.seen.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'), 'the hangup on the listener');
    // TCP keeps order: once the caller has this heartbeat, everything sent to it before has arrived.
    fs.emit({ 'Event-Name': 'HEARTBEAT' });
    await waitFor(() => caller.seen.some((e) => e.name === 'HEARTBEAT'), 'the heartbeat on the caller');
    expect(caller.seen.map((e) => e.name)).toEqual(['CHANNEL_ANSWER', 'HEARTBEAT']);
    expect(listener.seen.map((e) => e.name)).toEqual(['BACKGROUND_JOB', 'CHANNEL_HANGUP_COMPLETE']);
    expect(listener.seen[0]!.body['_body']).toBe('+OK u-1\n');
    expect(listener.seen[1]!.body).toMatchObject({ 'Unique-ID': 'u-1', variable_salesops_call_id: 'c 1', 'Hangup-Cause': 'NORMAL_CLEARING' });
    // Plain events are URL-encoded on the wire (and esl does not decode them: we use json).
    expect(caller.seen[0]!.body).toMatchObject({ 'Unique-ID': 'u-1', variable_salesops_call_id: 'c%201' });
  });

  it('refuses commands before auth, unknown commands, unknown gateways; knows which modules are loaded', async () => {
    const { call } = await connection('json', ['BACKGROUND_JOB']);
    await expect(call.send('frobnicate')).rejects.toMatchObject({ args: expect.objectContaining({ reply: '-ERR command not found' }) });
    expect((await call.api('module_exists mod_tts_commandline')).body).toBe('false');
    fs.modules.add('mod_tts_commandline');
    expect((await call.api('module_exists mod_tts_commandline')).body).toBe('true');
    expect((await call.bgapi('originate sofia/gateway/nope/13900000001 &park()', 20_000)).body['_body']).toBe('-ERR INVALID_GATEWAY\n');
    fs.gateways.set('dag1000', 'DOWN');
    expect((await call.bgapi('originate sofia/gateway/dag1000/13900000001 &park()', 20_000)).body['_body']).toBe('-ERR GATEWAY_DOWN\n');
  });

  it('hands an answered channel to `&socket(host:port [async] [full])` as mod_event_socket does: without full no `event` or `linger` (myevents only), without async an application runs before its reply', async () => {
    // Our side of the socket: a bare esl connection per channel handed over.
    const handed: FreeSwitchResponse[] = [];
    const server = createServer((socket) => void handed.push(new FreeSwitchResponse(socket, eslLogger(logger))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { call: caller } = await connection('json', ['BACKGROUND_JOB']);
    fs.outcome('default', { kind: 'answer', afterMs: 1, talkMs: 60_000 });
    /** Originates with the socket application's words `flags` (quoted, as our dialler sends them) and takes the handed channel's connect reply. */
    const handOver = async (n: number, flags: string) => {
      await caller.bgapi(`originate {origination_uuid=s-${n}}sofia/gateway/dag1000/1390000000${n} '&socket(127.0.0.1:${port}${flags})'`, 20_000);
      const call = await waitFor(() => handed[n], 'the channel handed over');
      const { headers } = await call.connect();
      return { call, mode: [headers['Socket-Mode'], headers['Control']], channel: fs.calls[n]! };
    };
    const refused = { args: expect.objectContaining({ reply: '-ERR command not found' }) };
    try {
      // async full (the dialplan's and our dialler's): every command, events by subscription, replies at once.
      const full = await handOver(0, ' async full');
      expect(full.mode).toEqual(['async', 'full']);
      await full.call.send('event json CHANNEL_EXECUTE_COMPLETE');
      await full.call.send('linger');
      expect((await full.call.command('playback', 'silence_stream://250', 20_000)).body).toMatchObject({ 'Unique-ID': 's-0', Application: 'playback' });

      // No words (the argument unquoted on the originate line): a static, single-channel socket.
      const bare = await handOver(1, '');
      expect(bare.mode).toEqual(['static', 'single-channel']);
      await expect(bare.call.send('event json CHANNEL_EXECUTE_COMPLETE')).rejects.toMatchObject(refused);
      await expect(bare.call.send('linger')).rejects.toMatchObject(refused);
      await expect(bare.call.send('api status')).rejects.toMatchObject(refused);
      // Its own channel's events come through myevents only.
      await bare.call.send('myevents json');
      expect((await bare.call.command('playback', 'silence_stream://250', 20_000)).body).toMatchObject({ 'Unique-ID': 's-1', Application: 'playback' });

      // full without async: the socket runs in the channel's thread; play_and_get_digits is acknowledged only once a key ends it.
      const sync = await handOver(2, ' full');
      expect(sync.mode).toEqual(['static', 'full']);
      const order: string[] = [];
      const acknowledged = sync.call.execute('play_and_get_digits', '1 1 1 5000 # silence_stream://250 silence_stream://250 d ^[12]$').then(() => void order.push('acknowledged'));
      await sync.channel.channel!.waitFor('play_and_get_digits');
      // A round trip on the other connection: a reply written before the application started has been read by now.
      expect((await caller.api('uuid_exists s-2')).body).toBe('true');
      order.push('key pressed');
      sync.channel.press!('1');
      await acknowledged;
      expect(order).toEqual(['key pressed', 'acknowledged']);
    } finally {
      for (const c of handed) c.end();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('hangs up a speak whose TTS module is not loaded right after the answer', async () => {
    const { call, seen } = await connection('json', ['BACKGROUND_JOB', 'CHANNEL_HANGUP_COMPLETE']);
    fs.outcome('default', { kind: 'answer', afterMs: 1, talkMs: 60_000 });
    await call.bgapi('originate sofia/gateway/dag1000/13900000001 &speak(tts_commandline|default|您好)', 20_000);
    await fs.calls[0]!.ended;
    await waitFor(() => seen.some((e) => e.name === 'CHANNEL_HANGUP_COMPLETE'), 'the hangup');
    expect(fs.calls[0]!.events).toContain('CHANNEL_EXECUTE_COMPLETE');
  });
});
