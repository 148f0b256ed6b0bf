/**
 * `npm run seed:demo`: loads a small, realistic data set into DATABASE_URL so every API can be tried at
 * once — staff of every role (with tokens printed), customers with contacts, members with visits and
 * spending, an event, SMS templates, consents, duty schedules and holidays. Refuses to load twice.
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConfigError, loadConfig } from '../config.js';
import { connectOrm, migrateUp } from '../db/orm.js';
import { createStaff } from '../domain/staff/staff.service.js';
import { StaffSchema, type StaffRole, type Weekday } from '../domain/staff/staff.entity.js';
import { normalizePhone } from '../domain/shared/phone.js';
import { CustomerSchema } from '../domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../domain/customers/customer-contact.entity.js';
import { MemberSchema } from '../domain/members/member.entity.js';
import { MemberVisitSchema } from '../domain/members/member-visit.entity.js';
import { EventSchema } from '../domain/events/event.entity.js';
import { SmsTemplateSchema } from '../domain/outreach/sms-template.entity.js';
import { ConsentSchema } from '../domain/compliance/consent.entity.js';
import { DutyScheduleSchema, type DutyDay } from '../domain/routing/duty-schedule.entity.js';
import { HolidaySchema } from '../domain/routing/holiday.entity.js';
import { StaffTokens } from '../miniapp-api/auth/staff-token.js';
import { demoData } from './demo-data.js';

const DAY = 86_400_000;

function phone(raw: string) {
  const p = normalizePhone(raw);
  if (!p) throw new Error(`demo data has a bad number: ${raw}`);
  return { number: p.e164, last8: p.last8 };
}

async function seedStaff(em: EntityManager): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const s of demoData.staff) {
    const staff = await createStaff(
      em,
      { name: s.name, role: s.role as StaffRole, mobile: s.mobile, wecomUserId: s.wecom, officeExt: s.ext },
      { actorStaffId: null, channel: 'cli' },
    );
    staff.forwardingType = s.forwarding ?? 'sequential';
    staff.dutyDays = s.dutyDays as Weekday[];
    staff.dutyStart = s.dutyHours[0];
    staff.dutyEnd = s.dutyHours[1];
    em.create(DutyScheduleSchema, { staff: staff.id, days: s.dutyDays as DutyDay[], startTime: s.dutyHours[0], endTime: s.dutyHours[1], priority: s.role === 'duty' ? 10 : 0 });
    ids.set(s.key, staff.id);
  }
  await em.flush();
  return ids;
}

function seedCustomers(em: EntityManager, staffIds: Map<string, number>, now: number): void {
  for (const c of demoData.customers) {
    const companyPhone = c.phone ? phone(c.phone) : undefined;
    const customer = em.create(CustomerSchema, {
      id: c.id,
      companyName: c.company,
      name: c.contact.name,
      phone: companyPhone?.number ?? null,
      phoneLast8: companyPhone?.last8 ?? null,
      level: c.level,
      segment: c.segment,
      ownerStaff: staffIds.get(c.owner) ?? null,
      annualRevenueFen: c.annualRevenueYuan * 100,
      orderCount: c.orders,
      lastContactAt: new Date(now - c.lastContactDaysAgo * DAY),
      lastContactType: 'phone',
      lastVisitAt: new Date(now - c.lastVisitDaysAgo * DAY),
      birthday: c.birthday ?? null,
      tags: c.tags,
      notes: c.notes,
      source: 'demo',
    });
    const mobile = phone(c.contact.mobile);
    em.create(CustomerContactSchema, {
      customer,
      name: c.contact.name,
      mobile: mobile.number,
      mobileLast8: mobile.last8,
      department: c.contact.department,
      position: c.contact.position,
      isPrimary: true,
    });
    if (c.consentSms) {
      em.create(ConsentSchema, { customer, phone: mobile.number, phoneLast8: mobile.last8, channel: 'sms', state: 'granted', source: 'demo_signup', recordedAt: new Date(now - 90 * DAY) });
    }
    const member = em.create(MemberSchema, {
      id: c.id.replace('CUST', 'MEM'),
      customer,
      name: c.contact.name,
      phone: mobile.number,
      phoneLast8: mobile.last8,
      tier: c.tier,
      points: c.orders * 120,
      segment: c.segment,
      joinedAt: new Date(now - 400 * DAY),
    });
    c.visits.forEach(([daysAgo, spendingYuan, categories]) => {
      em.create(MemberVisitSchema, { member, visitedAt: new Date(now - daysAgo * DAY), spendingFen: spendingYuan * 100, categories });
    });
  }
}

async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const orm = await connectOrm(config.database);
  try {
    await migrateUp(orm);
    const em = orm.em.fork();
    if (await em.findOne(CustomerSchema, { id: demoData.customers[0]!.id })) {
      console.log('demo data is already loaded (CUST_001 exists); nothing changed');
      return;
    }
    const now = Date.now();
    const staffIds = await seedStaff(em);
    seedCustomers(em, staffIds, now);
    em.create(EventSchema, { ...demoData.event, eventDate: new Date(demoData.event.eventDate) });
    for (const t of demoData.templates) em.create(SmsTemplateSchema, t);
    for (const h of demoData.holidays) em.create(HolidaySchema, h);
    await em.flush();

    const tokens = new StaffTokens(config.auth.appSecret, config.auth.tokenTtlSeconds);
    console.log(`demo data loaded: ${demoData.staff.length} staff, ${demoData.customers.length} customers with contacts and members, 1 event, ${demoData.templates.length} SMS templates`);
    for (const s of await em.find(StaffSchema, { id: { $in: [...staffIds.values()] } }, { orderBy: { id: 'asc' } })) {
      const { token } = await tokens.issue({ staffId: s.id, role: s.role });
      console.log(`staff ${s.id} ${s.name} (${s.role}) token: ${token}`);
    }
  } finally {
    await orm.close(true);
  }
}

try {
  await run();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `seed:demo failed: ${(err as Error).message}`);
  process.exit(1);
}
