import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { CustomerSchema } from './customer.entity.js';
import { MobileClaimSchema } from './mobile-claim.entity.js';
import { holdersOf, resolvePhone } from './phone-resolution.js';

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

/** Whose a mobile is, for a bulk door: the customer, and whether a claim (rather than an older record) says so. */
export type MobileOwner = { customerId: string; claimed: boolean };

/**
 * The customer each of many mobiles (E.164) belongs to, in two statements whatever their count (bulk
 * doors such as the import): the claim when there is one, else the customer whose own number, contact
 * or membership carries it exactly (the smallest id when older data has it twice). Mobiles nobody has
 * are absent.
 */
export async function mobileOwners(em: EntityManager, mobiles: readonly string[]): Promise<Map<string, MobileOwner>> {
  const owners = new Map<string, MobileOwner>();
  const wanted = new Set(mobiles);
  if (wanted.size === 0) return owners;
  const claims = await em.find(MobileClaimSchema, { mobile: { $in: [...wanted] } }, { fields: ['mobile', 'customer'], disableIdentityMap: true });
  for (const claim of claims) owners.set(claim.mobile, { customerId: claim.customer.id, claimed: true });
  const unclaimed = [...wanted].filter((m) => !owners.has(m));
  for (const h of await holdersOf(em, unclaimed.map((m) => m.slice(-8)))) {
    if (!h.number || !wanted.has(h.number) || owners.get(h.number)?.claimed) continue;
    const seen = owners.get(h.number);
    if (!seen || h.customerId < seen.customerId) owners.set(h.number, { customerId: h.customerId, claimed: false });
  }
  return owners;
}

/**
 * Claims many mobiles at once (the bulk form of `claimMobiles`, for a door that has already refused the
 * numbers `mobileOwners` gives to another customer): one multi-row INSERT in the caller's transaction.
 * A claim another transaction made meanwhile makes the database refuse the statement (duplicate key, after
 * that transaction commits), so the caller's batch fails and its retry sees the claim — two doors never
 * both give one mobile to two customers.
 */
export async function insertClaims(tx: EntityManager, claims: ReadonlyArray<{ mobile: string; customerId: string }>, at: Date): Promise<void> {
  if (claims.length === 0) return;
  await tx.insertMany(MobileClaimSchema, claims.map((c) => ({ mobile: c.mobile, customer: c.customerId, claimedAt: at })) as never[]);
}
