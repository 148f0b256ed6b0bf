/**
 * What the Tencent Cloud adapters share without importing the SDK: the HTTP profile (endpoint and an
 * explicit timeout instead of the SDK's 60 s) and the reading of what the SDK throws.
 */

export type TencentHttpProfile = { endpoint?: string; protocol?: string; reqTimeout: number };

/**
 * `endpoint` is a URL (`http://127.0.0.1:9000` for a local fake) or a bare host. The SDK signs with the
 * endpoint's first label as the service, so a custom endpoint changes the credential scope too.
 */
export function httpProfile(endpoint: string | undefined, timeoutMs: number): TencentHttpProfile {
  // The SDK's own timer is a backstop; our AbortSignal (same budget) is what ends a slow call.
  const reqTimeout = Math.max(1, Math.ceil(timeoutMs / 1000) + 1);
  if (!endpoint) return { reqTimeout };
  if (!/^[a-z]+:\/\//i.test(endpoint)) return { endpoint, reqTimeout };
  const url = new URL(endpoint);
  return { endpoint: url.host, protocol: `${url.protocol}//`, reqTimeout };
}

export type TencentFailure =
  /** Tencent answered with `Response.Error`: the request was refused as a whole. */
  | { kind: 'api'; code: string; message: string }
  /** An HTTP status other than 200 (a proxy or gateway in between). */
  | { kind: 'http'; status: number; message: string }
  /** The connection was never established, so nothing reached Tencent. */
  | { kind: 'not-sent'; message: string }
  /** Timed out, reset or unreadable after the request may have been written: Tencent may have acted on it. */
  | { kind: 'unknown'; message: string };

// Errors that happen before a TCP connection exists; anything else may follow a written request.
const BEFORE_CONNECT = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_INVALID_URL)\b/;

/** Reads an error thrown by an SDK call (TencentCloudSDKHttpException or a raw fetch error). */
export function classifyTencentError(err: unknown, timedOut: boolean): TencentFailure {
  const e = (err ?? {}) as { code?: unknown; httpCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (timedOut) return { kind: 'unknown', message: `no answer within the timeout (${message})` };
  // Tencent codes are CamelCase (`AuthFailure.SignatureFailure`); Node's are upper case (`ECONNRESET`).
  if (typeof e.code === 'string' && /^[A-Z][A-Za-z]*[a-z][A-Za-z]*(\.[A-Za-z0-9]+)*$/.test(e.code)) {
    return { kind: 'api', code: e.code, message };
  }
  if (typeof e.httpCode === 'number') return { kind: 'http', status: e.httpCode, message };
  if (BEFORE_CONNECT.test(message)) return { kind: 'not-sent', message };
  return { kind: 'unknown', message };
}

/** Runs an SDK call with an AbortSignal that fires after `timeoutMs`; reports whether it fired. */
export async function withDeadline<T>(
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return { ok: true, value: await call(controller.signal) };
  } catch (error) {
    return { ok: false, error, timedOut: controller.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds until the next midnight in China (UTC+8, no daylight saving): when daily caps reset. */
export function msUntilChinaMidnight(now: Date): number {
  const shanghai = now.getTime() + 8 * 3600_000;
  const nextMidnight = Math.floor(shanghai / 86_400_000 + 1) * 86_400_000;
  return nextMidnight - shanghai;
}
