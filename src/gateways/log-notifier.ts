import type { Logger } from '../logging/logger.js';
import type { Notifier, NotifyResult, StaffNotification } from '../domain/ports/notifier.port.js';

/**
 * The notifier used when no chat transport is configured: writes each notification as one log line
 * (numbers in it are masked by the logger) so nothing a staff member should see is lost silently.
 */
export function createLogNotifier(logger: Logger): Notifier {
  const log = logger.child({ component: 'log-notifier' });
  return {
    async notifyStaff(staffId: number, notification: StaffNotification): Promise<NotifyResult> {
      log.info({ staffId, notification }, `notify staff ${staffId}: ${notification.title}`);
      return { ok: true, transport: 'log' };
    },
  };
}
