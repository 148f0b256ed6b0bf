import type { CallDirection } from '../shared/vocabulary.js';

/** The customer's side of a call: the caller of an inbound call, the callee of an outbound one. */
export function customerNumber(call: { direction: CallDirection; caller?: string | null; callee: string }): string {
  return call.direction === 'inbound' ? (call.caller ?? '') : call.callee;
}
