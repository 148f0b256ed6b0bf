import type { EntityManager } from '@mikro-orm/core';

export const APPROVABLE_KINDS = ['campaign', 'invitation', 'sms_batch'] as const;
export type ApprovableKind = (typeof APPROVABLE_KINDS)[number];

/** Something waiting for a manager's decision, as a card or a chat line shows it. */
export type PendingApproval = {
  kind: ApprovableKind;
  id: string;
  title: string;
  submittedBy: number | null;
  submittedAt: Date;
  /** Label/value pairs: audience size, channel, content preview, estimated cost… */
  lines: Array<[label: string, value: string]>;
};

/**
 * One kind of approvable subject (campaigns, invitations, SMS batches). The approval service owns the
 * rules every kind shares — only managers decide, never on their own submission, every decision audited —
 * and calls these to read and change the subject. `approve`/`reject` throw DomainError when the subject
 * is unknown (…_NOT_FOUND) or no longer pending (…_NOT_PENDING_CONFLICT).
 */
export interface Approvable {
  readonly kind: ApprovableKind;
  /** Chinese noun for replies, e.g. 营销活动 / 邀约 / 批量短信. */
  readonly label: string;
  listPending(em: EntityManager): Promise<PendingApproval[]>;
  get(em: EntityManager, id: string): Promise<PendingApproval | null>;
  /**
   * Marks the subject approved inside the decision's transaction. Work that must not run before the
   * decision is committed (queuing the send) is returned as a follow-up the service runs after commit.
   */
  approve(em: EntityManager, id: string, decidedBy: number): Promise<void | (() => Promise<void>)>;
  reject(em: EntityManager, id: string, decidedBy: number, reason: string): Promise<void>;
}
