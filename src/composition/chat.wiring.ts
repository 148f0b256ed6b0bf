import type * as PUPPET from 'wechaty-puppet';
import { buildChatOps, type ChatOps } from '../bot/chat-ops.js';
import { createLogNotifier } from '../gateways/log-notifier.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import { MORNING_DIGEST_CRON, MORNING_DIGEST_JOB, morningDigestJob } from '../jobs/chat/morning-digest.job.js';
import { TODO_REMINDERS_EVERY, TODO_REMINDERS_JOB, todoRemindersJob } from '../jobs/chat/todo-reminders.job.js';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import type { Capability, Platform } from './capability.js';

export const RECEIPT_SWEEP_JOB = 'wecom.receipt-sweep';
export const INBOX_RECOVER_JOB = 'wecom.inbox-recover';

export type ChatCapability = Capability & { chatOps: ChatOps; notifier: ChatOps['notifier'] };

/**
 * The chat capability: the WeCom callback and Wechaty doors with their command router, the staff
 * Notifier every other capability uses (the log when no chat door is configured), the morning digest,
 * the todo reminders and the sweep of expired WeCom callback receipts. Wired first: it provides the
 * notifier. It keeps WeCom's acknowledged messages from being lost (the inbox is recovered at start
 * and every minute).
 */
export function wire(platform: Omit<Platform, 'notifier'>, options: { wechatyPuppet?: PUPPET.impls.PuppetInterface; callTasks?: CallTaskDeps } = {}): ChatCapability {
  const { config, logger } = platform;
  const chatOps = buildChatOps(
    { wecom: config.wecom, wechaty: config.wechaty, timeZone: config.businessTimeZone },
    {
      orm: platform.orm,
      logger,
      permissions: platform.permissions,
      approvals: platform.approvals,
      fallbackNotifier: createLogNotifier(logger),
      wechatyPuppet: options.wechatyPuppet,
      metrics: platform.metrics,
      callTasks: options.callTasks,
    },
  );
  const { notifier, receipts } = chatOps;
  const timeZone = config.businessTimeZone;
  const jobs: JobDefinition<any>[] = [
    morningDigestJob(platform.fork, { notifier, approvals: platform.approvals, timeZone }),
    todoRemindersJob(platform.fork, { notifier, timeZone }),
  ];
  const schedules: Capability['schedules'] = [
    { job: MORNING_DIGEST_JOB, every: MORNING_DIGEST_CRON, timezone: timeZone },
    { job: TODO_REMINDERS_JOB, every: TODO_REMINDERS_EVERY },
  ];
  if (receipts) {
    jobs.push({ name: RECEIPT_SWEEP_JOB, parse: () => ({}), backoff: null, run: async () => void (await receipts.sweep()) });
    schedules.push({ job: RECEIPT_SWEEP_JOB, every: '10 minutes' });
  }
  const { handleCallback } = chatOps;
  if (handleCallback) {
    // Messages acknowledged by a process that died before finishing them (also done once at start).
    jobs.push({ name: INBOX_RECOVER_JOB, parse: () => ({}), backoff: null, run: async () => void (await handleCallback.recover()) });
    schedules.push({ job: INBOX_RECOVER_JOB, every: '1 minute' });
  }
  return {
    name: 'chat',
    chatOps,
    notifier,
    routes: { public: chatOps.publicRouters },
    jobs,
    schedules,
    start: () => chatOps.start(),
    stop: () => chatOps.stop(),
  };
}
