import { maskPhone, nationalNumber } from '../shared/phone.js';
import { can, type Actor } from './actor.js';
import type { Permission } from './permissions.js';

/**
 * Which permission names the full number of what: a call task's numbers and call records (seed 004's
 * lead:call:edit), a customer's and its contacts' numbers (customer:phone:view).
 */
export const FULL_NUMBER_PERMISSION = {
  callTask: 'lead:call:edit',
  customer: 'customer:phone:view',
} as const satisfies Record<string, Permission>;

/** In a list every number is masked (138****8888), whoever asks. */
export function listedNumber(e164: string | null | undefined): string | null {
  return e164 ? maskPhone(e164) : null;
}

/**
 * In a detail view (one record) the full number, in national digits, for holders of the permission that
 * names it; masked for everyone else.
 */
export function detailNumber(actor: Actor | null, e164: string | null | undefined, of: keyof typeof FULL_NUMBER_PERMISSION): string | null {
  if (!e164) return null;
  return actor && can(actor, FULL_NUMBER_PERMISSION[of]) ? nationalNumber(e164) : maskPhone(e164);
}
