import { normalizePhone } from '../shared/phone.js';
import type { FieldIssue } from '../shared/validation.js';
import type { CALL_PREFERENCES, PHONE_TYPES } from './customer-contact.entity.js';

export type ContactInput = {
  name: string;
  /** A mainland mobile in any spelling. */
  mobile?: string | null;
  /** Any dialable number (landline, mobile, 400). */
  phone?: string | null;
  department?: string | null;
  position?: string | null;
  phoneType?: (typeof PHONE_TYPES)[number];
  isPrimary?: boolean;
  callPreference?: (typeof CALL_PREFERENCES)[number];
};

/** Column values of the given contact fields, numbers normalised; bad numbers become field issues under `prefix`. */
export function contactRow(input: Partial<ContactInput>, problems: FieldIssue[], prefix = ''): Record<string, unknown> & { mobile?: string | null; phone?: string | null; isPrimary?: boolean } {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const row: Record<string, unknown> = {};
  for (const key of ['name', 'department', 'position', 'phoneType', 'isPrimary', 'callPreference'] as const) if (input[key] !== undefined) row[key] = input[key];
  if (input.mobile !== undefined) {
    const mobile = input.mobile ? normalizePhone(input.mobile) : null;
    if (input.mobile && mobile?.kind !== 'mobile') problems.push({ field: at('mobile'), message: '不是有效的中国大陆手机号' });
    row.mobile = mobile?.e164 ?? null;
    row.mobileLast8 = mobile?.last8 ?? null;
  }
  if (input.phone !== undefined) {
    const phone = input.phone ? normalizePhone(input.phone) : null;
    if (input.phone && !phone) problems.push({ field: at('phone'), message: '不是有效的电话号码' });
    row.phone = phone?.e164 ?? null;
    row.phoneLast8 = phone?.last8 ?? null;
  }
  return row;
}
