import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { analyseCall, type AnalysisDeps } from '../domain/calls/call-analysis.service.js';
import { callFollowUp, voicemailFollowUp } from '../domain/calls/call-follow-ups.js';
import { CALL_ANALYSIS_JOB, VOICEMAIL_JOB } from '../domain/calls/call-lifecycle.service.js';
import type { JobDefinition } from './job-registry.js';
import { sweepStaleCalls } from '../domain/calls/call-sweeper.service.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import { isLastTry } from './retry-policy.js';

const Data = z.object({ callRecordId: z.number().int().positive() });

export type CallJobDeps = Omit<AnalysisDeps, 'em'> & { fork(): EntityManager; timeZone: string };

/**
 * After an answered, recorded 400 or outreach call: the call's analysis, then its communication record,
 * todo and notice. On the last try a service still down makes the analysis FAILED with the reason.
 */
export function callAnalysisJob(deps: CallJobDeps): JobDefinition<z.infer<typeof Data>> {
  return {
    name: CALL_ANALYSIS_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ callRecordId }, job) => {
      await analyseCall({ ...deps, em: deps.fork() }, callRecordId, { lastTry: isLastTry(job), followUp: callFollowUp(deps) });
    },
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
  };
}

/** A voicemail left on the 400 number: its analysis (the transcript alone if the model fails) → the duty person now, or a todo for the next working morning. */
export function voicemailJob(deps: CallJobDeps): JobDefinition<z.infer<typeof Data>> {
  return {
    name: VOICEMAIL_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ callRecordId }, job) => {
      await analyseCall({ ...deps, em: deps.fork() }, callRecordId, { lastTry: isLastTry(job), followUp: voicemailFollowUp(deps), insightsOptional: true });
    },
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
    priority: 10,
  };
}

export const CALL_SWEEP_JOB = 'calls.sweep';
export const CALL_SWEEP_EVERY = '15 minutes';

/** Every 15 minutes: close calls whose hangup event was missed and re-queue analysis that lost its job. */
export function callSweepJob(deps: { fork(): EntityManager; jobs: JobQueue; notifier: Notifier; timeZone: string }): JobDefinition<Record<string, never>> {
  return {
    name: CALL_SWEEP_JOB,
    parse: () => ({}),
    backoff: null,
    run: async () => {
      await sweepStaleCalls({ em: deps.fork(), jobs: deps.jobs, notifier: deps.notifier, timeZone: deps.timeZone });
    },
  };
}
