import type { EntityManager } from '@mikro-orm/core';

export const APPROVABLE_KINDS = ['campaign', 'invitation'] as const;
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

/** An approvable subject in whatever state it is now: still pending, or decided (by whom, when). */
export type ApprovalSubject = PendingApproval & {
  status: string;
  pending: boolean;
  decidedBy: number | null;
  decidedAt: Date | null;
};

/**
 * One kind of approvable subject (campaigns, invitations). The approval service owns the rules every kind
 * shares — the kind's approve permission, never on one's own submission, each decision taken once and
 * audited — and calls these to read and change the subject.
 */
export interface Approvable {
  readonly kind: ApprovableKind;
  /** Chinese noun for replies, e.g. 营销活动 / 邀约. */
  readonly label: string;
  /** The permission whoever decides on this kind holds (role_permissions); approvers are found by it. */
  readonly permission: string;
  listPending(em: EntityManager): Promise<PendingApproval[]>;
  /** The subject in any state, or null when there is none with this id. */
  find(em: EntityManager, id: string): Promise<ApprovalSubject | null>;
  /**
   * Moves the subject from pending_approval to approved with one conditional update inside the decision's
   * transaction; false when it was no longer pending (another decision came first). Work that must not
   * run before the decision is committed (queuing the send) is returned as a follow-up run after commit.
   */
  approve(em: EntityManager, id: string, decidedBy: number): Promise<false | { followUp?: () => Promise<void> }>;
  /** As approve, to rejected with the reason; false when it was no longer pending. */
  reject(em: EntityManager, id: string, decidedBy: number, reason: string): Promise<boolean>;
}
