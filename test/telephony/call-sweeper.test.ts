import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { sweepStaleCalls } from '../../src/domain/calls/call-sweeper.service.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';

describe.each(DIALECTS)('calls whose hangup or analysis job was lost (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
  });
  afterAll(async () => t?.close());

  it('closes a call still open hours later as missed (callback todo) and re-queues orphaned analysis once', async () => {
    await t.staffWithToken('duty');
    const em = t.app.orm.em.fork();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const open = em.create(CallSchema, { uuid: `open-${dialect}`, direction: 'inbound', caller: '+8613800004001', callerLast8: '00004001', callee: '+864008320160', calleeLast8: '08320160', startedAt: hoursAgo(3) });
    const fresh = em.create(CallSchema, { uuid: `fresh-${dialect}`, direction: 'inbound', caller: '+8613800004002', callerLast8: '00004002', callee: '+864008320160', calleeLast8: '08320160', startedAt: hoursAgo(0.1) });
    const orphan = em.create(CallSchema, { uuid: `orphan-${dialect}`, direction: 'inbound', caller: '+8613800004003', callerLast8: '00004003', callee: '+864008320160', calleeLast8: '08320160', startedAt: hoursAgo(2), answeredAt: hoursAgo(2), endedAt: hoursAgo(1.9), recordingPath: '/tmp/x.wav', analysisStatus: 'PENDING' });
    await em.flush();
    const deps = () => ({ em: t.app.orm.em.fork(), jobs: t.app.jobQueue, notifier: t.app.chatOps.notifier, timeZone: 'Asia/Shanghai' });

    const first = await sweepStaleCalls(deps());
    expect(first).toEqual({ closed: [open.uuid], requeued: [orphan.id] });
    const check = t.app.orm.em.fork();
    expect(await check.findOne(CallSchema, { id: open.id })).toMatchObject({ hangupCause: 'HANGUP_EVENT_MISSED' });
    expect((await check.findOne(CallSchema, { id: fresh.id }))!.endedAt).toBeFalsy();
    expect(await check.findOne(FollowUpTaskSchema, { relatedRecordId: open.uuid, reason: 'missed_call' })).toBeTruthy();
    expect(await t.app.jobQueue.isPending('call-analysis', { callRecordId: orphan.id })).toBe(true);

    expect(await sweepStaleCalls(deps())).toEqual({ closed: [], requeued: [] });
  });
});
