import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { DomainError } from '../shared/domain-error.js';
import type { ContactChannel } from '../shared/vocabulary.js';
import { InvitationSchema, type Invitation, type InvitationStatus } from './invitation.entity.js';
import { invitationView } from './invitation.service.js';

export type InvitationListQuery = {
  status?: InvitationStatus;
  eventId?: string;
  customerId?: string;
  channel?: ContactChannel;
  createdBy?: number;
  page: number;
  size: number;
  sort: 'createdAt' | 'eventDate';
  order: 'asc' | 'desc';
};

const READ = ['outreach:history:view', 'outreach:invitation:approve'] as const;

/** Invitations with filters (status — `failed` shows every send that did not go out, with its reason — event, customer, channel, submitter), paged. */
export async function listInvitations(em: EntityManager, actor: Actor, q: InvitationListQuery) {
  authorize(actor, [...READ], '查看邀约');
  const where: FilterQuery<Invitation> = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.eventId ? { event: q.eventId } : {}),
    ...(q.customerId ? { customer: q.customerId } : {}),
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.createdBy ? { createdBy: q.createdBy } : {}),
  };
  const [rows, total] = await em.findAndCount(InvitationSchema, where, { orderBy: { [q.sort]: q.order, id: q.order }, limit: q.size, offset: (q.page - 1) * q.size });
  return { rows: rows.map(invitationView), total };
}

/** One invitation in any state; 404 INVITATION_NOT_FOUND. */
export async function getInvitation(em: EntityManager, actor: Actor, id: string) {
  authorize(actor, [...READ], '查看邀约');
  const inv = await em.findOne(InvitationSchema, { id });
  if (!inv) throw new DomainError('INVITATION_NOT_FOUND', `邀约 ${id} 不存在`, { id });
  return invitationView(inv);
}
