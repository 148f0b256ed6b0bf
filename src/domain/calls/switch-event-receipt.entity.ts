import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A switch event some process has handled: every process connected to the switch receives every event,
 * and the first to insert the event's key (channel uuid and event name) handles it, in the transaction
 * that holds its effects (src/telephony/handle-once.ts). Rows older than a week are deleted by the call sweep.
 */
export const SwitchEventReceiptSchema = defineEntity({
  name: 'SwitchEventReceipt',
  tableName: 'switch_event_receipts',
  properties: {
    eventKey: p.string().length(128).primary(),
    /** The process that handled it (JOBS_WORKER_NAME, or host:pid). */
    handledBy: p.string().length(128),
    handledAt: p.datetime().index(),
  },
});

export type SwitchEventReceipt = InferEntity<typeof SwitchEventReceiptSchema>;
