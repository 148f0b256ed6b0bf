/** Any mainland mobile number inside free text, with or without +86/0086, not part of a longer digit run. */
const MOBILE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;

/** Replaces every mobile number in a string with its masked form (138****8888). */
export function maskPhonesInText(text: string): string {
  return text.replace(MOBILE_IN_TEXT, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}

/** Deep copy of a log payload with every mobile number in every string masked. */
export function maskPhonesDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhonesInText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskPhonesInText(value.message), stack: value.stack && maskPhonesInText(value.stack) };
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskPhonesDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskPhonesDeep(v, depth + 1);
  return out;
}
