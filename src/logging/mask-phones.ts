/** Any mainland mobile number inside free text, with or without +86/0086, not part of a longer digit run. */
const MOBILE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;

/** Replaces every mobile number in a string with its masked form (138****8888). */
export function maskPhonesInText(text: string): string {
  return text.replace(MOBILE_IN_TEXT, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}
