import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import type { Notifier } from '../ports/notifier.port.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema, type StaffRole } from '../staff/staff.entity.js';
import { APPROVABLE_KINDS, type Approvable, type ApprovableKind, type PendingApproval } from './approvable.js';

/** Roles that may decide on approvals. */
export const APPROVER_ROLES: readonly StaffRole[] = ['manager', 'admin'];

export type Approver = { staffId: number; role: StaffRole | string };
export type Decision = { kind?: ApprovableKind; id: string; approve: boolean; reason?: string; by: Approver; channel: AuditChannel };

const NOTIFY_KIND: Record<ApprovableKind, 'campaign' | 'invitation' | 'sms_batch'> = { campaign: 'campaign', invitation: 'invitation', sms_batch: 'sms_batch' };

/**
 * The approval rules every approvable kind shares: only managers and admins decide, nobody decides on
 * their own submission, a rejection needs a reason, and every decision is audited (who, when, what,
 * through which channel) in the same transaction as the change. Kinds register their Approvable.
 */
export class ApprovalService {
  readonly #kinds = new Map<ApprovableKind, Approvable>();

  register(approvable: Approvable): this {
    if (this.#kinds.has(approvable.kind)) throw new Error(`approvable kind ${approvable.kind} registered twice`);
    this.#kinds.set(approvable.kind, approvable);
    return this;
  }

  kinds(): ApprovableKind[] {
    return [...this.#kinds.keys()];
  }

  label(kind: ApprovableKind): string {
    return this.#kinds.get(kind)?.label ?? kind;
  }

  static isKind(value: string): value is ApprovableKind {
    return (APPROVABLE_KINDS as readonly string[]).includes(value);
  }

  /** Everything waiting for a decision the approver may take (their own submissions are left out). */
  async pendingFor(em: EntityManager, by: Approver): Promise<PendingApproval[]> {
    this.#requireApprover(by);
    const all = await Promise.all([...this.#kinds.values()].map((k) => k.listPending(em)));
    return all.flat().filter((p) => p.submittedBy !== by.staffId).sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  }

  /** Approves or rejects one subject; returns it as it was shown for the decision. */
  async decide(em: EntityManager, decision: Decision): Promise<PendingApproval & { label: string }> {
    this.#requireApprover(decision.by);
    const reason = decision.reason?.trim() ?? '';
    if (!decision.approve && !reason) throw new DomainError('APPROVAL_REASON_REQUIRED', '驳回需要填写原因');
    if (reason.length > 500) throw new DomainError('VALIDATION_FAILED', '原因不超过 500 个字符');
    const followUp: { run?: (() => Promise<void>) | void } = {};
    const decided = await em.transactional(async (tx) => {
      const { approvable, pending } = await this.#find(tx, decision.id, decision.kind);
      if (pending.submittedBy === decision.by.staffId) throw new DomainError('APPROVAL_SELF_FORBIDDEN', '不能审批自己提交的申请');
      if (decision.approve) followUp.run = await approvable.approve(tx, pending.id, decision.by.staffId);
      else await approvable.reject(tx, pending.id, decision.by.staffId, reason);
      recordAudit(tx, {
        actorStaffId: decision.by.staffId,
        action: decision.approve ? 'approval.approve' : 'approval.reject',
        targetType: pending.kind,
        targetId: pending.id,
        channel: decision.channel,
        details: { title: pending.title, submittedBy: pending.submittedBy, decidedAt: new Date().toISOString(), ...(reason ? { reason } : {}) },
      });
      return { ...pending, label: approvable.label };
    });
    if (followUp.run) await followUp.run();
    return decided;
  }

  /**
   * Sends the approval card for a subject just put in pending_approval to every active manager and admin
   * except the submitter. Delivery problems are returned, not thrown.
   */
  async notifyApprovers(em: EntityManager, notifier: Notifier, kind: ApprovableKind, id: string): Promise<{ sent: number; failed: number }> {
    const approvable = this.#kinds.get(kind);
    if (!approvable) throw new DomainError('APPROVAL_KIND_NOT_FOUND', `未知的审批类型 ${kind}`);
    const pending = await approvable.get(em, id);
    if (!pending) throw new DomainError('APPROVAL_NOT_FOUND', `待审批事项 ${id} 不存在`);
    const approvers = await em.find(StaffSchema, { role: { $in: [...APPROVER_ROLES] }, active: true });
    let sent = 0;
    let failed = 0;
    for (const staff of approvers) {
      if (staff.id === pending.submittedBy) continue;
      const res = await notifier.notifyStaff(staff.id, {
        kind: 'approval',
        subjectType: NOTIFY_KIND[kind],
        subjectId: pending.id,
        title: `${approvable.label}待审批：${pending.title}`,
        lines: pending.lines,
        buttons: [
          { key: `approve:${kind}:${pending.id}`, text: '批准' },
          { key: `reject:${kind}:${pending.id}`, text: '驳回' },
        ],
      });
      if (res.ok) sent++;
      else failed++;
    }
    return { sent, failed };
  }

  #requireApprover(by: Approver): void {
    if (!APPROVER_ROLES.includes(by.role as StaffRole)) throw new DomainError('APPROVAL_FORBIDDEN', '只有经理或管理员可以审批');
  }

  async #find(em: EntityManager, id: string, kind?: ApprovableKind): Promise<{ approvable: Approvable; pending: PendingApproval }> {
    const candidates = kind ? [this.#kinds.get(kind)].filter((k): k is Approvable => Boolean(k)) : [...this.#kinds.values()];
    if (kind && candidates.length === 0) throw new DomainError('APPROVAL_KIND_NOT_FOUND', `未知的审批类型 ${kind}`);
    const found: Array<{ approvable: Approvable; pending: PendingApproval }> = [];
    for (const approvable of candidates) {
      const pending = await approvable.get(em, id);
      if (pending) found.push({ approvable, pending });
    }
    if (found.length === 0) throw new DomainError('APPROVAL_NOT_FOUND', `没有编号为 ${id} 的待审批事项`);
    if (found.length > 1) {
      throw new DomainError('APPROVAL_AMBIGUOUS', `编号 ${id} 对应多种事项，请写成 ${found.map((f) => `${f.approvable.kind}:${id}`).join(' 或 ')}`);
    }
    return found[0]!;
  }
}
