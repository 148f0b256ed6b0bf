import { afterAll, beforeAll, expect } from 'vitest';
import { CallTaskPhoneSchema } from '../../../src/domain/call-tasks/call-task-phone.entity.js';
import type { DiallerDeps } from '../../../src/domain/call-tasks/dialler.js';
import { recordConsent } from '../../../src/domain/compliance/consent-ledger.service.js';
import type { Dialect } from '../../support/database.js';
import type { OriginateOutcome } from '../../telephony/support/fake-switch.js';
import { bootDiallerApp, type DiallerApp } from './dialler-app.js';
import { beijingTomorrow, MovableClock, recordingQueue } from './movable-clock.js';

export const BASE = '/api/v1/lead-generation';

/**
 * The suite of a call-task test that drives robot tasks through the seed's API: the app booted once on the
 * dialect (the dialler's clock at 10:00 Beijing tomorrow, moved by the test), a manager's token, fresh gateway
 * devices and numbers with call consent, tasks created and started by the API, and the dialler's deps with
 * its jobs recorded (the test runs the dialler itself). Call it inside `describe`: it boots in beforeAll and
 * closes in afterAll, so `t` and `token` are there from the first test on.
 */
export function callTaskFixture(dialect: Dialect, options: { env?: Record<string, string> } = {}) {
  const clock = new MovableClock(beijingTomorrow('10:00'));
  let app: DiallerApp | undefined;
  let managerToken = '';
  let serial = 0;

  beforeAll(async () => {
    app = await bootDiallerApp(dialect, { env: options.env, clock });
    managerToken = (await app.staffWithToken('manager')).token;
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  const fixture = {
    clock,
    get t(): DiallerApp {
      if (!app) throw new Error('the call-task app is booted in beforeAll');
      return app;
    },
    get token(): string {
      return managerToken;
    },
    /** A gateway device of `lines` lines, up on the switch. */
    device: (lines: number) => fixture.t.device(`gw-${dialect}-${++serial}`, lines),
    /** `count` fresh numbers (never used by another test of the suite), with a recorded call consent unless `consent` is false. */
    async numbers(count: number, consent = true): Promise<string[]> {
      const base = ++serial * 100;
      const list = Array.from({ length: count }, (_, i) => `1390${String(base + i).padStart(7, '0')}`);
      if (consent) {
        const em = fixture.t.app.orm.em.fork();
        for (const phone of list) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
        await em.flush();
      }
      return list;
    },
    /** Creates a robot task (script 您好) through the API; `body` adds or overrides fields. */
    async createTask(body: Record<string, unknown>): Promise<number> {
      const res = await fixture.t.call('POST', `${BASE}/call-tasks`, { token: managerToken, json: { callScript: '您好', mode: 'robot', ...body } });
      expect(res.status).toBe(201);
      return res.body.data.taskId as number;
    },
    /** A running robot task of `count` fresh numbers on a fresh device of `lines` lines; `outcome`: what each number does when dialled. */
    async startedTask(lines: number, count: number, outcome?: OriginateOutcome) {
      const gw = await fixture.device(lines);
      const list = await fixture.numbers(count);
      if (outcome) for (const x of list) fixture.t.sw.socket.outcome(x, outcome);
      const id = await fixture.createTask({ name: `任务${serial}`, phoneNumbers: list, deviceIds: [gw.id] });
      expect((await fixture.put(id, 'status', { action: 'START' })).status).toBe(200);
      return { id, list, gw };
    },
    put: (id: number, path: 'status' | 'cancel', json?: unknown) => fixture.t.call('PUT', `${BASE}/call-tasks/${id}/${path}`, { token: managerToken, json }),
    /** The task's numbers, in the order they were given. */
    phonesOf: (id: number) => fixture.t.app.orm.em.fork().find(CallTaskPhoneSchema, { task: id }, { orderBy: { id: 'asc' } }),
    /** The app's dialler deps, its jobs recorded rather than run; `extra` replaces some. */
    dialler: (extra: Partial<DiallerDeps> = {}): DiallerDeps => ({ ...fixture.t.app.callTasks.dialler(), jobs: recordingQueue(), ...extra }),
  };
  return fixture;
}
