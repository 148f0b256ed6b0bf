import type { Orm } from '../../db/orm.js';
import type { Notifier, NotifyResult, StaffNotification } from '../../domain/ports/notifier.port.js';
import { StaffSchema } from '../../domain/staff/staff.entity.js';
import type { SendResult, WecomClient } from '../../gateways/wecom/wecom-client.js';
import type { Logger } from '../../logging/logger.js';
import { toPlainText, toTemplateCard } from './render.js';

export type ChatNotifierDeps = {
  orm: Orm;
  log: Logger;
  wecom?: WecomClient;
  wechat?: { send(contactId: string, text: string): Promise<boolean> };
  /** Where a notification goes when the staff member has no chat identity (the log notifier). */
  fallback: Notifier;
};

/** Transport trouble and WeCom's "busy / too often" answers (-1 system busy, 45009 API frequency, 45033 concurrency): worth another try. */
const RETRYABLE_CODES = new Set(['WECOM_TIMEOUT', 'WECOM_UNREACHABLE', 'WECOM_HTTP_ERROR', 'WECOM_TOKEN_FAILED', 'WECOM_TOKEN_REJECTED']);
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033]);

function retryable(res: Extract<SendResult, { ok: false }>): boolean {
  return RETRYABLE_CODES.has(res.code) || (res.errcode !== undefined && RETRYABLE_ERRCODES.has(res.errcode));
}

/**
 * The Notifier of the chat doors: a WeCom card (text for plain notices) to staff with a WeCom user id,
 * plain text over Wechaty to staff with a bound WeChat contact, the fallback otherwise. Never throws.
 * It is the outbox's sender: only the `notifications.deliver` job calls it (sends wait for WeCom's pacer).
 */
export function createChatNotifier(deps: ChatNotifierDeps): Notifier {
  const log = deps.log.child({ component: 'chat-notifier' });
  return {
    async notifyStaff(staffId: number, n: StaffNotification): Promise<NotifyResult> {
      try {
        const staff = await deps.orm.em.fork().findOne(StaffSchema, { id: staffId, active: true });
        if (!staff) return { ok: false, reason: `staff ${staffId} not found or inactive` };
        let lastFailure = '';
        let again = false;
        if (deps.wecom && staff.wecomUserId) {
          const card = toTemplateCard(n);
          const res = card ? await deps.wecom.sendTemplateCard(staff.wecomUserId, card) : await deps.wecom.sendText(staff.wecomUserId, toPlainText(n));
          if (res.ok) return { ok: true, transport: 'wecom' };
          lastFailure = `${res.code}: ${res.message}`;
          again = retryable(res);
          log.warn({ staffId, kind: n.kind, code: res.code }, 'wecom notification failed');
        }
        if (deps.wechat && staff.wechatContactId) {
          if (await deps.wechat.send(staff.wechatContactId, toPlainText(n))) return { ok: true, transport: 'wechaty' };
          lastFailure = 'wechaty send failed';
          again = true;
        }
        if (lastFailure) return { ok: false, reason: lastFailure, retryable: again };
        return deps.fallback.notifyStaff(staffId, n);
      } catch (err) {
        log.error({ err, staffId, kind: n.kind }, 'notification failed');
        return { ok: false, reason: (err as Error).message, retryable: true };
      }
    },
  };
}
