import { transactionNotices } from '../notifications/notices.js';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, can, type Actor } from '../auth/actor.js';
import { activeStaffHolding } from '../auth/permission-holders.query.js';
import { auditedBy } from '../auth/staff-actor.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { APPROVABLE_KINDS, type Approvable, type ApprovableKind, type ApprovalSubject, type PendingApproval } from './approvable.js';

export type Decision = { kind?: ApprovableKind; id: string; approve: boolean; reason?: string };

/** Thrown inside the decision's transaction when the conditional update found the subject decided. */
class LostRace extends Error {}

/**
 * The approval rules every approvable kind shares: the decider holds the kind's approve permission, nobody
 * decides on their own submission, a rejection needs a reason, and each subject is decided once — the
 * change is a conditional update (`… WHERE status = 'pending_approval'`), so of any number of concurrent
 * deciders exactly one wins and the others get APPROVAL_ALREADY_DECIDED naming who decided and when. The
 * winning decision is audited (who, when, what, door, request) in the same transaction as the change.
 */
export class ApprovalService {
  readonly #kinds = new Map<ApprovableKind, Approvable>();
  readonly #timeZone: string;
  readonly #notifier: (() => Notifier) | undefined;
  readonly #onChange: (() => void) | undefined;

  /**
   * `notifier`: tells a submitter in chat once their submission is approved or rejected. `onChange`: hears,
   * after the commit, that something was submitted or decided (the live board reads its approvals again).
   */
  constructor(options: { timeZone?: string; notifier?: () => Notifier; onChange?: () => void } = {}) {
    this.#timeZone = options.timeZone ?? 'Asia/Shanghai';
    this.#notifier = options.notifier;
    this.#onChange = options.onChange;
  }

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

