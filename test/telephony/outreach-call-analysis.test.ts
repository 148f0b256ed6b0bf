import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysisSchema } from '../../src/domain/calls/call-analysis.entity.js';
import { CALL_ANALYSIS_JOB } from '../../src/domain/calls/call-lifecycle.service.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CALL_SWEEP_JOB } from '../../src/jobs/call-analysis.job.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { bootApp, type TestApp } from '../support/app.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { waitFor } from '../support/wait-for.js';
import { FakeEventSocket, switchEnv } from './support/fake-switch.js';

const ANSWER = { sentiment: 'POSITIVE', intention: '中意向', intentionScore: 0.6, keywords: ['展会'], summary: '客户愿意了解周末的活动', intent: '合作洽谈' };

/**
 * An outreach call (seed 000) placed through the switch is recorded from the answer (execute_on_answer
 * record_session) and its analysis is queued when its hangup is handled — once, by the process that handles
 * the hangup — not 30 minutes later by the calls sweep, which stays the safety net for a job that was lost.
 */
describe.each(DIALECTS)('outreach call analysis at hangup (%s)', (dialect) => {
  let t: TestApp;
  let fs: FakeEventSocket;
  let ai: FakeOpenAi;
  let dir: string;
  let manager: { id: number; token: string };
  let sweeps = 0;
  const analysisJobs: Array<{ callRecordId: number; uniqueKey?: string }> = [];

  beforeAll(async () => {
    ai = await new FakeOpenAi().start();
    ai.onTranscribe = (req) => `客户：好的，周末我有空。(${basename(req.fileName, '.wav')})`;
    ai.onChat = () => JSON.stringify(ANSWER);
    fs = await new FakeEventSocket().start();
    fs.modules.add('mod_tts_commandline');
    dir = mkdtempSync(join(tmpdir(), 'outreach-analysis-'));
    t = await bootApp(dialect, {
      JOBS_ENABLED: 'true',
      MARKETING_HOURS: '00:00-24:00',
      OPENAI_BASE_URL: ai.baseUrl,
      OPENAI_API_KEY: 'test',
      RECORDINGS_DIR: dir,
      ...switchEnv(fs),
    }, { clock: beijingMorningClock() });
    await t.app.telephony!.events.ready(20_000);
    // The calls sweep runs once at start-up (then every 15 minutes): from its first run's end on, the test hears every run.
    const { agenda } = t.app.scheduler;
    await waitFor(async () => (await agenda.queryJobs({ name: CALL_SWEEP_JOB })).jobs[0]?.lastFinishedAt, 'the start-up sweep finished');
    agenda.on(`start:${CALL_SWEEP_JOB}`, () => (sweeps += 1));
    agenda.on(`start:${CALL_ANALYSIS_JOB}`, (job: { attrs: { data: unknown } }) => analysisJobs.push(job.attrs.data as { callRecordId: number; uniqueKey?: string }));
    manager = await t.staffWithToken('manager');
    const em = t.app.orm.em.fork();
    recordConsent(em, { phone: '13900007101', channel: 'call', state: 'granted', source: 'test' });
    await em.flush();
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await fs?.stop();
    await ai?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an answered outreach call ends with its recording and its analysis COMPLETED, without the sweep', async () => {
    fs.outcome('13900007101', { kind: 'answer', afterMs: 5, talkMs: 50 });
    const res = await t.call('POST', '/api/ai-ops/outreach/call', { token: manager.token, json: { phoneNumber: '13900007101', scriptContent: '您好，周末有活动。' } });
    expect(res.status).toBe(200);
    const callId = res.body.data.callId as string;
    const originate = fs.calls.at(-1)!;
    const recording = originate.vars['salesops_recording']!;
    expect(recording.startsWith(join(dir, 'calls'))).toBe(true);
    expect(basename(recording)).toBe(`${originate.uuid}.wav`);
    expect(originate.vars['execute_on_answer']).toBe(`record_session ${recording}`);

    // The hangup settled the call with its recording: the analysis is due (PENDING, or already taken by its job).
    const ended = await waitFor(async () => {
      const row = await t.app.orm.em.fork().findOne(CallSchema, { uuid: callId });
      return row?.endedAt ? row : null;
    }, 'the outreach call ended');
    expect(ended).toMatchObject({ outcome: 'answered', recordingPath: recording, analysisStatus: expect.stringMatching(/^(PENDING|PROCESSING|COMPLETED)$/) });
    const call = await waitFor(async () => {
      const row = await t.app.orm.em.fork().findOne(CallSchema, { uuid: callId });
      return row?.analysisStatus === 'COMPLETED' || row?.analysisStatus === 'FAILED' ? row : null;
    }, 'the outreach call analysed');
    expect(call).toMatchObject({ source: 'outreach', outcome: 'answered', recordingPath: recording, analysisStatus: 'COMPLETED', analysisError: null });
    expect(existsSync(recording)).toBe(true);
    const analysis = await t.app.orm.em.fork().findOneOrFail(CallAnalysisSchema, { call: call.id });
    expect(analysis).toMatchObject({ intention: '中意向', summary: '客户愿意了解周末的活动', transcription: `客户：好的，周末我有空。(${originate.uuid})` });
    // The model was told it reads an outbound call.
    expect(ai.chats.some((c) => c.messages.some((m) => m.content.includes(originate.uuid)))).toBe(true);
    // Queued by the hangup's handling (its unique key), not by the calls sweep — which queues without one, only
    // analysis left PENDING for 30 minutes, and did not run meanwhile.
    expect(analysisJobs.filter((d) => d.callRecordId === call.id)).toEqual([{ callRecordId: call.id, uniqueKey: `call-analysis:${call.id}` }]);
    expect(sweeps).toBe(0);
  }, 120_000);
});
