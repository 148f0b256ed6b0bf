import type * as PUPPET from 'wechaty-puppet';
import { buildChatOps, type ChatOps } from '../bot/chat-ops.js';
import { createLogNotifier } from '../gateways/log-notifier.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import { MORNING_DIGEST_CRON, MORNING_DIGEST_JOB, morningDigestJob } from '../jobs/chat/morning-digest.job.js';
import { TODO_REMINDERS_EVERY, TODO_REMINDERS_JOB, todoRemindersJob } from '../jobs/chat/todo-reminders.job.js';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import { createOutboxNotifier } from '../domain/notifications/outbox-notifier.js';
import { outboxDepth } from '../domain/notifications/notification-outbox.queries.js';
import { createOutboxDeliverer, DELIVER_NOTIFICATIONS_JOB, deliverNotificationsJob } from '../jobs/notifications/deliver-notifications.job.js';
import type { Capability, Platform } from './capability.js';

export const RECEIPT_SWEEP_JOB = 'wecom.receipt-sweep';
export const INBOX_RECOVER_JOB = 'wecom.inbox-recover';

export type ChatCapability = Capability & { chatOps: ChatOps; notifier: ChatOps['notifier'] };

const seconds = (n: number) => `${n} second${n === 1 ? '' : 's'}`;

/**
 * The chat capability: the WeCom callback and Wechaty doors with their command router, the staff
 * Notifier every other capability uses (the log when no chat door is configured), the morning digest,
 * the todo reminders and the sweep of expired WeCom callback receipts. Wired first: it provides the
 * notifier — the durable outbox, delivered through the chat transports by the `notifications.deliver`
 * job (nudged after each new row, scheduled for retries and rows other processes left). It keeps WeCom's
 * acknowledged messages from being lost (the inbox is recovered at start and every minute).
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
  const { receipts } = chatOps;
  const timeZone = config.businessTimeZone;
  // The chat transports send; everyone else queues in the outbox.
  const deliverer = createOutboxDeliverer({ fork: platform.fork, sender: chatOps.notifier, settings: config.notifications, logger });
  const notifier = createOutboxNotifier({ fork: platform.fork, wake: () => deliverer.wake() });
  platform.metrics.sources.outboxDepth = () => outboxDepth(platform.fork());
  const jobs: JobDefinition<any>[] = [
    deliverNotificationsJob(deliverer),
    morningDigestJob(platform.fork, { notifier, approvals: platform.approvals, timeZone }),
    todoRemindersJob(platform.fork, { notifier, timeZone }),
  ];
  const schedules: Capability['schedules'] = [
    { job: DELIVER_NOTIFICATIONS_JOB, every: seconds(config.notifications.pollSeconds) },
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
    async start() {
      await chatOps.start();
      // Notifications queued before a restart (or held by a process that died) go out now.
      deliverer.wake();
    },
    async stop() {
      await deliverer.stop();
      await chatOps.stop();
    },
  };
}
