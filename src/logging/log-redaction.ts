import { maskPhonesInText } from './mask-phones.js';

/**
 * What never reaches a log line in clear: the SMS callback token (the only credential of the carrier
 * callback routes, carried in their path) and mainland mobile numbers — also when they are
 * percent-encoded (a path such as /api/x/%31%33%39…) or hidden in a client-supplied value (X-Request-Id).
 */
const CALLBACK_TOKEN = /(\/callbacks\/tencent\/sms\/)[^/?#\s"\\]+/g;
const MOBILE = /(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/;
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
export const REDACTED = '[REDACTED]';

/** Percent-decodes every %XX run (as UTF-8, never throwing), up to three times for double encoding. */
function percentDecode(text: string): string {
  let out = text;
  for (let i = 0; i < 3 && out.includes('%'); i++) {
    const next = out.replace(PERCENT_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
    if (next === out) break;
    out = next;
  }
  return out;
}

const sensitive = (text: string) => MOBILE.test(text) || text.includes('/callbacks/tencent/sms/');

/**
 * One string as it may be logged: the callback token replaced, mobile numbers masked (138****8888). When
 * URL-decoding reveals either, the decoded text is what gets logged, redacted.
 */
export function redactText(text: string): string {
  const decoded = text.includes('%') ? percentDecode(text) : text;
  const source = decoded !== text && sensitive(decoded) ? decoded : text;
  return maskPhonesInText(source.replace(CALLBACK_TOKEN, `$1${REDACTED}`));
}

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactText(k)] = redactDeep(v, depth + 1);
  return out;
}

/**
 * A finished JSON log line (message, fields, bindings of every child logger, serialized errors) with
 * every string redacted. Lines with nothing that could need it (no digits run like a mobile, no '%', no
 * callback path) are passed through untouched; the others are parsed, redacted and written again.
 */
export function redactLogLine(line: string): string {
  if (!line.includes('%') && !sensitive(line)) return line;
  try {
    const newline = line.endsWith('\n') ? '\n' : '';
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}${newline}`;
  } catch {
    // Not JSON (never expected from pino): redact it as text.
    return redactText(line);
  }
}
