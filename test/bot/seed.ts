import type { EntityManager } from '@mikro-orm/core';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';

/** A campaign waiting for approval, submitted by `by`. */
export async function pendingCampaign(em: EntityManager, id: string, by: number) {
  em.create(CampaignSchema, {
    id,
    name: `双十一回馈 ${id}`,
    segment: 'VIP',
    type: 'discount',
    channel: 'sms',
    status: 'pending_approval',
    content: '尊敬的会员，双十一全场八折，详询 13812345678。',
    audienceSize: 120,
    estimatedCostFen: 5400,
    createdBy: by,
    submittedAt: new Date(),
  });
  await em.flush();
}

export async function customer(em: EntityManager, id: string, name: string, phone: string, owner: number | null) {
  em.create(CustomerSchema, { id, name, companyName: `${name}贸易有限公司`, phone: `+86${phone}`, phoneLast8: phone.slice(-8), level: 'vip', ownerStaff: owner, notes: '关注新品' });
  await em.flush();
}

export async function todo(em: EntityManager, title: string, assignedTo: number, relatedRecordId: string | null = null) {
  const t = em.create(FollowUpTaskSchema, { title, assignedTo, source: 'manual', dueDate: '2030-01-01', dueAt: new Date('2030-01-01T02:00:00Z'), relatedRecordId });
  await em.flush();
  return t.id;
}
