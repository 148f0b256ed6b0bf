import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { InvitationSchema } from '../outreach/invitation.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { EventSchema, type Event } from './event.entity.js';

export type EventFields = { name: string; eventDate: Date; venue?: string | null; description?: string | null };

/** An event as the API shows it. */
export function eventView(e: Event) {
  return { id: e.id, name: e.name, eventDate: e.eventDate, venue: e.venue ?? null, description: e.description ?? null, createdAt: e.createdAt, updatedAt: e.updatedAt };
}

async function eventOrFail(em: EntityManager, id: string): Promise<Event> {
  const event = await em.findOne(EventSchema, { id });
  if (!event) throw new DomainError('EVENT_NOT_FOUND', `活动 ${id} 不存在`);
  return event;
}

/** Creates an event (id generated as EVENT_… unless given; a used id is 409 EVENT_ID_TAKEN). */
export async function createEvent(em: EntityManager, actor: Actor, input: EventFields & { id?: string }) {
  authorize(actor, 'event:edit', '新建活动');
  if (input.id && (await em.count(EventSchema, { id: input.id }))) throw new DomainError('EVENT_ID_TAKEN', `活动编号 ${input.id} 已存在`, { eventId: input.id });
  const id = input.id ?? `EVENT_${randomBytes(5).toString('hex').toUpperCase()}`;
  return em.transactional(async (tx) => {
    const event = tx.create(EventSchema, { id, name: input.name, eventDate: input.eventDate, venue: input.venue ?? null, description: input.description ?? null });
    recordAudit(tx, { ...auditedBy(actor), action: 'event.create', targetType: 'event', targetId: id });
    await tx.flush();
    return eventView(event);
  });
}

export async function getEvent(em: EntityManager, actor: Actor, id: string) {
  authorize(actor, 'customer:view', '查看活动');
  return eventView(await eventOrFail(em, id));
}

/** Changes the given fields (open invitations keep the name and date they were written with). */
export async function updateEvent(em: EntityManager, actor: Actor, id: string, input: Partial<EventFields>) {
  authorize(actor, 'event:edit', '修改活动');
  const event = await eventOrFail(em, id);
  return em.transactional(async (tx) => {
    const row = tx.merge(event);
    for (const key of ['name', 'eventDate', 'venue', 'description'] as const) if (input[key] !== undefined) (row as Record<string, unknown>)[key] = input[key];
    recordAudit(tx, { ...auditedBy(actor), action: 'event.update', targetType: 'event', targetId: id, details: { fields: Object.keys(input) } });
    await tx.flush();
    return eventView(row);
  });
}

/** Deletes an event nobody was invited to (409 EVENT_IN_USE otherwise). */
export async function deleteEvent(em: EntityManager, actor: Actor, id: string) {
  authorize(actor, 'event:edit', '删除活动');
  await eventOrFail(em, id);
  const invitations = await em.count(InvitationSchema, { event: id });
  if (invitations) throw new DomainError('EVENT_IN_USE', `活动 ${id} 已有 ${invitations} 份邀约，不能删除`, { invitations });
  await em.transactional(async (tx) => {
    await tx.nativeDelete(EventSchema, { id });
    recordAudit(tx, { ...auditedBy(actor), action: 'event.delete', targetType: 'event', targetId: id });
    await tx.flush();
  });
  return { id, deleted: true as const };
}

export type EventListQuery = { page: number; size: number; sort: 'eventDate' | 'id' | 'createdAt'; order: 'asc' | 'desc'; from?: Date; to?: Date; q?: string };

/** Events, one page; `from`/`to` bound the event date, `q` is a fragment of the name. */
export async function listEvents(em: EntityManager, actor: Actor, q: EventListQuery) {
  authorize(actor, 'customer:view', '查看活动');
  const where: Record<string, unknown> = {};
  if (q.from || q.to) where.eventDate = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
  const fragment = q.q?.replace(/[%_\\]/g, '').trim();
  if (fragment) where.name = { $like: `%${fragment}%` };
  const [rows, total] = await em.findAndCount(EventSchema, where, { orderBy: q.sort === 'id' ? { id: q.order } : { [q.sort]: q.order, id: 'asc' }, limit: q.size, offset: (q.page - 1) * q.size, disableIdentityMap: true });
  return { rows: rows.map(eventView), total };
}
