import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { CampaignTrackingSchema } from '../../src/domain/campaigns/campaign-tracking.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';

export const DAY = 86_400_000;
export const AS_OF = new Date('2026-06-30T12:00:00Z'); // 20:00 in Asia/Shanghai
export const TZ = 'Asia/Shanghai';

export type Spec = { days: number[]; spend: number[]; categories?: string[]; night?: boolean; joinedDaysAgo?: number; status?: 'active' | 'inactive' };
/** The small data set the expectations below were worked out by hand from (README: Customer intelligence). */
export const MEMBERS: Record<string, Spec> = {
  M01: { days: [1, 10, 19, 28, 37, 46, 55, 64, 73, 82], spend: Array(10).fill(50_000), categories: ['beer'] },
  M02: { days: [5, 15, 25, 35, 45, 55, 65, 75], spend: Array(8).fill(3125), categories: ['wine'] },
  M03: { days: [10, 50], spend: [200_000, 200_000], categories: ['package'] },
  M04: { days: [20, 50, 80], spend: [5000, 7000, 8000], categories: ['snack'] },
  M05: { days: [100, 120, 140, 160, 180, 200], spend: Array(6).fill(15_000) },
  M06: { days: [5], spend: [8000], joinedDaysAgo: 10 },
  M07: { days: [15, 30, 45, 60], spend: Array(4).fill(7500), night: true },
  M08: { days: [200], spend: [3000] },
  M09: { days: [60], spend: [5000] },
  M10: { days: [40, 80], spend: [6000, 6000] },
  M11: { days: [3, 6], spend: [100_000, 100_000], status: 'inactive' },
  M12: { days: [], spend: [], joinedDaysAgo: 400 },
};

/** Members M01-M12 with their visits; M01 belongs to customer CUST_M01 (contact mobile 13900000001); member n has its own mobile 1380000000n. */
export async function seedMembers(em: EntityManager): Promise<void>{
    const customer = em.create(CustomerSchema, { id: 'CUST_M01', name: '会员一', level: 'normal', tags: [] });
  em.create(CustomerContactSchema, { customer, name: '会员一', mobile: '+8613900000001', mobileLast8: '00000001', isPrimary: true });
    for (const [id, s] of Object.entries(MEMBERS)) {
      const member = em.create(MemberSchema, { id, customer: id === 'M01' ? customer : null, name: `会员${id}`, phone: `+86138000000${id.slice(1)}`, phoneLast8: `000000${id.slice(1)}`, tier: 'silver', status: s.status ?? 'active', joinedAt: new Date(AS_OF.getTime() - (s.joinedDaysAgo ?? 500) * DAY) });
      s.days.forEach((d, i) => {
        const at = new Date(AS_OF.getTime() - d * DAY - (s.night ? 21 * 3_600_000 : 0));
        em.create(MemberVisitSchema, { member, visitedAt: at, spendingFen: s.spend[i]!, categories: s.categories ?? [] });
      });
    }
    const campaign = em.create(CampaignSchema, { id: 'CMP_1', name: '回归礼包', segment: 'regular', type: 'discount', channel: 'sms', content: '…' });
    em.create(CampaignTrackingSchema, { campaign, member: 'M09', status: 'opened' });
    const second = em.create(CampaignSchema, { id: 'CMP_2', name: '周末派对', segment: 'regular', type: 'discount', channel: 'sms', content: '…' });
  em.create(CampaignTrackingSchema, { campaign: second, member: 'M09', status: 'sent' });
    // M09 was in a third campaign's holdout: sent nothing, so neither received nor unanswered.
    const third = em.create(CampaignSchema, { id: 'CMP_3', name: '双倍积分', segment: 'regular', type: 'points', channel: 'sms', content: '…' });
    em.create(CampaignTrackingSchema, { campaign: third, member: 'M09', holdout: true, status: null });
    await em.flush();
}
