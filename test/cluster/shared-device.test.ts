import { afterAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { createCallTask } from '../../src/domain/call-tasks/call-task.service.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import type { Orm } from '../../src/db/orm.js';
import { createMigratedOrm } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { DiallingSwitch } from '../call-tasks/support/dialling-switch.js';
import { beijingTomorrow, recordingQueue } from '../call-tasks/support/movable-clock.js';
import { diallerWorkers, type DiallerWorkers } from './support/dialler-workers.js';

const LINES = 4;
const NUMBERS = 12;
const GATEWAY = 'shared-gw';
/** What a dialler logs when the device's lines are all taken by other processes' calls. */
const REFUSED = 'lines of the device all carry other processes\' calls: the number waits';

/**
 * Two call tasks on one 4-line device, each dialled by its own app process (its own line book) on one
 * MariaDB database and one switch. Each task's first four numbers ring until the test answers them: the
 * process that fills the lines first holds all four, and the other finds them taken (the claim counts the
 * device's calls in the database under the device row's lock) instead of dialling four more. Then the
 * calls are answered and both processes race for the lines until every number is done: the switch never
 * carries more than four calls on the device, no number is dialled twice and every number ends final.
 */
describe('two call tasks on one device, dialled by two processes', () => {
  let workers: DiallerWorkers | undefined;
  let sw: DiallingSwitch | undefined;
  let orm: Orm | undefined;
  let close: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await workers?.stop();
    await close?.();
    await sw?.stop();
  });

  it('never more calls on the device than its lines, every number dialled once and final', { timeout: 900_000 }, async () => {
    sw = await new DiallingSwitch().start([GATEWAY]);
    const db = await createMigratedOrm('mysql');
    orm = db.orm;
    close = db.close;
    workers = diallerWorkers({ sw, databaseUrl: db.db.url, clockStart: beijingTomorrow('10:00').getTime(), env: { CALL_TASK_RING_SECONDS: '120' } });

    const em = orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: GATEWAY, host: '10.0.0.9', sipProfile: 'external', lineCount: LINES, status: 'online' });
    const lists = [1, 2].map((task) => Array.from({ length: NUMBERS }, (_, i) => `1361${task}00${String(i).padStart(4, '0')}`));
    for (const phone of lists.flat()) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const held = lists.flatMap((list) => list.slice(0, LINES));
    for (const x of held) sw.socket.outcome(x, { kind: 'held' });
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    const actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    const svc = { jobs: recordingQueue(), clock: { now: () => new Date() }, callerIds: async () => [], recordingSecret: 'shared-device-test' };
    const taskIds: number[] = [];
    for (const [i, list] of lists.entries()) {
      const { taskId } = await createCallTask(orm.em.fork(), svc, actor, { name: `共用网关${i + 1}`, phoneNumbers: list, callScript: '您好', mode: 'robot', deviceIds: [device.id] });
      taskIds.push(taskId);
    }

    // Each process dials its own task at once (the dialler starts a SCHEDULED task itself).
    const procs = await Promise.all(['A', 'B'].map((name, i) => workers!.launch(name, { DIAL_TASK_ID: String(taskIds[i]) })));
    // The four lines fill with calls that ring on; then one process finds the device full (or, without the
    // database's count, dials more than four).
    await sw.socket.waitForOriginate(LINES);
    await waitFor(() => sw!.socket.calls.length > LINES || procs.some((p) => p.out().includes(REFUSED)), 'a process to find the device full');
    expect(sw.peakPerGateway().get(GATEWAY)).toBe(LINES);
    expect(sw.socket.calls).toHaveLength(LINES);

    // The numbers still to dial answer at once; the ringing calls are answered: both processes race for the lines.
    for (const x of held) if (sw.dialled(x) === 0) sw.socket.outcome(x, { kind: 'answer', afterMs: 30, talkMs: 80 });
    for (const call of sw.socket.calls) call.pickUp!(20);
    for (const p of procs) expect(await p.logged('dialler run returned')).toMatchObject({ result: 'completed' });
    const refusals = procs.map((p) => p.out().split(REFUSED).length - 1);
    console.log(`shared device: ${sw.socket.calls.length} originates, peak ${sw.peakPerGateway().get(GATEWAY)} on ${LINES} lines; device found full ${refusals.join(' + ')} times (A + B)`);

    expect(sw.peakPerGateway().get(GATEWAY)).toBeLessThanOrEqual(LINES);
    expect(sw.duplicates()).toBe(0);
    expect(lists.flat().map((x) => sw!.dialled(x))).toEqual(lists.flat().map(() => 1));
    const phones = await orm.em.fork().find(CallTaskPhoneSchema, { task: { $in: taskIds } });
    expect(phones).toHaveLength(2 * NUMBERS);
    expect(phones.map((p) => [p.status, p.attempts])).toEqual(phones.map(() => ['answered', 1]));
  });
});
