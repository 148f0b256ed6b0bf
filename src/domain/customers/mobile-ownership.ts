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
 * one customer". A claim is live while its customer carries the number (own number, a contact, a
 * membership); a stale claim (its customer no longer carries it) counts as no claim and is taken over. A
 * mobile with a live claim of another customer is refused (409 naming that customer); so is a mobile with
 * no live claim that another customer's record carries (written before claims, or by an older import).
 * Two transactions claiming the same mobile at once meet on the claim's primary key (a new claim) or on the
 * take-over's guard (a stale one): the second fails, and `withMobileRule` turns that into the same 409. The
 * bulk doors follow the same rule (`mobileOwners`, `writeClaims`).
 */
export async function claimMobiles(tx: EntityManager, customerId: string, mobiles: readonly string[]): Promise<void> {
  for (const mobile of mobiles) {
    const claim = await tx.findOne(MobileClaimSchema, { mobile }, { disableIdentityMap: true });
    if (claim?.customer.id === customerId) continue;
    const carriers = (await resolvePhone(tx, normalizePhone(mobile)!)).ranked.filter((c) => c.exact).map((c) => c.customerId);
    const owner = claim && carriers.includes(claim.customer.id) ? claim.customer.id : carriers.find((id) => id !== customerId);
    if (owner) throw await mobileTaken(tx, mobile, owner);
    if (!claim) await tx.insert(MobileClaimSchema, { mobile, customer: customerId, claimedAt: new Date() });
    else if ((await takeOver(tx, mobile, claim.customer.id, customerId, new Date())) === 0) throw await mobileTaken(tx, mobile, null);
  }
}

/** Moves a stale claim to `to`, only while it still names `from` (a take-over another door made first wins). */
function takeOver(tx: EntityManager, mobile: string, from: string, to: string, at: Date): Promise<number> {
  return tx.nativeUpdate(MobileClaimSchema, { mobile, customer: from }, { customer: to, claimedAt: at });
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
 * Whose a mobile is, for a bulk door: the customer, and whether a live claim (rather than an older record)
 * says so; `staleClaimOf` names the customer of a stale claim on the number (the door takes it over).
 */
export type MobileOwner = { customerId: string | null; claimed: boolean; staleClaimOf?: string };

/**
 * The owner of each of many mobiles (E.164) by `claimMobiles`' rule, in two statements whatever their count
 * (bulk doors such as the import): a live claim (its customer still carries the number) decides; else the
 * customer whose own number, contact or membership carries it exactly (the smallest id when older data has
 * it twice). A stale claim with no such carrier leaves `customerId` null. Mobiles nobody has are absent.
 */
export async function mobileOwners(em: EntityManager, mobiles: readonly string[]): Promise<Map<string, MobileOwner>> {
  const owners = new Map<string, MobileOwner>();
  const wanted = new Set(mobiles);
  if (wanted.size === 0) return owners;
  const claims = await em.find(MobileClaimSchema, { mobile: { $in: [...wanted] } }, { fields: ['mobile', 'customer'], disableIdentityMap: true });
  const carriers = new Map<string, Set<string>>();
  for (const h of await holdersOf(em, [...wanted].map((m) => m.slice(-8)))) {
    if (h.number && wanted.has(h.number)) carriers.set(h.number, (carriers.get(h.number) ?? new Set()).add(h.customerId));
  }
  const claimOf = new Map(claims.map((c) => [c.mobile, c.customer.id]));
  for (const mobile of wanted) {
    const claimed = claimOf.get(mobile);
    const carrying = [...(carriers.get(mobile) ?? [])].sort();
    if (claimed !== undefined && carrying.includes(claimed)) owners.set(mobile, { customerId: claimed, claimed: true });
    else if (claimed !== undefined) owners.set(mobile, { customerId: carrying[0] ?? null, claimed: false, staleClaimOf: claimed });
    else if (carrying.length) owners.set(mobile, { customerId: carrying[0]!, claimed: false });
  }
  return owners;
}

/**
 * Writes many claims at once (the bulk form of `claimMobiles`, for a door that has already refused the
 * numbers `mobileOwners` gives to another customer) in the caller's transaction: new claims in one
 * multi-row INSERT, stale ones taken over (one guarded UPDATE each; they are rare). A claim another
 * transaction made or took over meanwhile makes this fail (duplicate key after that transaction commits,
 * or a take-over that finds the claim moved), so the caller's batch fails and its retry sees the claim —
 * two doors never both give one mobile to two customers.
 */
export async function writeClaims(tx: EntityManager, claims: ReadonlyArray<{ mobile: string; customerId: string; staleClaimOf?: string }>, at: Date): Promise<void> {
  const fresh = claims.filter((c) => c.staleClaimOf === undefined);
  if (fresh.length) await tx.insertMany(MobileClaimSchema, fresh.map((c) => ({ mobile: c.mobile, customer: c.customerId, claimedAt: at })) as never[]);
  for (const c of claims) {
    if (c.staleClaimOf !== undefined && (await takeOver(tx, c.mobile, c.staleClaimOf, c.customerId, at)) === 0) throw await mobileTaken(tx, c.mobile, null);
  }
}
