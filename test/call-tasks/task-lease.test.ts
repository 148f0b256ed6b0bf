import { describe, expect, it, vi } from 'vitest';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { TaskLeases } from '../../src/domain/call-tasks/task-lease.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { callTaskFixture } from './support/call-task-fixture.js';
import { recordingQueue } from './support/movable-clock.js';

/**
 * The task lease on both dialects, inside one process (the two-process run with a kill is
 * test/cluster/call-task-lease.test.ts): take / renew / release, a run refused while another process holds
 * the task, and a run whose task is taken over mid-dial claims nothing more.
 */
describe.each(DIALECTS)('call-task lease (%s)', (dialect) => {
  const f = callTaskFixture(dialect);
  const { startedTask, dialler } = f;
  const task = (id: number) => f.t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id });

  it('one holder at a time: taken when free or expired, renewed and released only by its holder', async () => {
    const { id } = await startedTask(1, 1);
    const em = () => f.t.app.orm.em.fork();
    const a = new TaskLeases('A', 60_000);
    const b = new TaskLeases('B', 60_000);
    expect(await a.take(em(), id)).toBe(true);
    expect(await b.take(em(), id)).toBe(false);
    expect(await a.take(em(), id)).toBe(true);
    expect(await b.renew(em(), id)).toBe(false);
    await b.release(em(), id);
    expect((await task(id)).diallerOwner).toBe('A');
    // A's heartbeat stopped: once its time has passed, B takes the task and A can no longer renew it.
    await em().nativeUpdate(CallTaskSchema, { id }, { diallerLeaseUntil: new Date(Date.now() - 1000) });
    expect(await b.take(em(), id)).toBe(true);
    expect(await a.renew(em(), id)).toBe(false);
    expect(await b.renew(em(), id)).toBe(true);
    await b.release(em(), id);
    expect((await task(id)).diallerOwner).toBeNull();
  });

  /** Runs `step` on a host whose clock is `skewMs` off (the process's Date, as `new Date()` reads it). */
  async function onHostClock<T>(skewMs: number, step: () => Promise<T>): Promise<T> {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + skewMs });
    try {
      return await step();
    } finally {
      vi.useRealTimers();
    }
  }

  it('lease times are the database clock: holders whose clocks disagree by more than the lease never both hold it, and an expired lease is taken over', async () => {
    const { id } = await startedTask(1, 1);
    const em = () => f.t.app.orm.em.fork();
    const leaseMs = 2000;
    const skew = 3 * leaseMs;
    const slow = new TaskLeases('slow-host', leaseMs);
    const fast = new TaskLeases('fast-host', leaseMs);
    // The slow host holds the task: the fast one, its clock six lease times ahead, does not see the lease expired.
    expect(await onHostClock(-skew, () => slow.take(em(), id))).toBe(true);
    expect(await onHostClock(skew, () => fast.take(em(), id))).toBe(false);
    expect(await onHostClock(-skew, () => slow.renew(em(), id))).toBe(true);
    const renewedAt = performance.now();
    expect(await onHostClock(skew, () => fast.take(em(), id))).toBe(false);
    expect((await task(id)).diallerOwner).toBe('slow-host');
    // The slow host stops renewing: its lease expires after the lease time (real time), and the fast host takes the task over.
    await waitFor(() => onHostClock(skew, () => fast.take(em(), id)), 'the fast host to take the expired lease over', 30_000);
    // MariaDB keeps the lease in whole seconds: it may end up to a second early, never later.
    expect(performance.now() - renewedAt).toBeGreaterThan(leaseMs - 1100);
    expect(await onHostClock(-skew, () => slow.renew(em(), id))).toBe(false);
    expect(await onHostClock(-skew, () => slow.take(em(), id))).toBe(false);
    // Now the fast host dies: the slow host takes the task over one lease time later, not when its own clock catches up.
    const lastBeat = performance.now();
    await waitFor(() => onHostClock(-skew, () => slow.take(em(), id)), 'the slow host to take the expired lease over', leaseMs + 5000);
    expect(performance.now() - lastBeat).toBeGreaterThan(leaseMs - 1100);
    expect(await onHostClock(skew, () => fast.renew(em(), id))).toBe(false);
    expect((await task(id)).diallerOwner).toBe('slow-host');
  });

  it('a host whose clock is behind the database queues the watch one lease time after its own now, not at the lease end read as a host time', async () => {
    const { id } = await startedTask(1, 1);
    const em = () => f.t.app.orm.em.fork();
    const leaseMs = 2000;
    const skew = 60_000;
    const holder = new TaskLeases('holder', leaseMs);
    expect(await holder.take(em(), id)).toBe(true);
    const jobs = recordingQueue();
    // The watch comes on a host a minute behind: the lease ends about one lease time from now by either clock.
    const [result, hostNow] = await onHostClock(-skew, async () => [await holder.lookAgain(em(), jobs, id), Date.now()] as const);
    expect(result).toBe('held');
    const watch = jobs.queued.find((j) => j.name === 'call-task.watch')!;
    // The first multiple of the lease time after the lease's end on the host's clock (not a minute later).
    expect(watch.runAt!.getTime() - hostNow).toBeLessThanOrEqual(2 * leaseMs + 100);
    await holder.release(em(), id);
  });

  it('a task another process dials is not dialled here; its watch comes again while that process lives and has the task taken over once its lease has expired', async () => {
    const { id, list } = await startedTask(2, 3);
    const until = new Date(Date.now() + 60_000);
    await f.t.app.orm.em.fork().nativeUpdate(CallTaskSchema, { id }, { diallerOwner: 'another-process', diallerLeaseUntil: until });
    const jobs = recordingQueue();
    expect(await runCallTask(dialler({ jobs }), id)).toBe('leased');
    expect(f.t.sw.socket.calls.filter((c) => list.includes(c.destination))).toHaveLength(0);
    expect((await task(id)).diallerOwner).toBe('another-process');
    expect(jobs.queued.map((j) => [j.name, j.data])).toEqual([['call-task.watch', { taskId: id }]]);
    expect(jobs.queued[0]!.runAt!.getTime()).toBeGreaterThan(until.getTime());
    // The watch comes while that process still holds the task: it only comes again later.
    const leases = f.t.app.callTasks.dialler().leases;
    expect(await leases.lookAgain(f.t.app.orm.em.fork(), jobs, id)).toBe('held');
    expect(jobs.queued.map((j) => j.name)).toEqual(['call-task.watch', 'call-task.watch']);
    // A take-over run while the lease is alive dials nothing.
    expect(await runCallTask(dialler({ jobs }), id, { lookAgain: true })).toBe('leased');
    expect(f.t.sw.socket.calls.filter((c) => list.includes(c.destination))).toHaveLength(0);
    // That process died: its lease expires; the watch queues the next watch first, then a run that takes the task over and dials it to the end.
    await f.t.app.orm.em.fork().nativeUpdate(CallTaskSchema, { id }, { diallerLeaseUntil: new Date(Date.now() - 1000) });
    expect(await leases.lookAgain(f.t.app.orm.em.fork(), jobs, id)).toBe('take-over');
    expect(jobs.queued.slice(2).map((j) => [j.name, j.data])).toEqual([['call-task.watch', { taskId: id }], ['call-task.run', { taskId: id, lookAgain: true }]]);
    expect(await runCallTask(dialler({ jobs }), id, { lookAgain: true, budgetMs: 120_000 })).toBe('completed');
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual(list.map(() => 1));
    expect((await task(id)).diallerOwner).toBeNull();
    // Nobody holds the task any more: the watch ends there.
    expect(await leases.lookAgain(f.t.app.orm.em.fork(), jobs, id)).toBe('idle');
  });

  it('taken over mid-dial: the claim checks the lease, so not one more number is dialled here; the calls in flight finish', async () => {
    const { id, list } = await startedTask(2, 6);
    for (const x of list) f.t.sw.socket.outcome(x, { kind: 'held' });
    const run = runCallTask(dialler(), id, { budgetMs: 120_000 });
    await waitFor(() => f.t.sw.socket.calls.filter((c) => list.includes(c.destination)).length === 2, 'both lines ringing');
    // Another process takes the task over (as after this one's lease expired).
    await f.t.app.orm.em.fork().nativeUpdate(CallTaskSchema, { id }, { diallerOwner: 'another-process', diallerLeaseUntil: new Date(Date.now() + 60_000) });
    // A line frees: the pump claims the next number at once — and the claim is refused.
    f.t.sw.socket.calls.find((c) => c.destination === list[0])!.pickUp!(10);
    expect(await run).toBe('leased');
    expect(f.t.sw.socket.calls.filter((c) => list.includes(c.destination))).toHaveLength(2);
    const phones = await f.phonesOf(id);
    expect(phones.slice(2).every((p) => p.status === 'pending' && p.attempts === 0)).toBe(true);
    // The run did not give away a lease it no longer held.
    expect((await task(id)).diallerOwner).toBe('another-process');
    f.t.sw.socket.calls.find((c) => c.destination === list[1])!.pickUp!(10);
  });
});
