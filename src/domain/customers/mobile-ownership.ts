import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { MemberSchema } from '../members/member.entity.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema } from './customer.entity.js';
import { MobileClaimSchema } from './mobile-claim.entity.js';
import { resolvePhone } from './phone-resolution.js';

/** The distinct mainland mobiles (E.164) among stored numbers; landlines and service numbers may be shared. */
export function mobilesAmong(numbers: ReadonlyArray<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const n of numbers) {
    const phone = n ? normalizePhone(n) : null;
    if (phone?.kind === 'mobile') out.add(phone.e164);
  }
  return [...out];
}

/** Whether any record of the customer (own number, a contact, a membership) carries the number exactly. */
async function holds(em: EntityManager, customerId: string, e164: string): Promise<boolean> {
  return (await resolvePhone(em, normalizePhone(e164)!)).ranked.some((c) => c.exact && c.customerId === customerId);
}

/** 409 CUSTOMER_MOBILE_TAKEN naming the customer that has the number (masked in the message). */
export async function mobileTaken(em: EntityManager, e164: string, ownerId: string | null): Promise<DomainError> {
  const owner = ownerId ? await em.findOne(CustomerSchema, { id: ownerId }, { fields: ['id', 'name'], disableIdentityMap: true }) : null;
  const who = owner ? `客户 ${owner.id}（${owner.name}）` : '其他客户';
  return new DomainError('CUSTOMER_MOBILE_TAKEN', `手机号 ${maskPhone(e164)} 已属于${who}，一个手机号只能属于一位客户（可合并客户）`, {
    phone: maskPhone(e164),
    customerId: owner?.id ?? null,
    customerName: owner?.name ?? null,
  });
}

/**
 * Claims each mobile for the customer inside the caller's transaction: the one rule "a mobile belongs to
 * one customer". A mobile another customer carries is refused (409 naming that customer); a claim whose
 * customer no longer carries the number is taken over; a number nobody has claimed but an older record
 * (written before claims, or by an import) carries counts as that customer's. Two transactions claiming
 * the same mobile at once meet on the claim's primary key: the second waits and then fails, and
 * `withMobileRule` turns that into the same 409.
 */
export async function claimMobiles(tx: EntityManager, customerId: string, mobiles: readonly string[]): Promise<void> {
  for (const mobile of mobiles) {
    const claim = await tx.findOne(MobileClaimSchema, { mobile }, { disableIdentityMap: true });
    if (claim?.customer.id === customerId) continue;
    if (claim) {
      if (await holds(tx, claim.customer.id, mobile)) throw await mobileTaken(tx, mobile, claim.customer.id);
      await tx.nativeUpdate(MobileClaimSchema, { mobile }, { customer: customerId, claimedAt: new Date() });
      continue;
    }
    const other = (await resolvePhone(tx, normalizePhone(mobile)!)).ranked.find((c) => c.exact && c.customerId !== customerId);
    if (other) throw await mobileTaken(tx, mobile, other.customerId);
    await tx.insert(MobileClaimSchema, { mobile, customer: customerId, claimedAt: new Date() });
  }
}

/** Drops the customer's claims on numbers none of its records carries any more (after an edit or a removal). */
export async function releaseMobiles(tx: EntityManager, customerId: string, mobiles: readonly string[]): Promise<void> {
  for (const mobile of mobiles) {
    if (!(await holds(tx, customerId, mobile))) await tx.nativeDelete(MobileClaimSchema, { mobile, customer: customerId });
  }
}

/**
 * Runs a write that claims mobiles; a claim lost to a concurrent transaction (the database refused the
 * duplicate key after the winner committed) becomes 409 CUSTOMER_MOBILE_TAKEN naming the winner.
 */
export async function withMobileRule<T>(em: EntityManager, mobiles: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException) || mobiles.length === 0) throw err;
    const claims = await em.fork().find(MobileClaimSchema, { mobile: { $in: [...mobiles] } }, { disableIdentityMap: true });
    if (claims.length === 0) throw err;
    throw await mobileTaken(em.fork(), claims[0]!.mobile, claims[0]!.customer.id);
  }
}

/**
 * The customer each of many mobiles (E.164) belongs to, in a few indexed queries (bulk doors such as
 * the import): the claim when there is one, else the customer whose own number, contact or membership
 * carries it exactly (the smallest id when older data has it twice). Mobiles nobody has are absent.
 */
export async function mobileOwners(em: EntityManager, mobiles: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const wanted = new Set(mobiles);
  if (wanted.size === 0) return owners;
  const last8 = [...new Set([...wanted].map((m) => m.slice(-8)))];
  const [claims, contacts, customers, members] = await Promise.all([
    em.find(MobileClaimSchema, { mobile: { $in: [...wanted] } }, { disableIdentityMap: true }),
    em.find(CustomerContactSchema, { $or: [{ mobileLast8: { $in: last8 } }, { phoneLast8: { $in: last8 } }] }, { fields: ['customer', 'mobile', 'phone'], disableIdentityMap: true }),
    em.find(CustomerSchema, { phoneLast8: { $in: last8 } }, { fields: ['id', 'phone'], disableIdentityMap: true }),
    em.find(MemberSchema, { phoneLast8: { $in: last8 }, customer: { $ne: null } }, { fields: ['customer', 'phone'], disableIdentityMap: true }),
  ]);
  const found: Array<[string | null | undefined, string]> = [
    ...contacts.flatMap((c) => [[c.mobile, c.customer.id], [c.phone, c.customer.id]] as Array<[string | null | undefined, string]>),
    ...customers.map((c) => [c.phone, c.id] as [string | null | undefined, string]),
    ...members.map((m) => [m.phone, m.customer!.id] as [string | null | undefined, string]),
  ];
  for (const [number, customerId] of found) {
    if (!number || !wanted.has(number)) continue;
    const seen = owners.get(number);
    if (!seen || customerId < seen) owners.set(number, customerId);
  }
  for (const claim of claims) owners.set(claim.mobile, claim.customer.id);
  return owners;
}
