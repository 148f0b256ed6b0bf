import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Job } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CALL_TASK_AFTER_CALL_JOB } from '../../src/domain/call-tasks/call-task-deps.js';
import { settleCall } from '../../src/domain/call-tasks/attempt-outcome.js';
import { endTaskWithCard } from '../../src/domain/call-tasks/completion-card.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { createCallTask } from '../../src/domain/call-tasks/call-task.service.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { DEFAULT_RETRIES } from '../../src/jobs/retry-policy.js';
import { start, type RunningApp } from '../../src/main.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { wavBytes } from '../support/wav.js';
import { waitFor } from '../support/wait-for.js';

const analysis = JSON.stringify({ sentiment: 'NEUTRAL', intention: '低意向', intentionScore: 0.2, keywords: ['价格'], summary: '客户问了价格', intent: '询价' });

/**
 * What follows the last calls of a finished task: the after-call job (the definition the scheduler runs)
 * analyses each answered call; when the speech service is still down on the job's last try the analysis
 * is FAILED with the reason (never left PROCESSING), and the creator's completion card is queued exactly
 * once even when the last two analyses finish at the same moment in two workers (on MariaDB two app
 * instances, each with its own connections; SQLite has one writer), and also when the process that
 * analysed the last call died before the card (the job's next run queues it).
 */