  /** Every permission that lets its holder decide on some kind. */
  permissions(): string[] {
    return [...new Set([...this.#kinds.values()].map((k) => k.permission))];
  }

  /** Whether the actor may decide on at least one kind. */
  isApprover(actor: Actor): boolean {
    return can(actor, ...this.permissions());
  }

  static isKind(value: string): value is ApprovableKind {
    return (APPROVABLE_KINDS as readonly string[]).includes(value);
  }

  /** Everything waiting for a decision the actor may take (kinds they hold the permission of; their own submissions left out). */
  async pendingFor(em: EntityManager, actor: Actor): Promise<PendingApproval[]> {
    authorize(actor, this.permissions(), '审批');
    const kinds = [...this.#kinds.values()].filter((k) => can(actor, k.permission));
    const all = await Promise.all(kinds.map((k) => k.listPending(em)));
    return all.flat().filter((p) => p.submittedBy !== actor.staffId).sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  }

  /** Approves or rejects one subject, once; returns it as it was shown for the decision. */
  async decide(em: EntityManager, actor: Actor, decision: Decision): Promise<PendingApproval & { label: string }> {
    authorize(actor, this.permissions(), '审批');
    const reason = decision.reason?.trim() ?? '';
    if (!decision.approve && !reason) throw new DomainError('APPROVAL_REASON_REQUIRED', '驳回需要填写原因');
    if (reason.length > 500) throw new DomainError('VALIDATION_FAILED', '原因不超过 500 个字符', { fields: [{ field: 'reason', message: '不超过 500 个字符' }] });
    const { approvable, subject } = await this.#find(em, decision.id, decision.kind);
    authorize(actor, approvable.permission, `审批${approvable.label}`);
    if (subject.submittedBy === actor.staffId) throw new DomainError('APPROVAL_SELF_FORBIDDEN', '不能审批自己提交的申请');
    if (!subject.pending) throw await this.#notPending(em, approvable, subject);

    let followUp: (() => Promise<void>) | undefined;
    const notices = transactionNotices(this.#notifier?.());
    try {
      await em.transactional(async (tx) => {
        if (decision.approve) {
          const won = await approvable.approve(tx, subject.id, actor.staffId);
          if (!won) throw new LostRace();
          followUp = won.followUp;
        } else if (!(await approvable.reject(tx, subject.id, actor.staffId, reason))) {
          throw new LostRace();
        }
        recordAudit(tx, {
          ...auditedBy(actor),
          action: decision.approve ? 'approval.approve' : 'approval.reject',
          targetType: subject.kind,
          targetId: subject.id,
          details: { title: subject.title, submittedBy: subject.submittedBy, decidedAt: new Date().toISOString(), ...(reason ? { reason } : {}) },
        });
        // The submitter's notice is stored with the decision (same transaction): no decision without its notice.
        await this.#tellSubmitter(tx, notices, approvable, subject, actor.staffId, decision.approve, reason);
      });
    } catch (err) {
      if (!(err instanceof LostRace)) throw err;
      // Read the winner's decision outside our transaction: its snapshot predates their commit.
      const now = await approvable.find(em.fork(), subject.id);
      throw await this.#notPending(em, approvable, now ?? { ...subject, pending: false });
    }
    this.#onChange?.();
    await notices.afterCommit();
    if (followUp) await followUp();
    const { status: _s, pending: _p, decidedBy: _b, decidedAt: _a, ...shown } = subject;
    return { ...shown, label: approvable.label };
  }

  /** Tells listeners (the live board) that the waiting approvals changed; for callers that submitted inside their own transaction. */
  changed(): void {
    this.#onChange?.();
  }

  /**
   * Sends the approval card for a subject just put in pending_approval to every active staff member whose
   * role holds the kind's approve permission, except the submitter. Delivery problems are returned, not thrown.
   * `inUnitOfWork`: the cards are queued in `em` (the caller's transaction commits them with the subject).
   */
  async notifyApprovers(em: EntityManager, notifier: Notifier, kind: ApprovableKind, id: string, inUnitOfWork = false): Promise<{ sent: number; failed: number }> {
    const approvable = this.#kinds.get(kind);
    if (!approvable) throw new DomainError('APPROVAL_KIND_NOT_FOUND', `未知的审批类型 ${kind}`);
    const subject = await approvable.find(em, id);
    if (!subject?.pending) throw new DomainError('APPROVAL_NOT_FOUND', `待审批事项 ${id} 不存在`);
    // Inside the caller's transaction other connections cannot see the subject yet: the caller calls `changed()` after commit.
    if (!inUnitOfWork) this.#onChange?.();
    const approvers = await activeStaffHolding(em, [approvable.permission]);
    let sent = 0;
    let failed = 0;
    for (const staff of approvers) {
      if (staff.id === subject.submittedBy) continue;
      const res = await notifier.notifyStaff(staff.id, {
        kind: 'approval',
        subjectType: kind,
        subjectId: subject.id,
        title: `${approvable.label}待审批：${subject.title}`,
        lines: subject.lines,
        buttons: [
          { key: `approve:${kind}:${subject.id}`, text: '批准' },
          { key: `reject:${kind}:${subject.id}`, text: '驳回' },
        ],
      }, inUnitOfWork ? { em } : undefined);
      if (res.ok) sent++;
      else failed++;
    }
    return { sent, failed };
  }

  /**
   * The submitter hears the decision in chat (who decided, and the reason of a rejection), queued in `tx`
   * (the decision's transaction) so it commits with the decision; delivery problems are not thrown.
   */
  async #tellSubmitter(tx: EntityManager, notices: ReturnType<typeof transactionNotices>, approvable: Approvable, subject: ApprovalSubject, deciderId: number, approved: boolean, reason: string): Promise<void> {
    if (!subject.submittedBy || subject.submittedBy === deciderId) return;
    const decider = await tx.findOne(StaffSchema, { id: deciderId }, { fields: ['id', 'name'], disableIdentityMap: true });
    const who = decider?.name ?? `员工 ${deciderId}`;
    const text = approved
      ? `你提交的${approvable.label}「${subject.title}」（${subject.id}）已由 ${who} 批准${approvable.kind === 'invitation' ? '，正在发送' : ''}。`
      : `你提交的${approvable.label}「${subject.title}」（${subject.id}）被 ${who} 驳回：${reason}`;
    await notices.add(tx, { staffId: subject.submittedBy, notification: { kind: 'text', title: `${approvable.label}${approved ? '已批准' : '被驳回'}`, text } });
  }

  /** APPROVAL_ALREADY_DECIDED (who and when, in Chinese for the chat reply) or APPROVAL_NOT_PENDING. */
  async #notPending(em: EntityManager, approvable: Approvable, subject: ApprovalSubject): Promise<DomainError> {
    const what = `${approvable.label} ${subject.id}`;
    if (!subject.decidedAt) {
      return new DomainError('APPROVAL_NOT_PENDING', `${what} 当前不是待审批状态（${subject.status}）`, { kind: subject.kind, id: subject.id, status: subject.status });
    }
    const decider = subject.decidedBy ? await em.fork().findOne(StaffSchema, { id: subject.decidedBy }, { fields: ['id', 'name'] }) : null;
    const who = decider?.name ?? (subject.decidedBy ? `员工 ${subject.decidedBy}` : '他人');
    const local = localParts(subject.decidedAt, this.#timeZone);
    const verdict = subject.status === 'rejected' ? '驳回' : '批准';
    return new DomainError('APPROVAL_ALREADY_DECIDED', `${what} 已由 ${who} 于 ${local.date} ${local.hhmm} ${verdict}，无需重复处理`, {
      kind: subject.kind,
      id: subject.id,
      status: subject.status,
      decidedBy: subject.decidedBy ? { staffId: subject.decidedBy, name: decider?.name ?? null } : null,
      decidedAt: subject.decidedAt.toISOString(),
    });
  }

  async #find(em: EntityManager, id: string, kind?: ApprovableKind): Promise<{ approvable: Approvable; subject: ApprovalSubject }> {
    const candidates = kind ? [this.#kinds.get(kind)].filter((k): k is Approvable => Boolean(k)) : [...this.#kinds.values()];
    if (kind && candidates.length === 0) throw new DomainError('APPROVAL_KIND_NOT_FOUND', `未知的审批类型 ${kind}`);
    const found: Array<{ approvable: Approvable; subject: ApprovalSubject }> = [];
    for (const approvable of candidates) {
      const subject = await approvable.find(em, id);
      if (subject) found.push({ approvable, subject });
    }
    // The same id for two kinds: the one still waiting is meant; otherwise the caller must name the kind.
    const pending = found.filter((f) => f.subject.pending);
    const chosen = pending.length === 1 ? pending : found;
    if (chosen.length === 0) throw new DomainError('APPROVAL_NOT_FOUND', `没有编号为 ${id} 的审批事项`);
    if (chosen.length > 1) {
      throw new DomainError('APPROVAL_AMBIGUOUS', `编号 ${id} 对应多种事项，请写成 ${chosen.map((f) => `${f.approvable.kind}:${id}`).join(' 或 ')}`);
    }
    return chosen[0]!;
  }
}
