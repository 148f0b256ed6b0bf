import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/domain/auth/actor.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { createCallTask, setCallTaskStatus } from '../../src/domain/call-tasks/call-task.service.js';
import { runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import type { OriginateOutcome } from '../telephony/support/fake-switch.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { bootDiallerApp, type DiallerApp } from './support/dialler-app.js';
import type { DiallingSwitch } from './support/dialling-switch.js';


const n = (i: number) => `1380000${String(i).padStart(4, '0')}`;

describe.each(DIALECTS)('call-task dialler through the switch (%s)', (dialect) => {
  let t: DiallerApp;
  let sw: DiallingSwitch;
  let staffId: number;

  beforeAll(async () => {
    t = await bootDiallerApp(dialect);
    sw = t.sw;
    staffId = (await t.staffWithToken('manager')).id;
    for (const name of ['gw-a', 'gw-b']) await t.device(`${name}-${dialect}`, 2);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('dials at the line limit, retries busy and line failures, never retries invalid numbers, settles a lost result without redialling, skips by compliance and completes', async () => {
    const em = t.app.orm.em.fork();
    const numbers = Array.from({ length: 14 }, (_, i) => n(i + 1));
    for (const phone of [...numbers.slice(0, 11), n(14)]) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    recordConsent(em, { phone: n(12), channel: 'call', state: 'blacklisted', source: 'vendor_blacklist' });
    await em.flush();
    // 13 has no consent at all.
    const scripts: Record<string, (attempt: number) => OriginateOutcome | undefined> = {
      [n(7)]: (a) => (a === 1 ? { kind: 'busy' } : { kind: 'answer', afterMs: 10, talkMs: 20 }),
      [n(8)]: () => ({ kind: 'no_answer', ringMs: 20 }),
      [n(9)]: () => ({ kind: 'invalid' }),
      [n(10)]: (a) => (a === 1 ? { kind: 'gateway_down' } : { kind: 'answer', afterMs: 10, talkMs: 20 }),
      // The job's result never comes, but the channel rings, is answered and hangs up: its events settle it.
      [n(11)]: () => ({ kind: 'lost', then: { kind: 'answer', afterMs: 10, talkMs: 30 } }),
      // The result never comes and no channel ever existed: unknown, settled by uuid_exists, never redialled.
      [n(14)]: () => ({ kind: 'lost', then: { kind: 'gateway_down' } }),
    };
    sw.script = (number, attempt) => scripts[number]?.(attempt);
    for (const number of Object.keys(scripts)) sw.first(number);

    const deps = { ...t.app.callTasks.dialler(), clock: beijingMorningClock() };
    const actor = { staffId, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    authorize(actor, 'lead:call:create');
    const created = await createCallTask(em, { ...t.app.callTasks.deps, clock: deps.clock }, actor, { name: '线路测试', phoneNumbers: numbers, callScript: '您好', mode: 'robot', maxAttempts: 2, retryAfterMinutes: 0 });
    await setCallTaskStatus(em, { ...t.app.callTasks.deps, clock: deps.clock }, actor, created.taskId, 'START');

    const result = await runCallTask(deps, created.taskId, { budgetMs: 120_000 });
    expect(result).toBe('completed');

    const check = t.app.orm.em.fork();
    const task = await check.findOneOrFail(CallTaskSchema, { id: created.taskId });
    expect(task.status).toBe('COMPLETED');
    const phones = await check.find(CallTaskPhoneSchema, { task: created.taskId }, { orderBy: { id: 'asc' } });
    const state = Object.fromEntries(phones.map((p) => [p.phone.slice(3), [p.status, p.attempts, p.skipReason ?? null]]));
    for (let i = 1; i <= 6; i++) expect(state[n(i)]).toEqual(['answered', 1, null]);
    expect(state[n(7)]).toEqual(['answered', 2, null]);
    expect(state[n(8)]).toEqual(['no_answer', 2, null]);
    expect(state[n(9)]).toEqual(['invalid', 1, null]);
    expect(state[n(10)]).toEqual(['answered', 1, null]);
    expect(state[n(11)]).toEqual(['answered', 1, null]);
    expect(state[n(14)]).toEqual(['failed', 1, 'OUTCOME_UNKNOWN']);
    expect(state[n(12)]).toEqual(['skipped', 0, 'BLACKLISTED']);
    expect(state[n(13)]).toEqual(['skipped', 0, 'NO_CONSENT']);

    // The switch's view: never more than 2 calls in flight per gateway, no call id twice, each number as often as its attempts.
    const peaks = sw.peakPerGateway();
    expect(peaks.size).toBe(2);
    for (const peak of peaks.values()) expect(peak).toBeLessThanOrEqual(2);
    expect(sw.duplicates()).toBe(0);
    const dialled = (i: number) => sw.dialled(n(i));
    expect([1, 2, 3, 4, 5, 6].map(dialled)).toEqual([1, 1, 1, 1, 1, 1]);
    expect([7, 8, 9, 10, 11, 12, 13, 14].map(dialled)).toEqual([2, 2, 1, 2, 1, 0, 0, 1]);
    // Our call id travels as a channel variable; the gateway failure went out again on the other gateway.
    expect(sw.socket.calls.every((c) => c.vars['salesops_call_id'] === c.uuid && c.vars['salesops_task_id'] === String(created.taskId))).toBe(true);
    const gw10 = sw.spans.filter((s) => s.call.destination === n(10)).map((s) => s.gateway);
    expect(gw10[0]).not.toBe(gw10[1]);

    // One call model: every attempt is a `calls` row with its outcome.
    const calls = await check.find(CallSchema, { task: created.taskId });
    expect(calls.length).toBe(sw.socket.calls.length);
    expect(calls.filter((c) => c.outcome === 'answered').length).toBe(9);
    expect(calls.every((c) => c.endedAt && c.outcome)).toBe(true);
  }, 180_000);

  it("originates on a connection of their own: one leaves and gets its result while the main connection waits on a slow command's reply", async () => {
    // esl sends a connection's commands one after the previous one's reply: on one connection this originate
    // would wait behind the slow api command below until it answered.
    let answer!: (body: string) => void;
    sw.socket.onApi = (command) => (command === 'slow_probe' ? new Promise<string>((r) => (answer = r)) : undefined);
    // Both connections up: the main one and the originate one (HEARTBEAT only on those two).
    await waitFor(() => sw.socket.subscribers('HEARTBEAT') === 2 && sw.socket.subscribers('CHANNEL_HANGUP_COMPLETE') === 1, 'both event-socket connections');
    const slow = t.app.telephony!.events.api('slow_probe', 120_000);
    await sw.socket.waitForCommand(/^api slow_probe$/);
    sw.socket.outcome(n(90), { kind: 'invalid' });
    const result = await t.app.telephony!.switch.originate({ callId: randomUUID(), gateway: `gw-a-${dialect}`, number: n(90), callerId: null, timeoutSec: 10, destination: '&park()' });
    expect(result).toEqual({ kind: 'failed', cause: 'UNALLOCATED_NUMBER' });
    answer('done');
    expect(await slow).toBe('done');
    sw.socket.onApi = () => undefined;
  });
});
