import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { ImportSchema } from '../imports/import.entity.js';
import { SALES_STATUS_LABELS } from '../sales-status/sales-status.service.js';
import { StaffStatusSchema } from '../sales-status/staff-status.entity.js';
import { addDays, atLocalTime, localParts } from '../shared/business-time.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { FollowUpTaskSchema } from '../todos/follow-up-task.entity.js';
import type { ProgressRow, StaffRow, TodayFigures } from './board-snapshot.js';

const n = (v: unknown) => Number(v ?? 0);

/** Reads for the live board. Dates go through the ORM (each dialect stores them its own way); the rest is bound SQL. */
export async function todayFigures(em: EntityManager, now: Date, timeZone: string): Promise<TodayFigures> {
  const day = localParts(now, timeZone).date;
  const from = atLocalTime(day, '00:00', timeZone);
  const to = atLocalTime(addDays(day, 1), '00:00', timeZone);
  const calls = await em.find(
    CallSchema,
    { direction: 'inbound', source: '400', startedAt: { $gte: from, $lt: to } },
    { fields: ['startedAt', 'answeredAt', 'endedAt', 'voicemail'], disableIdentityMap: true },
  );
  const callbacksOpen = await em.count(FollowUpTaskSchema, { source: '400_phone', status: { $in: ['pending', 'in_progress'] } });
  const waits = calls.filter((c) => c.answeredAt).map((c) => Math.max(0, (c.answeredAt!.getTime() - c.startedAt.getTime()) / 1000));
  const inbound = calls.length;
  const pct = (part: number) => (inbound > 0 ? Math.round((part / inbound) * 1000) / 10 : null);
  return {
    inbound,
    answered: waits.length,
    answeredPercent: pct(waits.length),
    missed: calls.filter((c) => !c.answeredAt && c.endedAt).length,
    voicemails: calls.filter((c) => c.voicemail).length,
    averageAnswerSeconds: waits.length ? Math.round((waits.reduce((a, b) => a + b, 0) / waits.length) * 10) / 10 : null,
    serviceLevel20s: pct(waits.filter((s) => s <= 20).length),
    callbacksOpen,
  };
}

/** Active sales-facing staff with their current status (an expired status reads as none). */
export async function staffStatuses(em: EntityManager, now: Date): Promise<StaffRow[]> {
  const staff = await em.find(StaffSchema, { active: true, role: { $in: ['sales', 'manager', 'duty'] } }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  const statuses = await em.find(StaffStatusSchema, { staff: { $in: staff.map((s) => s.id) } }, { disableIdentityMap: true });
  const byStaff = new Map(statuses.map((st) => [st.staff as unknown as number, st]));
  return staff.map((s) => {
    const st = byStaff.get(s.id);
    const live = st && (!st.expiresAt || st.expiresAt.getTime() > now.getTime());
    return { id: s.id, name: s.name, role: s.role, status: live ? st.status : null, statusLabel: live ? SALES_STATUS_LABELS[st.status] : '未设置', location: live ? (st.location ?? null) : null };
  });
}

/** SMS batches being sent now, with recipients handled (sent, failed, skipped: no longer pending) out of the total. */
export async function runningSmsBatches(em: EntityManager): Promise<ProgressRow[]> {
  // The batch's own counters are written when it ends; while it runs, its recipients' states say how far it is.
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `SELECT b.id, t.name AS template_name, b.total_count,
            (SELECT COUNT(*) FROM sms_batch_recipients r WHERE r.batch_id = b.id AND r.status <> 'pending') AS done
       FROM sms_batches b LEFT JOIN sms_templates t ON t.id = b.template_id
      WHERE b.status IN ('sending', 'paused') ORDER BY b.id`,
  );
  return rows.map((r: Record<string, unknown>) => ({ id: n(r.id), name: r.template_name ? String(r.template_name) : `批次 ${n(r.id)}`, done: n(r.done), total: n(r.total_count) }));
}

const IMPORT_LABELS: Record<string, string> = { customers: '客户', members: '会员', visits: '到访', consents: '授权', events: '事件' };

/** Imports queued or running, with their percentage (0–100) as progress out of 100. */
export async function importsInProgress(em: EntityManager): Promise<ProgressRow[]> {
  const rows = await em.find(ImportSchema, { status: { $in: ['queued', 'running'] } }, { fields: ['kind', 'fileName', 'progress'], orderBy: { id: 'asc' }, disableIdentityMap: true });
  return rows.map((r) => ({ id: r.id, name: `${IMPORT_LABELS[r.kind] ?? r.kind}导入 · ${r.fileName}`, done: Math.max(0, Math.min(100, r.progress)), total: 100 }));
}

/** Call tasks running now, with numbers dialled out of the task's numbers. */
export async function runningCallTasks(em: EntityManager): Promise<ProgressRow[]> {
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `SELECT t.id, t.name, COUNT(p.id) AS total, SUM(CASE WHEN p.status NOT IN ('pending', 'dialing') THEN 1 ELSE 0 END) AS done
       FROM t_call_task t LEFT JOIN t_call_task_phones p ON p.task_id = t.id
      WHERE t.status = 'RUNNING' GROUP BY t.id, t.name ORDER BY t.id`,
  );
  return rows.map((r: Record<string, unknown>) => ({ id: n(r.id), name: String(r.name), done: n(r.done), total: n(r.total) }));
}
