import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const RECEIPT_KINDS = ['nonce', 'message'] as const;

/**
 * What the WeCom callback has already seen: nonces (a second use within two hours is a replay) and
 * message keys (MsgId, or FromUserName+CreateTime for events; WeCom retries deliver them again).
 * The unique key makes "first one wins" atomic across processes; expired rows are swept.
 * A message row is also the inbox: the insert that claims it stores the decrypted message, and the
 * message is processed from here (leased, then marked processed), so a crash after the 200 loses nothing.
 */
export const CallbackReceiptSchema = defineEntity({
  name: 'CallbackReceipt',
  tableName: 'wecom_callback_receipts',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.enum([...RECEIPT_KINDS]),
    receiptKey: p.string().length(128),
    expiresAt: p.datetime().index(),
    /** The decrypted message (message rows only), stored by the claiming insert. */
    payload: p.json<Record<string, string>>().nullable(),
    /** Set while a process works on the message; an expired lease means that process died. */
    leasedUntil: p.datetime().nullable(),
    attempts: p.integer().default(0),
    processedAt: p.datetime().nullable().index(),
  },
  uniques: [{ properties: ['kind', 'receiptKey'] }],
});

export type CallbackReceipt = InferEntity<typeof CallbackReceiptSchema>;