describe.each(DIALECTS)('call-task after-call: analysis on the last try, one completion card (%s)', (dialect) => {
  let t: TestApp;
  /** The second worker: on MariaDB another app instance on the same database; on SQLite the same app. */
  let worker2: RunningApp;
  let ai: FakeOpenAi;
  let dir: string;
  let manager: Actor;
  let seq = 0;
  /** Chat replies wait for this gate (so two analyses finish together); transcriptions fail for these files. */
  let gate: Promise<unknown> = Promise.resolve();
  const speechDown = new Set<string>();

  beforeAll(async () => {
    ai = await new FakeOpenAi().start();
    ai.onTranscribe = (req) => (speechDown.has(basename(req.fileName, '.wav')) ? { status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } } : '客户：多少钱？');
    ai.onChat = () => ({ hold: gate, content: analysis });
    dir = mkdtempSync(join(tmpdir(), 'after-call-'));
    const env = { OPENAI_BASE_URL: ai.baseUrl, OPENAI_API_KEY: 'test', RECORDINGS_DIR: dir, JOBS_ENABLED: 'false' };
    t = await bootApp(dialect, env);
    worker2 = dialect === 'mysql' ? await start({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: t.app.config.dataDir, DATABASE_URL: t.db.url, ...env }) : t.app;
    const mgr = await t.staffWithToken('manager', { name: '经理' });
    manager = { staffId: mgr.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' };
  }, 180_000);
  afterAll(async () => {
    if (worker2 && worker2 !== t?.app) await worker2.stop();
    await t?.close();
    await ai?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A task whose every number was answered and hung up (COMPLETED unless `running`), each call's analysis still PENDING. */
  async function finishedTask(count: number, options: { running?: boolean } = {}): Promise<{ taskId: number; callIds: number[]; uuids: string[] }> {
    const base = ++seq * 10;
    const phones = Array.from({ length: count }, (_, i) => `1381234${String(base + i).padStart(4, '0')}`);
    const em = t.app.orm.em.fork();
    const { taskId } = await createCallTask(em, t.app.callTasks.deps, manager, { name: `收尾${seq}`, callScript: '您好', phoneNumbers: phones, mode: 'robot', scheduledTime: new Date(Date.now() + 86_400_000) });
    const rows = await em.find(CallTaskPhoneSchema, { task: taskId }, { orderBy: { id: 'asc' } });
    const now = new Date();
    const calls = rows.map((row) => {
      const uuid = randomUUID();
      const path = join(dir, `${uuid}.wav`);
      writeFileSync(path, wavBytes(8000));
      Object.assign(row, { status: 'answered', attempts: 1, lastCallId: uuid });
      return em.create(CallSchema, { uuid, direction: 'outbound', source: 'task', task: taskId, taskPhone: row.id, attempt: 1, callee: row.phone, calleeLast8: row.phoneLast8, startedAt: now, answeredAt: now, endedAt: now, outcome: 'answered', recordingPath: path, analysisStatus: 'PENDING' });
    });
    await em.flush();
    await em.nativeUpdate(CallTaskSchema, { id: taskId }, options.running ? { status: 'RUNNING', startedTime: now } : { status: 'COMPLETED', startedTime: now, completedTime: now });
    return { taskId, callIds: calls.map((c) => c.id), uuids: calls.map((c) => c.uuid) };
  }

  /** One run of the after-call job as the scheduler of `app` makes it, after `failCount` failed runs. */
  function runJob(callRecordId: number, failCount = 0, app: RunningApp = t.app): Promise<void> {
    const def = app.callTasks.jobs!.find((j) => j.name === CALL_TASK_AFTER_CALL_JOB)!;
    return def.run(def.parse({ callRecordId }), { attrs: { name: CALL_TASK_AFTER_CALL_JOB, data: { callRecordId }, failCount } } as unknown as Job<unknown>);
  }
  const completionCards = async (taskId: number) =>
    (await t.app.orm.em.fork().find(NotificationOutboxSchema, { staffId: manager.staffId })).filter((n) => n.payload.title.includes('外呼任务') && JSON.stringify(n.payload).includes(`任务编号：${taskId}`));

  it('the last two analyses finish at the same moment in two workers: the creator gets exactly one completion card', async () => {
    for (let round = 0; round < 3; round++) {
      const { taskId, callIds } = await finishedTask(2);
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      const before = ai.chats.length;
      const runs = [runJob(callIds[0]!, 0, t.app), runJob(callIds[1]!, 0, worker2)];
      // Both models' answers are held until both calls are being analysed, then released together.
      await waitFor(() => ai.chats.length - before >= 2, 'both analyses at the model');
      release();
      await Promise.all(runs);
      const calls = await t.app.orm.em.fork().find(CallSchema, { id: { $in: callIds } });
      expect(calls.map((c) => c.analysisStatus)).toEqual(['COMPLETED', 'COMPLETED']);
      const cards = await completionCards(taskId);
      expect(cards).toHaveLength(1);
      expect(cards[0]!.payload.title).toBe(`✅ 外呼任务完成：收尾${seq}`);
      expect((await t.app.orm.em.fork().findOneOrFail(CallTaskSchema, { id: taskId })).completionCardAt).not.toBeNull();
    }
  }, 180_000);

  it('the speech service is still down on the job\'s last try: the analysis is FAILED with the reason and the completion card is sent', async () => {
    gate = Promise.resolve();
    const { taskId, callIds, uuids } = await finishedTask(1);
    speechDown.add(uuids[0]!);
    // Earlier tries: the job fails (the scheduler retries it later) and the call waits in PROCESSING, no card yet.
    await expect(runJob(callIds[0]!, 0)).rejects.toThrow(/transcription UNAVAILABLE/);
    await expect(runJob(callIds[0]!, DEFAULT_RETRIES - 1)).rejects.toThrow(/transcription/);
    expect((await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: callIds[0]! })).analysisStatus).toBe('PROCESSING');
    expect(await completionCards(taskId)).toHaveLength(0);

    // The last try: FAILED with the reason, and the creator hears the task is done (once).
    await runJob(callIds[0]!, DEFAULT_RETRIES);
    const call = await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: callIds[0]! });
    expect(call.analysisStatus).toBe('FAILED');
    expect(call.analysisError).toMatch(/^transcription UNAVAILABLE/);
    expect(await completionCards(taskId)).toHaveLength(1);
    await runJob(callIds[0]!, DEFAULT_RETRIES + 1);
    expect(await completionCards(taskId)).toHaveLength(1);
  }, 180_000);

  it('the process that analysed the last call died before the card: the job runs again and queues it, once', async () => {
    const { taskId, callIds } = await finishedTask(1);
    // What a run killed between the analysis's commit and the card left: the analysis done, no card claimed.
    await t.app.orm.em.fork().nativeUpdate(CallSchema, { id: callIds[0]! }, { analysisStatus: 'COMPLETED' });
    expect(await completionCards(taskId)).toHaveLength(0);
    await runJob(callIds[0]!, 1);
    expect(await completionCards(taskId)).toHaveLength(1);
    await runJob(callIds[0]!, 2);
    expect(await completionCards(taskId)).toHaveLength(1);
  }, 180_000);

  // MariaDB only: on SQLite the transaction that ends the task holds the one connection, so nothing runs between its statements.
  it.runIf(dialect === 'mysql')('an analysis finishing while the transaction that ends the task is open: one card, queued by that transaction', async () => {
    gate = Promise.resolve();
    const { taskId, callIds, uuids } = await finishedTask(2, { running: true });
    // The second number is still ringing: its hangup (number does not exist) will end the task.
    const em = t.app.orm.em.fork();
    await em.nativeUpdate(CallSchema, { id: callIds[1]! }, { answeredAt: null, endedAt: null, outcome: null, recordingPath: null, analysisStatus: null });
    await em.nativeUpdate(CallTaskPhoneSchema, { lastCallId: uuids[1]! }, { status: 'dialing' });
    let reachedHold!: () => void;
    const held = new Promise<void>((r) => (reachedHold = r));
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const now = new Date();
    // The hangup's transaction: the call settled and the task COMPLETED (its first read fixed the transaction's snapshot), held there, then the card.
    const ending = endTaskWithCard(t.app.orm.em.fork(), t.app.callTasks.dialler().notifier, now, async (tx) => {
      const settled = await settleCall(tx, { callId: uuids[1]!, endedAt: now, hangupCause: 'UNALLOCATED_NUMBER', answeredAt: null, recordingPath: null, digit: null, vars: {} }, now);
      reachedHold();
      await hold;
      return { result: settled, ended: settled?.completed ? taskId : null };
    });
    await held;
    // Meanwhile the first call's analysis finishes; its job finds the task still RUNNING (the end is not committed).
    await runJob(callIds[0]!);
    expect((await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: callIds[0]! })).analysisStatus).toBe('COMPLETED');
    expect(await completionCards(taskId)).toHaveLength(0);
    release();
    expect((await ending)?.completed).toBe(true);
    // The ending transaction saw the finished analysis (a locking read, not its older snapshot): the card is queued with the end.
    expect(await completionCards(taskId)).toHaveLength(1);
    await runJob(callIds[0]!, 1);
    expect(await completionCards(taskId)).toHaveLength(1);
  }, 180_000);
});
