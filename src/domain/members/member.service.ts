import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { mobileTaken } from '../customers/mobile-ownership.js';
import { resolvePhone } from '../customers/phone-resolution.js';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone, normalizePhone, type NormalizedPhone } from '../shared/phone.js';
import type { FieldIssue } from '../shared/validation.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { MemberTierSchema } from '../tiers/member-tier.entity.js';
import { MemberSchema, type Member, type MemberStatus } from './member.entity.js';

export type MemberFields = {
  customerId?: string | null;
  name?: string | null;
  phone?: string | null;
  tier?: string;
  points?: number;
  status?: MemberStatus;
  segment?: CustomerSegment | null;
  tags?: string[];
  joinedAt?: Date;
};

/** A membership as the API shows it: the number masked. */
export function memberView(m: Member) {
  return {
    id: m.id,
    customerId: m.customer?.id ?? null,
    name: m.name ?? null,
    phone: m.phone ? maskPhone(m.phone) : null,
    tier: m.tier,
    points: m.points,
    status: m.status,
    segment: m.segment ?? null,
    tags: m.tags ?? [],
    joinedAt: m.joinedAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

async function memberOrFail(em: EntityManager, id: string): Promise<Member> {
  const member = await em.findOne(MemberSchema, { id });
  if (!member) throw new DomainError('MEMBER_NOT_FOUND', `会员 ${id} 不存在`);
  return member;
}

/**
 * Column values of the given fields, checked together (every bad field at once): the tier must be one
 * of the configured tiers, the customer must exist, and the number follows the customers module's rule —
 * a membership without a customer joins the customer whose number it is; a mobile that belongs to
 * another customer than the one named is 409 CUSTOMER_MOBILE_TAKEN.
 */
async function memberColumns(em: EntityManager, input: MemberFields, current: Member | null): Promise<Record<string, unknown>> {
  const problems: FieldIssue[] = [];
  const row: Record<string, unknown> = {};
  for (const key of ['name', 'tier', 'points', 'status', 'segment', 'joinedAt'] as const) if (input[key] !== undefined) row[key] = input[key];
  if (input.tags !== undefined) row.tags = [...new Set(input.tags)];
  if (input.tier !== undefined) {
    const tiers = (await em.find(MemberTierSchema, {}, { fields: ['code'], orderBy: { rank: 'asc' } })).map((t) => t.code);
    if (tiers.length && !tiers.includes(input.tier)) problems.push({ field: 'tier', message: `会员等级必须是 ${tiers.join('/')} 之一` });
  }
  let phone: NormalizedPhone | null = null;
  if (input.phone !== undefined) {
    phone = input.phone ? normalizePhone(input.phone) : null;
    if (input.phone && !phone) problems.push({ field: 'phone', message: '不是有效的电话号码' });
    row.phone = phone?.e164 ?? null;
    row.phoneLast8 = phone?.last8 ?? null;
  }
  if (input.customerId) {
    if (!(await em.count(CustomerSchema, { id: input.customerId }))) problems.push({ field: 'customerId', message: `客户 ${input.customerId} 不存在` });
    row.customer = input.customerId;
  } else if (input.customerId === null) row.customer = null;
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '会员信息不合法', { fields: problems });
  if (phone?.kind === 'mobile') {
    const customerId = input.customerId !== undefined ? input.customerId : (current?.customer?.id ?? null);
    const owner = (await resolvePhone(em, phone)).ranked.find((c) => c.exact && c.via !== 'member');
    if (owner && customerId && owner.customerId !== customerId) throw await mobileTaken(em, phone.e164, owner.customerId);
    if (owner && !customerId) row.customer = owner.customerId;
  }
  return row;
}

/** Creates a membership (id MEM_… unless given; a used id is 409 MEMBER_ID_TAKEN). */
export async function createMember(em: EntityManager, actor: Actor, input: MemberFields & { id?: string }) {
  authorize(actor, 'member:edit', '新建会员');
  const row = await memberColumns(em, input, null);
  if (input.id && (await em.count(MemberSchema, { id: input.id }))) throw new DomainError('MEMBER_ID_TAKEN', `会员编号 ${input.id} 已存在`, { memberId: input.id });
  const id = input.id ?? `MEM_${randomBytes(5).toString('hex').toUpperCase()}`;
  const firstTier = (await em.find(MemberTierSchema, {}, { fields: ['code'], orderBy: { rank: 'asc' }, limit: 1 }))[0]?.code ?? 'normal';
  return em.transactional(async (tx) => {
    const member = tx.create(MemberSchema, { tier: firstTier, points: 0, status: 'active', tags: [], joinedAt: new Date(), ...row, id } as never);
    recordAudit(tx, { ...auditedBy(actor), action: 'member.create', targetType: 'member', targetId: id, details: { customerId: (row.customer as string | undefined) ?? null } });
    await tx.flush();
    return memberView(member);
  });
}

export async function getMember(em: EntityManager, actor: Actor, id: string) {
  authorize(actor, 'customer:view', '查看会员');
  return memberView(await memberOrFail(em, id));
}

/** Changes the given fields of a membership (same checks as creation). */
export async function updateMember(em: EntityManager, actor: Actor, id: string, input: MemberFields) {
  authorize(actor, 'member:edit', '修改会员');
  const current = await memberOrFail(em, id);
  const row = await memberColumns(em, input, current);
  return em.transactional(async (tx) => {
    await tx.nativeUpdate(MemberSchema, { id }, { ...row, updatedAt: new Date() } as never);
    recordAudit(tx, { ...auditedBy(actor), action: 'member.update', targetType: 'member', targetId: id, details: { fields: Object.keys(input) } });
    await tx.flush();
    return memberView((await tx.findOne(MemberSchema, { id }, { disableIdentityMap: true }))!);
  });
}

export type MemberListQuery = {
  page: number;
  size: number;
  sort: 'id' | 'joinedAt' | 'points' | 'createdAt';
  order: 'asc' | 'desc';
  q?: string;
  tier?: string;
  status?: MemberStatus;
  segment?: CustomerSegment;
  customerId?: string;
};

/** Memberships, one page, numbers masked; `q` is a number in any spelling (last-8 column), an id or a name fragment. */
export async function listMembers(em: EntityManager, actor: Actor, q: MemberListQuery) {
  authorize(actor, 'customer:view', '查看会员');
  const where: Record<string, unknown> = {};
  for (const key of ['tier', 'status', 'segment'] as const) if (q[key]) where[key] = q[key];
  if (q.customerId) where.customer = q.customerId;
  const text = q.q?.trim();
  if (text) {
    const phone = /^[+\d][\d\s\-()]{6,}$/.test(text) ? normalizePhone(text) : null;
    const fragment = text.replace(/[%_\\]/g, '');
    where.$or = phone ? [{ phoneLast8: phone.last8 }, { id: text }] : fragment ? [{ id: text }, { name: { $like: `%${fragment}%` } }] : [{ id: text }];
  }
  const [rows, total] = await em.findAndCount(MemberSchema, where, { orderBy: q.sort === 'id' ? { id: q.order } : { [q.sort]: q.order, id: 'asc' }, limit: q.size, offset: (q.page - 1) * q.size, disableIdentityMap: true });
  return { rows: rows.map(memberView), total };
}
