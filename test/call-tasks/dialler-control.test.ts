import { beforeAll, describe, expect, it } from 'vitest';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { NO_LINE_FAIL_MS, runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { LineBook } from '../../src/domain/call-tasks/line-book.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { BASE, callTaskFixture } from './support/call-task-fixture.js';
import type { DiallingSwitch } from './support/dialling-switch.js';
import { beijingTomorrow, recordingQueue } from './support/movable-clock.js';

const MIN = 60_000;

/**
 * The dialler's control and limits on both dialects, the time moved by a clock the test holds: STOP and
 * cancel in the middle of dialling, FAILED after ten minutes without a working line, retries after
 * retryAfterMinutes, compliance on every dial, lines and CPS per device.
 */
describe.each(DIALECTS)('call-task dialler: control, limits and compliance (%s)', (dialect) => {
  const f = callTaskFixture(dialect, { env: { MARKETING_HOURS: '09:00-20:00' } });
  const { clock, device, numbers, createTask, startedTask, put, dialler, phonesOf } = f;
  let sw: DiallingSwitch;
  beforeAll(() => void (sw = f.t.sw));
  const callsOf = (id: number) => f.t.app.orm.em.fork().find(CallSchema, { task: id }, { orderBy: { id: 'asc' } });
  const callsTo = (list: string[]) => sw.socket.calls.filter((c) => list.includes(c.destination));

  it('STOP mid-dial: no originate after STOP answered, calls in progress finish and are recorded, START dials only the numbers left', async () => {
    const { id, list } = await startedTask(4, 10, { kind: 'held' });

    const run = runCallTask(dialler(), id, { budgetMs: 120_000 });
    // STOP while the dialler is still filling the device's lines.
    await waitFor(() => callsTo(list).length >= 2, 'the second originate');
    const stop = await put(id, 'status', { action: 'STOP' });
    expect(stop.body.data).toEqual({ taskId: id, status: 'STOPPED' });
    const stoppedAt = clock.now();
    expect(await run).toBe('stopped');

    // Every attempt claimed before STOP reaches the switch; none was claimed after it.
    const claimed = await callsOf(id);
    expect(claimed.length).toBeGreaterThanOrEqual(2);
    expect(claimed.length).toBeLessThanOrEqual(4);
    for (const c of claimed) expect(c.startedAt.getTime()).toBeLessThanOrEqual(stoppedAt.getTime());
    await waitFor(() => callsTo(list).length === claimed.length, 'the claimed originates at the switch');
    // The calls in progress finish (answered) and are recorded.
    for (const c of callsTo(list)) await waitFor(() => c.pickUp, 'the call ringing');
    for (const c of callsTo(list)) c.pickUp!(20);
    await waitFor(async () => (await phonesOf(id)).filter((p) => p.status === 'answered').length === claimed.length, 'the calls in progress recorded');
    expect((await callsOf(id)).every((c) => c.outcome === 'answered' && c.endedAt)).toBe(true);
    const afterStop = await phonesOf(id);
    expect(afterStop.filter((p) => p.status === 'pending' && p.attempts === 0).length).toBe(list.length - claimed.length);
    expect((await f.t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id })).status).toBe('STOPPED');
    // A dialler run while STOPPED dials nothing.
    expect(await runCallTask(dialler(), id)).toBe('stopped');
    expect(callsTo(list).length).toBe(claimed.length);

    // START resumes with the numbers left; none is dialled twice.
    for (const x of list) sw.socket.outcome(x, { kind: 'answer', afterMs: 5, talkMs: 10 });
    expect((await put(id, 'status', { action: 'START' })).body.data.status).toBe('RUNNING');
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect(list.map((x) => sw.dialled(x))).toEqual(list.map(() => 1));
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts])).toEqual(list.map(() => ['answered', 1]));
    expect(sw.duplicates()).toBe(0);
  }, 180_000);

  it('robot mode claims the next number ahead while every line rings: it leaves the moment a line frees, never beyond the lines; STOP gives it back undialled', async () => {
    const { id, list, gw } = await startedTask(2, 4, { kind: 'held' });
    const run = runCallTask(dialler(), id, { budgetMs: 120_000 });
    const dialling = async () => (await phonesOf(id)).filter((p) => p.status === 'dialing').map((p) => p.phone.slice(3));

    // Both lines ring; the third number is claimed (its call recorded) but not dialled.
    await waitFor(() => callsTo(list).length === 2, 'both lines ringing');
    await waitFor(async () => (await dialling()).length === 3, 'the third number claimed ahead');
    expect(callsTo(list).map((c) => c.destination)).toEqual(list.slice(0, 2));
    expect((await callsOf(id)).map((c) => c.callee.slice(3)).sort()).toEqual(list.slice(0, 3));
    // Not a call until it leaves: the call records and the task's totalCalls show the two dialled.
    expect((await f.t.call('GET', `${BASE}/call-records?taskId=${id}`, { token: f.token })).body.data.total).toBe(2);
    expect((await f.t.call('GET', `${BASE}/call-tasks/${id}`, { token: f.token })).body.data.totalCalls).toBe(2);

    // A line frees: the number claimed ahead is the next originate, and the fourth is claimed ahead in turn.
    await waitFor(() => callsTo(list)[0]!.pickUp, 'the first call ringing');
    callsTo(list)[0]!.pickUp!(5);
    await waitFor(() => callsTo(list).length === 3, 'the number claimed ahead dialled');
    expect(callsTo(list)[2]!.destination).toBe(list[2]);
    expect(sw.peakPerGateway().get(gw.name)).toBe(2);
    await waitFor(async () => (await dialling()).includes(list[3]!), 'the fourth number claimed ahead');

    // STOP: the fourth never leaves; its number is pending again with no attempt and no call row.
    expect((await put(id, 'status', { action: 'STOP' })).status).toBe(200);
    expect(await run).toBe('stopped');
    const fourth = (await phonesOf(id)).find((p) => p.phone.endsWith(list[3]!))!;
    expect([fourth.status, fourth.attempts, fourth.lastCallId]).toEqual(['pending', 0, null]);
    expect((await callsOf(id)).map((c) => c.callee.slice(3)).sort()).toEqual(list.slice(0, 3));
    expect(sw.dialled(list[3]!)).toBe(0);

    // The calls in progress finish; START dials the fourth once.
    for (const c of callsTo(list).slice(1)) {
      await waitFor(() => c.pickUp, 'the call ringing');
      c.pickUp!(5);
    }
    sw.socket.outcome(list[3]!, { kind: 'answer', afterMs: 5, talkMs: 5 });
    await waitFor(async () => (await dialling()).length === 0, 'the calls in progress settled');
    expect((await put(id, 'status', { action: 'START' })).status).toBe(200);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect(list.map((x) => sw.dialled(x))).toEqual([1, 1, 1, 1]);
    expect(sw.duplicates()).toBe(0);
  }, 180_000);

  it('robot mode with CALL_TASK_CLAIM_AHEAD=false claims only when a line frees: no claimed_ahead row is ever written, never beyond the lines, each number dialled once', async () => {
    const gw = await device(2);
    const list = await numbers(6);
    for (const x of list) sw.socket.outcome(x, { kind: 'held' });
    const id = await createTask({ name: '不预占', phoneNumbers: list, deviceIds: [gw.id] });
    // Every call row the app inserts for this task, as it is inserted (a row claimed ahead and let go loses its mark later).
    const inserted: boolean[] = [];
    f.t.app.orm.em.getEventManager().registerSubscriber({
      getSubscribedEntities: () => [CallSchema],
      afterCreate: ({ entity }) => void (entity.task === id && inserted.push(entity.claimedAhead)),
    });
    await put(id, 'status', { action: 'START' });
    const run = runCallTask(dialler({ claimAhead: false }), id, { budgetMs: 120_000 });
    const ringing = () => callsTo(list).filter((c) => c.pickUp && !c.hangupCause);
    // Each time both lines ring: a call row for each originate and none more (none claimed ahead); then the oldest is answered.
    for (let dialled = 2; dialled <= list.length; dialled++) {
      await waitFor(() => callsTo(list).length === dialled && ringing().length === 2, `call ${dialled} ringing beside another`);
      const rows = await callsOf(id);
      expect([rows.length, rows.filter((c) => c.claimedAhead).length]).toEqual([dialled, 0]);
      ringing()[0]!.pickUp!(5);
    }
    ringing()[0]!.pickUp!(5);
    expect(await run).toBe('completed');
    expect(inserted).toEqual(list.map(() => false));
    expect(sw.peakPerGateway().get(gw.name)).toBe(2);
    expect((await phonesOf(id)).map((p) => p.status)).toEqual(list.map(() => 'answered'));
    expect(list.map((x) => sw.dialled(x))).toEqual(list.map(() => 1));
    expect(sw.duplicates()).toBe(0);
  }, 180_000);

  it('cancel mid-dial: calls in progress finish and are recorded, the numbers left become cancelled, then every control answers 409', async () => {
    const { id, list } = await startedTask(3, 8, { kind: 'held' });

    const run = runCallTask(dialler(), id, { budgetMs: 120_000 });
    await waitFor(() => callsTo(list).length >= 2, 'the second originate');
    const cancel = await put(id, 'cancel');
    expect(cancel.body.data).toEqual({ taskId: id, status: 'CANCELLED' });
    const cancelledAt = clock.now();
    expect(await run).toBe('cancelled');

    const claimed = await callsOf(id);
    for (const c of claimed) expect(c.startedAt.getTime()).toBeLessThanOrEqual(cancelledAt.getTime());
    await waitFor(() => callsTo(list).length === claimed.length, 'the claimed originates at the switch');
    const [first, second, ...rest] = callsTo(list);
    // One is answered; one is busy (no retry: the task is cancelled); the rest are answered too.
    await waitFor(() => first!.pickUp && second!.pickUp, 'the calls ringing');
    first!.pickUp!(20);
    sw.socket.hangup(second!, 'USER_BUSY');
    for (const c of rest) {
      await waitFor(() => c.pickUp, 'the call ringing');
      c.pickUp!(20);
    }
    await waitFor(async () => (await phonesOf(id)).every((p) => !['pending', 'dialing', 'unknown'].includes(p.status)), 'every number final');
    const phones = await phonesOf(id);
    const byNumber = new Map(phones.map((p) => [p.phone.slice(3), p]));
    expect(byNumber.get(first!.destination)!.status).toBe('answered');
    expect(byNumber.get(second!.destination)).toMatchObject({ status: 'cancelled', skipReason: 'CANCELLED' });
    const untouched = list.filter((x) => !callsTo(list).some((c) => c.destination === x));
    expect(untouched.length).toBe(list.length - claimed.length);
    for (const x of untouched) expect(byNumber.get(x)).toMatchObject({ status: 'cancelled', attempts: 0, skipReason: 'CANCELLED' });
    const calls = await callsOf(id);
    expect(calls.length).toBe(claimed.length);
    expect(calls.every((c) => c.endedAt && c.outcome)).toBe(true);

    const task = await f.t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id });
    expect(task.status).toBe('CANCELLED');
    const again = await put(id, 'cancel');
    expect([again.status, again.body.error, again.body.message]).toEqual([409, 'CALL_TASK_NOT_CANCELLABLE', '已完成或已停止的任务无法取消']);
    const start = await put(id, 'status', { action: 'START' });
    expect([start.status, start.body.error]).toEqual([409, 'CALL_TASK_NOT_STARTABLE']);
    const stop = await put(id, 'status', { action: 'STOP' });
    expect([stop.status, stop.body.error]).toEqual([409, 'CALL_TASK_NOT_RUNNING']);
    expect(await runCallTask(dialler(), id)).toBe('cancelled');
    expect(callsTo(list).length).toBe(claimed.length);
  }, 180_000);

  it('FAILED with the reason when no line has worked for 10 minutes (every gateway down); the numbers keep their attempts', async () => {
    const a = await device(2);
    const b = await device(2);
    sw.socket.gateways.set(a.name, 'DOWN');
    sw.socket.gateways.set(b.name, 'DOWN');
    const list = await numbers(3);
    const id = await createTask({ name: '网关故障', phoneNumbers: list, deviceIds: [a.id, b.id] });
    await put(id, 'status', { action: 'START' });
    let finished: string | undefined;
    const run = runCallTask(dialler(), id, { budgetMs: 120_000 }).then((r) => (finished = r));
    // Each gateway refuses an originate; the retry goes to the other one, then both rest.
    const gateways = () => new Set(sw.spans.filter((s) => list.includes(s.call.destination)).map((s) => s.gateway));
    await waitFor(() => gateways().size === 2, 'an originate on each gateway');
    await waitFor(async () => (await callsOf(id)).filter((c) => c.outcome === 'line_failed').length >= 2, 'both failures recorded');
    expect(finished).toBeUndefined();
    expect((await f.t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id })).status).toBe('RUNNING');

    clock.advance(NO_LINE_FAIL_MS + MIN);
    expect(await run).toBe('failed');
    const task = await f.t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id });
    expect(task.status).toBe('FAILED');
    expect(task.failureReason).toContain('10 分钟内没有可用线路');
    // Line failures use up no attempt: the numbers wait, untouched, for a START after the gateway is fixed
    // (an originate still out when the task failed settles the same way).
    await waitFor(async () => (await phonesOf(id)).every((p) => p.status === 'pending'), 'the last failures settled');
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts])).toEqual(list.map(() => ['pending', 0]));
    const detail = await f.t.call('GET', `${BASE}/call-tasks/${id}`, { token: f.token });
    expect(detail.body.data.status).toBe('FAILED');

    sw.socket.gateways.set(a.name, 'UP');
    sw.socket.gateways.set(b.name, 'UP');
    clock.advance(MIN); // the failing gateways' rest (30 s) is over
    expect((await put(id, 'status', { action: 'START' })).body.data.status).toBe('RUNNING');
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect((await phonesOf(id)).map((p) => p.status)).toEqual(list.map(() => 'answered'));
  }, 180_000);

  it('busy waits retryAfterMinutes before its next attempt, no answer stops at maxAttempts, invalid is never retried, a line failure goes out on another line', async () => {
    const a = await device(1);
    const b = await device(1);
    const [busy, silent, invalid, flaky] = await numbers(4);
    sw.script = (number, attempt) => {
      if (number === busy) return attempt === 1 ? { kind: 'busy' } : { kind: 'answer', afterMs: 5, talkMs: 10 };
      if (number === silent) return { kind: 'no_answer', ringMs: 10 };
      if (number === invalid) return { kind: 'invalid' };
      if (number === flaky) return attempt === 1 ? { kind: 'gateway_down', cause: 'NORMAL_TEMPORARY_FAILURE' } : { kind: 'answer', afterMs: 5, talkMs: 10 };
      return undefined;
    };
    for (const x of [busy!, silent!, invalid!, flaky!]) sw.first(x);
    const id = await createTask({ name: '重试', phoneNumbers: [busy, silent, invalid, flaky], deviceIds: [a.id, b.id], maxAttempts: 2, retryAfterMinutes: 30 });
    await put(id, 'status', { action: 'START' });

    const jobs = recordingQueue();
    const firstRun = clock.now();
    expect(await runCallTask(dialler({ jobs }), id, { budgetMs: 120_000 })).toBe('waiting');
    const state = async () => Object.fromEntries((await phonesOf(id)).map((p) => [p.phone.slice(3), p]));
    let s = await state();
    expect([s[busy!]!.status, s[busy!]!.attempts]).toEqual(['pending', 1]);
    expect([s[silent!]!.status, s[silent!]!.attempts]).toEqual(['pending', 1]);
    expect([s[invalid!]!.status, s[invalid!]!.attempts]).toEqual(['invalid', 1]);
    expect([s[flaky!]!.status, s[flaky!]!.attempts]).toEqual(['answered', 1]);
    const retryAt = s[busy!]!.nextAttemptAt!.getTime();
    // (MariaDB keeps whole seconds.)
    expect(retryAt - firstRun.getTime()).toBeGreaterThanOrEqual(30 * MIN - 1000);
    expect(retryAt - firstRun.getTime()).toBeLessThan(31 * MIN);
    // The run waits for the retry time: the next run is queued then, not before.
    expect(jobs.queued.at(-1)!.runAt!.getTime()).toBeGreaterThanOrEqual(Math.min(retryAt, s[silent!]!.nextAttemptAt!.getTime()));
    expect([busy, silent].map((x) => sw.dialled(x!))).toEqual([1, 1]);
    // The line failure went out again on the other device.
    const flakyGateways = sw.spans.filter((x) => x.call.destination === flaky).map((x) => x.gateway);
    expect(flakyGateways.length).toBe(2);
    expect(flakyGateways[0]).not.toBe(flakyGateways[1]);

    // Before the retry time nothing is dialled again.
    clock.advance(20 * MIN);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('waiting');
    expect([busy, silent].map((x) => sw.dialled(x!))).toEqual([1, 1]);

    clock.advance(11 * MIN);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    s = await state();
    expect([s[busy!]!.status, s[busy!]!.attempts]).toEqual(['answered', 2]);
    expect([s[silent!]!.status, s[silent!]!.attempts]).toEqual(['no_answer', 2]);
    expect([busy, silent, invalid, flaky].map((x) => sw.dialled(x!))).toEqual([2, 2, 1, 2]);
    sw.script = () => undefined;
  }, 180_000);

  it('compliance on every dial: blacklisted, opted-out, no-consent and this month’s marketing call skipped with the reason per number; the carrier caps (3 per 5 min, 5 per 24 h across all our calls) wait, never drop', async () => {
    const gw = await device(2);
    const [fine, blacklisted, optedOut, noConsent, calledThisMonth, fiveMinCap, dayCap] = await numbers(7, false);
    const em = f.t.app.orm.em.fork();
    for (const x of [fine, calledThisMonth, fiveMinCap, dayCap]) recordConsent(em, { phone: x!, channel: 'call', state: 'granted', source: 'import' });
    recordConsent(em, { phone: blacklisted!, channel: 'call', state: 'blacklisted', source: 'vendor_blacklist' });
    recordConsent(em, { phone: optedOut!, channel: 'call', state: 'granted', source: 'import', at: new Date(Date.now() - 2000) });
    recordConsent(em, { phone: optedOut!, channel: 'call', state: 'opted_out', source: 'ivr' });
    const now = Math.floor(clock.now().getTime() / 1000) * 1000; // MariaDB keeps whole seconds
    const past = (phone: string, agoMs: number, outcome: 'busy' | 'no_answer' | 'answered') =>
      em.create(CallSchema, { uuid: `past-${dialect}-${phone}-${agoMs}`, direction: 'outbound', source: 'outreach', callee: `+86${phone}`, calleeLast8: phone.slice(-8), startedAt: new Date(now - agoMs), endedAt: new Date(now - agoMs + 20_000), outcome });
    past(calledThisMonth!, 10 * 24 * 60 * MIN, 'answered');
    // Busy and unanswered calls are no contact (the monthly rule ignores them) but count for the carrier caps.
    for (const ago of [4 * MIN, 3 * MIN, 2 * MIN]) past(fiveMinCap!, ago, 'busy');
    for (const ago of [20 * 60 * MIN, 19 * 60 * MIN, 18 * 60 * MIN, 60 * MIN, 30 * MIN]) past(dayCap!, ago, 'no_answer');
    await em.flush();
    const all = [fine!, blacklisted!, optedOut!, noConsent!, calledThisMonth!, fiveMinCap!, dayCap!];
    const id = await createTask({ name: '合规', phoneNumbers: all, deviceIds: [gw.id] });
    await put(id, 'status', { action: 'START' });

    const jobs = recordingQueue();
    expect(await runCallTask(dialler({ jobs }), id, { budgetMs: 120_000 })).toBe('waiting');
    const detail = await f.t.call('GET', `${BASE}/call-tasks/${id}`, { token: f.token });
    const shown = Object.fromEntries((detail.body.data.numbers as Array<{ phoneNumber: string; status: string; skipReason: string | null; nextAttemptAt: string | null }>).map((n) => [n.phoneNumber, n]));
    expect(shown[fine!]).toMatchObject({ status: 'answered' });
    expect(shown[blacklisted!]).toMatchObject({ status: 'skipped', skipReason: 'BLACKLISTED' });
    expect(shown[optedOut!]).toMatchObject({ status: 'skipped', skipReason: 'OPTED_OUT' });
    expect(shown[noConsent!]).toMatchObject({ status: 'skipped', skipReason: 'NO_CONSENT' });
    expect(shown[calledThisMonth!]).toMatchObject({ status: 'skipped', skipReason: 'FREQUENCY_CAP' });
    // The capped numbers wait until their oldest call leaves the window.
    expect(shown[fiveMinCap!]).toMatchObject({ status: 'pending', skipReason: null });
    expect(new Date(shown[fiveMinCap!]!.nextAttemptAt!).getTime()).toBe(now - 4 * MIN + 5 * MIN);
    expect(shown[dayCap!]).toMatchObject({ status: 'pending', skipReason: null });
    expect(new Date(shown[dayCap!]!.nextAttemptAt!).getTime()).toBe(now - 20 * 60 * MIN + 24 * 60 * MIN);
    expect(jobs.queued.at(-1)!.runAt!.getTime()).toBe(now + MIN);
    expect(all.map((x) => sw.dialled(x))).toEqual([1, 0, 0, 0, 0, 0, 0]);

    clock.advance(MIN + 1000);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('waiting');
    expect(all.map((x) => sw.dialled(x))).toEqual([1, 0, 0, 0, 0, 1, 0]);
    clock.advance(4 * 60 * MIN);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect(all.map((x) => sw.dialled(x))).toEqual([1, 0, 0, 0, 0, 1, 1]);
  }, 180_000);

  it('two tasks on one device never have more calls in flight than its lines; originates never faster than the CPS setting', async () => {
    const gw = await device(2);
    const one = await numbers(6);
    const two = await numbers(6);
    for (const x of [...one, ...two]) sw.socket.outcome(x, { kind: 'answer', afterMs: 20, talkMs: 40 });
    // The first callee rings until a second call is up on the device (both lines in use once, however slow a claim is).
    sw.socket.outcome(one[0]!, { kind: 'held' });
    const a = await createTask({ name: '并发A', phoneNumbers: one, deviceIds: [gw.id] });
    const b = await createTask({ name: '并发B', phoneNumbers: two, deviceIds: [gw.id] });
    await put(a, 'status', { action: 'START' });
    await put(b, 'status', { action: 'START' });
    const running = Promise.all([runCallTask(dialler(), a, { budgetMs: 120_000 }), runCallTask(dialler(), b, { budgetMs: 120_000 })]);
    const held = await waitFor(() => sw.socket.calls.find((c) => c.destination === one[0]), 'the first callee ringing');
    await waitFor(() => sw.peakPerGateway().get(gw.name) === 2, 'a second call up on the device');
    held.pickUp!(40);
    expect(await running).toEqual(['completed', 'completed']);
    expect(sw.peakPerGateway().get(gw.name)).toBe(2);

    // CPS: a line book of 5 originates per second per device (the process's book is at 50 in this suite).
    const paced = await device(4);
    const list = await numbers(11);
    for (const x of list) sw.socket.outcome(x, { kind: 'answer', afterMs: 5, talkMs: 10 });
    const lines = new LineBook(5);
    const off = f.t.app.telephony!.switch.onCallEnded((ended) => lines.release(ended.callId));
    const c = await createTask({ name: '限速', phoneNumbers: list, deviceIds: [paced.id] });
    await put(c, 'status', { action: 'START' });
    expect(await runCallTask(dialler({ lines }), c, { budgetMs: 120_000 })).toBe('completed');
    off();
    const times = sw.spans.filter((s) => s.gateway === paced.name).map((s) => s.start).sort((x, y) => x - y);
    expect(times.length).toBe(11);
    // 11 originates at 5 per second span at least 2 s (unpaced they would leave within a few ms of each other).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2000 - 50);
    expect(lines.peak.get(paced.id)).toBeLessThanOrEqual(4);
  }, 180_000);

  it('CPS at the switch: a slow acknowledgement of one originate does not let the next ones reach the switch together', async () => {
    // The switch takes 600 ms to acknowledge the first originate (1 / CPS is 200 ms here). esl writes a command only
    // after the reply to the previous one: originates handed over 200 ms apart while it waits would reach the
    // switch back to back; paced from the acknowledgement they stay 200 ms apart at the switch.
    const paced = await device(4);
    const list = await numbers(4);
    for (const x of list) sw.socket.outcome(x, { kind: 'answer', afterMs: 5, talkMs: 2000 });
    sw.socket.bgapiReplyAfterMs = (command) => (command.includes(`/${list[0]!}`) ? 600 : 0);
    const lines = new LineBook(5);
    const off = f.t.app.telephony!.switch.onCallEnded((ended) => lines.release(ended.callId));
    const c = await createTask({ name: '慢确认', phoneNumbers: list, deviceIds: [paced.id] });
    await put(c, 'status', { action: 'START' });
    try {
      expect(await runCallTask(dialler({ lines }), c, { budgetMs: 120_000 })).toBe('completed');
    } finally {
      off();
      sw.socket.bgapiReplyAfterMs = () => 0;
    }
    const arrivals = sw.spans.filter((s) => s.gateway === paced.name).map((s) => s.start).sort((x, y) => x - y);
    expect(arrivals.length).toBe(4);
    // Date.now() stamps: whole milliseconds.
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200 - 1);
    // The second waited for the first one's acknowledgement.
    expect(gaps[0]).toBeGreaterThanOrEqual(600 + 200 - 1);
  }, 180_000);

  it('outside the calling window the task waits and resumes at the next opening, dropping nothing', async () => {
    const gw = await device(2);
    const list = await numbers(3);
    const id = await createTask({ name: '时段', phoneNumbers: list, deviceIds: [gw.id] });
    await put(id, 'status', { action: 'START' });
    // 20:30 Beijing: inside the carrier's 08:00–21:00 but after MARKETING_HOURS (09:00–20:00).
    const evening = new Date(beijingTomorrow('20:30').getTime() + 2 * 24 * 60 * MIN);
    clock.set(evening);
    const jobs = recordingQueue();
    expect(await runCallTask(dialler({ jobs }), id)).toBe('waiting');
    const opening = new Date(beijingTomorrow('09:00').getTime() + 3 * 24 * 60 * MIN);
    // (Besides the task lease's watch, queued when the run took the task: task-lease.ts.)
    expect(jobs.queued.filter((j) => j.name !== 'call-task.watch').map((j) => [j.name, j.runAt?.toISOString()])).toEqual([['call-task.run', opening.toISOString()]]);
    expect(list.map((x) => sw.dialled(x))).toEqual([0, 0, 0]);
    expect((await phonesOf(id)).map((p) => [p.status, p.skipReason])).toEqual(list.map(() => ['pending', null]));

    // 08:30 Beijing: the carrier allows it, the marketing window not yet.
    clock.set(new Date(opening.getTime() - 30 * MIN));
    expect(await runCallTask(dialler({ jobs }), id)).toBe('waiting');
    expect(list.map((x) => sw.dialled(x))).toEqual([0, 0, 0]);

    clock.set(opening);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect((await phonesOf(id)).map((p) => p.status)).toEqual(list.map(() => 'answered'));
  }, 180_000);
});
