import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { auditedBy, type ActingAs } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema, WEEKDAYS } from '../staff/staff.entity.js';
import { DutyScheduleSchema, type DutyDay } from './duty-schedule.entity.js';
import { HolidaySchema } from './holiday.entity.js';
import { RoutingRuleSchema, type RoutingRule, type RoutingRuleKind } from './routing-rule.entity.js';
import { parseRuleBody } from './routing-rules.js';

type Actor = ActingAs;

export function ruleView(r: RoutingRule) {
  return { id: r.id, kind: r.kind, name: r.name, body: r.body, priority: r.priority, active: r.active, updatedAt: r.updatedAt };
}

export async function listRoutingRules(em: EntityManager, kind?: RoutingRuleKind) {
  const rows = await em.find(RoutingRuleSchema, kind ? { kind } : {}, { orderBy: { kind: 'asc', priority: 'asc', id: 'asc' } });
  return rows.map(ruleView);
}

/** Adds a rule; its body is validated for its kind (INVALID_ROUTING_RULE otherwise). */
export async function createRoutingRule(em: EntityManager, input: { kind: RoutingRuleKind; name: string; body: unknown; priority?: number; active?: boolean }, actor: Actor) {
  const body = parseRuleBody(input.kind, input.body);
  const rule = em.create(RoutingRuleSchema, { kind: input.kind, name: input.name, body, priority: input.priority ?? 0, active: input.active ?? true });
  await em.flush();
  recordAudit(em, { ...auditedBy(actor), action: 'routing_rule.create', targetType: 'routing_rule', targetId: rule.id, details: { kind: rule.kind, name: rule.name } });
  await em.flush();
  return ruleView(rule);
}

export async function updateRoutingRule(em: EntityManager, id: number, patch: { name?: string; body?: unknown; priority?: number; active?: boolean }, actor: Actor) {
  const rule = await em.findOne(RoutingRuleSchema, { id });
  if (!rule) throw new DomainError('ROUTING_RULE_NOT_FOUND', `路由规则 ${id} 不存在`);
  if (patch.body !== undefined) rule.body = parseRuleBody(rule.kind, patch.body);
  if (patch.name !== undefined) rule.name = patch.name;
  if (patch.priority !== undefined) rule.priority = patch.priority;
  if (patch.active !== undefined) rule.active = patch.active;
  recordAudit(em, { ...auditedBy(actor), action: 'routing_rule.update', targetType: 'routing_rule', targetId: id, details: { fields: Object.keys(patch) } });
  await em.flush();
  return ruleView(rule);
}

export async function deleteRoutingRule(em: EntityManager, id: number, actor: Actor): Promise<void> {
  const rule = await em.findOne(RoutingRuleSchema, { id });
  if (!rule) throw new DomainError('ROUTING_RULE_NOT_FOUND', `路由规则 ${id} 不存在`);
  em.remove(rule);
  recordAudit(em, { ...auditedBy(actor), action: 'routing_rule.delete', targetType: 'routing_rule', targetId: id, details: { kind: rule.kind, name: rule.name } });
  await em.flush();
}

export async function listHolidays(em: EntityManager) {
  const rows = await em.find(HolidaySchema, {}, { orderBy: { date: 'asc' } });
  return rows.map((h) => ({ id: h.id, date: String(h.date).slice(0, 10), name: h.name, workday: h.workday }));
}

/** A holiday (or a make-up working day with workday=true) on an Asia/Shanghai date; one per date. */
export async function upsertHoliday(em: EntityManager, input: { date: string; name: string; workday?: boolean }, actor: Actor) {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(input.date) ? new Date(`${input.date}T00:00:00Z`) : null;
  // 2024-02-30 parses (it rolls over to March): only a date that reads back the same is a date.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== input.date) {
    throw new DomainError('VALIDATION_FAILED', '日期格式应为 YYYY-MM-DD', { fields: [{ field: 'date', message: '日期格式应为 YYYY-MM-DD' }] });
  }
  const existing = await em.findOne(HolidaySchema, { date: input.date });
  const row = existing ?? em.create(HolidaySchema, { date: input.date, name: input.name, workday: input.workday ?? false });
  row.name = input.name;
  row.workday = input.workday ?? false;
  recordAudit(em, { ...auditedBy(actor), action: 'holiday.set', targetType: 'holiday', targetId: input.date, details: { name: input.name, workday: row.workday } });
  await em.flush();
  return { id: row.id, date: input.date, name: row.name, workday: row.workday };
}

export async function listDutySchedules(em: EntityManager) {
  const rows = await em.find(DutyScheduleSchema, {}, { orderBy: { priority: 'asc', id: 'asc' } });
  return rows.map((d) => ({ id: d.id, staffId: d.staff, days: d.days, startTime: d.startTime, endTime: d.endTime, priority: d.priority, active: d.active }));
}

const DUTY_DAYS: readonly string[] = [...WEEKDAYS, 'holiday'];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A roster slot: who answers on these days between start and end (HH:mm; end before start runs past midnight). */
export async function createDutySchedule(em: EntityManager, input: { staffId: number; days: string[]; startTime: string; endTime: string; priority?: number }, actor: Actor) {
  const bad = [
    ...(input.days.length === 0 || input.days.some((d) => !DUTY_DAYS.includes(d)) ? [{ field: 'days', message: `应为 ${DUTY_DAYS.join('/')} 中的一个或多个` }] : []),
    ...(HHMM.test(input.startTime) ? [] : [{ field: 'startTime', message: '时间格式应为 HH:mm' }]),
    ...(HHMM.test(input.endTime) && input.endTime !== input.startTime ? [] : [{ field: 'endTime', message: '时间格式应为 HH:mm，且不能与开始时间相同' }]),
  ];
  if (bad.length) throw new DomainError('VALIDATION_FAILED', `值班排班不合法: ${bad.map((b) => b.field).join(', ')}`, { fields: bad });
  if (!(await em.findOne(StaffSchema, { id: input.staffId, active: true }))) throw new DomainError('STAFF_NOT_FOUND', `员工 ${input.staffId} 不存在`);
  const row = em.create(DutyScheduleSchema, { staff: input.staffId, days: input.days as DutyDay[], startTime: input.startTime, endTime: input.endTime, priority: input.priority ?? 0, active: true });
  await em.flush();
  recordAudit(em, { ...auditedBy(actor), action: 'duty_schedule.create', targetType: 'duty_schedule', targetId: row.id });
  await em.flush();
  return { id: row.id, staffId: row.staff, days: row.days, startTime: row.startTime, endTime: row.endTime, priority: row.priority, active: row.active };
}
