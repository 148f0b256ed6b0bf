import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { waitFor } from '../support/wait-for.js';
import { callTaskFixture } from './support/call-task-fixture.js';
import { RowLocks } from './support/row-locks.js';

/**
 * A call's hangup frees its line at once; its rows are settled a moment later (a transaction that may wait on a
 * busy server). A new run of the task in that moment — the previous run ended on STOP, its budget, the calling
 * window — must not take the call for a dead dialler's (marking it unknown, holding a line for it): on MariaDB
 * with real parallel connections, the settle held up by a row lock a third connection holds.
 */
describe('a call settling while the next run starts (MariaDB)', () => {
  const f = callTaskFixture('mysql');
  const { startedTask, put, phonesOf, dialler } = f;
  let locks: RowLocks;

  beforeAll(async () => {
    locks = await RowLocks.open(f.t.db.url);
  });
  afterAll(async () => {
    await locks?.end();
  });

  it('the freed line is dialled again at once, the ended call is neither unknown nor holding a line, and it settles as answered', async () => {
    const { id, list, gw } = await startedTask(1, 2);
    const [first, second] = list as [string, string];
    f.t.sw.socket.outcome(first, { kind: 'held' });
    const lines = f.t.app.callTasks.dialler().lines;
    const firstRun = runCallTask(dialler(), id, { budgetMs: 120_000 });
    const ringing = await waitFor(() => f.t.sw.socket.calls.find((c) => c.destination === first), 'the first number ringing');
    // The run ends while the call rings (STOP here; a budget or the window end the same way); START queues the next run.
    expect((await put(id, 'status', { action: 'STOP' })).status).toBe(200);
    expect(await firstRun).toBe('stopped');
    expect((await put(id, 'status', { action: 'START' })).status).toBe(200);
    expect(lines.held(gw.id)).toEqual([ringing.uuid]);

    // The callee answers and hangs up: the line is free here at once; the call's settle waits (as when another
    // process of the deployment is handling the same hangup and has not committed: its receipt row is held).
    await locks.holdWith('insert into switch_event_receipts (event_key, handled_by, handled_at) values (?, ?, now())', [`${ringing.uuid}:CHANNEL_HANGUP_COMPLETE`, 'another-process']);
    ringing.pickUp!(5);
    await waitFor(() => lines.busy(gw.id) === 0, 'the hangup freeing the line');
    await locks.waiting(/^insert into `switch_event_receipts`/);

    // The next run dials the second number on the freed line while the first call is still being settled.
    const secondRun = runCallTask(dialler(), id, { budgetMs: 120_000 });
    await waitFor(() => f.t.sw.dialled(second) === 1, 'the second number dialled while the first call settles');
    // The first call is not taken for a lost one: still `dialing`, its settle under way (not `unknown`).
    expect((await phonesOf(id))[0]!.status).toBe('dialing');
    await locks.release();

    expect(await secondRun).toBe('completed');
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts])).toEqual([['answered', 1], ['answered', 1]]);
    // Settled from its own hangup (cause, and in robot mode the key pressed and the recording), not by the
    // unknown sweep's `uuid_exists` as OUTCOME_UNKNOWN with the real hangup discarded as a second report.
    expect(await f.t.app.orm.em.fork().findOneOrFail(CallSchema, { uuid: ringing.uuid })).toMatchObject({ outcome: 'answered', hangupCause: 'NORMAL_CLEARING' });
    // This process never counted more calls on the 1-line device than it has, nor did the switch carry more.
    expect(lines.peak.get(gw.id)).toBe(1);
    expect(f.t.sw.peakPerGateway().get(gw.name)).toBe(1);
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual([1, 1]);
  }, 180_000);
});
