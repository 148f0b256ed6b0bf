import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { afterTaskCall } from '../domain/call-tasks/after-call.js';
import { CALL_TASK_AFTER_CALL_JOB, CALL_TASK_PROMPTS_JOB } from '../domain/call-tasks/call-task-deps.js';
import { CallTaskSchema } from '../domain/call-tasks/call-task.entity.js';
import { robotPromptText } from '../domain/call-tasks/answered-call.js';
import { preparePrompt } from '../domain/call-tasks/prompt-audio.js';
import { TASK_CALL_PROMPTS } from '../domain/call-tasks/robot-prompts.js';
import type { LanguageModel } from '../domain/ports/language-model.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { SpeechSynthesizer } from '../domain/ports/speech-synthesizer.port.js';
import type { Transcriber } from '../domain/ports/transcriber.port.js';
import type { JobDefinition } from './job-registry.js';
import { isLastTry } from './retry-policy.js';

const CallData = z.object({ callRecordId: z.number().int().positive() });
const TaskData = z.object({ taskId: z.number().int().positive() });

export type AfterCallJobDeps = { fork(): EntityManager; notifier: Notifier; transcriber: Transcriber; model: LanguageModel; timeZone: string; now(): Date };

/** Chained on an answered task call's hang-up: key 1 → lead, analysis, high intention → lead. */
export function callTaskAfterCallJob(deps: AfterCallJobDeps): JobDefinition<z.infer<typeof CallData>> {
  return {
    name: CALL_TASK_AFTER_CALL_JOB,
    parse: (data) => CallData.parse(data),
    run: async ({ callRecordId }, job) => {
      // The last try: a service still down fails the analysis with the reason instead of throwing.
      await afterTaskCall({ ...deps, em: deps.fork() }, callRecordId, { lastTry: isLastTry(job) });
    },
    concurrency: 4,
    lockLifetimeMs: 10 * 60_000,
    priority: 10,
  };
}

/**
 * A task's prompts synthesised once through the speech service into RECORDINGS_DIR/prompts/ (robot: the
 * script with the key menu and the short prompts; agent: the apology); without a speech service the
 * switch's TTS speaks them.
 */
export function callTaskPromptsJob(deps: { fork(): EntityManager; speech: SpeechSynthesizer | undefined; recordingsDir: string; log(fields: Record<string, unknown>, message: string): void }): JobDefinition<z.infer<typeof TaskData>> {
  return {
    name: CALL_TASK_PROMPTS_JOB,
    parse: (data) => TaskData.parse(data),
    run: async ({ taskId }) => {
      const speech = deps.speech;
      if (!speech) return;
      const task = await deps.fork().findOne(CallTaskSchema, { id: taskId });
      if (!task) return;
      const texts = task.mode === 'robot' ? [robotPromptText(task), ...Object.values(TASK_CALL_PROMPTS)] : [TASK_CALL_PROMPTS.apology];
      for (const text of texts) {
        const prepared = await preparePrompt(deps.recordingsDir, speech, text);
        if (!prepared.ok) throw new Error(`prompt audio for task ${taskId} not prepared: ${prepared.reason}`);
        if (prepared.synthesised) deps.log({ taskId, path: prepared.path }, 'call-task prompt synthesised');
      }
    },
    concurrency: 2,
  };
}
