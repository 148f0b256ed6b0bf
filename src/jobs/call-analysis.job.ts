import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { analyseCall, processVoicemail, type AnalysisDeps } from '../domain/calls/call-analysis.service.js';
import { CALL_ANALYSIS_JOB, VOICEMAIL_JOB } from '../domain/calls/call-lifecycle.service.js';
import type { JobDefinition } from './job-registry.js';

const Data = z.object({ callRecordId: z.number().int().positive() });

export type CallJobDeps = Omit<AnalysisDeps, 'em'> & { fork(): EntityManager };

/** After an answered, recorded 400 call: transcript → insights → communication record → todo → notice. */
export function callAnalysisJob(deps: CallJobDeps): JobDefinition<z.infer<typeof Data>> {
  return {
    name: CALL_ANALYSIS_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ callRecordId }) => {
      await analyseCall({ ...deps, em: deps.fork() }, callRecordId);
    },
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
  };
}

/** A voicemail left on the 400 number: transcript → urgency → duty person now, or a todo for the next working morning. */
export function voicemailJob(deps: CallJobDeps): JobDefinition<z.infer<typeof Data>> {
  return {
    name: VOICEMAIL_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ callRecordId }) => {
      await processVoicemail({ ...deps, em: deps.fork() }, callRecordId);
    },
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
    priority: 10,
  };
}
