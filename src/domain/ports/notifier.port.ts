import type { EntityManager } from '@mikro-orm/core';
import type { ApprovableKind } from '../approvals/approvable.js';

/**
 * Pushes something a staff member must see to wherever they are (WeCom card, WeChat text, log).
 * The application's notifier is the durable outbox (src/domain/notifications): `notifyStaff` stores the
 * message and answers at once; the `notifications.deliver` job sends it through the chat transports.
 * Implementations never throw for delivery problems: they return `{ ok: false, reason }`.
 */
export interface Notifier {
  /**
   * Hands one notification for one staff member on: the outbox resolves once it is stored (queued), a
   * transport once it was delivered. With `em`, the outbox writes it in that unit of work (the caller's
   * flush or transaction commits it together with the decision); call `deliverSoon()` after the commit.
   * `ref` (outbox only) is stored on the row so the caller's domain can follow its outcome (sent, failed).
   */
  notifyStaff(staffId: number, notification: StaffNotification, options?: { em?: EntityManager; ref?: string }): Promise<NotifyResult>;
  /** Asks the deliverer to look at the outbox now (after a transaction that queued notifications committed). */
  deliverSoon?(): void;
  /**
   * True when `notifyStaff(…, { em })` writes in the caller's transaction (the outbox). A transport that
   * sends at once cannot join one: notices for it wait for the commit (see notifications/notices.ts).
   */
  readonly joinsTransactions?: boolean;
}

/** `retryable`: a later attempt may succeed (WeCom busy or unreachable); otherwise the failure is final. */
export type NotifyResult = { ok: true; transport: string } | { ok: false; reason: string; retryable?: boolean };

export type CardButton = { key: string; text: string };

/** What a notification says, in the domain's words; each transport renders it (card, markdown or text). */
export type StaffNotification =
  | { kind: 'screen_pop'; callId: string; title: string; lines: Array<[label: string, value: string]>; urgency: 'high' | 'medium' | 'low'; buttons: CardButton[] }
  | { kind: 'voicemail'; voicemailId: string; title: string; summary: string; urgency: 'high' | 'medium' | 'low'; buttons: CardButton[] }
  | { kind: 'approval'; subjectType: ApprovableKind; subjectId: string; title: string; lines: Array<[label: string, value: string]>; buttons: CardButton[] }
  | { kind: 'todo'; todoId: number; title: string; dueAt: Date; lines: Array<[label: string, value: string]> }
  | { kind: 'text'; title: string; text: string };
