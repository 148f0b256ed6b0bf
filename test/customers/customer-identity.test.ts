import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyCaller } from '../../src/domain/calls/caller-identification.service.js';
import { lookupCustomers } from '../../src/domain/chat/customer-lookup.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { customerStanding, isVip, parseSegment } from '../../src/domain/customers/customer-standing.js';
import { customerIdForPhone, rankCandidates, resolvePhone } from '../../src/domain/customers/phone-resolution.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { isVipCustomer } from '../../src/domain/outreach/outreach-customer.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';

const DAY = 86_400_000;

describe('the one VIP rule', () => {
  it('is a VIP by level or by segment, either one enough', () => {
    expect(isVip({ segment: 'VIP', level: 'normal' })).toBe(true);
    expect(isVip({ segment: 'loyal', level: 'vip' })).toBe(true);
    expect(isVip({ segment: null, level: 'vip' })).toBe(true);
    expect(isVip({ segment: 'loyal', level: 'normal' })).toBe(false);
    expect(isVip({ segment: null, level: null })).toBe(false);
  });

  it('reads stated segments case-insensitively for VIP and ignores unknown ones', () => {
    expect(parseSegment('vip')).toBe('VIP');
    expect(parseSegment('churn_risk')).toBe('churn_risk');
    expect(parseSegment('gold')).toBeNull();
    const customer = { segment: 'regular', level: 'normal' } as any;
    expect(isVipCustomer(customer, 'vip')).toBe(true);
    expect(isVipCustomer(customer, 'nonsense')).toBe(false);
  });

  it('ranks exact before recent before contact before company before membership, then by id', () => {
    const at = (d: number) => new Date(Date.UTC(2026, 0, d));
    const ranked = rankCandidates([
      { customerId: 'C', contactId: null, via: 'member', exact: false, lastContactAt: at(5) },
      { customerId: 'B', contactId: null, via: 'customer', exact: false, lastContactAt: at(5) },
      { customerId: 'A', contactId: 1, via: 'contact', exact: false, lastContactAt: at(5) },
      { customerId: 'Z', contactId: null, via: 'member', exact: true, lastContactAt: null },
      { customerId: 'D', contactId: 2, via: 'contact', exact: false, lastContactAt: at(9) },
      { customerId: 'E', contactId: 3, via: 'contact', exact: false, lastContactAt: at(5) },
    ]);
    expect(ranked.map((c) => c.customerId)).toEqual(['Z', 'D', 'A', 'E', 'B', 'C']);
  });
});

describe.each(DIALECTS)('phone → customer, one rule everywhere, on %s', (dialect) => {
  let ctx: Awaited<ReturnType<typeof createMigratedOrm>>;
  const now = Date.now();

  beforeAll(async () => {
    ctx = await createMigratedOrm(dialect);
    const em = ctx.orm.em.fork();
    // Three customers share the last 8 digits 38001380 of the caller's number; nobody has it exactly.
    em.create(CustomerSchema, { id: 'CUST_OLD_CO', name: '老公司', phone: '+862138001380', phoneLast8: '38001380', level: 'normal', tags: [], lastContactAt: new Date(now - 30 * DAY) });
    const recent = em.create(CustomerSchema, { id: 'CUST_RECENT', name: '近联系', level: 'normal', tags: [], lastContactAt: new Date(now - DAY) });
    em.create(CustomerContactSchema, { customer: recent, name: '王经理', mobile: '+8613938001380', mobileLast8: '38001380' });
    em.create(CustomerSchema, { id: 'CUST_NEVER', name: '未联系', level: 'normal', tags: [] });
    // A member's own number reaches the customer the membership belongs to.
    const owner = em.create(CustomerSchema, { id: 'CUST_MEMBER', name: '会员本人', level: 'normal', segment: 'VIP', tags: [] });
    em.create(MemberSchema, { id: 'M_1', customer: owner, phone: '+8613700001111', phoneLast8: '00001111', tier: 'gold', joinedAt: new Date(now - 400 * DAY) });
    // An exact number beats a more recent suffix match.
    const exact = em.create(CustomerSchema, { id: 'CUST_EXACT', name: '号码本人', level: 'vip', tags: [], lastContactAt: new Date(now - 90 * DAY) });
    em.create(CustomerContactSchema, { customer: exact, name: '赵总', mobile: '+8613622223333', mobileLast8: '22223333' });
    em.create(CustomerSchema, { id: 'CUST_SUFFIX', name: '尾号相同', phone: '+862122223333', phoneLast8: '22223333', level: 'normal', tags: [], lastContactAt: new Date(now) });
    await em.flush();
  });
  afterAll(async () => ctx?.close());

  it('sends an SMS, answers a call and finds in chat the same customer for one number', async () => {
    const em = ctx.orm.em.fork();
    const caller = '158-3800-1380';
    const resolution = await resolvePhone(em, caller);
    expect(resolution).toMatchObject({ kind: 'last8', customerId: 'CUST_RECENT', candidates: 2, confidence: 0.6 });
    expect(await customerIdForPhone(em, caller.replaceAll('-', ''))).toBe('CUST_RECENT');
    const call = await identifyCaller(em, `+86${caller.replaceAll('-', '')}`);
    expect(call.customer?.id).toBe('CUST_RECENT');
    expect(call.contact?.name).toBe('王经理');
    const cards = await lookupCustomers(em, '38001380');
    expect(cards.map((c) => c.id)).toEqual(['CUST_RECENT', 'CUST_OLD_CO']);
  });

  it('prefers the exact number, and carries segment, tier and VIP into the caller view', async () => {
    const em = ctx.orm.em.fork();
    const call = await identifyCaller(em, '13622223333');
    expect(call).toMatchObject({ kind: 'exact', confidence: 1, candidates: 2 });
    expect(call.customer).toMatchObject({ id: 'CUST_EXACT', isVip: true, segment: null });
    expect(await customerIdForPhone(em, '+8613622223333')).toBe('CUST_EXACT');
    const member = await identifyCaller(em, '13700001111');
    expect(member.customer).toMatchObject({ id: 'CUST_MEMBER', segment: 'VIP', tier: 'gold', isVip: true });
    expect(await customerStanding(em, 'CUST_OLD_CO')).toMatchObject({ segment: null, tier: null, isVip: false });
  });

  it('answers nobody (a new lead) for an unknown number and nothing for garbage', async () => {
    const em = ctx.orm.em.fork();
    expect(await identifyCaller(em, '13511112222')).toMatchObject({ customer: null, newLead: true, kind: 'none' });
    expect(await identifyCaller(em, 'abc')).toMatchObject({ customer: null, newLead: false });
    expect(await customerIdForPhone(em, '13511112222')).toBeNull();
  });
});
