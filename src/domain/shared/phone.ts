/**
 * Phone numbers have one stored form: E.164 (`+8613800138000`). Matching "the same number written
 * differently" uses the last eight national digits, kept in an indexed column next to the number.
 */
export type PhoneKind = 'mobile' | 'landline' | 'service' | 'other';

export type NormalizedPhone = {
  e164: string;
  /** Digits after the country code, e.g. 13800138000 or 2112345678. */
  national: string;
  last8: string;
  kind: PhoneKind;
};

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Normalises a Chinese number as people type it (spaces, dashes, +86/0086/86 prefixes, trunk 0). */
export function normalizePhone(raw: string): NormalizedPhone | null {
  const trimmed = raw.trim();
  if (!/^[+\d][\d\s\-()]*$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^\d]/g, '');
  const international = trimmed.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (international && !digits.startsWith('86')) {
    return digits.length >= 8 && digits.length <= 15
      ? { e164: `+${digits}`, national: digits, last8: digits.slice(-8), kind: 'other' }
      : null;
  }
  if (digits.startsWith('86') && digits.length >= 12) digits = digits.slice(2);
  let kind: PhoneKind;
  if (MAINLAND_MOBILE.test(digits)) kind = 'mobile';
  else if (/^(400|800)\d{7}$/.test(digits)) kind = 'service';
  else if (/^0[1-9]\d{8,10}$/.test(digits)) {
    digits = digits.slice(1);
    kind = 'landline';
  } else if (/^[1-9]\d{8,10}$/.test(digits) && !digits.startsWith('1')) kind = 'landline';
  else return null;
  return { e164: `+86${digits}`, national: digits, last8: digits.slice(-8), kind };
}

/** True for an 11-digit mainland mobile number in any accepted spelling. */
export function isMainlandMobile(raw: string): boolean {
  return normalizePhone(raw)?.kind === 'mobile';
}

/** 138****8888 for mobiles; other numbers keep their first three and last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+86/, '').replace(/[^\d]/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * A stored E.164 number as staff read and dial it in China: mobiles and 400/800 numbers as they are,
 * landlines with their trunk 0 back (+8657188881234 → 057188881234, +861012345678 → 01012345678).
 */
export function nationalNumber(e164: string): string {
  if (!e164.startsWith('+86')) return e164.replace(/^\+/, '');
  const digits = e164.slice(3);
  return MAINLAND_MOBILE.test(digits) || /^(400|800)\d{7}$/.test(digits) ? digits : `0${digits}`;
}
