import type { Agenda, BackoffStrategy, Job } from 'agenda';
import { DEFAULT_BACKOFF, retryUnlessPermanent } from './retry-policy.js';

/**
 * One kind of job: a thin adapter that validates the stored data and hands it to a domain service.
 * Retry is the definition's backoff, skipped for permanent errors (see retry-policy.ts).
 */
export type JobDefinition<DATA> = {
  name: string;
  /** Validates the job's stored data (e.g. a zod schema's parse); a throw here is permanent. */
  parse(data: unknown): DATA;
  /** Does the work; throw to fail the run. */
  run(data: DATA, job: Job<unknown>): Promise<void>;
  /** Runs of this kind at once per worker (default: the scheduler's maxConcurrency). */
  concurrency?: number;
  /** How long a run may hold its lock before it is presumed dead; long jobs call job.touch(). */
  lockLifetimeMs?: number;
  /** Delay before each retry, or null to never retry (default DEFAULT_BACKOFF). */
  backoff?: BackoffStrategy | null;
  priority?: number;
  /** Delete a one-time run once it has succeeded (default true; failures are kept for GET /api/jobs). */
  removeOnComplete?: boolean;
};

/** The job kinds this process knows; the scheduler defines them on its Agenda. */
export class JobRegistry {
  readonly #definitions = new Map<string, JobDefinition<unknown>>();

  add<DATA>(definition: JobDefinition<DATA>): this {
    if (this.#definitions.has(definition.name)) throw new Error(`job ${definition.name} is registered twice`);
    this.#definitions.set(definition.name, definition as JobDefinition<unknown>);
    return this;
  }

  names(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Whether a one-time job of this kind is deleted once it has succeeded. */
  removesOnComplete(name: string): boolean {
    return this.#definitions.get(name)?.removeOnComplete ?? true;
  }

  /** Defines every registered job on the Agenda instance. */
  defineOn(agenda: Agenda, defaults: { concurrency: number }): void {
    for (const def of this.#definitions.values()) {
      const backoff = def.backoff === null ? undefined : retryUnlessPermanent(def.backoff ?? DEFAULT_BACKOFF);
      agenda.define(
        def.name,
        async (job: Job<unknown>) => {
          await def.run(def.parse(job.attrs.data), job);
        },
        {
          concurrency: def.concurrency ?? defaults.concurrency,
          ...(def.lockLifetimeMs ? { lockLifetime: def.lockLifetimeMs } : {}),
          ...(def.priority !== undefined ? { priority: def.priority } : {}),
          ...(backoff ? { backoff } : {}),
          // The scheduler deletes finished jobs itself (see afterComplete in scheduler.ts).
          removeOnComplete: false,
        },
      );
    }
  }
}
