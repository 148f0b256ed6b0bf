import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { BEHAVIOR_JOB, runBehavior } from '../../domain/customers/behavior-run.service.js';
import { BEHAVIOR_RUN_MODES } from '../../domain/members/behavior-run.entity.js';
import type { Clock } from '../../domain/ports/clock.port.js';
import type { JobDefinition } from '../job-registry.js';

/**
 * The nightly (and on-demand) behaviour run: parses the mode and hands over to the customers module.
 * Each chunk touches the lock and reports progress (GET /api/jobs); a run whose worker died is picked
 * up again when its lock expires and resumes from its last chunk.
 */
export function behaviorJob(newEm: () => EntityManager, deps: { clock: Clock; timeZone: string; chunkSize: number }): JobDefinition<{ mode: (typeof BEHAVIOR_RUN_MODES)[number] }> {
  return {
    name: BEHAVIOR_JOB,
    parse: (d) => z.object({ mode: z.enum(BEHAVIOR_RUN_MODES).default('full') }).parse(d ?? {}),
    concurrency: 1,
    lockLifetimeMs: 5 * 60_000,
    run: async (data, job) => {
      await runBehavior(newEm(), {
        mode: data.mode,
        now: deps.clock.now(),
        timeZone: deps.timeZone,
        chunkSize: deps.chunkSize,
        onProgress: async (percent) => {
          await job.touch(percent);
        },
      });
    },
  };
}
