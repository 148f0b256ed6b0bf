import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { createCallTask, setCallTaskStatus } from '../../src/domain/call-tasks/call-task.service.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import type { Orm } from '../../src/db/orm.js';
import { start, type RunningApp } from '../../src/main.js';
import { createMigratedOrm, DIALECTS, type TestDatabase } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { PROCESS_START_MS, startServer, type ServerProcess } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';
import { switchSettings } from './support/dialler-app.js';
import { DiallingSwitch } from './support/dialling-switch.js';
import { beijingTomorrow, recordingQueue } from './support/movable-clock.js';

const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

/**
 * Nothing is lost after the task ends: the process that ended a call task (its last number's originate
 * refused by the switch: final, so the task is COMPLETED) is killed (SIGKILL) the moment the transaction
 * that ended it has committed. The creator's completion card was claimed and queued in that same
 * transaction, so after a restart the outbox's deliverer sends it to WeCom — once.
 */
describe.each(DIALECTS)('the completion card survives kill -9 right after the task ends (%s)', (dialect) => {
  let sw: DiallingSwitch;
  let wecom: FakeWecom;
  let orm: Orm;
  let db: TestDatabase;
  let close: () => Promise<void>;
  let dataDir: string;
  let child: ServerProcess | undefined;
  let restarted: RunningApp | undefined;

  beforeAll(async () => {
    sw = await new DiallingSwitch().start([`card-${dialect}`]);
    wecom = await startFakeWecom();
    const m = await createMigratedOrm(dialect);
    ({ orm, db, close } = m);
    dataDir = mkdtempSync(join(tmpdir(), 'card-crash-'));
  }, 180_000);
  afterAll(async () => {
    if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
    await restarted?.stop();
    await close?.();
    await sw?.stop();
    await wecom?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed after the ending transaction commits: the card is queued with it and delivered once after the restart', async () => {
    const wecomEnv = { WECOM_CORP_ID: wecom.corpId, WECOM_AGENT_ID: '1000002', WECOM_SECRET: wecom.secret, WECOM_TOKEN: 'cardToken1', WECOM_ENCODING_AES_KEY: AES_KEY, WECOM_API_BASE: wecom.url };
    const base = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: db.url, ...wecomEnv };
    const em = orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: `card-${dialect}`, host: '10.0.0.9', sipProfile: 'external', lineCount: 2, status: 'online' });
    const number = '13500009901';
    recordConsent(em, { phone: number, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const wecomUser = `card-mgr-${dialect}`;
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager', wecomUserId: wecomUser }, { actorStaffId: null, channel: 'system' });
    const actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    const clockStart = beijingTomorrow('10:00').getTime();
    const svc = { jobs: recordingQueue(), clock: { now: () => new Date(clockStart) }, callerIds: async () => [], recordingSecret: 'card-crash' };
    // The switch refuses the one originate (number does not exist): the number is final, the task ends there.
    sw.socket.outcome(number, { kind: 'invalid' });
    const { taskId } = await createCallTask(orm.em.fork(), svc, actor, { name: '收尾崩溃', phoneNumbers: [number], callScript: '您好', mode: 'robot', deviceIds: [device.id] });
    await setCallTaskStatus(orm.em.fork(), svc, actor, taskId, 'START');

    // The dialler's process stops dead right after logging that the task ended (after that transaction's commit), and is killed there.
    child = startServer(
      { ...base, ...switchSettings(sw), LOG_LEVEL: 'info', TASK_ID: String(taskId), CLOCK_START_MS: String(clockStart), FREEZE_AFTER_LOG: 'call task ended' },
      { command: [process.execPath, '--import', 'tsx', 'test/call-tasks/support/dialler.main.ts'] },
    );
    const ended = await child.logged('call task ended');
    expect(ended['taskId']).toBe(taskId);
    child.child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    const check = () => orm.em.fork();
    expect((await check().findOneOrFail(CallTaskSchema, { id: taskId })).status).toBe('COMPLETED');
    const card = (r: { payload: { title: string; text?: string } }) => r.payload.title.includes('外呼任务') && JSON.stringify(r.payload).includes(`任务编号：${taskId}`);
    // Committed with the task's end: claimed and queued, not yet sent (the process died before its deliverer ran).
    const queued = (await check().find(NotificationOutboxSchema, { staffId: staff.id })).filter(card);
    expect(queued.map((r) => r.status)).toEqual(['pending']);
    expect(wecom.received.filter((m) => m.touser === wecomUser)).toHaveLength(0);

    // Restarted (jobs on, no switch needed): the deliverer finds the row and sends the card once.
    restarted = await start({ ...base, LOG_LEVEL: 'silent', JOBS_PROCESS_EVERY_MS: '100', NOTIFY_OUTBOX_POLL_SECONDS: '1' });
    const sent = await waitFor(async () => (await check().find(NotificationOutboxSchema, { staffId: staff.id })).filter(card).find((r) => r.status === 'sent'), 'the card sent after the restart', 60_000);
    expect(sent.transport).toBe('wecom');
    const atWecom = wecom.sent.filter((m) => m.touser === wecomUser);
    expect(atWecom).toHaveLength(1);
    expect(JSON.stringify(atWecom[0])).toContain('✅ 外呼任务完成：收尾崩溃');
    expect(JSON.stringify(atWecom[0])).toContain('外呼次数：1');
  }, PROCESS_START_MS + 120_000);
});
