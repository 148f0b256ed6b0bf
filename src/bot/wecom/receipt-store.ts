import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from '../../db/orm.js';
import { CallbackReceiptSchema } from './callback-receipt.entity.js';

/** An inbox message after WeCom's retries stop mattering: tries beyond this are given up (and logged). */
export const MAX_INBOX_ATTEMPTS = 3;

/**
 * Remembers callback nonces and message keys for a while. `claim` is atomic across processes (a unique
 * key in the database): true for the first caller, false for every later one until the entry expires.
 * Message claims also store the message (`claimMessage`): the inbox the callback processes from.
 */
export type ReceiptStore = {
  claim(kind: 'nonce' | 'message', key: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Claims a message key and stores the message in the same statement; its id, or undefined for a duplicate. */
  claimMessage(key: string, ttlMs: number, message: Record<string, string>, now?: number): Promise<number | undefined>;
  /** Takes a claimed, unprocessed message for `leaseMs` (one process at a time); undefined when taken or done. */
  lease(id: number, leaseMs: number, now?: number): Promise<Record<string, string> | undefined>;
  /** Marks a message processed. */
  finish(id: number, now?: number): Promise<void>;
  /** Messages claimed and not processed whose lease is free or expired (their process died), oldest first. */
  unfinished(limit: number, now?: number): Promise<number[]>;
  /** Deletes expired entries; returns how many. */
  sweep(now?: number): Promise<number>;
};

export function createSqlReceiptStore(orm: Orm): ReceiptStore {
  async function insertOrReclaim(kind: 'nonce' | 'message', key: string, ttlMs: number, now: number, payload: Record<string, string> | null): Promise<number | undefined> {
    const em = orm.em.fork();
    const receiptKey = key.slice(0, 128);
    const expiresAt = new Date(now + ttlMs);
    try {
      const id = await em.insert(CallbackReceiptSchema, { kind, receiptKey, expiresAt, payload, attempts: 0 });
      return Number(id);
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      // An expired entry of the same key may remain until the sweep: reclaim it atomically.
      const reclaimed = await em.nativeUpdate(
        CallbackReceiptSchema,
        { kind, receiptKey, expiresAt: { $lte: new Date(now) } },
        { expiresAt, payload, attempts: 0, leasedUntil: null, processedAt: null },
      );
      if (reclaimed !== 1) return undefined;
      const row = await em.findOne(CallbackReceiptSchema, { kind, receiptKey }, { fields: ['id'] });
      return row?.id;
    }
  }
  return {
    async claim(kind, key, ttlMs, now = Date.now()) {
      return (await insertOrReclaim(kind, key, ttlMs, now, null)) !== undefined;
    },
    claimMessage: (key, ttlMs, message, now = Date.now()) => insertOrReclaim('message', key, ttlMs, now, message),
    async lease(id, leaseMs, now = Date.now()) {
      const em = orm.em.fork();
      const taken = await em.nativeUpdate(
        CallbackReceiptSchema,
        { id, processedAt: null, payload: { $ne: null }, attempts: { $lt: MAX_INBOX_ATTEMPTS }, $or: [{ leasedUntil: null }, { leasedUntil: { $lte: new Date(now) } }] },
        { leasedUntil: new Date(now + leaseMs), attempts: raw('attempts + 1') },
      );
      if (taken !== 1) return undefined;
      const row = await em.findOne(CallbackReceiptSchema, { id }, { fields: ['payload'] });
      return row?.payload ?? undefined;
    },
    async finish(id, now = Date.now()) {
      await orm.em.fork().nativeUpdate(CallbackReceiptSchema, { id }, { processedAt: new Date(now), leasedUntil: null });
    },
    async unfinished(limit, now = Date.now()) {
      const rows = await orm.em.fork().find(
        CallbackReceiptSchema,
        { kind: 'message', processedAt: null, payload: { $ne: null }, attempts: { $lt: MAX_INBOX_ATTEMPTS }, $or: [{ leasedUntil: null }, { leasedUntil: { $lte: new Date(now) } }] },
        { fields: ['id'], orderBy: { id: 'asc' }, limit },
      );
      return rows.map((r) => r.id);
    },
    async sweep(now = Date.now()) {
      return orm.em.fork().nativeDelete(CallbackReceiptSchema, { expiresAt: { $lte: new Date(now) } });
    },
  };
}
