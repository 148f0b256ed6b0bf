import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const RECEIPT_KINDS = ['nonce', 'message'] as const;

/**
 * What the WeCom callback has already seen: nonces (a second use within two hours is a replay) and
 * message keys (MsgId, or FromUserName+CreateTime for events; WeCom retries deliver them again).
 * The unique key makes "first one wins" atomic across processes; expired rows are swept.
 */
export const CallbackReceiptSchema = defineEntity({
  name: 'CallbackReceipt',
  tableName: 'wecom_callback_receipts',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.enum([...RECEIPT_KINDS]),
    receiptKey: p.string().length(128),
    expiresAt: p.datetime().index(),
  },
  uniques: [{ properties: ['kind', 'receiptKey'] }],
});

export type CallbackReceipt = InferEntity<typeof CallbackReceiptSchema>;
