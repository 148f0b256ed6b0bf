import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Job } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysisSchema } from '../../src/domain/calls/call-analysis.entity.js';
import { CALL_ANALYSIS_JOB, VOICEMAIL_JOB } from '../../src/domain/calls/call-lifecycle.service.js';
import { CallSchema, type CallSource } from '../../src/domain/calls/call.entity.js';
import { CustomerCommunicationSchema } from '../../src/domain/customers/customer-communication.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { DEFAULT_RETRIES } from '../../src/jobs/retry-policy.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { wavBytes } from '../support/wav.js';

const BASE = '/api/v1/lead-generation';
const ANSWER = { sentiment: 'POSITIVE', intention: '高意向', intentionScore: 0.85, keywords: ['PCR-ABS', '报价'], summary: '客户要一份PCR-ABS报价', intent: '询价', followUps: ['发送报价单'], price: 12.5 };
const overloaded = { status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } };

/**
 * 400 and outreach calls go through the calls' one analysis step (the `call-analysis` job, as the
 * scheduler runs it): the seed 004 analysis is stored and shown by the call-record detail like a task
 * call's, and a speech or model service still down on the job's last try ends FAILED with the reason —
 * never left PROCESSING once the retries are used up.
 */
describe.each(DIALECTS)('400 and outreach call analysis (%s)', (dialect) => {
  let t: TestApp;
  let ai: FakeOpenAi;
  let dir: string;
  let viewer: { id: number; token: string };
  const speechDown = new Set<string>();
  const modelDown = new Set<string>();

  beforeAll(async () => {
    ai = await new FakeOpenAi().start();
    // The transcript names its call, so the model's answer can fail for the calls that say so.
    ai.onTranscribe = (req) => (speechDown.has(basename(req.fileName, '.wav')) ? overloaded : `客户：PCR-ABS 多少钱？(${basename(req.fileName, '.wav')})`);
    ai.onChat = (req) => ([...modelDown].some((uuid) => req.messages.some((m) => m.content.includes(uuid))) ? overloaded : JSON.stringify(ANSWER));
    dir = mkdtempSync(join(tmpdir(), 'call-analysis-'));
    t = await bootApp(dialect, { OPENAI_BASE_URL: ai.baseUrl, OPENAI_API_KEY: 'test', RECORDINGS_DIR: dir, JOBS_ENABLED: 'false' });
    viewer = await t.staffWithToken('manager');
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await ai?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An answered, recorded call of the source, its analysis PENDING (as the hangup leaves it). */
  async function recordedCall(source: Exclude<CallSource, 'task'>, voicemail = false): Promise<{ id: number; uuid: string }> {
    const uuid = randomUUID();
    const path = join(dir, `${uuid}.wav`);
    writeFileSync(path, wavBytes(8000));
    const now = new Date();
    const em = t.app.orm.em.fork();
    const parties = source === '400'
      ? { direction: 'inbound' as const, caller: '+8613812340001', callerLast8: '12340001', callee: '+864008320160', calleeLast8: '08320160' }
      : { direction: 'outbound' as const, callee: '+8613812340002', calleeLast8: '12340002' };
    const ending = voicemail ? { voicemail: true, outcome: 'voicemail' as const } : { answeredAt: now, duration: 30, outcome: 'answered' as const };
    const call = em.create(CallSchema, { uuid, source, ...parties, startedAt: now, endedAt: now, ...ending, recordingPath: path, analysisStatus: 'PENDING' });
    await em.flush();
    return { id: call.id, uuid };
  }

  /** One run of the job through the scheduler's definition of it, after `failCount` failed runs. */
  async function runJob(callRecordId: number, failCount = 0, name = CALL_ANALYSIS_JOB): Promise<void> {
    const job = { attrs: { name, data: { callRecordId }, failCount } } as unknown as Job<unknown>;
    await t.app.scheduler.agenda.definitions[name]!.fn(job, undefined as never);
  }
  const status = async (id: number) => (await t.app.orm.em.fork().findOneOrFail(CallSchema, { id })).analysisStatus;
  const detail = (id: number) => t.call('GET', `${BASE}/call-records/${id}`, { token: viewer.token });

  it('a 400 call whose speech service is still down on the last try: FAILED with the reason, shown by the call-record detail', async () => {
    const call = await recordedCall('400');
    speechDown.add(call.uuid);
    // Earlier tries: the job fails (the scheduler retries it later) and the call waits in PROCESSING.
    await expect(runJob(call.id, 0)).rejects.toThrow(/transcription UNAVAILABLE/);
    await expect(runJob(call.id, DEFAULT_RETRIES - 1)).rejects.toThrow(/transcription UNAVAILABLE/);
    expect(await status(call.id)).toBe('PROCESSING');

    await runJob(call.id, DEFAULT_RETRIES);
    const res = await detail(call.id);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ recordId: call.id, source: '400', phoneNumber: '13812340001', analysisStatus: 'FAILED', analysisError: expect.stringMatching(/^transcription UNAVAILABLE: /) });
    expect((await t.app.orm.em.fork().findOneOrFail(CallAnalysisSchema, { call: call.id })).failureReason).toMatch(/^transcription UNAVAILABLE/);
    // Settled: a later run changes nothing.
    await runJob(call.id, DEFAULT_RETRIES + 1);
    expect(await status(call.id)).toBe('FAILED');
  }, 120_000);

  it('an outreach call whose model is still down on the last try: FAILED with the model\'s reason', async () => {
    const call = await recordedCall('outreach');
    modelDown.add(call.uuid);
    await expect(runJob(call.id, 0)).rejects.toThrow(/model UNAVAILABLE/);
    expect(await status(call.id)).toBe('PROCESSING');
    await runJob(call.id, DEFAULT_RETRIES);
    const res = await detail(call.id);
    expect(res.body.data).toMatchObject({ source: 'outreach', phoneNumber: '13812340002', analysisStatus: 'FAILED', analysisError: expect.stringMatching(/^model UNAVAILABLE: /) });
  }, 120_000);

  it('a 400 call analysed: the seed 004 analysis at the call-record detail, and its communication record and todo as before', async () => {
    const call = await recordedCall('400');
    await runJob(call.id);
    const res = await detail(call.id);
    expect(res.body.data).toMatchObject({ source: '400', analysisStatus: 'COMPLETED', analysisError: null });
    expect(res.body.data.analysisResult).toEqual({ sentiment: 'POSITIVE', intention: '高意向', intentionScore: 0.85, keywords: ['PCR-ABS', '报价'], summary: '客户要一份PCR-ABS报价', transcription: `客户：PCR-ABS 多少钱？(${call.uuid})` });
    const comm = await t.app.orm.em.fork().findOneOrFail(CustomerCommunicationSchema, { sourceRecordId: call.uuid });
    expect(comm).toMatchObject({ intentCategory: '询价', sentiment: 'positive', priceDiscussedFen: 1250, channel: '400电话' });
    // The model was told what kind of call it reads.
    expect(ai.chats.at(-1)!.messages[0]!.content).toContain('打进 400 热线');
  }, 120_000);

  it('a voicemail goes through the same step: without the model it is still handled from its transcript; without speech it ends FAILED on the last try', async () => {
    const heard = await recordedCall('400', true);
    modelDown.add(heard.uuid);
    await runJob(heard.id, 0, VOICEMAIL_JOB);
    const res = await detail(heard.id);
    expect(res.body.data).toMatchObject({ source: '400', analysisStatus: 'COMPLETED', analysisError: expect.stringMatching(/^model UNAVAILABLE: /) });
    expect(res.body.data.analysisResult).toMatchObject({ sentiment: null, transcription: `客户：PCR-ABS 多少钱？(${heard.uuid})` });
    expect(await t.app.orm.em.fork().findOneOrFail(FollowUpTaskSchema, { relatedRecordId: heard.uuid, reason: 'voicemail' })).toMatchObject({ source: '400_phone' });

    const silent = await recordedCall('400', true);
    speechDown.add(silent.uuid);
    await expect(runJob(silent.id, 0, VOICEMAIL_JOB)).rejects.toThrow(/transcription UNAVAILABLE/);
    await runJob(silent.id, DEFAULT_RETRIES, VOICEMAIL_JOB);
    expect((await detail(silent.id)).body.data).toMatchObject({ analysisStatus: 'FAILED', analysisError: expect.stringMatching(/^transcription UNAVAILABLE: /) });
  }, 120_000);
});
