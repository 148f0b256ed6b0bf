import type { EntityManager } from '@mikro-orm/core';
import type { Notifier } from '../../domain/ports/notifier.port.js';
import { sendTodoReminders } from '../../domain/todos/todo-reminder.service.js';
import type { JobDefinition } from '../job-registry.js';

export const TODO_REMINDERS_JOB = 'todo.reminders';
export const TODO_REMINDERS_EVERY = '5 minutes';

/** Every few minutes: remind assignees of todos due within the hour (once per todo). */
export function todoRemindersJob(newEm: () => EntityManager, deps: { notifier: Notifier; timeZone: string }): JobDefinition<Record<string, never>> {
  return {
    name: TODO_REMINDERS_JOB,
    parse: () => ({}),
    backoff: null,
    run: async () => {
      await sendTodoReminders(newEm(), deps);
    },
  };
}
