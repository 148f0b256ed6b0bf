import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from '../../db/orm.js';
import { CallbackReceiptSchema } from './callback-receipt.entity.js';

/**
 * Remembers callback nonces and message keys for a while. `claim` is atomic across processes (a unique
 * key in the database): true for the first caller, false for every later one until the entry expires.
 */
export type ReceiptStore = {
  claim(kind: 'nonce' | 'message', key: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Deletes expired entries; returns how many. */
  sweep(now?: number): Promise<number>;
};

export function createSqlReceiptStore(orm: Orm): ReceiptStore {
  return {
    async claim(kind, key, ttlMs, now = Date.now()) {
      const em = orm.em.fork();
      const receiptKey = key.slice(0, 128);
      try {
        await em.insert(CallbackReceiptSchema, { kind, receiptKey, expiresAt: new Date(now + ttlMs) });
        return true;
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        // An expired entry of the same key may remain until the sweep: reclaim it atomically.
        const reclaimed = await em.nativeUpdate(CallbackReceiptSchema, { kind, receiptKey, expiresAt: { $lte: new Date(now) } }, { expiresAt: new Date(now + ttlMs) });
        return reclaimed === 1;
      }
    },
    async sweep(now = Date.now()) {
      return orm.em.fork().nativeDelete(CallbackReceiptSchema, { expiresAt: { $lte: new Date(now) } });
    },
  };
}
